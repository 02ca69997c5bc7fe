package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// A linear workflow: request bodies and path parameters from inputs and
// earlier outputs, criteria, step and workflow outputs.
func TestLinearWorkflowOutputs(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: create-and-read
    inputs:
      type: object
      required: [name]
      properties:
        name: {type: string}
        size: {type: integer, default: 3}
    steps:
      - stepId: create
        operationId: createItem
        requestBody:
          contentType: application/json
          payload:
            name: $inputs.name
            size: $inputs.size
            label: "item {$inputs.name} of {$inputs.size}"
        successCriteria:
          - condition: $statusCode == 201
        outputs:
          id: $response.body#/id
      - stepId: read
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $steps.create.outputs.id}
        successCriteria:
          - condition: $statusCode == 200
          - context: $response.body
            condition: $.name == 'widget'
            type: jsonpath
        outputs:
          name: $response.body#/name
    outputs:
      id: $steps.create.outputs.id
      name: $steps.read.outputs.name
`), map[string][]reply{
		"POST /v1/items":     {{status: 201, body: `{"id":"it_1"}`}},
		"GET /v1/items/it_1": {{status: 200, body: `{"id":"it_1","name":"widget"}`}},
	}, nil)
	res := f.run("create-and-read", map[string]any{"name": "widget"})
	if !res.Succeeded() {
		t.Fatalf("failed: %s; trace %s", res.Error, trace(res))
	}
	if got := mustJSON(res.Outputs); got != `{"id":"it_1","name":"widget"}` {
		t.Errorf("outputs = %s", got)
	}
	if got := f.api.bodies[0]; got != `{"label":"item widget of 3","name":"widget","size":3}` {
		t.Errorf("create body = %s", got)
	}
	if got := trace(res); got != "create#1:next read#1:next" {
		t.Errorf("trace = %s", got)
	}
	if res.Steps[1].Method != http.MethodGet || !strings.HasSuffix(res.Steps[1].URL, "/v1/items/it_1") || res.Steps[1].StatusCode != 200 {
		t.Errorf("step record = %+v", res.Steps[1])
	}
}

// Inputs that violate the schema are an error from Run listing every problem.
func TestInputsValidated(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    inputs:
      type: object
      required: [name, count]
      properties:
        name: {type: string}
        count: {type: integer}
    steps:
      - stepId: s
        operationId: poll
`), nil, nil)
	_, err := f.runner.Run(context.Background(), "w", map[string]any{"count": "x"})
	var ie *runtime.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want InputError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "name") || !strings.Contains(msg, "/count") {
		t.Errorf("error does not list both problems: %s", msg)
	}
	if calls := f.api.Calls(); len(calls) != 0 {
		t.Errorf("calls = %v, want none", calls)
	}
}

// D4: without successCriteria, 2xx succeeds and anything else fails.
func TestDefaultSuccessIs2xx(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: ok
        operationId: poll
      - stepId: missing
        operationId: getItem
        parameters:
          - {name: id, in: path, value: nope}
      - stepId: never
        operationId: flaky
`), map[string][]reply{
		"GET /v1/poll":       {{status: 204}},
		"GET /v1/items/nope": {{status: 404, body: `{}`}},
	}, nil)
	res := f.run("w", nil)
	if res.Succeeded() {
		t.Fatal("workflow succeeded, want failure at step missing")
	}
	if res.FailedStep != "missing" || !strings.Contains(res.Error, "404") {
		t.Errorf("FailedStep=%q Error=%q", res.FailedStep, res.Error)
	}
	// F2: failure with no matching action stops the workflow.
	if got := trace(res); got != "ok#1:next missing#1:fail" {
		t.Errorf("trace = %s", got)
	}
}

// F1: candidate actions are the step's in order, then the workflow's whose
// names the step did not redefine; the first whose criteria pass runs.
func TestActionOrderAndInheritance(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    successActions:
      - name: finish
        type: end
      - name: jump
        type: goto
        stepId: c
    steps:
      - stepId: a
        operationId: poll
        onSuccess:
          - name: never
            type: goto
            stepId: c
            criteria:
              - condition: $statusCode == 299
          - name: finish
            type: goto
            stepId: b
            criteria:
              - condition: $response.body#/next == 'b'
      - stepId: b
        operationId: flaky
      - stepId: c
        operationId: reset
`), map[string][]reply{
		"GET /v1/poll":   {{body: `{"next":"B"}`}},
		"GET /v1/flaky":  {{body: `{}`}},
		"POST /v1/reset": {{body: `{}`}},
	}, nil)
	res := f.run("w", nil)
	// a: "never" fails, the step's own "finish" (goto b; 'B' == 'b'
	// case-insensitively) wins over the workflow's "finish". b: no own
	// actions; inherited "finish" (end) comes before "jump".
	if got := trace(res); got != "a#1:goto step b b#1:end" {
		t.Errorf("trace = %s", got)
	}
	if !res.Succeeded() {
		t.Errorf("status %s: %s", res.Status, res.Error)
	}
	if res.Steps[0].ActionName != "finish" {
		t.Errorf("action name = %q", res.Steps[0].ActionName)
	}
}

