package arazzo_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/weftflow/weft/arazzo"
)

// Load reads a document and its sources, binds every step and validates.
func ExampleLoad() {
	fsys := fstest.MapFS{
		"flows/main.arazzo.yaml": {Data: []byte(`arazzo: 1.0.1
info: {title: Pets, version: 1.0.0}
sourceDescriptions:
  - {name: pets, url: ../apis/pets.yaml, type: openapi}
workflows:
  - workflowId: listAll
    steps:
      - stepId: list
        operationId: listpets
        successCriteria: [{condition: $statusCode == 200}]
`)},
		"apis/pets.yaml": {Data: []byte(`openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
`)},
	}
	doc, err := arazzo.Load(context.Background(), "flows/main.arazzo.yaml", arazzo.WithFS(fsys))
	if err != nil {
		fmt.Println(err)
		return
	}
	step := doc.Workflows[0].Steps[0]
	fmt.Println(step.Target.Operation.Method, step.Target.Operation.Path)
	for _, d := range doc.Diagnostics {
		fmt.Println(d)
	}
	// Output:
	// GET /pets
	// flows/main.arazzo.yaml:9:22: warning: operationId "listpets" matches "listPets" only case-insensitively (write "listPets")
}

// Parse validates a single document without reading its sources.
func ExampleParse() {
	_, diags := arazzo.Parse([]byte(`arazzo: 1.0.1
info: {title: Broken, version: 1.0.0}
sourceDescriptions: [{name: api, url: api.yaml}]
workflows:
  - workflowId: w
    steps:
      - {stepId: a, operationId: op, outputs: {x: $steps.b.outputs.y}}
`), "broken.yaml")
	for _, d := range diags {
		fmt.Println(d, "["+d.Code+"]")
	}
	// Output:
	// broken.yaml:7:51: error: $steps.b.outputs.y: workflow "w" has no step "b" (a step can only read outputs of steps of its own workflow) [unknown-step-reference]
}
