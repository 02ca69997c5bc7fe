package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/runtime"
)

// Step outputs and failure (decisions F1, F3, F4): an execution that got a
// response records its outputs whatever its outcome. Its own action
// criteria see them, a later step reached by a failure action reads them
// as $steps.<id>.outputs, and the workflow outputs report them; a re-run
// that got a response overwrites the earlier visit's outputs.
func TestFailedExecutionOutputsRecorded(t *testing.T) {
	flow := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        successCriteria:
          - condition: $statusCode == 200
        outputs: {v: $response.body#/v}
        onSuccess:
          - name: again
            type: goto
            stepId: a
            criteria: [{condition: $steps.a.outputs.v == 'one'}]
        onFailure:
          - name: report
            type: goto
            stepId: b
            criteria: [{condition: $steps.a.outputs.v == 'two'}]
      - stepId: b
        operationId: listItems
        outputs: {seen: $steps.a.outputs.v}
    outputs:
      a: $steps.a.outputs.v
      b: $steps.b.outputs.seen
`)
	f := setup(t, flow, map[string][]reply{
		"GET /v1/flaky": {{status: 200, body: `{"v":"one"}`}, {status: 500, body: `{"v":"two"}`}},
		"GET /v1/items": {{status: 200, body: `[]`}},
	}, nil)
	res := f.run("w", nil)
	if got := trace(res); got != "a#1:goto step a a#1:goto step b b#1:next" {
		t.Fatalf("trace = %s", got)
	}
	if !res.Succeeded() || res.Outputs["a"] != "two" || res.Outputs["b"] != "two" {
		t.Errorf("outputs = %v (%s)", res.Outputs, res.Status)
	}
}

// An execution that got no response (a transport error) has no outputs to
// record, so it leaves the outputs of an earlier visit in place.
func TestExecutionWithoutResponseKeepsEarlierOutputs(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/flaky":
			if calls.Add(1) == 1 {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"v":"one"}`)
				return
			}
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close() // no response at all
			}
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[]`)
		}
	}))
	defer srv.Close()
	flow := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        outputs: {v: $response.body#/v}
        onSuccess:
          - {name: again, type: goto, stepId: a}
        onFailure:
          - {name: report, type: goto, stepId: b}
      - stepId: b
        operationId: listItems
        outputs: {seen: $steps.a.outputs.v}
    outputs:
      b: $steps.b.outputs.seen
`)
	r := loadRunner(t, testAPI, flow, runtime.WithServer("api", srv.URL+"/v1"))
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := trace(res); got != "a#1:goto step a a#1:goto step b b#1:next" {
		t.Fatalf("trace = %s", got)
	}
	if res.Outputs["b"] != "one" {
		t.Errorf("outputs = %v", res.Outputs)
	}
}
