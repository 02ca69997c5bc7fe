package arazzo

import (
	"strings"
	"testing"
)

// TestLooseIDReference pins the D3 tolerance for step ids with spaces:
// "$steps.<id>.outputs.<name>" resolves, with an id-form warning naming
// the reference.
func TestLooseIDReference(t *testing.T) {
	_, ds := loadMap(t, docWith("", `  - workflowId: w
    steps:
      - stepId: List Pets_0
        operationId: listPets
        outputs: {body: $response.body}
      - stepId: b
        operationId: listPets
        parameters: [{name: q, in: query, value: "n={$steps.List Pets_0.outputs.body}"}]
    outputs:
      pets: $steps.List Pets_0.outputs.body
      nope: $steps.List Pets_0.outputs.other
`, ""))
	if ds.HasErrors() {
		t.Fatalf("want no errors, got:\n%s", diagLines(ds))
	}
	var lines []int
	for _, d := range ds {
		if d.Code == "id-form" {
			if d.Severity != SeverityWarning || !strings.Contains(d.Message, `"List Pets_0"`) || d.Hint == "" || d.Pointer == "" {
				t.Errorf("unexpected diagnostic %s", d)
			}
			lines = append(lines, d.Pos.Line)
		}
	}
	if len(lines) != 3 {
		t.Errorf("want 3 id-form warnings, got:\n%s", diagLines(ds))
	}
	d, ok := findDiag(ds, "id-form", "/workflows/0/outputs/pets")
	if !ok || d.Pos.Line != 15 || d.Pos.Column != 13 {
		t.Errorf("want id-form at 15:13, got:\n%s", diagLines(ds))
	}
	// The undeclared output of the spaced step is still found.
	if _, ok := findDiag(ds, "unknown-output", "/workflows/0/outputs/nope"); !ok {
		t.Errorf("want unknown-output for .other, got:\n%s", diagLines(ds))
	}
}

// TestHeadersFormWarning pins $response.headers.<name>: accepted with a
// header-form warning whose hint names the standard form.
func TestHeadersFormWarning(t *testing.T) {
	_, ds := loadMap(t, docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria: [{condition: $response.headers.Location != null}]
        outputs: {loc: $response.headers.Location}
`, ""))
	if ds.HasErrors() {
		t.Fatalf("want no errors, got:\n%s", diagLines(ds))
	}
	n := 0
	for _, d := range ds {
		if d.Code == "header-form" {
			n++
			if d.Severity != SeverityWarning || d.Hint != "write $response.header.Location" || d.Pos.Line == 0 {
				t.Errorf("unexpected diagnostic %s", d)
			}
		}
	}
	if n != 2 {
		t.Errorf("want 2 header-form warnings, got:\n%s", diagLines(ds))
	}
	d, ok := findDiag(ds, "header-form", "/workflows/0/steps/0/outputs/loc")
	if !ok || d.Pos.Line != 11 || d.Pos.Column != 24 {
		t.Errorf("want header-form at 11:24, got:\n%s", diagLines(ds))
	}
}

// TestOutputsMustBeExpressions pins that an outputs value starting with
// '$' that is not a runtime expression is a positioned error, never a
// literal.
func TestOutputsMustBeExpressions(t *testing.T) {
	cases := []struct {
		value, msg string
		line, col  int
	}{
		{"$inputs.x is required", "unexpected", 12, 20},
		{"$100", "expected a runtime expression name", 12, 12},
		{"$steps.List Pets_0.outputs.Pets Response", "unexpected", 12, 42},
		{"$foo.bar", "unknown runtime expression", 12, 11},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			_, ds := loadMap(t, docWith("", `  - workflowId: w
    steps:
      - stepId: List Pets_0
        operationId: listPets
        outputs: {body: $response.body}
    outputs:
      x: "`+c.value+`"
`, ""))
			d, ok := findDiag(ds, "expression", "/workflows/0/outputs/x")
			if !ok || d.Severity != SeverityError || !strings.Contains(d.Message, c.msg) ||
				d.Hint != "an outputs value must be a runtime expression" || d.Pos.Line != c.line || d.Pos.Column != c.col {
				t.Errorf("want an expression error at %d:%d, got:\n%s", c.line, c.col, diagLines(ds))
			}
		})
	}
	// Step outputs too.
	_, ds := loadMap(t, docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        outputs: {id: $response.body is here}
`, ""))
	if _, ok := findDiag(ds, "expression", "/workflows/0/steps/0/outputs/id"); !ok {
		t.Errorf("want an expression error for a step output, got:\n%s", diagLines(ds))
	}
}
