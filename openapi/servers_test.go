package openapi

import (
	"context"
	"testing"
)

// TestOperationServers: an operation's servers follow OpenAPI's
// precedence (operation, path item, description).
func TestOperationServers(t *testing.T) {
	spec := `openapi: 3.1.0
info: {title: s, version: "1"}
servers: [{url: https://doc.example}]
paths:
  /a:
    servers: [{url: "https://path.example/{v}", variables: {v: {default: x}}}]
    get:
      operationId: a
      responses: {"200": {description: ok}}
    post:
      operationId: aPost
      servers: [{url: https://op.example}]
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: b
      responses: {"200": {description: ok}}
`
	d, err := Parse(context.Background(), []byte(spec), nil, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"a": "https://path.example/{v}", "aPost": "https://op.example", "b": "https://doc.example"} {
		ss, err := d.OperationByID(id).Servers(context.Background())
		if err != nil || len(ss) != 1 || ss[0].URL != want {
			t.Errorf("%s: servers %v, %v; want %s", id, ss, err, want)
		}
	}
	ss, _ := d.OperationByID("a").Servers(context.Background())
	if _, ok := ss[0].Variables["v"]; !ok {
		t.Errorf("path item server variables lost: %+v", ss)
	}
}
