package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/weftflow/weft/runtime"
)

// stepErr is res.Err as a *StepError, failing the test when it is not one.
func stepErr(t *testing.T, res *runtime.Result) *runtime.StepError {
	t.Helper()
	var se *runtime.StepError
	if res == nil || !errors.As(res.Err, &se) {
		t.Fatalf("Result.Err = %v: want a *StepError", res.Err)
	}
	return se
}

// A failed criterion is the cause of the step's error; the typed error says
// the same as the report string.
func TestResultErrCriterion(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: ok
        operationId: listItems
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: "7"}
        successCriteria:
          - condition: $statusCode == 200
          - condition: $response.body#/id == "8"
`), map[string][]reply{"GET /v1/items": {{}}, "GET /v1/items/7": {{body: `{"id":"7"}`}}}, nil)
	res := f.run("w", nil)
	se := stepErr(t, res)
	if se.WorkflowID != "w" || se.StepID != "get" {
		t.Errorf("StepError names %s/%s, want w/get", se.WorkflowID, se.StepID)
	}
	var ce *runtime.CriterionError
	if !errors.As(res.Err, &ce) || ce.Index != 1 || ce.Condition != `$response.body#/id == "8"` || ce.Type != "simple" {
		t.Fatalf("criterion cause: %#v", ce)
	}
	if res.Err.Error() != res.Error || res.FailedStep != "get" {
		t.Errorf("Err %q, Error %q, FailedStep %q: want one text", res.Err, res.Error, res.FailedStep)
	}
	var st *runtime.StatusError
	if errors.As(res.Err, &st) || errors.Is(res.Err, runtime.ErrMaxSteps) {
		t.Errorf("a criterion failure matches other causes: %v", res.Err)
	}
}

// A step without criteria fails on a status that is not a success.
func TestResultErrStatus(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: "7"}
`), map[string][]reply{"GET /v1/items/7": {{status: 503}}}, nil)
	res := f.run("w", nil)
	se := stepErr(t, res)
	var st *runtime.StatusError
	if !errors.As(se.Cause, &st) || st.StatusCode != 503 || se.StepID != "get" {
		t.Fatalf("cause %#v", se.Cause)
	}
	if res.Err.Error() != res.Error {
		t.Errorf("Err %q != Error %q", res.Err, res.Error)
	}
}

// A request that gets no response is a transport error: the server closes
// the connection without answering.
func TestResultErrTransport(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: get
        operationId: listItems
`), nil, nil)
	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
	})
	res := f.run("w", nil)
	se := stepErr(t, res)
	var te *runtime.TransportError
	if !errors.As(se, &te) || te.Method != "GET" || !strings.HasPrefix(te.URL, f.srv.URL+"/v1/items") || te.Err == nil {
		t.Fatalf("cause %#v", se.Cause)
	}
	if res.Steps[0].Error != te.Error() {
		t.Errorf("record Error %q, transport error %q", res.Steps[0].Error, te)
	}
}

// A limit that stops the run names the step it stopped, and matches its
// sentinel through Result.Err as through the returned error.
func TestResultErrLimit(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: poll
        onSuccess:
          - {name: loop, type: goto, stepId: a}
`), map[string][]reply{"GET /v1/poll": {{}}}, nil, runtime.WithLimits(runtime.Limits{MaxStepExecutions: 3}))
	res, err := f.runner.Run(context.Background(), "w", nil)
	if !errors.Is(err, runtime.ErrMaxSteps) {
		t.Fatalf("err = %v", err)
	}
	se := stepErr(t, res)
	var le *runtime.LimitError
	if !errors.Is(res.Err, runtime.ErrMaxSteps) || errors.Is(res.Err, runtime.ErrMaxDepth) || !errors.As(res.Err, &le) || le.Limit != "MaxStepExecutions" {
		t.Errorf("Result.Err = %v: want MaxStepExecutions", res.Err)
	}
	if se.StepID != "a" || res.Error != err.Error() {
		t.Errorf("step %q, Error %q, err %q", se.StepID, res.Error, err)
	}
}

// A called workflow's failure is the calling step's cause, and wraps the
// called workflow's own *StepError.
func TestResultErrNested(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: outer
    steps:
      - stepId: call
        workflowId: inner
  - workflowId: inner
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: "7"}
`), map[string][]reply{"GET /v1/items/7": {{status: 404}}}, nil)
	res := f.run("outer", nil)
	se := stepErr(t, res)
	if se.WorkflowID != "outer" || se.StepID != "call" {
		t.Errorf("outer error names %s/%s", se.WorkflowID, se.StepID)
	}
	var inner *runtime.StepError
	if !errors.As(se.Cause, &inner) || inner.WorkflowID != "inner" || inner.StepID != "get" {
		t.Fatalf("inner error: %v", se.Cause)
	}
	var st *runtime.StatusError
	if !errors.As(res.Err, &st) || st.StatusCode != 404 {
		t.Errorf("status cause: %v", res.Err)
	}
}

// Secrets never reach the text of Result.Err or of the errors it wraps,
// nor the fields a caller reads through errors.As.
func TestResultErrMasked(t *testing.T) {
	const secret = "s3cr3t-t0ken-value-1234"
	f := setup(t, doc(`
  - workflowId: crit
    inputs:
      type: object
      properties:
        token: {type: string}
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.token}
        successCriteria:
          - condition: $response.body#/id == "other"
  - workflowId: transport
    inputs:
      type: object
      properties:
        token: {type: string}
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.token}
`), map[string][]reply{"GET /v1/items/" + secret: {{body: `{"id":"` + secret + `"}`}}}, nil)
	in := map[string]any{"token": secret}

	res := f.run("crit", in)
	var ce *runtime.CriterionError
	if !errors.As(res.Err, &ce) {
		t.Fatalf("Result.Err = %v", res.Err)
	}
	if !strings.Contains(ce.Detail, runtime.Mask) {
		t.Errorf("Detail %q: want the secret masked, not dropped", ce.Detail)
	}
	for what, text := range map[string]string{"Err": res.Err.Error(), "Cause": stepErr(t, res).Cause.Error(), "Detail": ce.Detail} {
		if strings.Contains(text, secret) {
			t.Errorf("%s carries the secret: %q", what, text)
		}
	}

	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
	})
	res = f.run("transport", in)
	var te *runtime.TransportError
	if !errors.As(res.Err, &te) {
		t.Fatalf("Result.Err = %v", res.Err)
	}
	for what, text := range map[string]string{"Err": res.Err.Error(), "URL": te.URL, "transport": te.Error()} {
		if strings.Contains(text, secret) || !strings.Contains(text, runtime.Mask) {
			t.Errorf("%s: want the secret masked: %q", what, text)
		}
	}
}
