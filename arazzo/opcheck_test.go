package arazzo

import (
	"strings"
	"testing"
)

const shopAPI = `openapi: 3.0.3
info: {title: Shop, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Shop-Key}
  parameters:
    Cart: {name: cartId, in: path, required: true, schema: {type: string}}
paths:
  /carts:
    post:
      operationId: createCart
      requestBody:
        required: true
        content: {application/json: {schema: {type: object}}}
      responses: {"201": {description: ok}}
  /carts/{cartId}/items:
    parameters: [{$ref: '#/components/parameters/Cart'}]
    post:
      operationId: addItem
      parameters: [{name: dryRun, in: query, schema: {type: boolean}}]
      requestBody:
        content: {application/json: {schema: {type: object}}, text/*: {schema: {type: string}}}
      responses: {"201": {description: ok}}
  /carts/{cartId}:
    get:
      operationId: getCart
      responses: {"200": {description: ok}}
  /v1/{+name}:
    get:
      operationId: getByName
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

const swaggerShop = `swagger: "2.0"
info: {title: Shop2, version: "1"}
consumes: [application/json]
paths:
  /carts/{cartId}:
    put:
      operationId: putCart
      parameters:
        - {name: cartId, in: path, required: true, type: string}
        - {name: body, in: body, required: true, schema: {type: object}}
      responses: {"200": {description: ok}}
`

// TestOperationUseChecks pins what validation reports about a step's use of
// its operation, before any request is sent: each case names the codes and
// severities expected (and nothing else of those codes).
func TestOperationUseChecks(t *testing.T) {
	srcs := "  - {name: shop, url: shop.yaml, type: openapi}\n  - {name: shop2, url: shop2.yaml, type: openapi}\n"
	cases := []struct {
		name, steps, wfParams, extra string
		want                         []string // "severity code substring"
	}{
		{name: "clean", steps: `
      - stepId: a
        operationId: createCart
        requestBody: {contentType: application/json; charset=utf-8, payload: {}}
      - stepId: b
        operationId: addItem
        parameters: [{name: cartId, in: path, value: c}, {name: dryRun, in: query, value: true}, {name: X-Shop-Key, in: header, value: k}, {name: Accept, in: header, value: '*/*'}]
        requestBody: {contentType: text/plain, payload: hi}
      - stepId: c
        operationPath: '{$sourceDescriptions.shop.url}#/paths/~1carts~1{cartId}/get'
        parameters: [{reference: $components.parameters.cart}]
      - stepId: d
        operationId: putCart
        parameters: [{name: cartId, in: path, value: c}]
        requestBody: {payload: {}}`,
			extra: "components:\n  parameters:\n    cart: {name: cartId, in: path, value: c}\n"},
		{name: "workflow parameter fills the path", wfParams: "[{name: cartId, in: path, value: c}]", steps: `
      - stepId: c
        operationId: getCart`},
		{name: "misspelled path parameter", steps: `
      - stepId: c
        operationId: getCart
        parameters: [{name: cartID, in: path, value: c}]`,
			want: []string{`error unknown-parameter path parameter "cartID" is not in the path of GET /carts/{cartId} (getCart) (did you mean "cartId"?)`}},
		{name: "missing path parameter", steps: `
      - stepId: c
        operationId: getCart`,
			want: []string{`error missing-path-parameter step "c" supplies no value for path parameter "cartId"`}},
		{name: "unknown query parameter is a warning", steps: `
      - stepId: b
        operationId: addItem
        parameters: [{name: cartId, in: path, value: c}, {name: dryrun, in: query, value: true}, {name: cartId, in: query, value: c}]`,
			want: []string{`warning unknown-parameter query parameter "dryrun" is not a parameter of POST /carts/{cartId}/items (addItem); it is sent anyway (did you mean "dryRun"?)`,
				`warning unknown-parameter query parameter "cartId" is not a parameter of POST /carts/{cartId}/items (addItem); it is sent anyway (the operation declares "cartId" in path)`}},
		{name: "required body missing", steps: `
      - stepId: a
        operationId: createCart
      - stepId: d
        operationId: putCart
        parameters: [{name: cartId, in: path, value: c}]
        requestBody: {contentType: application/json}`,
			want: []string{`error missing-request-body step "a" sends no request body, but POST /carts (createCart) requires one`,
				`error missing-request-body step "d" sends no request body, but PUT /carts/{cartId} (putCart) requires one`}},
		{name: "undeclared content type", steps: `
      - stepId: a
        operationId: createCart
        requestBody: {contentType: application/xml, payload: <a/>}`,
			want: []string{`error undeclared-content-type contentType "application/xml" is not a request media type of POST /carts (createCart) (use one of: application/json)`}},
		{name: "RFC 6570 template", steps: `
      - stepId: n
        operationId: getByName
        parameters: [{name: name, in: path, value: x}]`,
			want: []string{`error path-template the path of GET /v1/{+name} (getByName) has the placeholder {+name}`}},
	}
	codes := map[string]bool{"unknown-parameter": true, "missing-path-parameter": true, "missing-request-body": true,
		"undeclared-content-type": true, "path-template": true}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wf := "  - workflowId: w\n"
			if c.wfParams != "" {
				wf += "    parameters: " + c.wfParams + "\n"
			}
			wf += "    steps:" + c.steps + "\n"
			_, ds := loadMap(t, docWith(srcs, wf, c.extra), "shop.yaml", shopAPI, "shop2.yaml", swaggerShop)
			var got []string
			for _, d := range ds {
				if codes[d.Code] {
					got = append(got, d.Severity.String()+" "+d.Code+" "+d.Message+" ("+d.Hint+")")
				}
				if d.Pos.Line == 0 {
					t.Errorf("no position: %s", d)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d findings, want %d:\n%s\nall: %v", len(got), len(c.want), strings.Join(got, "\n"), ds)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("finding %d:\n got %s\nwant %s...", i, got[i], w)
				}
			}
		})
	}
}

// TestEditDistanceSuggestions pins which misspellings get a "did you mean".
func TestEditDistanceSuggestions(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"petid", "petId"}, {"pet_id", "petId"}, {"cartID", "cartId"}, {"x", ""}, {"limit", ""}, {"ordreId", "orderId"},
	} {
		if got := closest(c.name, []string{"petId", "orderId", "cartId"}); got != c.want {
			t.Errorf("closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