// F3: end from a success action succeeds; from a failure action fails.
// Outputs are evaluated as far as they resolve.
func TestEndFromSuccessAndFailure(t *testing.T) {
	wf := `
  - workflowId: ok
    steps:
      - stepId: a
        operationId: poll
        onSuccess:
          - {name: stop, type: end}
        outputs:
          v: $response.body#/v
      - stepId: b
        operationId: flaky
        outputs:
          w: $response.body#/w
    outputs:
      v: $steps.a.outputs.v
      w: $steps.b.outputs.w
  - workflowId: bad
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: stop, type: end}
      - stepId: b
        operationId: poll
`
	f := setup(t, doc(wf), map[string][]reply{
		"GET /v1/poll":  {{body: `{"v":7}`}},
		"GET /v1/flaky": {{status: 500, body: `{}`}},
	}, nil)
	res := f.run("ok", nil)
	if !res.Succeeded() || trace(res) != "a#1:end" {
		t.Fatalf("ok: %s %s", res.Status, trace(res))
	}
	if got := mustJSON(res.Outputs); got != `{"v":7}` {
		t.Errorf("outputs = %s (w must be left out: step b never ran)", got)
	}
	res = f.run("bad", nil)
	if res.Succeeded() || trace(res) != "a#1:end" || res.FailedStep != "a" {
		t.Errorf("bad: %s %s failed at %q", res.Status, trace(res), res.FailedStep)
	}
}

// F4: goto backward keeps outputs recorded so far; a step run again
// overwrites its own outputs. A polling loop ends when its criterion holds.
func TestGotoBackwardPolling(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: start
        operationId: createItem
        outputs:
          id: $response.body#/id
      - stepId: check
        operationId: poll
        outputs:
          state: $response.body#/state
        onSuccess:
          - name: again
            type: goto
            stepId: check
            criteria:
              - condition: $response.body#/state != 'done'
    outputs:
      id: $steps.start.outputs.id
      state: $steps.check.outputs.state
`), map[string][]reply{
		"POST /v1/items": {{status: 201, body: `{"id":"x1"}`}},
		"GET /v1/poll":   {{body: `{"state":"pending"}`}, {body: `{"state":"running"}`}, {body: `{"state":"done"}`}},
	}, nil)
	res := f.run("w", nil)
	if got := trace(res); got != "start#1:next check#1:goto step check check#1:goto step check check#1:next" {
		t.Errorf("trace = %s", got)
	}
	if got := mustJSON(res.Outputs); got != `{"id":"x1","state":"done"}` {
		t.Errorf("outputs = %s", got)
	}
}

// F4: goto forward skips steps.
func TestGotoForward(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: poll
        onSuccess:
          - {name: skip, type: goto, stepId: c}
      - stepId: b
        operationId: flaky
      - stepId: c
        operationId: reset
`), map[string][]reply{"GET /v1/poll": {{}}, "POST /v1/reset": {{}}}, nil)
	res := f.run("w", nil)
	if got := trace(res); got != "a#1:goto step c c#1:next" || !res.Succeeded() {
		t.Errorf("trace = %s status %s", got, res.Status)
	}
}

