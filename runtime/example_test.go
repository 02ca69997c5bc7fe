package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// Run a workflow against a local server: load, build a runner, run.
func ExampleRunner_Run() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id": %q, "name": "Widget"}`, r.URL.Path[len("/items/"):])
	}))
	defer api.Close()

	files := fstest.MapFS{
		"api.yaml": {Data: []byte(`openapi: 3.0.3
info: {title: Items, version: "1"}
servers: [{url: https://items.example.com}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: the item}}
`)},
		"flow.arazzo.yaml": {Data: []byte(`arazzo: 1.0.1
info: {title: Example, version: "1"}
sourceDescriptions:
  - {name: items, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: read-item
    inputs:
      type: object
      properties:
        id: {type: string}
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.id}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.get.outputs.name
`)},
	}
	ctx := context.Background()
	doc, err := arazzo.Load(ctx, "flow.arazzo.yaml", arazzo.WithFS(files))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := runtime.New(doc, runtime.WithServer("items", api.URL), runtime.WithHTTPClient(api.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := r.Run(ctx, "read-item", map[string]any{"id": "42"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Outputs["name"])
	for _, s := range res.Steps {
		fmt.Println(s.StepID, s.Method, s.StatusCode, s.Action)
	}
	// Output:
	// succeeded Widget
	// get GET 200 next
}
