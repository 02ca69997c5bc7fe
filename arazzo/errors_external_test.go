package arazzo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// extFlow is an Arazzo document with the given source descriptions and
// one workflow whose step calls operation x of source api.
func extFlow(sources string) string {
	return "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n" + sources +
		"workflows:\n  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: $sourceDescriptions.api.x\n"
}

// extAPI is an OpenAPI description whose only operation, x, uses the
// parameter at ref (none when ref is empty).
func extAPI(ref string) string {
	params := ""
	if ref != "" {
		params = "      parameters: [{$ref: '" + ref + "'}]\n"
	}
	return "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n" +
		params + "      responses: {'200': {description: ok}}\n"
}

// writeTree writes files (slash paths relative to a new temporary
// directory) and returns the directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadDiags loads entry and returns Load's error as Diagnostics through
// errors.As, failing the test when it is not one.
func loadDiags(t *testing.T, entry string, opts ...arazzo.Option) (*arazzo.Document, arazzo.Diagnostics) {
	t.Helper()
	doc, err := arazzo.Load(context.Background(), entry, opts...)
	var ds arazzo.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("Load error = %v (%T), want arazzo.Diagnostics", err, err)
	}
	if !ds.HasErrors() {
		t.Fatalf("Diagnostics without an error: %v", ds)
	}
	return doc, ds
}

// withCode returns the first diagnostic of ds with code, failing the test
// when there is none.
func withCode(t *testing.T, ds arazzo.Diagnostics, code string) arazzo.Diagnostic {
	t.Helper()
	for _, d := range ds {
		if d.Code == code {
			return d
		}
	}
	t.Fatalf("no diagnostic with code %q in:\n%v", code, ds)
	return arazzo.Diagnostic{}
}

// A loaded document with errors: Load returns the document and an error
// that errors.As reads as arazzo.Diagnostics, the same findings the
// document keeps, each positioned in the file.
func TestExternalLoadDiagnostics(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"flow.arazzo.yaml": extFlow("  - {name: api, url: api.yaml, type: openapi}\n") +
			"      - stepId: a\n        operationId: $sourceDescriptions.api.x\n",
		"api.yaml": extAPI(""),
	})
	entry := filepath.Join(dir, "flow.arazzo.yaml")
	doc, ds := loadDiags(t, entry)
	if doc == nil {
		t.Fatal("no document returned with the diagnostics")
	}
	d := withCode(t, ds, arazzo.CodeDuplicateStepID)
	if d.Severity != arazzo.SeverityError || d.Pos.File != entry || d.Pos.Line != 10 {
		t.Errorf("duplicate step diagnostic = %+v, want an error at %s:10", d, entry)
	}
	if len(doc.Diagnostics.Errors()) != len(ds.Errors()) {
		t.Errorf("document keeps %d errors, Load reported %d", len(doc.Diagnostics.Errors()), len(ds.Errors()))
	}
}

// A source URL the policy refuses: a local document naming a file outside
// its tree. Load reports it as a diagnostic with code "policy" naming the
// rule (the *PolicyError is behind it, not reachable from Load's error).
func TestExternalPolicySource(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"flows/flow.arazzo.yaml": extFlow("  - {name: api, url: ../apis/api.yaml, type: openapi}\n"),
		"apis/api.yaml":          extAPI(""),
	})
	entry := filepath.Join(dir, "flows", "flow.arazzo.yaml")
	_, ds := loadDiags(t, entry)
	d := withCode(t, ds, arazzo.CodePolicy)
	if !strings.Contains(d.Message, arazzo.RuleOutsideTree) || d.Pos.File != entry {
		t.Errorf("policy diagnostic = %+v, want rule %s at %s", d, arazzo.RuleOutsideTree, entry)
	}
	// The same tree with Policy.LocalRoot at the top loads.
	if _, err := arazzo.Load(context.Background(), entry, arazzo.WithPolicy(arazzo.Policy{LocalRoot: dir})); err != nil {
		t.Errorf("with LocalRoot: %v", err)
	}
}

