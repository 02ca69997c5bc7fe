package arazzotest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzotest"
	"github.com/weftflow/weft/internal/casefile"
)

func TestExecCasePasses(t *testing.T) {
	rep, err := arazzotest.ExecCase(context.Background(), "testdata/cases/pass-bookshop")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed || len(rep.Calls) != 2 || rep.Result == nil {
		t.Errorf("want a pass with 2 calls:\n%s", rep)
	}
}

func TestRunCase(t *testing.T) {
	arazzotest.RunCase(t, "testdata/cases/pass-bookshop")
	arazzotest.RunCase(t, "testdata/cases/invalid-document")
}

func TestExecCaseReportsUnmatchedRequest(t *testing.T) {
	rep, err := arazzotest.ExecCase(context.Background(), "testdata/cases/fail-unmatched")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed {
		t.Fatalf("want a failure:\n%s", rep)
	}
	text := strings.Join(rep.Problems, "\n")
	for _, want := range []string{"status: got failed, want succeeded", "unmatched request: POST /orders"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, rep)
		}
	}
	if s := rep.String(); !strings.Contains(s, "FAIL fail-unmatched") || !strings.Contains(s, "POST /orders -> 501") {
		t.Errorf("report should show the verdict and the requests:\n%s", s)
	}
}

func TestExecCaseReportsEveryExpectation(t *testing.T) {
	rep, err := arazzotest.ExecCase(context.Background(), "testdata/cases/fail-expectations")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		"status: got succeeded, want failed",
		`does not contain "timeout"`,
		`outputs.orderId: got "o-1", want "o-2"`,
		"outputs.nope: missing",
		"steps: got [find, order], want [find]",
		"calls: got 2 requests, want 3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	if rep.Passed {
		t.Error("Passed with problems")
	}
}

func TestExecCaseFormatErrors(t *testing.T) {
	if _, err := arazzotest.ExecCase(context.Background(), "testdata/cases/bad-format"); err == nil || !strings.Contains(err.Error(), "expct") {
		t.Errorf("want an error naming the unknown field, got %v", err)
	}
	if _, err := arazzotest.ExecCase(context.Background(), "testdata/cases/no-such-case"); err == nil {
		t.Error("want an error for a missing case")
	}
}

// RunCases on a directory that is itself a case runs it as one subtest.
func TestRunCases(t *testing.T) {
	arazzotest.RunCases(t, "../testdata/conformance/retry-then-succeed")
}

