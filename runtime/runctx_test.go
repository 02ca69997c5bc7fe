package runtime_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/weftflow/weft/runtime"
)

const runCtxDoc = `  - workflowId: get
    inputs:
      type: object
      required: [id]
      properties:
        id: {type: string}
    steps:
      - stepId: fetch
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.id}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.fetch.outputs.name
`

// TestContextObserverAndRunID pins that a context's observer hears a run's
// events after the Runner's own, and that the context's run id is the
// run's id everywhere it is reported.
func TestContextObserverAndRunID(t *testing.T) {
	var mu sync.Mutex
	var order []string
	runnerObs := &runtime.Observer{StepFinished: func(r runtime.StepRecord) {
		mu.Lock()
		order = append(order, "runner:"+r.StepID)
		mu.Unlock()
	}}
	f := setup(t, doc(runCtxDoc), map[string][]reply{"GET /v1/items/a": {{status: 200, body: `{"name":"x"}`}}}, nil,
		runtime.WithObserver(runnerObs))
	var started []runtime.StepInfo
	ctxObs := &runtime.Observer{
		StepStarted: func(i runtime.StepInfo) { started = append(started, i) },
		StepFinished: func(r runtime.StepRecord) {
			mu.Lock()
			order = append(order, "ctx:"+r.StepID)
			mu.Unlock()
		},
	}
	ctx := runtime.ContextWithRunID(runtime.ContextWithObserver(context.Background(), ctxObs), "run-42")
	res, err := f.runner.Run(ctx, "get", map[string]any{"id": "a"})
	if err != nil || !res.Succeeded() {
		t.Fatalf("run: %v %+v", err, res)
	}
	if res.RunID != "run-42" {
		t.Errorf("RunID = %q, want run-42", res.RunID)
	}
	if len(started) != 1 || started[0].RunID != "run-42" {
		t.Errorf("StepStarted = %+v, want one with RunID run-42", started)
	}
	if got := strings.Join(order, " "); got != "runner:fetch ctx:fetch" {
		t.Errorf("order = %q", got)
	}
	// Without the context values, a fresh id and only the runner's observer.
	order = nil
	res2, _ := f.runner.Run(context.Background(), "get", map[string]any{"id": "a"})
	if res2.RunID == "run-42" || res2.RunID == "" {
		t.Errorf("second RunID = %q", res2.RunID)
	}
	if got := strings.Join(order, " "); got != "runner:fetch" {
		t.Errorf("order without context observer = %q", got)
	}
}

// TestWithSecretsMasks pins that values given to WithSecrets are masked in
// outputs and step records like credentials are.
func TestWithSecretsMasks(t *testing.T) {
	f := setup(t, doc(runCtxDoc), map[string][]reply{"GET /v1/items/a": {{status: 200, body: `{"name":"hunter2-config"}`}}}, nil,
		runtime.WithSecrets("hunter2-config", ""))
	res := f.run("get", map[string]any{"id": "a"})
	if got := mustJSON(res); strings.Contains(got, "hunter2-config") {
		t.Fatalf("secret in result: %s", got)
	}
	if res.Outputs["name"] != runtime.Mask {
		t.Errorf("output = %v, want the mask", res.Outputs["name"])
	}
}

// TestCheckInputs pins that CheckInputs refuses what Run would, without a
// request.
func TestCheckInputs(t *testing.T) {
	f := setup(t, doc(runCtxDoc), map[string][]reply{}, nil)
	if err := f.runner.CheckInputs("get", map[string]any{"id": "a"}); err != nil {
		t.Errorf("valid inputs: %v", err)
	}
	err := f.runner.CheckInputs("get", map[string]any{"id": 7})
	var ie *runtime.InputError
	if !errors.As(err, &ie) || len(ie.Problems) == 0 {
		t.Errorf("invalid inputs: %v, want *InputError", err)
	}
	if err := f.runner.CheckInputs("nope", nil); err == nil || !strings.Contains(err.Error(), "unknown workflow") {
		t.Errorf("unknown workflow: %v", err)
	}
	if calls := f.api.Calls(); len(calls) != 0 {
		t.Errorf("CheckInputs sent %v", calls)
	}
}
