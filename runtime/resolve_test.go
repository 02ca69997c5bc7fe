package runtime_test

import (
	"strings"
	"testing"
)

// F6a: the runner executes the components the validator resolved. A
// component parameter ($components.parameters.x) applies, its value
// replaced by the Reusable's; one component action used by two workflows
// goes to the step its stepId names in each of them; a component retry
// runs its stepId's step of the workflow that uses it.
func TestComponentsRun(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: first
    steps:
      - stepId: a
        operationId: poll
        onSuccess: [{reference: $components.successActions.toLast}]
      - stepId: fix
        operationId: reset
      - stepId: last
        operationId: getItem
        parameters: [{reference: $components.parameters.id, value: "7"}]
  - workflowId: second
    steps:
      - stepId: s1
        operationId: flaky
        onSuccess: [{reference: $components.successActions.toLast}]
        onFailure: [{reference: $components.failureActions.fixThenRetry}]
      - stepId: fix
        operationId: reset
      - stepId: last
        operationId: getItem
        parameters: [{reference: $components.parameters.id}]
components:
  parameters:
    id: {name: id, in: path, value: "5"}
  successActions:
    toLast: {name: toLast, type: goto, stepId: last}
  failureActions:
    fixThenRetry: {name: fixThenRetry, type: retry, stepId: fix}
`), map[string][]reply{
		"GET /v1/poll":    {{body: `{}`}},
		"GET /v1/flaky":   {{status: 500}, {body: `{}`}},
		"POST /v1/reset":  {{body: `{}`}},
		"GET /v1/items/7": {{body: `{}`}},
		"GET /v1/items/5": {{body: `{}`}},
	}, nil)
	res := f.run("first", nil)
	if got := trace(res); !res.Succeeded() || got != "a#1:goto step last last#1:next" {
		t.Errorf("first: status %s trace %s err %s", res.Status, got, res.Error)
	}
	res = f.run("second", nil)
	if got := trace(res); !res.Succeeded() || got != "s1#1:retry fix#1:next s1#2:goto step last last#1:next" {
		t.Errorf("second: status %s trace %s err %s", res.Status, got, res.Error)
	}
	want := "GET /v1/poll GET /v1/items/7 GET /v1/flaky POST /v1/reset GET /v1/flaky GET /v1/items/5"
	if got := strings.Join(f.api.Calls(), " "); got != want {
		t.Errorf("calls:\n got %s\nwant %s", got, want)
	}
}