// F4: goto workflowId is a one-way transfer; the result is the target's.
func TestGotoWorkflow(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: main
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: recover, type: goto, workflowId: cleanup}
        outputs:
          x: $response.body#/x
      - stepId: b
        operationId: poll
    outputs:
      a: $steps.a.outputs.x
  - workflowId: cleanup
    steps:
      - stepId: r
        operationId: reset
        outputs:
          done: $response.body#/done
    outputs:
      done: $steps.r.outputs.done
`), map[string][]reply{
		"GET /v1/flaky":  {{status: 503, body: `{}`}},
		"POST /v1/reset": {{body: `{"done":true}`}},
	}, nil)
	res := f.run("main", nil)
	if got := trace(res); got != "a#1:goto workflow cleanup r#1:next" {
		t.Errorf("trace = %s", got)
	}
	if !res.Succeeded() {
		t.Errorf("status %s (%s); want the target's status", res.Status, res.Error)
	}
	for _, c := range f.api.Calls() {
		if c == "GET /v1/poll" {
			t.Error("step b ran after a one-way goto")
		}
	}
}

// F5: retryLimit absent means one retry; a retry that succeeds makes the
// step a success; retryAfter is waited.
func TestRetryDefaultLimitAndSuccess(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: again, type: retry, retryAfter: 1.5}
`), map[string][]reply{"GET /v1/flaky": {{status: 500}, {status: 200, body: `{}`}}}, nil)
	res := f.run("w", nil)
	if !res.Succeeded() || trace(res) != "a#1:retry a#2:next" {
		t.Errorf("status %s trace %s", res.Status, trace(res))
	}
	if len(f.waits) != 1 || f.waits[0] != 1500*time.Millisecond {
		t.Errorf("waits = %v, want [1.5s]", f.waits)
	}
}

// F5: the limit is used up, then selection continues with later failure
// actions; retryLimit 0 never retries.
func TestRetryExhaustionFallsThrough(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: zero, type: retry, retryLimit: 0}
          - {name: twice, type: retry, retryLimit: 2}
          - {name: give-up, type: goto, stepId: b}
      - stepId: b
        operationId: reset
`), map[string][]reply{"GET /v1/flaky": {{status: 500}}, "POST /v1/reset": {{}}}, nil)
	res := f.run("w", nil)
	if got := trace(res); got != "a#1:retry a#2:retry a#3:goto step b b#1:next" {
		t.Errorf("trace = %s", got)
	}
	if res.Steps[2].ActionName != "give-up" {
		t.Errorf("last action = %q", res.Steps[2].ActionName)
	}
}

// F5: a Retry-After header (seconds, or an HTTP date) overrides retryAfter
// and is capped by MaxRetryAfter.
func TestRetryAfterHeader(t *testing.T) {
	wf := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: again, type: retry, retryAfter: 1, retryLimit: 3}
`)
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	f := setup(t, wf, map[string][]reply{"GET /v1/flaky": {
		{status: 429, header: map[string]string{"Retry-After": "7"}},
		{status: 429, header: map[string]string{"Retry-After": future}},
		{status: 429, header: map[string]string{"Retry-After": "100000"}},
		{status: 200},
	}}, nil, runtime.WithLimits(runtime.Limits{MaxRetryAfter: time.Minute}))
	res := f.run("w", nil)
	if !res.Succeeded() {
		t.Fatalf("status %s trace %s", res.Status, trace(res))
	}
	if len(f.waits) != 3 || f.waits[0] != 7*time.Second || f.waits[2] != time.Minute {
		t.Fatalf("waits = %v", f.waits)
	}
	if f.waits[1] != time.Minute {
		t.Errorf("HTTP-date wait %v not capped at 1m", f.waits[1])
	}
}

// F5: a retry with stepId runs that step first, then retries.
func TestRetryTargetStep(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: reset-first, type: retry, stepId: fix, retryLimit: 1}
      - stepId: fix
        operationId: reset
        onSuccess:
          - {name: done, type: end}
