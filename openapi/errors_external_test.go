package openapi_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/openapi"
)

// parseFile parses the file at p, external $refs read from disk.
func parseFile(t *testing.T, p string) (*openapi.Description, error) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	read := func(_ context.Context, u *url.URL) ([]byte, error) { return os.ReadFile(u.Path) }
	return openapi.Parse(context.Background(), data, &url.URL{Scheme: "file", Path: p}, openapi.ParseOptions{Read: read})
}

// write writes files into a new temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A file that is not an OpenAPI description (an Arazzo document, a YAML
// list) fails Parse with an error errors.Is matches to ErrNotOpenAPI and
// that names the file; a description does not.
func TestExternalErrNotOpenAPI(t *testing.T) {
	dir := write(t, map[string]string{
		"flow.arazzo.yaml": "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nworkflows: []\n",
		"list.yaml":        "- openapi: 3.0.3\n",
		"api.yaml":         "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths: {}\n",
		"swagger.json":     `{"swagger": "2.0", "info": {"title": "a", "version": "1"}, "paths": {}}`,
	})
	for name, want := range map[string]bool{"flow.arazzo.yaml": true, "list.yaml": true, "api.yaml": false, "swagger.json": false} {
		p := filepath.Join(dir, name)
		d, err := parseFile(t, p)
		if got := errors.Is(err, openapi.ErrNotOpenAPI); got != want {
			t.Errorf("%s: errors.Is(err, ErrNotOpenAPI) = %v, want %v (err %v)", name, got, want, err)
		}
		if want && (d != nil || !strings.Contains(err.Error(), name)) {
			t.Errorf("%s: description %v, error %v: want none and the file named", name, d, err)
		}
		if !want && (d == nil || d.Version == "") {
			t.Errorf("%s: no description (%v)", name, err)
		}
	}
}

// A $ref cycle that runs through two files on disk (a parameter of a.yaml
// is b.yaml's, which is a.yaml's again) fails binding the operation with
// an error errors.As reads as a *RefCycleError locating the $ref in
// b.yaml and listing the cycle.
func TestExternalRefCycleAcrossFiles(t *testing.T) {
	dir := write(t, map[string]string{
		"a.yaml": `openapi: 3.0.3
info: {title: a, version: "1"}
paths:
  /x:
    get:
      operationId: x
      parameters:
        - $ref: 'b.yaml#/P'
      responses: {"200": {description: ok}}
components:
  parameters:
    P: {$ref: 'b.yaml#/P'}
`,
		"b.yaml": "P: {$ref: 'a.yaml#/components/parameters/P'}\n",
	})
	d, err := parseFile(t, filepath.Join(dir, "a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.OperationByID("x").Parameters(context.Background())
	var ce *openapi.RefCycleError
	if !errors.As(err, &ce) {
		t.Fatalf("Parameters error = %v, want a *openapi.RefCycleError", err)
	}
	if !strings.HasSuffix(ce.File, "/b.yaml") || ce.Line != 1 || ce.Column != 11 || len(ce.Refs) != 2 {
		t.Errorf("RefCycleError = %+v, want b.yaml:1:11 and the two $refs of the cycle", ce)
	}
	joined := strings.Join(ce.Refs, " ")
	if !strings.Contains(joined, "b.yaml#/P") || !strings.Contains(joined, "#/components/parameters/P") {
		t.Errorf("cycle = %q, want b.yaml#/P and a.yaml#/components/parameters/P", ce.Refs)
	}
	// Binding again reports the same cycle, not a different error.
	if _, err2 := d.OperationByID("x").Parameters(context.Background()); !errors.As(err2, &ce) {
		t.Errorf("second bind: %v", err2)
	}
}
