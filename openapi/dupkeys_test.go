package openapi

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// dupAPI is a description whose parameter repeats "in" (line 11 and 12):
// before, Parse accepted it and kin-openapi kept the last ("header") while
// the node tree kept the first ("query").
const dupAPI = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    get:
      operationId: list
      parameters:
        - name: limit
          schema: {type: integer}
          required: false
          in: query
          in: header
      responses: {"200": {description: ok}}
`

// TestParseDuplicateKeys pins the issue 11 gap: a duplicate mapping key in
// an OpenAPI description is an error naming both positions, in YAML and in
// JSON, whether Parse decodes the section or binding does (lazy sections).
func TestParseDuplicateKeys(t *testing.T) {
	ctx := context.Background()
	want := `duplicate key "in" at file:///tmp/api.yaml:12:11 (first at line 11, column 11)`
	_, err := Parse(ctx, []byte(dupAPI), mustURL(t, "file:///tmp/api.yaml"), ParseOptions{})
	var de *DuplicateKeyError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
		t.Errorf("YAML: err = %v, want a DuplicateKeyError %q", err, want)
	}

	// A duplicated path and a duplicated operation.
	for _, c := range []struct{ doc, want string }{
		{"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {responses: {}}\n  /a:\n    put: {responses: {}}\n",
			`duplicate key "/a" at file:///tmp/api.yaml:6:3 (first at line 4, column 3)`},
		{"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: one, responses: {}}\n    get: {operationId: two, responses: {}}\n",
			`duplicate key "get" at file:///tmp/api.yaml:6:5 (first at line 5, column 5)`},
	} {
		_, err := Parse(ctx, []byte(c.doc), mustURL(t, "file:///tmp/api.yaml"), ParseOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}

	// JSON, small (decoded whole) and large (lazy, the fast parser).
	js := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"parameters": [
 {"name": "x", "in": "query", "name": "y"}], "responses": {}}}}}`
	_, err = Parse(ctx, []byte(js), mustURL(t, "file:///tmp/api.json"), ParseOptions{})
	if wantJ := `duplicate key "name" at file:///tmp/api.json:2:31 (first at line 2, column 3)`; err == nil || !strings.Contains(err.Error(), wantJ) {
		t.Errorf("JSON: err = %v, want %q", err, wantJ)
	}
}

// TestLazyDuplicateKeys: a duplicate inside a section Parse skips (a large
// description's components) is reported when the section is decoded, by
// binding the operation that reaches it, not by Parse.
func TestLazyDuplicateKeys(t *testing.T) {
	ctx := context.Background()
	pad := "x-pad: \"" + strings.Repeat("p", minLazySize) + "\"\n"
	yml := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n" +
		"      parameters: [{$ref: '#/components/parameters/P'}]\n      responses: {}\n" +
		"  /b:\n    get:\n      operationId: b\n      responses: {}\n" +
		"components:\n  parameters:\n    P:\n      name: p\n      in: query\n      in: header\n" + pad
	js := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"operationId": "a",
 "parameters": [{"$ref": "#/components/parameters/P"}], "responses": {}}}, "/b": {"get": {"operationId": "b", "responses": {}}}},
 "components": {"parameters": {"P": {"name": "p", "in": "query", "in": "header"}}}, "x-pad": "` + strings.Repeat("p", minLazySize) + `"}`
	for _, c := range []struct{ name, doc, want string }{
		{"api.yaml", yml, `duplicate key "in" at file:///tmp/api.yaml:18:7 (first at line 17, column 7)`},
		{"api.json", js, `duplicate key "in" at file:///tmp/api.json:3:66 (first at line 3, column 51)`},
	} {
		d, err := Parse(ctx, []byte(c.doc), mustURL(t, "file:///tmp/"+c.name), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: Parse: %v (the section is lazy)", c.name, err)
		}
		if _, err := d.OperationByID("b").Parameters(ctx); err != nil {
			t.Errorf("%s: b: %v (does not reach the section)", c.name, err)
		}
		_, err = d.OperationByID("a").Parameters(ctx)
		var de *DuplicateKeyError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: a: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
