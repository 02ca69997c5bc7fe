package openapi

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

const cycleHead = "openapi: 3.0.3\ninfo: {title: c, version: \"1\"}\n"

// A $ref cycle made only of $ref objects designates nothing: binding the
// operation that reaches it fails with a *RefCycleError naming the cycle and
// its position. Before, the parameter was silently dropped and the schema
// cycle was passed to kin-openapi as is. A cycle reached only from the
// responses fails the schema layer (schemaRoute, ValidateResponse), not the
// request binding, which never reads response schemas.
func TestRefCycleReported(t *testing.T) {
	cases := map[string]struct{ src, refs, at string }{
		"parameter to itself": {cycleHead + `paths:
  /a:
    get:
      operationId: a
      parameters:
        - $ref: '#/components/parameters/P'
      responses: {"200": {description: ok}}
components:
  parameters:
    P: {$ref: '#/components/parameters/P'}
`, "#/components/parameters/P -> #/components/parameters/P", "c.yaml:12:15"},
		"schemas in a ring": {cycleHead + `paths:
  /a:
    get:
      operationId: a
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}
components:
  schemas:
    S: {$ref: '#/components/schemas/T'}
    T: {$ref: '#/components/schemas/S', description: only an annotation}
`, "#/components/schemas/T -> #/components/schemas/S -> #/components/schemas/T", "c.yaml:10:15"},
		"request body to itself": {cycleHead + `paths:
  /a:
    post:
      operationId: a
      requestBody: {$ref: '#/components/requestBodies/B'}
      responses: {"200": {description: ok}}
components:
  requestBodies:
    B: {$ref: '#/components/requestBodies/B'}
`, "#/components/requestBodies/B -> #/components/requestBodies/B", "c.yaml:11:15"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			d, err := Parse(context.Background(), []byte(c.src), &url.URL{Path: "c.yaml"}, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			op := d.OperationByID("a")
			_, err = op.Parameters(context.Background())
			if name == "schemas in a ring" {
				if err != nil {
					t.Fatalf("Parameters: %v (the cycle is in a response schema)", err)
				}
				_, err = op.schemaRoute(context.Background())
				if fs := findingText(op.ValidateResponse(context.Background(), nil, fuzzResp)); !strings.Contains(fs, "response not validated") || !strings.Contains(fs, "$ref cycle at "+c.at) {
					t.Errorf("ValidateResponse: %s", fs)
				}
			}
			var ce *RefCycleError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a RefCycleError", err)
			}
			if !strings.Contains(err.Error(), "$ref cycle at "+c.at+": "+c.refs) {
				t.Errorf("err = %v, want the cycle %s at %s", err, c.refs, c.at)
			}
		})
	}
}

// A path item (or security scheme) that is a $ref cycle fails Parse: its
// operations would otherwise vanish without a word.
func TestRefCycleParse(t *testing.T) {
	for name, src := range map[string]string{
		"path items": cycleHead + `paths:
  /a: {$ref: '#/paths/~1b'}
  /b: {$ref: '#/paths/~1a'}
  /c:
    get: {operationId: c, responses: {"200": {description: ok}}}
`,
		"security scheme": cycleHead + `paths: {}
components:
  securitySchemes:
    k: {$ref: '#/components/securitySchemes/k'}
`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(context.Background(), []byte(src), &url.URL{Path: "c.yaml"}, ParseOptions{})
			var ce *RefCycleError
			if !errors.As(err, &ce) || ce.Line == 0 || !strings.Contains(err.Error(), "$ref cycle at c.yaml:") {
				t.Fatalf("err = %v, want a positioned RefCycleError", err)
			}
		})
	}
}

// Recursive schemas (through properties, items, allOf) are legal and keep
// working; so do chains of $refs that end in content.
func TestRecursiveSchemaAllowed(t *testing.T) {
	src := cycleHead + `paths:
  /a:
    get:
      operationId: a
      parameters:
        - $ref: '#/components/parameters/Alias'
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tree'}
components:
  parameters:
    Alias: {$ref: '#/components/parameters/Limit'}
    Limit: {name: limit, in: query, schema: {type: integer}}
  schemas:
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        parent: {$ref: '#/components/schemas/Parent'}
    Parent: {$ref: '#/components/schemas/Wrapper'}
    Wrapper:
      allOf: [{$ref: '#/components/schemas/Tree'}]
`
	d := mustParse(t, src, "")
	op := d.OperationByID("a")
	ps, err := op.Parameters(context.Background())
	if err != nil || len(ps) != 1 || ps[0].Name != "limit" {
		t.Fatalf("parameters = %v, %v", ps, err)
	}
	route, err := op.schemaRoute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tree := route.Operation.Responses.Value("200").Value.Content["application/json"].Schema.Value
	if tree == nil || tree.Properties["children"].Value.Items.Value != tree {
		t.Fatalf("recursive schema not bound: %v", tree)
	}
	req, err := op.BuildRequest(context.Background(), []ParamValue{{Name: "limit", In: "query", Value: 3}}, nil, RequestOptions{BaseURL: "http://127.0.0.1"})
	if err != nil || !strings.Contains(req.HTTP.URL.RawQuery, "limit=3") {
		t.Fatalf("request: %v %v", req, err)
	}
}
