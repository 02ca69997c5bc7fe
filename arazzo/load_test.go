package arazzo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

const childArazzo = `arazzo: 1.0.1
info: {title: child, version: '1'}
sourceDescriptions:
  - {name: pets, url: ../apis/pets.yaml, type: openapi}
  - {name: parent, url: ../main.yaml, type: arazzo}
workflows:
  - workflowId: childFlow
    steps: [{stepId: a, operationId: listPets}]
`

func TestLoadFilesRelativeAndCycles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("apis/pets.yaml", testAPI)
	write("flows/child.yaml", childArazzo)
	write("main.yaml", docWith("  - {name: pets, url: apis/pets.yaml}\n  - {name: child, url: flows/child.yaml}\n", `  - workflowId: w
    steps:
      - {stepId: a, workflowId: $sourceDescriptions.child.childFlow}
      - {stepId: b, operationId: $sourceDescriptions.pets.listPets}
`, ""))
	doc, err := Load(context.Background(), filepath.Join(dir, "main.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(doc.Diagnostics) != 0 {
		t.Fatalf("diagnostics:\n%s", diagLines(doc.Diagnostics))
	}
	if doc.URL.Scheme != "file" || !strings.HasSuffix(doc.URL.Path, "/main.yaml") {
		t.Errorf("URL = %v", doc.URL)
	}
	child := doc.SourceDescriptions[1].Arazzo
	if child == nil || doc.SourceDescriptions[1].ResolvedType != SourceTypeArazzo {
		t.Fatalf("child not loaded: %+v", doc.SourceDescriptions[1])
	}
	// The cycle child -> main resolves to the same document, loaded once;
	// the OpenAPI file is parsed once for both documents.
	if child.SourceDescriptions[1].Arazzo != doc {
		t.Error("cycle: parent not shared")
	}
	if child.SourceDescriptions[0].OpenAPI != doc.SourceDescriptions[0].OpenAPI {
		t.Error("OpenAPI source parsed twice")
	}
	if tg := doc.Workflows[0].Steps[0].Target; tg == nil || tg.Workflow != child.Workflows[0] || tg.Source != doc.SourceDescriptions[1] {
		t.Errorf("workflow target: %+v", tg)
	}
	if child.Workflows[0].Document != child {
		t.Error("child workflow Document")
	}
	if child.Workflows[0].Steps[0].Target == nil {
		t.Error("child step not bound")
	}
}

func TestLoadErrorsAtSourceURL(t *testing.T) {
	src := docWith("  - {name: pets, url: missing.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")
	doc, err := Load(context.Background(), "main.yaml", WithFS(fstest.MapFS{"main.yaml": {Data: []byte(src)}}))
	var ds Diagnostics
	if !errors.As(err, &ds) || doc == nil {
		t.Fatalf("want Diagnostics error and a document, got %v, %v", doc, err)
	}
	d, ok := findDiag(ds, "source-unreadable", "/sourceDescriptions/0/url")
	if !ok || d.Pos != (Position{"main.yaml", 4, 23}) || d.Hint == "" {
		t.Errorf("got:\n%s", diagLines(ds))
	}
	// The unbound step is not reported again.
	if _, ok := findDiag(ds, "unknown-operation", ""); ok {
		t.Errorf("unknown-operation reported for a failed source:\n%s", diagLines(ds))
	}
}

func TestLoadEntryErrors(t *testing.T) {
	doc, err := Load(context.Background(), "nope.yaml", WithFS(fstest.MapFS{}))
	var ds Diagnostics
	if doc != nil || !errors.As(err, &ds) || ds[0].Code != "read" {
		t.Errorf("missing entry: %v %v", doc, err)
	}
	doc, err = Load(context.Background(), "x.yaml", WithFS(fstest.MapFS{"x.yaml": {Data: []byte("- 1\n")}}))
	if doc != nil || !errors.As(err, &ds) || ds[0].Code != "syntax" {
		t.Errorf("non-object entry: %v %v", doc, err)
	}
}

func TestLoadHTTP(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/flows/main.yaml":
			fmt.Fprint(w, docWith("  - {name: pets, url: ../apis/pets.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: getPet, parameters: [{name: id, in: path, value: 1}]}]\n", ""))
		case "/apis/pets.yaml":
			fmt.Fprint(w, testAPI)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// The server is on loopback: the document from it may name it only
	// with the policy's opt-in (TestPolicyNetworkDeniesPrivate holds the default).
	private := WithPolicy(Policy{AllowPrivate: true})
	doc, err := Load(context.Background(), srv.URL+"/flows/main.yaml", WithHTTPClient(srv.Client()), private)
	if err != nil {
		t.Fatal(err)
	}
	s := doc.SourceDescriptions[0]
	if s.ResolvedURL.String() != srv.URL+"/apis/pets.yaml" || s.OpenAPI == nil || doc.Workflows[0].Steps[0].Target == nil {
		t.Errorf("source: %+v", s)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d", hits.Load())
	}
	// Schemes: http not allowed.
	_, err = Load(context.Background(), srv.URL+"/flows/main.yaml", WithHTTPClient(srv.Client()), WithSchemes("file"))
	if err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("scheme restriction: %v", err)
	}
	// Size cap.
	_, err = Load(context.Background(), srv.URL+"/flows/main.yaml", WithHTTPClient(srv.Client()), WithMaxDocumentSize(20))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("size cap: %v", err)
	}
	// Cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	doc, err = Load(ctx, srv.URL+"/flows/main.yaml", WithHTTPClient(srv.Client()))
	if doc != nil || err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled: %v %v", doc, err)
	}
}

