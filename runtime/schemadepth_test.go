package runtime_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// deepInputsDoc is a document whose workflow's inputs schema nests levels
// deep ({"items": {"items": ...}}: 11 bytes a level, as in the report).
func deepInputsDoc(levels int) string {
	schema := strings.Repeat(`{"items": `, levels) + `{"type": "string"}` + strings.Repeat("}", levels)
	return doc(`
  - workflowId: w
    inputs: ` + schema + `
    steps:
      - stepId: s
        operationId: poll
`)
}

func loadDoc(t *testing.T, src string) *arazzo.Document {
	t.Helper()
	dir := writeFiles(t, map[string]string{"api.yaml": testAPI, "flow.arazzo.yaml": src})
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return d
}

// deepSchema is {"items": {"items": ... {"type": "string"}}}, levels deep.
func deepSchema(levels int) any {
	var s any = map[string]any{"type": "string"}
	for i := 0; i < levels; i++ {
		s = map[string]any{"items": s}
	}
	return s
}

// Issue 10 item 8: a 5,000-level inputs schema stalled runtime.New for
// 39 s in the JSON Schema compile. New now refuses it at once, naming
// MaxSchemaDepth. (The schema is set in code: a document built or changed
// in code reaches New without the loader's own document budget.)
func TestLimitSchemaDepth(t *testing.T) {
	d := loadDoc(t, deepInputsDoc(2))
	d.Workflows[0].Inputs = deepSchema(5000)
	start := time.Now()
	_, err := runtime.New(d)
	if took := time.Since(start); took > time.Second {
		t.Errorf("New took %v", took)
	}
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxSchemaDepth" || le.Value != runtime.DefaultMaxSchemaDepth {
		t.Fatalf("err = %v, want LimitError MaxSchemaDepth", err)
	}
	// A schema within the limit compiles; the limit is configurable.
	ok := loadDoc(t, deepInputsDoc(20))
	if _, err := runtime.New(ok); err != nil {
		t.Fatalf("20 levels: %v", err)
	}
	if _, err := runtime.New(ok, runtime.WithLimits(runtime.Limits{MaxSchemaDepth: 10})); !errors.As(err, &le) || le.Value != 10 {
		t.Fatalf("MaxSchemaDepth 10: err = %v", err)
	}
}

// NewContext stops compiling when its context is done; New is
// NewContext(context.Background(), ...).
func TestNewContext(t *testing.T) {
	d := loadDoc(t, deepInputsDoc(2))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := runtime.NewContext(ctx, d); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: err = %v", err)
	}
	if r, err := runtime.NewContext(context.Background(), d); err != nil || r == nil {
		t.Fatalf("NewContext: %v", err)
	}
}
