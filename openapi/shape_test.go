package openapi

import (
	"context"
	"reflect"
	"sync"
	"testing"
)

// TestRequestShape pins the facts validation reads: declared parameters,
// request media types and whether the body is required, for OpenAPI 3.x
// and Swagger 2.0, the same before and after the operation is bound by
// kin-openapi, and safe to ask concurrently.
func TestRequestShape(t *testing.T) {
	v3 := mustParse(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /carts/{cartId}:
    parameters: [{name: cartId, in: path, required: true, schema: {type: string}}]
    post:
      operationId: add
      parameters: [{name: dry, in: query, schema: {type: boolean}}, {name: Accept, in: header, schema: {type: string}}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object}}, text/plain: {schema: {type: string}}}
      responses: {"200": {description: ok}}
`, "https://x.example/v3.yaml")
	v2 := mustParse(t, `swagger: "2.0"
info: {title: t, version: "1"}
consumes: [application/json]
paths:
  /carts/{cartId}:
    put:
      operationId: put
      parameters:
        - {name: cartId, in: path, required: true, type: string}
        - {name: body, in: body, required: true, schema: {type: object}}
      responses: {"200": {description: ok}}
    patch:
      operationId: patch
      parameters:
        - {name: cartId, in: path, required: true, type: string}
        - {name: body, in: body, schema: {type: object}}
      responses: {"200": {description: ok}}
`, "https://x.example/v2.yaml")
	ctx := context.Background()
	for _, c := range []struct {
		op       *Operation
		names    []string
		types    []string
		required bool
	}{
		{v3.OperationByID("add"), []string{"path cartId", "query dry"}, []string{"application/json", "text/plain"}, true},
		{v2.OperationByID("put"), []string{"path cartId"}, []string{"application/json"}, true},
		{v2.OperationByID("patch"), []string{"path cartId"}, []string{"application/json"}, false},
	} {
		check := func(when string) {
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := c.op.RequestShape(ctx)
					if err != nil {
						t.Errorf("%s %s: %v", c.op, when, err)
						return
					}
					var names []string
					for _, p := range s.Parameters {
						names = append(names, p.In+" "+p.Name)
					}
					if !reflect.DeepEqual(names, c.names) || !reflect.DeepEqual(s.MediaTypes, c.types) || s.BodyRequired != c.required {
						t.Errorf("%s %s: got %v %v %v", c.op, when, names, s.MediaTypes, s.BodyRequired)
					}
				}()
			}
			wg.Wait()
		}
		check("before binding")
		if _, err := c.op.Parameters(ctx); err != nil {
			t.Fatal(err)
		}
		check("after binding")
	}
	if got := v3.OperationByID("add").PathTemplateNames(); !reflect.DeepEqual(got, []string{"cartId"}) {
		t.Errorf("PathTemplateNames = %v", got)
	}
}
