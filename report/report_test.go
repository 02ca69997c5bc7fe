package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/reportschema"
	"github.com/weftflow/weft/runtime"
)

func sampleResult() *runtime.Result {
	return &runtime.Result{
		RunID: "r1", WorkflowID: "wf", Status: runtime.StatusFailed,
		Outputs: map[string]any{"id": "x1"}, Error: "step get failed", FailedStep: "get",
		Duration: 1500 * time.Millisecond,
		Steps: []runtime.StepRecord{
			{WorkflowID: "wf", StepID: "create", Attempt: 1, Status: runtime.StatusSucceeded, Method: "POST",
				URL: "http://h/items", StatusCode: 201, Duration: 12 * time.Millisecond, Action: "next"},
			{WorkflowID: "sub", StepID: "get", Attempt: 2, Status: runtime.StatusFailed, Method: "GET",
				URL: "http://h/items/x1?key=****", StatusCode: 404, Duration: 3 * time.Millisecond, Action: "fail",
				FailedCriteria: []runtime.CriterionFailure{{Index: 0, Condition: "$statusCode == 200", Type: "simple", Detail: "404 != 200"}}},
		},
	}
}

func TestJSONKeys(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleResult()); err != nil {
		t.Fatal(err)
	}
	reportschema.Check(t, buf.Bytes())
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	if got, want := keys(m), []string{"diagnostics", "document", "durationMs", "error", "outputs", "runId", "schemaVersion", "startedAt", "status", "steps", "warnings", "weftVersion", "workflowId"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	steps := m["steps"].([]any)
	s1 := steps[1].(map[string]any)
	want := []string{"action", "attempt", "durationMs", "error", "failedCriteria", "method", "missing", "outputs", "request", "response", "startedAt", "status", "statusCode", "stepId", "url", "workflowId"}
	if got := keys(s1); !reflect.DeepEqual(got, want) {
		t.Errorf("step keys %v, want %v", got, want)
	}
	if m["durationMs"] != 1500.0 || m["error"] != "step get failed" || s1["attempt"] != 2.0 || s1["url"] != "http://h/items/x1?key=****" {
		t.Errorf("values: %v", m)
	}
	fc := s1["failedCriteria"].([]any)[0].(map[string]any)
	if fc["condition"] != "$statusCode == 200" {
		t.Errorf("failedCriteria %v", fc)
	}
	// Empty lists and objects are [] and {}, never null; error is null on success.
	buf.Reset()
	WriteJSON(&buf, &runtime.Result{WorkflowID: "w", Status: runtime.StatusSucceeded,
		Steps: []runtime.StepRecord{{StepID: "s", Status: runtime.StatusSucceeded}}})
	for _, want := range []string{`"outputs": {}`, `"error": null`, `"failedCriteria": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("want %s in\n%s", want, buf.String())
		}
	}
}

func TestJUnit(t *testing.T) {
	s := &Suites{Name: "weft"}
	s.Add(SuiteFromResult(sampleResult(), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "<?xml") {
		t.Errorf("no XML declaration:\n%s", out)
	}
	var doc Suites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 || doc.Time != "1.500" {
		t.Errorf("totals %+v", doc)
	}
	su := doc.Suites[0]
	if su.Name != "wf" || su.Timestamp != "2026-01-02T03:04:05" || len(su.Cases) != 2 {
		t.Fatalf("suite %+v", su)
	}
	if su.Cases[0].Failure != nil || su.Cases[1].Failure == nil {
		t.Errorf("failures: %+v", su.Cases)
	}
	if c := su.Cases[1]; c.Name != "get" || c.Classname != "sub" || c.Time != "0.003" ||
		!strings.Contains(c.Failure.Message, "$statusCode == 200") || !strings.Contains(c.Failure.Text, "404 != 200") {
		t.Errorf("case %+v failure %+v", c, c.Failure)
	}
}

func TestJUnitWorkflowErrorWithoutFailedStep(t *testing.T) {
	res := &runtime.Result{WorkflowID: "wf", Status: runtime.StatusFailed, Error: "limit maxStepExecutions (3) reached",
		Steps: []runtime.StepRecord{{WorkflowID: "wf", StepID: "a", Attempt: 1, Status: runtime.StatusSucceeded}}}
	su := SuiteFromResult(res, time.Time{})
	if len(su.Cases) != 2 || su.Cases[1].Error == nil || su.Cases[1].Error.Type != "limit" || !strings.Contains(su.Cases[1].Error.Message, "limit") {
		t.Errorf("want an extra failing testcase for the workflow error: %+v", su.Cases)
	}
}

func TestPrinter(t *testing.T) {
	var buf bytes.Buffer
	p := &Printer{W: &buf, Workflow: "wf", Verbose: true}
	o := p.Observer()
	if o.RequestSent == nil || o.ResponseReceived == nil || o.StepFinished == nil {
		t.Fatal("verbose observer lacks callbacks")
	}
	o.RequestSent(runtime.RequestInfo{Method: "GET", URL: "http://h/x", Header: map[string][]string{"Authorization": {"****"}}})
	o.ResponseReceived(runtime.ResponseInfo{StatusCode: 404, Body: []byte(`{"message":"no"}`), Duration: time.Millisecond})
	for _, s := range sampleResult().Steps {
		o.StepFinished(s)
	}
	out := buf.String()
	for _, want := range []string{"→ GET http://h/x", "Authorization: ****", "← 404 Not Found", `{"message":"no"}`,
		"✓ create", "POST", "201", "12ms", "✗ sub/get (attempt 2)", "criterion 0 failed: $statusCode == 200 (404 != 200)", "→ fail"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour without Color:\n%s", out)
	}
	buf.Reset()
	p = &Printer{W: &buf, Color: true}
	if p.Observer().RequestSent != nil {
		t.Error("non-verbose printer should not print requests")
	}
	p.StepFinished(sampleResult().Steps[1])
	if !strings.Contains(buf.String(), "\x1b[31m") {
		t.Errorf("want red for a failed step: %q", buf.String())
	}
}

func TestUseColorRespectsNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if UseColor(nil) {
		t.Error("NO_COLOR set: no colour")
	}
}

// A visit whose retries all failed is one failure with the earlier
// attempts as rerunFailure; a transport error is an error, not a failure.
func TestJUnitRerunAndError(t *testing.T) {
	res := &runtime.Result{WorkflowID: "wf", Status: runtime.StatusFailed, Steps: []runtime.StepRecord{
		{WorkflowID: "wf", StepID: "a", Attempt: 1, Status: runtime.StatusFailed, StatusCode: 503, Action: "retry"},
		{WorkflowID: "wf", StepID: "a", Attempt: 2, Status: runtime.StatusFailed, StatusCode: 503, Action: "fail"},
		{WorkflowID: "wf", StepID: "b", Attempt: 1, Status: runtime.StatusFailed, Error: "GET http://h: connection refused", Action: "fail"},
	}}
	s := &Suites{}
	s.Add(NewSuite(res, SuiteOptions{}))
	su := s.Suites[0]
	if len(su.Cases) != 2 || su.Failures != 1 || su.Errors != 1 || s.Failures != 1 || s.Errors != 1 {
		t.Fatalf("suite %+v", su)
	}
	if c := su.Cases[0]; c.Failure == nil || c.Failure.Type != "status" || len(c.RerunFailures) != 1 {
		t.Errorf("a: %+v", c)
	}
	if c := su.Cases[1]; c.Error == nil || c.Error.Type != "error" || !strings.Contains(c.Error.Message, "connection refused") {
		t.Errorf("b: %+v", c)
	}
}
