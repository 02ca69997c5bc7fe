package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/openapi"
	weft "github.com/weftflow/weft/runtime"
)

type staticCreds map[string]openapi.Credential

func (c staticCreds) Credential(_ context.Context, source string, scheme *openapi.SecurityScheme) (openapi.Credential, bool, error) {
	cr, ok := c[source+"/"+scheme.Name]
	return cr, ok, nil
}

const secretToken = "tok-SUPER-secret-123"
const secretInput = "hunter2-password-value"

// H4: credential values and password inputs never appear in the trace,
// the logs, the observer events or the error.
func TestSecretsMasked(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	var events []string
	obs := &weft.Observer{
		RequestSent: func(ri weft.RequestInfo) {
			mu.Lock()
			defer mu.Unlock()
			b, _ := json.Marshal(ri)
			events = append(events, string(b))
		},
		ResponseReceived: func(ri weft.ResponseInfo) {
			mu.Lock()
			defer mu.Unlock()
			b, _ := json.Marshal(ri)
			events = append(events, string(b))
		},
	}
	f := setup(t, doc(`
  - workflowId: w
    inputs:
      type: object
      properties:
        pass: {type: string, format: password}
    steps:
      - stepId: s
        operationId: secure
        parameters:
          - {name: X-Echo, in: header, value: $inputs.pass}
        successCriteria:
          - condition: $response.body#/ok == true
`), map[string][]reply{"GET /v1/secure": {{status: 200, body: `{"ok":false,"echo":"` + secretToken + `","p":"` + secretInput + `"}`}}},
		nil,
		weft.WithCredentials(staticCreds{"api/bearer": {Token: secretToken}}),
		weft.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		weft.WithObserver(obs))
	res := f.run("w", map[string]any{"pass": secretInput})
	if res.Succeeded() {
		t.Fatal("want failure (criterion)")
	}
	if got := f.api.auth[0]; got != "Bearer "+secretToken {
		t.Fatalf("credential not applied: %q", got)
	}
	all, _ := json.Marshal(res)
	text := string(all) + logs.String() + strings.Join(events, "\n")
	for _, secret := range []string{secretToken, secretInput} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %q leaked:\n%s", secret, text)
		}
	}
	if !strings.Contains(logs.String(), `"run_id"`) || !strings.Contains(logs.String(), `"step_id":"s"`) {
		t.Errorf("log records lack run_id/step_id:\n%s", logs.String())
	}
}

// The observer sees every step start and finish in order, and the failed
// criterion is named in the trace.
func TestObserverAndFailedCriterion(t *testing.T) {
	var mu sync.Mutex
	var got []string
	obs := &weft.Observer{
		StepStarted: func(si weft.StepInfo) {
			mu.Lock()
			got = append(got, "start "+si.StepID)
			mu.Unlock()
		},
		StepFinished: func(sr weft.StepRecord) {
			mu.Lock()
			got = append(got, "finish "+sr.StepID+" "+string(sr.Status))
			mu.Unlock()
		},
	}
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: poll
      - stepId: b
        operationId: flaky
        successCriteria:
          - condition: $statusCode == 200
          - context: $response.body
            condition: $.success == true
            type: jsonpath
`), map[string][]reply{"GET /v1/poll": {{}}, "GET /v1/flaky": {{body: `{"success":false}`}}}, nil, weft.WithObserver(obs))
	res := f.run("w", nil)
	want := "start a,finish a succeeded,start b,finish b failed"
	if strings.Join(got, ",") != want {
		t.Errorf("events = %v", got)
	}
	last := res.Steps[len(res.Steps)-1]
	if len(last.FailedCriteria) != 1 || last.FailedCriteria[0].Condition != "$.success == true" || last.FailedCriteria[0].Type != "jsonpath" {
		t.Errorf("failed criteria = %+v", last.FailedCriteria)
	}
	if !strings.Contains(res.Error, "$.success == true") {
		t.Errorf("error does not name the criterion: %q", res.Error)
	}
}

// A Runner is safe for concurrent runs, and leaves no goroutine behind.
func TestConcurrentRunsNoLeak(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    inputs:
      type: object
      properties:
        id: {type: string}
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.id}
        outputs:
          id: $request.path.id
    outputs:
      id: $steps.get.outputs.id
`), nil, nil)
	f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	before := runtime.NumGoroutine()
	var wg sync.WaitGroup
	errs := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := "id" + string(rune('a'+i))
			res, err := f.runner.Run(context.Background(), "w", map[string]any{"id": id})
			if err != nil || !res.Succeeded() || res.Outputs["id"] != id {
				errs <- id
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for id := range errs {
		t.Errorf("run %s got a wrong result", id)
	}
	f.srv.Client().CloseIdleConnections()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d before, %d after", before, n)
	}
}

// H5: response validation is opt-in; findings are warnings, or failures
// with WithResponseValidation(true).
func TestResponseValidation(t *testing.T) {
	wf := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: typed
`)
	script := func() map[string][]reply { return map[string][]reply{"GET /v1/typed": {{body: `{"id": 42}`}}} }
	off := setup(t, wf, script(), nil)
	res := off.run("w", nil)
	if !res.Succeeded() || len(res.Warnings) != 0 {
		t.Errorf("validation off: %s %v", res.Status, res.Warnings)
	}
	warn := setup(t, wf, script(), nil, weft.WithResponseValidation(false))
	res = warn.run("w", nil)
	if !res.Succeeded() || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "/id") {
		t.Errorf("warn mode: %s %v", res.Status, res.Warnings)
	}
	fail := setup(t, wf, script(), nil, weft.WithResponseValidation(true))
	res = fail.run("w", nil)
	if res.Succeeded() || !strings.Contains(res.Error, "response validation") {
		t.Errorf("fail mode: %s %q", res.Status, res.Error)
	}
}