// An external $ref the policy refuses is followed when the operation is
// bound: Operation.Parameters returns an error that errors.As reads as a
// *arazzo.PolicyError naming the rule and the location.
func TestExternalPolicyRef(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"flows/flow.arazzo.yaml": extFlow("  - {name: api, url: api.yaml, type: openapi}\n"),
		"flows/api.yaml":         extAPI("../params.yaml#/p"),
		"params.yaml":            "p: {name: id, in: query, schema: {type: string}}\n",
	})
	doc, err := arazzo.Load(context.Background(), filepath.Join(dir, "flows", "flow.arazzo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Workflows[0].Steps[0].Target.Operation
	_, err = op.Parameters(context.Background())
	var pe *arazzo.PolicyError
	if !errors.As(err, &pe) {
		t.Fatalf("Parameters error = %v, want a *arazzo.PolicyError", err)
	}
	if pe.Rule != arazzo.RuleOutsideTree || !strings.Contains(pe.Location, "params.yaml") {
		t.Errorf("PolicyError = %+v, want rule %s on params.yaml", pe, arazzo.RuleOutsideTree)
	}
}

// WithMaxDocumentSize: a source over the cap is a "limit" diagnostic of
// Load; an external $ref over it, read when the operation is bound, is an
// error errors.As reads as a *arazzo.LimitError naming MaxDocumentBytes.
func TestExternalLimitDocumentSize(t *testing.T) {
	big := "p: {name: id, in: query, schema: {type: string}}\n#" + strings.Repeat("x", 4096) + "\n"
	dir := writeTree(t, map[string]string{
		"flow.arazzo.yaml": extFlow("  - {name: api, url: api.yaml, type: openapi}\n  - {name: big, url: big.yaml, type: openapi}\n"),
		"api.yaml":         extAPI("params.yaml#/p"),
		"params.yaml":      big,
		"big.yaml":         extAPI("") + "#" + strings.Repeat("x", 4096) + "\n",
	})
	entry := filepath.Join(dir, "flow.arazzo.yaml")
	doc, ds := loadDiags(t, entry, arazzo.WithMaxDocumentSize(2048))
	d := withCode(t, ds, arazzo.CodeLimit)
	if !strings.Contains(d.Message, "big") || !strings.Contains(d.Message, "MaxDocumentBytes") {
		t.Errorf("limit diagnostic = %+v, want source big and MaxDocumentBytes named", d)
	}
	_, err := doc.SourceDescriptions[0].OpenAPI.Operations()[0].Parameters(context.Background())
	var le *arazzo.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("Parameters error = %v, want a *arazzo.LimitError", err)
	}
	if le.Limit != "MaxDocumentBytes" || le.Value != 2048 {
		t.Errorf("LimitError = %+v, want MaxDocumentBytes 2048", le)
	}
}

// WithMaxSources: a load naming more documents than the cap reports the
// source over it with code "source-limit".
func TestExternalLimitSources(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"flow.arazzo.yaml": extFlow("  - {name: api, url: api.yaml, type: openapi}\n  - {name: two, url: two.yaml, type: openapi}\n"),
		"api.yaml":         extAPI(""),
		"two.yaml":         extAPI(""),
	})
	entry := filepath.Join(dir, "flow.arazzo.yaml")
	if _, err := arazzo.Load(context.Background(), entry, arazzo.WithMaxSources(3)); err != nil {
		t.Fatalf("three documents under a cap of 3: %v", err)
	}
	_, ds := loadDiags(t, entry, arazzo.WithMaxSources(2))
	d := withCode(t, ds, arazzo.CodeSourceLimit)
	if !strings.Contains(d.Message, `"two"`) || !strings.Contains(d.Message, "limit 2") {
		t.Errorf("source limit diagnostic = %+v, want source two and the cap 2 named", d)
	}
}