`), map[string][]reply{"GET /v1/flaky": {{status: 500}, {status: 200}}, "POST /v1/reset": {{}}}, nil)
	res := f.run("w", nil)
	if got := strings.Join(f.api.Calls(), ","); got != "GET /v1/flaky,POST /v1/reset,GET /v1/flaky,POST /v1/reset" {
		t.Errorf("calls = %s", got)
	}
	if got := trace(res); got != "a#1:retry fix#1:next a#2:next fix#1:end" {
		t.Errorf("trace = %s", got)
	}
}

// A workflow step: parameters become the callee's inputs, its outputs are
// $outputs for the step's outputs.
func TestSubWorkflow(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: parent
    steps:
      - stepId: call
        workflowId: child
        parameters:
          - {name: id, value: abc}
        outputs:
          got: $outputs.name
    outputs:
      name: $steps.call.outputs.got
  - workflowId: child
    inputs:
      type: object
      required: [id]
      properties:
        id: {type: string}
    steps:
      - stepId: read
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.id}
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.read.outputs.name
`), map[string][]reply{"GET /v1/items/abc": {{body: `{"name":"Abc"}`}}}, nil)
	res := f.run("parent", nil)
	if !res.Succeeded() || mustJSON(res.Outputs) != `{"name":"Abc"}` {
		t.Fatalf("status %s outputs %s err %s", res.Status, mustJSON(res.Outputs), res.Error)
	}
	if got := trace(res); got != "read#1:next call#1:next" {
		t.Errorf("trace = %s", got)
	}
}

// A workflow in an arazzo source runs against its own document.
func TestCrossDocumentWorkflow(t *testing.T) {
	lib := `arazzo: 1.0.1
info: {title: lib, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
components:
  parameters:
    idParam: {name: id, in: path, value: lib-default}
workflows:
  - workflowId: fetch
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - reference: $components.parameters.idParam
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.get.outputs.name
`
	main := `arazzo: 1.0.1
info: {title: main, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
  - {name: lib, url: ./lib.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: main
    steps:
      - stepId: viaLib
        workflowId: $sourceDescriptions.lib.fetch
        outputs:
          name: $outputs.name
    outputs:
      name: $steps.viaLib.outputs.name
`
	f := setup(t, main, map[string][]reply{"GET /v1/items/lib-default": {{body: `{"name":"from-lib"}`}}},
		map[string]string{"lib.arazzo.yaml": lib})
	res := f.run("main", nil)
	if !res.Succeeded() || mustJSON(res.Outputs) != `{"name":"from-lib"}` {
		t.Fatalf("status %s outputs %s err %s trace %s", res.Status, mustJSON(res.Outputs), res.Error, trace(res))
	}
}

// F6: dependencies run first, once per run, with WithDependencyInputs;
// their outputs are $workflows.<id>.outputs; a failed one fails the
// dependent without running it.
func TestDependsOn(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: login
    inputs:
      type: object
      properties:
        user: {type: string}
    steps:
      - stepId: l
        operationId: createItem
        requestBody:
          payload: {user: $inputs.user}
        outputs:
          token: $response.body#/token
    outputs:
      token: $steps.l.outputs.token
  - workflowId: main
    dependsOn: [login]
    steps:
      - stepId: use
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $workflows.login.outputs.token}
    outputs:
      tok: $workflows.login.outputs.token
`), map[string][]reply{
		"POST /v1/items":    {{status: 201, body: `{"token":"t-9"}`}},
		"GET /v1/items/t-9": {{body: `{}`}},
	}, nil, runtime.WithDependencyInputs("login", map[string]any{"user": "ann"}))
	res := f.run("main", nil)
	if !res.Succeeded() || mustJSON(res.Outputs) != `{"tok":"t-9"}` {
		t.Fatalf("status %s outputs %s err %s", res.Status, mustJSON(res.Outputs), res.Error)
	}
	if got := trace(res); got != "l#1:next use#1:next" {
		t.Errorf("trace = %s", got)
	}
	if f.api.bodies[0] != `{"user":"ann"}` {
		t.Errorf("dependency inputs not used: %s", f.api.bodies[0])
	}

	g := setup(t, doc(`
  - workflowId: dep
    steps:
      - stepId: d
        operationId: flaky
  - workflowId: main
    dependsOn: [dep]
    steps:
      - stepId: m
        operationId: poll
