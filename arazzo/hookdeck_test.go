package arazzo

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestHookdeckReference loads the reference workflow of the project.
func TestHookdeckReference(t *testing.T) {
	p := filepath.Join("..", "testdata", "hookdeck", "arazzo", "hookdeck-attach-integration-to-source-workflow.yml")
	if _, err := os.Stat(p); err != nil {
		t.Skip("reference workflow not present yet")
	}
	// The workflows name ../openapi/...: the tree is the hookdeck directory.
	doc, err := Load(context.Background(), p, WithSchemes("file"), WithPolicy(Policy{LocalRoot: filepath.Join(filepath.Dir(p), "..")}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(doc.Diagnostics) != 0 {
		t.Fatalf("want no diagnostics, got:\n%s", diagLines(doc.Diagnostics))
	}
	for _, s := range doc.SourceDescriptions {
		if s.OpenAPI == nil || s.ResolvedType != SourceTypeOpenAPI {
			t.Errorf("source %s not resolved", s.Name)
		}
	}
	want := []string{"createSource", "createIntegration", "attachIntegrationToSource", "getSource"}
	steps := doc.Workflows[0].Steps
	if len(steps) != len(want) {
		t.Fatalf("%d steps", len(steps))
	}
	for i, s := range steps {
		if s.Target == nil || s.Target.Operation == nil || s.Target.Operation.OperationID != want[i] {
			t.Errorf("step %s: target %+v", s.StepID, s.Target)
		}
	}
}

// TestLargestOpenAPILoad measures loading a Jentic document whose source is
// the largest OpenAPI file of the corpus (mist.com, 3.8 MB).
func TestLargestOpenAPILoad(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus", "jentic-public-apis")
	p := filepath.Join(root, "workflows", "mist.com", "workflows.arazzo.json")
	if _, err := os.Stat(p); err != nil {
		t.Skip(err)
	}
	start := time.Now()
	doc, _ := Load(context.Background(), p, WithBaseURL(root), WithSchemes("file"))
	el := time.Since(start)
	if doc == nil {
		t.Fatal("mist.com: nil document")
	}
	n := 0
	for _, s := range doc.SourceDescriptions {
		if s.OpenAPI != nil {
			n = len(s.OpenAPI.Operations())
		}
	}
	if n < 100 {
		t.Errorf("mist.com OpenAPI: %d operations", n)
	}
	t.Logf("mist.com workflows + 3.8 MB OpenAPI: loaded in %v, %d operations indexed", el.Round(time.Millisecond), n)
}
