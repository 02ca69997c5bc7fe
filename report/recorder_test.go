package report

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/weftflow/weft/internal/reportschema"
	"github.com/weftflow/weft/runtime"
)

// The recorder pairs each step execution (in Result.Steps order) with its
// last exchange, across nested workflows and a resend.
func TestRecorderPairsStepsWithExchanges(t *testing.T) {
	var r Recorder
	o := r.Observer()
	outer := runtime.StepInfo{RunID: "r", WorkflowID: "wf", StepID: "call", Attempt: 1}
	inner := runtime.StepInfo{RunID: "r", WorkflowID: "sub", StepID: "get", Attempt: 1}
	o.StepStarted(outer)
	o.StepStarted(inner)
	o.RequestSent(runtime.RequestInfo{StepInfo: inner, Method: "GET", URL: "http://h/a", Header: http.Header{"Authorization": {"****"}}})
	o.ResponseReceived(runtime.ResponseInfo{StepInfo: inner, StatusCode: 401})
	o.RequestSent(runtime.RequestInfo{StepInfo: inner, Method: "GET", URL: "http://h/a"})
	o.ResponseReceived(runtime.ResponseInfo{StepInfo: inner, StatusCode: 200, Body: []byte(`{"ok":true}`)})
	o.StepFinished(runtime.StepRecord{WorkflowID: "sub", StepID: "get", Attempt: 1})
	o.StepFinished(runtime.StepRecord{WorkflowID: "wf", StepID: "call", Attempt: 1})
	if n := len(r.Exchanges()); n != 2 {
		t.Fatalf("%d exchanges, want 2", n)
	}
	if ex, ok := r.StepExchange(0); !ok || ex.Response == nil || ex.Response.StatusCode != 200 {
		t.Errorf("step 0: %+v %v", ex, ok)
	}
	if _, ok := r.StepExchange(1); ok {
		t.Error("the workflow step sent nothing")
	}
	res := &runtime.Result{RunID: "r", WorkflowID: "wf", Status: runtime.StatusSucceeded, Steps: []runtime.StepRecord{
		{WorkflowID: "sub", StepID: "get", Attempt: 1, Status: runtime.StatusSucceeded, Started: time.Now()},
		{WorkflowID: "wf", StepID: "call", Attempt: 1, Status: runtime.StatusSucceeded},
	}}
	var buf bytes.Buffer
	if err := Encode(&buf, Build(res, Meta{WeftVersion: "v1", Document: "d.yaml", Recorder: &r})); err != nil {
		t.Fatal(err)
	}
	reportschema.Check(t, buf.Bytes())
	if !strings.Contains(buf.String(), `"bodyExcerpt": "{\"ok\":true}"`) {
		t.Errorf("response excerpt missing:\n%s", buf.String())
	}
}

func TestObserversCallEachInOrder(t *testing.T) {
	var got []string
	a := &runtime.Observer{StepFinished: func(runtime.StepRecord) { got = append(got, "a") }}
	b := &runtime.Observer{StepFinished: func(runtime.StepRecord) { got = append(got, "b") },
		RequestSent: func(runtime.RequestInfo) { got = append(got, "b-req") }}
	o := Observers(a, nil, b)
	o.StepFinished(runtime.StepRecord{})
	o.RequestSent(runtime.RequestInfo{})
	if o.StepStarted != nil || strings.Join(got, ",") != "a,b,b-req" {
		t.Errorf("calls %v", got)
	}
}

func TestExcerptCutsAtRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 10) // 2 bytes each
	if got := Excerpt([]byte(s), 5); got != "éé" {
		t.Errorf("Excerpt = %q", got)
	}
	if got := Excerpt([]byte{0xff, 'a'}, 10); !utf8.ValidString(got) {
		t.Errorf("Excerpt of invalid UTF-8 = %q", got)
	}
}

func TestHARWithoutResponse(t *testing.T) {
	ex := []Exchange{{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Request: runtime.RequestInfo{Method: "POST", URL: "http://h/x?a=1&b=2", Header: http.Header{"Cookie": {"s=****"}}, Body: []byte("hi")}}}
	var buf bytes.Buffer
	if err := WriteHAR(&buf, ex, "v1"); err != nil {
		t.Fatal(err)
	}
	var h HAR
	if err := json.Unmarshal(buf.Bytes(), &h); err != nil {
		t.Fatal(err)
	}
	e := h.Log.Entries[0]
	if e.Response.Status != 0 || len(e.Request.QueryString) != 2 || len(e.Request.Cookies) != 1 || e.Request.Cookies[0].Value != "****" ||
		e.Request.PostData == nil || e.Request.BodySize != 2 || e.StartedDateTime != "2026-01-02T03:04:05Z" {
		t.Errorf("entry %+v", e)
	}
}

// Excerpt always returns valid UTF-8 of at most max bytes of input
// (each invalid byte becomes one U+FFFD).
func FuzzExcerpt(f *testing.F) {
	f.Add([]byte("héllo wörld"), 4)
	f.Add([]byte{0xe2, 0x82, 0xac, 0xe2, 0x82}, 4)
	f.Add([]byte{0xff, 0xfe, 'a'}, 1)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := Excerpt(b, max)
		if !utf8.ValidString(got) {
			t.Fatalf("Excerpt(%q, %d) = %q: not UTF-8", b, max, got)
		}
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("Excerpt(%q, %d) has %d runes", b, max, n)
		}
	})
}
