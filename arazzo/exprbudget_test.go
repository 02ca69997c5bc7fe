package arazzo

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"
)

// bigConditionDoc returns a document whose one success criterion is a
// condition of about size bytes with a reference every 22 bytes.
func bigConditionDoc(size int) string {
	unit := "$statusCode == 200 && "
	cond := strings.Repeat(unit, size/len(unit)) + "$statusCode == 200"
	return docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n        successCriteria:\n          - condition: '"+cond+"'\n", "")
}

// Issue 10 item 8: validation was quadratic in the length of an
// expression (a 440 KB condition took 7.7 s; 4.4 MB over 120 s): every
// reference searched the whole condition for its position. It is linear.
func TestValidationLinearInExpressionLength(t *testing.T) {
	d := bigConditionDoc(440 << 10)
	start := time.Now()
	_, diags := loadMap(t, d)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("a 440 KB condition took %v to validate", took)
	}
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	// Each reference is placed at its own offset, not at the first copy
	// of its text.
	d = docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria:
          - condition: $steps.nope.outputs.x == 1 && $steps.nope.outputs.x == 2
`, "")
	_, diags = loadMap(t, d)
	var cols []int
	for _, x := range diags {
		if x.Code == "unknown-step-reference" {
			if x.Pos.Line != 11 {
				t.Errorf("line %d, want 11", x.Pos.Line)
			}
			cols = append(cols, x.Pos.Column)
		}
	}
	if len(cols) != 2 || cols[0] != 24 || cols[1] != 54 {
		t.Fatalf("columns %v, want [24 54]: %v", cols, diags)
	}
}

// countdownCtx is a context whose Err turns to Canceled after n calls, so
// that a test can cancel it in the middle of validation deterministically.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// Load checks its context while it validates: a context done in the
// middle of expression checking stops validation with a "cancelled"
// error diagnostic.
func TestLoadValidationHonoursContext(t *testing.T) {
	var steps strings.Builder
	steps.WriteString("  - workflowId: w\n    steps:\n")
	for i := 0; i < 2000; i++ {
		steps.WriteString("      - stepId: s" + strings.Repeat("x", i%5) + itoaTest(i) + "\n        operationId: listPets\n        successCriteria: [{condition: '$statusCode == 200'}]\n")
	}
	d := docWith("", steps.String(), "")
	full, _ := loadMap(t, d)
	if full == nil || full.Diagnostics.HasErrors() {
		t.Fatalf("document does not load: %v", full.Diagnostics)
	}
	// Find how many checks a full load makes, then stop half way.
	probe := &countdownCtx{Context: context.Background()}
	probe.n.Store(1 << 40)
	loadMapContext(t, probe, d)
	calls := 1<<40 - probe.n.Load()
	ctx := &countdownCtx{Context: context.Background()}
	ctx.n.Store(calls / 2)
	_, diags := loadMapContext(t, ctx, d)
	cancelled := false
	for _, x := range diags {
		if x.Code == "cancelled" && strings.Contains(x.Message, "validation stopped") {
			cancelled = true
		}
	}
	if !cancelled {
		t.Fatalf("no cancelled diagnostic after %d of %d context checks: %v", calls/2, calls, diags)
	}
}

func itoaTest(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		i /= 10
		if i == 0 {
			return s
		}
	}
}

func loadMapContext(t *testing.T, ctx context.Context, main string) (*Document, Diagnostics) {
	t.Helper()
	fsys := fstest.MapFS{
		"main.yaml": {Data: []byte(main)},
		"pets.yaml": {Data: []byte(testAPI)},
	}
	doc, _ := Load(ctx, "main.yaml", WithFS(fsys))
	if doc == nil {
		t.Fatal("nil document")
	}
	return doc, doc.Diagnostics
}
