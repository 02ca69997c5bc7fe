package runtime_test

import (
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// TestStepsOutputsShorthand runs a document that writes $steps.<id>.<name>
// for $steps.<id>.outputs.<name> (a real-world form weft tolerates with a
// warning): the runtime resolves it in a parameter value, a template, a
// criterion and a workflow output exactly like the standard form. An
// undeclared output (a load-time warning) does not resolve at run time and
// the result's warnings name it.
func TestStepsOutputsShorthand(t *testing.T) {
	f := setup(t, doc(`  - workflowId: w
    steps:
      - stepId: create
        operationId: createItem
        requestBody:
          contentType: application/json
          payload: {name: a}
        successCriteria: [{condition: $statusCode == 201}]
        outputs:
          id: $response.body#/id
      - stepId: fetch
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $steps.create.id}
        successCriteria:
          - condition: $steps.create.id == '42'
          - condition: $response.body#/id == $steps.create.outputs.id
        outputs:
          label: $response.body#/name
    outputs:
      id: $steps.create.id
      text: "item {$steps.create.id} is {$steps.fetch.label}"
      missing: $steps.create.outputs.nothing
`), map[string][]reply{
		"POST /v1/items":   {{status: 201, body: `{"id":"42"}`}},
		"GET /v1/items/42": {{body: `{"id":"42","name":"Rex"}`}},
	}, nil)

	var warned []string
	for _, d := range f.doc.Diagnostics {
		if d.Severity == arazzo.SeverityWarning && (d.Code == "steps-outputs-form" || d.Code == "unknown-output") {
			warned = append(warned, d.Code)
		}
	}
	if strings.Count(strings.Join(warned, " "), "steps-outputs-form") != 5 || !strings.Contains(strings.Join(warned, " "), "unknown-output") {
		t.Errorf("warnings: %v\n%v", warned, f.doc.Diagnostics)
	}

	res := f.run("w", nil)
	if !res.Succeeded() {
		t.Fatalf("status %s: %s (%s)", res.Status, res.Error, trace(res))
	}
	if got := strings.Join(f.api.Calls(), ", "); got != "POST /v1/items, GET /v1/items/42" {
		t.Errorf("calls: %s", got)
	}
	if res.Outputs["id"] != "42" || res.Outputs["text"] != "item 42 is Rex" {
		t.Errorf("outputs: %s", mustJSON(res.Outputs))
	}
	if v := res.Outputs["missing"]; v != nil {
		t.Errorf("missing output: %v (outputs %s)", v, mustJSON(res.Outputs))
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "$steps.create.outputs.nothing") {
		t.Errorf("warnings do not name the missing reference: %q", res.Warnings)
	}
}
