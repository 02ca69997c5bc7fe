package openapi

import (
	"bytes"
	"context"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

// The places openapi calls kin-openapi and yaml recover a panic the
// library raises on a hostile document and report a malformed document,
// but a runtime error raised by weft's code goes on (boundary.Recover).
// The documents below reach an external $ref, so the caller's
// ParseOptions.Read runs inside the library call: as "lib" it faults
// inside the standard library (standing in for a library's own failure),
// as "own" it faults in this package's code (a bug of ours).

const boundaryDoc = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /p: {$ref: 'p.yaml#/P'}
  /a:
    get:
      operationId: a
      parameters: [{$ref: 'id.yaml#/Id'}]
      responses: {"204": {description: none}}
  /s:
    get:
      operationId: s
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: 's.yaml#/S'}}}
`

// faultingRead returns a ReadFunc that faults as mode says ("lib",
// "own") once armed, and reads nothing before.
func faultingRead(mode string, armed *bool) ReadFunc {
	return func(context.Context, *url.URL) ([]byte, error) {
		if *armed {
			switch mode {
			case "lib":
				var b *bytes.Buffer
				_ = b.Len()
			case "own":
				var m map[string]int
				m["x"] = 1
			}
		}
		return []byte("P: {}\nId: {name: id, in: query}\nS: {type: object}\n"), nil
	}
}

func parseBoundaryDoc(t *testing.T, mode string, armed *bool) (*Description, error) {
	t.Helper()
	u, _ := url.Parse("https://x.test/api.yaml")
	return Parse(context.Background(), []byte(boundaryDoc), u, ParseOptions{Read: faultingRead(mode, armed)})
}

// wantRepanic fails unless f panics with a runtime error.
func wantRepanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if _, ok := recover().(runtime.Error); !ok {
			t.Errorf("%s: weft's own runtime error was not re-panicked", what)
		}
	}()
	f()
}

func TestBoundaryParse(t *testing.T) {
	armed := true
	if _, err := parseBoundaryDoc(t, "lib", &armed); err == nil || !strings.Contains(err.Error(), "malformed document") {
		t.Errorf("Parse: library panic gave %v, want a malformed document", err)
	}
	wantRepanic(t, "Parse", func() { parseBoundaryDoc(t, "own", &armed) })
}

func TestBoundaryBind(t *testing.T) {
	for _, mode := range []string{"lib", "own"} {
		armed := false
		d, err := parseBoundaryDoc(t, mode, &armed)
		if err != nil {
			t.Fatal(err)
		}
		armed = true
		op := d.OperationByID("a")
		if mode == "own" {
			wantRepanic(t, "bind", func() { op.Parameters(context.Background()) })
			continue
		}
		if _, err := op.Parameters(context.Background()); err == nil || !strings.Contains(err.Error(), "malformed operation") {
			t.Errorf("bind: library panic gave %v, want a malformed operation", err)
		}
	}
}

func TestBoundaryKin(t *testing.T) {
	for _, mode := range []string{"lib", "own"} {
		armed := false
		d, err := parseBoundaryDoc(t, mode, &armed)
		if err != nil {
			t.Fatal(err)
		}
		op := d.OperationByID("s")
		if _, err := op.Parameters(context.Background()); err != nil {
			t.Fatal(err)
		}
		armed = true
		if mode == "own" {
			wantRepanic(t, "kin-openapi load", func() { op.schemaRoute(context.Background()) })
			continue
		}
		if _, err := op.schemaRoute(context.Background()); err == nil || !strings.Contains(err.Error(), "kin-openapi failed on a malformed operation") {
			t.Errorf("kin-openapi load: library panic gave %v, want kin-openapi failed", err)
		}
	}
}
