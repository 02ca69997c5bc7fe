package arazzo

import (
	"testing"
)

// TestEveryDiagnosticHasAPosition loads bad documents, through Parse and
// through Load, and asserts that every diagnostic carries file:line:col,
// including findings whose JSON pointer names a key that is absent (a
// regex criterion without context) or an empty value (condition: "").
func TestEveryDiagnosticHasAPosition(t *testing.T) {
	bad := map[string]string{
		"empty condition": docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria: [{condition: ""}]
`, ""),
		"no condition": docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria:
          - context: $response.body
`, ""),
		"regex without context": docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria:
          - condition: ^2
            type: regex
`, ""),
		"many problems": docWith("  - {name: pets, url: pets.yaml, type: openapi}\n  - {name: gone, url: missing.yaml, type: arazzo}\n", `  - workflowId: w
    inputs: {type: object, additionalProperties: false}
    dependsOn: [nope, w]
    steps:
      - stepId: a
        operationId: listPetz
        parameters: [{name: id, value: $inputs.id}]
        successCriteria:
          - {condition: $statusCode == , type: simple}
          - {context: $response.body, condition: '(', type: regex}
          - {context: $response.body, condition: '$[?', type: jsonpath}
        onSuccess: [{name: x, type: goto, stepId: zz}]
        outputs: {"bad name": $response.body, y: $steps.q.outputs.z}
      - stepId: a
        operationPath: '{$sourceDescriptions.pets.url}#/paths/~1nope/get'
      - stepId: c
        workflowId: $sourceDescriptions.gone.x
    outputs: {z: $workflows.zz.outputs.a, q: $components.parameters.none}
  - workflowId: w
    steps: []
`, "components:\n  parameters:\n    p: {name: p}\n"),
	}
	for name, doc := range bad {
		t.Run(name, func(t *testing.T) {
			_, loaded := loadMap(t, doc)
			_, parsed := Parse([]byte(doc), "main.yaml")
			for which, ds := range map[string]Diagnostics{"Load": loaded, "Parse": parsed} {
				if !ds.HasErrors() {
					t.Errorf("%s: want errors, got:\n%s", which, diagLines(ds))
				}
				for _, d := range ds {
					if d.Pos.Line <= 0 || d.Pos.Column <= 0 || d.Pos.File == "" {
						t.Errorf("%s: diagnostic without file:line:col: %s [%s %s]", which, d, d.Code, d.Pointer)
					}
				}
			}
		})
	}
}