`), map[string][]reply{"GET /v1/flaky": {{status: 500}}}, nil)
	res = g.run("main", nil)
	if res.Succeeded() || !strings.Contains(res.Error, `dependency "dep" failed`) {
		t.Errorf("status %s error %q", res.Status, res.Error)
	}
	if got := strings.Join(g.api.Calls(), ","); got != "GET /v1/flaky" {
		t.Errorf("calls = %s (dependent must not run)", got)
	}
}

// F7: workflow parameters apply to every step; the step's win by (name, in).
func TestParameterMerge(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    parameters:
      - {name: limit, in: query, value: 5}
      - {name: X-Trace, in: header, value: wf}
    steps:
      - stepId: a
        operationId: listItems
        parameters:
          - {name: limit, in: query, value: 9}
`), map[string][]reply{"GET /v1/items": {{body: `[]`}}}, nil)
	seenc := make(chan *http.Request, 1)
	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		seenc <- r.Clone(context.Background())
		w.WriteHeader(200)
	})
	res := f.run("w", nil)
	if !res.Succeeded() {
		t.Fatalf("%s", res.Error)
	}
	seen := <-seenc
	if seen.URL.RawQuery != "limit=9" || seen.Header.Get("X-Trace") != "wf" {
		t.Errorf("query %q header %q", seen.URL.RawQuery, seen.Header.Get("X-Trace"))
	}
}

// F8: MaxStepExecutions stops an endless goto loop with a named limit.
func TestLimitStepExecutions(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: poll
        onSuccess:
          - {name: loop, type: goto, stepId: a}
`), map[string][]reply{"GET /v1/poll": {{}}}, nil, runtime.WithLimits(runtime.Limits{MaxStepExecutions: 5}))
	res, err := f.runner.Run(context.Background(), "w", nil)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxStepExecutions" {
		t.Fatalf("err = %v", err)
	}
	// the sentinel matches through the masking wrapper; another does not
	if !errors.Is(err, runtime.ErrMaxSteps) || errors.Is(err, runtime.ErrMaxDepth) {
		t.Errorf("errors.Is(err, ErrMaxSteps) = %v, errors.Is(err, ErrMaxDepth) = %v",
			errors.Is(err, runtime.ErrMaxSteps), errors.Is(err, runtime.ErrMaxDepth))
	}
	if res == nil || len(res.Steps) != 5 || res.Succeeded() {
		t.Errorf("partial result: %+v", res)
	}
}

// F8: MaxDepth stops unbounded workflow recursion.
func TestLimitDepth(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: self
        workflowId: w
`), nil, nil, runtime.WithLimits(runtime.Limits{MaxDepth: 4}))
	_, err := f.runner.Run(context.Background(), "w", nil)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxDepth" {
		t.Fatalf("err = %v", err)
	}
}

// F8: RequestTimeout bounds each HTTP request.
func TestLimitRequestTimeout(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: slow
        operationId: poll
`), nil, nil, runtime.WithLimits(runtime.Limits{RequestTimeout: 50 * time.Millisecond}))
	release := make(chan struct{})
	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	_, err := f.runner.Run(context.Background(), "w", nil)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "RequestTimeout" {
		t.Fatalf("err = %v", err)
	}
}

// F8: a response body over MaxResponseBytes ends the run with the limit named.
func TestLimitResponseBytes(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: big
        operationId: poll
`), map[string][]reply{"GET /v1/poll": {{body: `"` + strings.Repeat("a", 4096) + `"`, header: map[string]string{"Content-Type": "text/plain"}}}},
		nil, runtime.WithLimits(runtime.Limits{MaxResponseBytes: 100}))
	res, err := f.runner.Run(context.Background(), "w", nil)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxResponseBytes" {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.Succeeded() {
		t.Errorf("result = %+v", res)
	}
}

