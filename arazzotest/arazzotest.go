// Package arazzotest runs Arazzo workflows from Go tests.
//
// Run loads a document, runs one of its workflows and fails the test with
// readable diagnostics or a step trace when something goes wrong; ServeAll
// points every source of a document at a test server. RunCase, RunCases and
// ExecCase run the hermetic conformance cases of testdata/conformance
// (see that directory's README for the case.yaml format).
package arazzotest

import (
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/casefile"
	"github.com/weftflow/weft/runtime"
)

// Load loads the Arazzo document at path and fails the test (t.Fatal) when
// it has error diagnostics, listing them; warnings are logged.
func Load(t testing.TB, path string, opts ...arazzo.Option) *arazzo.Document {
	t.Helper()
	doc, err := casefile.Load(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("arazzotest: loading %s:\n%s", path, casefile.Indent(err.Error()))
	}
	for _, d := range doc.Diagnostics {
		if d.Severity < arazzo.SeverityError {
			t.Logf("%s", d.String())
		}
	}
	return doc
}

// Run loads the document at path and runs workflowID with inputs and
// opts. Error diagnostics, a runner that cannot be built and a run that
// cannot start end the test (t.Fatal); a workflow that fails marks the
// test failed (t.Error) with the step trace. The result is returned for
// further assertions (nil only after t.Fatal in a non-standard TB).
func Run(t testing.TB, path, workflowID string, inputs map[string]any, opts ...runtime.Option) *runtime.Result {
	t.Helper()
	doc := Load(t, path)
	return RunDocument(t, doc, workflowID, inputs, opts...)
}

// RunDocument is Run for a document already loaded (with Load, say, to
// build the ServeAll options first).
func RunDocument(t testing.TB, doc *arazzo.Document, workflowID string, inputs map[string]any, opts ...runtime.Option) *runtime.Result {
	t.Helper()
	r, err := runtime.NewContext(t.Context(), doc, opts...)
	if err != nil {
		t.Fatalf("arazzotest: %v", err)
		return nil
	}
	res, err := r.Run(t.Context(), workflowID, inputs)
	if err != nil && res == nil {
		t.Fatalf("arazzotest: %v", err)
		return nil
	}
	if err != nil {
		res.Status = runtime.StatusFailed
		if res.Error == "" {
			res.Error = err.Error()
		}
	}
	if !res.Succeeded() {
		t.Errorf("arazzotest: workflow %s failed: %s\n%s", workflowID, res.Error, casefile.Indent(Trace(res)))
	}
	return res
}

// ServeAll returns a runtime.WithServer option per source description of
// doc, and of every Arazzo document it references, pointing each at
// baseURL (the URL of an httptest.Server, say). Operation paths are then
// requested relative to baseURL.
func ServeAll(doc *arazzo.Document, baseURL string) []runtime.Option {
	return casefile.ServeAll(doc, baseURL)
}

// Trace formats the step executions of a result, one line per execution
// with the reasons of failures indented below, then the outcome.
func Trace(res *runtime.Result) string { return casefile.Trace(res) }