func TestLoadSourceCap(t *testing.T) {
	src := docWith("  - {name: pets, url: pets.yaml}\n  - {name: store, url: store.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.pets.listPets}]\n", "")
	fsys := fstest.MapFS{"main.yaml": {Data: []byte(src)}, "pets.yaml": {Data: []byte(testAPI)}, "store.yaml": {Data: []byte(testAPI2)}}
	doc, err := Load(context.Background(), "main.yaml", WithFS(fsys), WithMaxSources(2))
	if err == nil {
		t.Fatal("want an error")
	}
	if d, ok := findDiag(doc.Diagnostics, "source-limit", "/sourceDescriptions/1/url"); !ok || d.Pos.Line != 5 {
		t.Errorf("got:\n%s", diagLines(doc.Diagnostics))
	}
	if doc.SourceDescriptions[0].OpenAPI == nil {
		t.Error("first source should load")
	}
}

// TestLoadBaseURL covers decisions D3: a source resolving only against the
// base URL loads with a warning; percent-encoded names are decoded.
func TestLoadBaseURL(t *testing.T) {
	src := docWith("  - {name: pets, url: ./apis/my%20pets/openapi.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")
	fsys := fstest.MapFS{
		"repo/workflows/x/main.yaml":     {Data: []byte(src)},
		"repo/apis/my pets/openapi.yaml": {Data: []byte(testAPI)},
	}
	doc, err := Load(context.Background(), "repo/workflows/x/main.yaml", WithFS(fsys))
	if err == nil {
		t.Fatal("without base URL the source must not resolve")
	}
	doc, err = Load(context.Background(), "repo/workflows/x/main.yaml", WithFS(fsys), WithBaseURL("repo"))
	if err != nil {
		t.Fatalf("with base URL: %v", err)
	}
	d, ok := findDiag(doc.Diagnostics, "base-url", "/sourceDescriptions/0/url")
	if !ok || d.Severity != SeverityWarning || d.Hint == "" || len(doc.Diagnostics) != 1 {
		t.Errorf("got:\n%s", diagLines(doc.Diagnostics))
	}
	if doc.Workflows[0].Steps[0].Target == nil {
		t.Error("target not bound")
	}
}

func TestLoadSniffsType(t *testing.T) {
	src := docWith("  - {name: pets, url: pets.json}\n  - {name: other, url: other.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, workflowId: $sourceDescriptions.other.o}]\n", "")
	other := "arazzo: 1.0.1\ninfo: {title: o, version: '1'}\nsourceDescriptions: [{name: p, url: pets.json}]\nworkflows: [{workflowId: o, steps: [{stepId: s, operationId: listPets}]}]\n"
	petsJSON := `{"openapi": "3.0.0", "info": {"title": "p", "version": "1"}, "paths": {"/pets": {"get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}}}}`
	doc, _ := loadMap(t, src, "pets.json", petsJSON, "other.yaml", other)
	if len(doc.Diagnostics) != 0 {
		t.Fatalf("diagnostics:\n%s", diagLines(doc.Diagnostics))
	}
	if doc.SourceDescriptions[0].ResolvedType != SourceTypeOpenAPI || doc.SourceDescriptions[1].ResolvedType != SourceTypeArazzo {
		t.Errorf("types: %q %q", doc.SourceDescriptions[0].ResolvedType, doc.SourceDescriptions[1].ResolvedType)
	}
}

// TestLoadDiagnosticsOfSubDocuments: errors in an arazzo source are part of
// the entry document's diagnostics, positioned in the source's file.
func TestLoadDiagnosticsOfSubDocuments(t *testing.T) {
	src := docWith("  - {name: other, url: other.yaml, type: arazzo}\n", "  - workflowId: w\n    steps: [{stepId: a, workflowId: $sourceDescriptions.other.o}]\n", "")
	other := "arazzo: 1.0.1\ninfo: {title: o, version: '1'}\nsourceDescriptions: [{name: p, url: pets.yaml}]\nworkflows: [{workflowId: o, steps: [{stepId: s, operationId: nope}]}]\n"
	_, ds := loadMap(t, src, "other.yaml", other)
	d, ok := findDiag(ds, "unknown-operation", "")
	if !ok || d.Pos.File != "other.yaml" || d.Pos.Line != 4 {
		t.Errorf("got:\n%s", diagLines(ds))
	}
}

func TestSpecPassExamples(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "arazzo-spec", "tests", "v1.0", "pass")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		doc, ds := Parse(data, e.Name())
		if doc == nil {
			t.Errorf("%s: nil document", e.Name())
			continue
		}
		for _, d := range ds {
			if d.Code == "schema" || d.Code == "syntax" {
				t.Errorf("%s: %v", e.Name(), d)
			}
		}
	}
}