func TestMockServerMatching(t *testing.T) {
	text := "plain"
	mocks := []arazzotest.Mock{
		{Request: arazzotest.MockRequest{Method: "GET", Path: "/a", Query: map[string]any{"n": 1, "tag": []any{"x", "y"}}},
			Response: arazzotest.MockResponse{Status: 200, Body: map[string]any{"m": 0}}, Times: 1},
		{Request: arazzotest.MockRequest{Method: "get", Path: "/a"},
			Response: arazzotest.MockResponse{Status: 202, BodyText: &text, Headers: map[string]any{"X-Served": "fallback"}}},
		{Request: arazzotest.MockRequest{Method: "POST", Path: "/b", Headers: map[string]any{"x-key": "k1"},
			Body: map[string]any{"a": 1, "list": []any{map[string]any{"id": 2}}}},
			Response: arazzotest.MockResponse{Status: 201}},
		{Request: arazzotest.MockRequest{Method: "POST", Path: "/form", Body: map[string]any{"grant_type": "client_credentials"}},
			Response: arazzotest.MockResponse{Status: 200}},
		{Request: arazzotest.MockRequest{Method: "POST", Path: "/text", Body: "hello"},
			Response: arazzotest.MockResponse{Status: 200}},
	}
	ms := arazzotest.NewMockServer(mocks)
	srv := httptest.NewServer(ms)
	defer srv.Close()
	do := func(method, path, ctype, body string, hdr map[string]string) (int, string, http.Header) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	tests := []struct {
		name, method, path, ctype, body string
		hdr                             map[string]string
		status                          int
		respBody                        string
	}{
		{"query subset, extra param ok", "GET", "/a?n=1&tag=x&tag=y&extra=1", "", "", nil, 200, `{"m":0}`},
		{"times used up: next entry", "GET", "/a?n=1&tag=x&tag=y", "", "", nil, 202, "plain"},
		{"list must match all values", "GET", "/a?n=1&tag=x", "", "", nil, 202, "plain"},
		{"body subset, header name folded", "POST", "/b", "application/json", `{"a":1.0,"b":2,"list":[{"id":2,"z":1}]}`, map[string]string{"X-Key": "k1"}, 201, ""},
		{"body value differs", "POST", "/b", "application/json", `{"a":2,"list":[{"id":2}]}`, map[string]string{"X-Key": "k1"}, 501, ""},
		{"array length differs", "POST", "/b", "application/json", `{"a":1,"list":[{"id":2},{"id":3}]}`, map[string]string{"X-Key": "k1"}, 501, ""},
		{"header missing", "POST", "/b", "application/json", `{"a":1,"list":[{"id":2}]}`, nil, 501, ""},
		{"form body as object", "POST", "/form", "application/x-www-form-urlencoded", "grant_type=client_credentials&scope=a", nil, 200, ""},
		{"text body", "POST", "/text", "text/plain", "hello", nil, 200, ""},
		{"path exact", "GET", "/a/", "", "", nil, 501, ""},
	}
	for _, tt := range tests {
		status, body, hdr := do(tt.method, tt.path, tt.ctype, tt.body, tt.hdr)
		if status != tt.status || tt.respBody != "" && strings.TrimSpace(body) != tt.respBody {
			t.Errorf("%s: got %d %q, want %d %q", tt.name, status, body, tt.status, tt.respBody)
		}
		if tt.status == 202 && (hdr.Get("X-Served") != "fallback" || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain")) {
			t.Errorf("%s: headers %v", tt.name, hdr)
		}
		if tt.status == 200 && tt.respBody != "" && hdr.Get("Content-Type") != "application/json" {
			t.Errorf("%s: JSON body without JSON content type: %v", tt.name, hdr)
		}
	}
	if got := len(ms.Calls()); got != len(tests) {
		t.Errorf("Calls() = %d, want %d", got, len(tests))
	}
	if got := len(ms.Unmatched()); got != 4 {
		t.Errorf("Unmatched() = %d, want 4", got)
	}
	var buf bytes.Buffer
	for _, c := range ms.Unmatched() {
		buf.WriteString(c.String() + "\n")
	}
	if !strings.Contains(buf.String(), "GET /a/ -> 501") {
		t.Errorf("unmatched calls:\n%s", buf.String())
	}
}

// TestConformance runs every case of the repository's conformance suite.
// TestConformance runs weft's own conformance cases and logs the summary
// row quoted in docs/conformance.md.
func TestConformance(t *testing.T) {
	const root = "../testdata/conformance"
	dirs, err := casefile.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 87 {
		t.Fatalf("found %d cases under %s, want at least 87", len(dirs), root)
	}
	var failed atomic.Int32
	t.Cleanup(func() {
		t.Logf("| own cases (testdata/conformance) | %d | %d | %d |", len(dirs), len(dirs)-int(failed.Load()), failed.Load())
	})
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			defer func() {
				if t.Failed() {
					failed.Add(1)
				}
			}()
			arazzotest.RunCase(t, dir)
		})
	}
}

func TestExecCaseRecordsWaitsWithoutSleeping(t *testing.T) {
	rep, err := arazzotest.ExecCase(context.Background(), "../testdata/conformance/retry-then-succeed")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed || len(rep.Waits) != 2 || rep.Waits[0] != 2*time.Second {
		t.Errorf("want a pass with two 2s waits, got %v:\n%s", rep.Waits, rep)
	}
	if rep.Duration <= 0 || rep.Duration > time.Second {
		t.Errorf("Duration = %v: waits should be skipped", rep.Duration)
	}
}