// F5/F8: cancelling the context stops a run promptly, also during a
// retry wait (with the real sleep).
func TestCancelDuringRetryWait(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: wait, type: retry, retryAfter: 60}
`), map[string][]reply{"GET /v1/flaky": {{status: 500}}}, nil, runtime.WithSleep(func(ctx context.Context, d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.runner.Run(ctx, "w", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to stop", d)
	}
}

// F7: a parameter whose expression does not resolve is left out of the
// request and listed as missing in the trace.
func TestUnresolvedParameterLeftOut(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    inputs:
      type: object
      properties:
        limit: {type: integer}
    steps:
      - stepId: a
        operationId: listItems
        parameters:
          - {name: limit, in: query, value: $inputs.limit}
`), nil, nil)
	queries := make(chan string, 2)
	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		queries <- r.URL.RawQuery
		w.WriteHeader(200)
	})
	res := f.run("w", nil)
	if !res.Succeeded() {
		t.Fatalf("%s", res.Error)
	}
	if q := <-queries; q != "" {
		t.Errorf("query = %q, want none", q)
	}
	if got := res.Steps[0].Missing; len(got) != 1 || got[0] != "$inputs.limit" {
		t.Errorf("missing = %v", got)
	}
	res = f.run("w", map[string]any{"limit": 4})
	if q := <-queries; q != "limit=4" || !res.Succeeded() {
		t.Errorf("query = %q", q)
	}
}

// Inputs given as Go values of any JSON-encodable type are normalised to
// JSON types before validation and use.
func TestInputsNormalised(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    inputs:
      type: object
      properties:
        n: {type: integer}
        tags: {type: array, items: {type: string}}
        opts: {type: object}
    steps:
      - stepId: a
        operationId: createItem
        requestBody:
          payload: {n: $inputs.n, tags: $inputs.tags, opts: $inputs.opts}
`), map[string][]reply{"POST /v1/items": {{status: 201, body: `{}`}}}, nil)
	type opt struct {
		Deep bool `json:"deep"`
	}
	res := f.run("w", map[string]any{"n": int64(7), "tags": []string{"a", "b"}, "opts": opt{Deep: true}})
	if !res.Succeeded() {
		t.Fatalf("%s", res.Error)
	}
	if got := f.api.bodies[0]; got != `{"n":7,"opts":{"deep":true},"tags":["a","b"]}` {
		t.Errorf("body = %s", got)
	}
	if _, err := f.runner.Run(context.Background(), "w", map[string]any{"n": 1.5}); err == nil {
		t.Error("1.5 accepted as an integer")
	}
}

// New binds every operation once: an operation whose description cannot be
// bound fails New, naming the step, instead of failing a run later.
func TestNewBindsOperations(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"api.yaml": `openapi: 3.0.3
info: {title: broken, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - $ref: '#/components/parameters/missing'
      responses: {"200": {description: ok}}
`,
		"flow.arazzo.yaml": doc(`
  - workflowId: w
    steps:
      - stepId: callX
        operationId: getX
`),
	})
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	_, err = runtime.New(d)
	if err == nil || !strings.Contains(err.Error(), `step "callX"`) {
		t.Fatalf("New: %v", err)
	}
}

// Issue 13, first defect: the non-standard form
// $sourceDescriptions.<name>.workflows.<id> loads with a warning, so it must
// also run. The validator resolves it once and the runner compiles from that
// resolution (a step target, a goto action and a dependsOn entry).
func TestCrossDocumentWorkflowsForm(t *testing.T) {
	lib := `arazzo: 1.0.1
info: {title: lib, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: fetch
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: from-lib}
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.get.outputs.name
`
	main := `arazzo: 1.0.1
info: {title: main, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
  - {name: lib, url: ./lib.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: main
    dependsOn: [$sourceDescriptions.lib.workflows.fetch]
    steps:
      - stepId: viaLib
        workflowId: $sourceDescriptions.lib.workflows.fetch
        outputs:
          name: $outputs.name
        onSuccess:
          - {name: again, type: goto, workflowId: $sourceDescriptions.lib.workflows.fetch}
    outputs:
      name: $steps.viaLib.outputs.name
`
	f := setup(t, main, map[string][]reply{"GET /v1/items/from-lib": {{body: `{"name":"n"}`}, {body: `{"name":"n"}`}, {body: `{"name":"n"}`}}},
		map[string]string{"lib.arazzo.yaml": lib})
	res := f.run("main", nil)
	if !res.Succeeded() {
		t.Fatalf("status %s err %s trace %s", res.Status, res.Error, trace(res))
	}
	// the dependency, the step's call and the goto each ran fetch once
	if got := trace(res); strings.Count(got, "get#1") != 3 {
		t.Errorf("trace = %s, want fetch's step three times (dependsOn, step, goto)", got)
	}
}
