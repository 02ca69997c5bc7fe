package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// The CLI reads the inputs schema as the validator and the runner do
// (arazzo.Workflow.InputSchema): through a components.inputs $ref chain,
// weft list shows a property's type and format two $refs down and
// --input converts by that type. Before, the CLI followed a property's
// $ref once: it listed "any" and turned --input code=42 into a number,
// which the runner then rejected.
func TestListInputsThroughRefChains(t *testing.T) {
	api, err := os.ReadFile("testdata/pets.openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	doc := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: shelter, url: ./pets.openapi.yaml, type: openapi}
workflows:
  - workflowId: w
    inputs: {$ref: '#/components/inputs/a1'}
    steps:
      - stepId: get
        operationId: getPet
        parameters: [{name: petId, in: path, value: $inputs.code}]
components:
  inputs:
    a1: {$ref: '#/components/inputs/a2'}
    a2:
      type: object
      required: [code]
      additionalProperties: false
      properties:
        code: {$ref: '#/components/inputs/c1'}
        pin: {$ref: '#/components/inputs/pw1'}
    c1: {$ref: '#/components/inputs/c2', description: The code.}
    c2: {type: string}
    pw1: {$ref: '#/components/inputs/pw2'}
    pw2: {type: string, format: password}
`
	for name, data := range map[string][]byte{"pets.openapi.yaml": api, "flow.arazzo.yaml": []byte(doc)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeList(&b, d)
	for _, want := range []string{"code                     string (required)  The code.", "pin                      string (password)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, b.String())
		}
	}
	in, err := gatherInputs(d, d.Workflows[0], nil, "", []string{"code=42"})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := in["code"].(string); !ok || v != "42" {
		t.Errorf("--input code=42 = %#v, want the string \"42\"", in["code"])
	}
	if _, err := gatherInputs(d, d.Workflows[0], nil, "", []string{"cod=1"}); err == nil || !strings.Contains(err.Error(), "cod") {
		t.Errorf("an undeclared input: err = %v", err)
	}
}
