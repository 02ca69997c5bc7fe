package suite

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want Summary
	}{
		{[]float64{3, 1, 2}, Summary{1, 2, 3, 3}},
		{[]float64{4, 1, 3, 2}, Summary{1, 2.5, 4, 4}},
		{[]float64{5}, Summary{5, 5, 5, 1}},
		{nil, Summary{}},
	} {
		if got := Summarize(tc.in); got != tc.want {
			t.Errorf("Summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	if (Summary{}).Valid() || (Summary{1, 1, math.Inf(1), 1}).Valid() || (Summary{0, 1, 1, 1}).Valid() || !(Summary{1, 2, 3, 3}).Valid() {
		t.Error("Valid: want only finite positive figures over at least one round")
	}
	if got := ratios([]float64{2, 9}, []float64{1, 3}); !reflect.DeepEqual(got, []float64{2, 3}) {
		t.Errorf("ratios = %v", got)
	}
}

func TestInterleaveAlternatesOrder(t *testing.T) {
	var got []string
	side := func(s string) func() error { return func() error { got = append(got, s); return nil } }
	if err := interleave(3, side("a"), side("b")); err != nil {
		t.Fatal(err)
	}
	if want := "ab ba ab"; strings.Join(got, "") != strings.ReplaceAll(want, " ", "") {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestParseBench(t *testing.T) {
	out := []byte("goos: linux\nBenchmarkReferenceWorkflowInMemory-2 \t 100\t 50000 ns/op\t 9000 B/op\t 120 allocs/op\n" +
		"BenchmarkReferenceWorkflow-2 \t 10\t 123456 ns/op\t 10000 B/op\t 150 allocs/op\nPASS\n")
	r, err := parseBench(out, "BenchmarkReferenceWorkflow")
	if err != nil || r != (benchResult{nsPerOp: 123456, allocsPerOp: 150, bytesPerOp: 10000}) {
		t.Errorf("parseBench = %+v, %v", r, err)
	}
	if _, err := parseBench(out, "BenchmarkGone"); err == nil || !strings.Contains(err.Error(), "renamed") {
		t.Errorf("a missing benchmark: %v", err)
	}
}

func TestThreeStepDocPicksSimpleGets(t *testing.T) {
	dir := t.TempDir()
	doc, ops, err := threeStepDoc(smallDescription(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"listB", "listD", "listF"}; !reflect.DeepEqual(ops, want) {
		t.Errorf("operations %v, want %v (no templated path, no required parameter, GET only)", ops, want)
	}
	text, _ := os.ReadFile(doc)
	for _, op := range ops {
		if !strings.Contains(string(text), `operationId: "`+op+`"`) {
			t.Errorf("document lacks step %s:\n%s", op, text)
		}
	}
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"openapi":"3.0.3","paths":{"/x":{"get":{"operationId":"x"}}}}`), 0o644)
	if _, _, err := threeStepDoc(empty, dir); err == nil {
		t.Error("a description with one simple operation: want an error")
	}
}

func TestReferenceDocOnChecksOperations(t *testing.T) {
	trimmed := filepath.Join(root, "testdata", "hookdeck", "openapi")
	out := filepath.Join(t.TempDir(), "ref.arazzo.yaml")
	if _, err := referenceDocOn(root, trimmed, out); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(out)
	abs, _ := filepath.Abs(trimmed)
	if strings.Contains(string(text), "url: ../openapi/") || !strings.Contains(string(text), abs) {
		t.Errorf("sources not redirected to %s:\n%s", abs, text)
	}
	// A directory whose descriptions lack the workflow's operations.
	dir := t.TempDir()
	for _, rel := range referenceSources {
		os.WriteFile(filepath.Join(dir, filepath.Base(rel)), []byte("openapi: 3.0.3\npaths:\n  /x:\n    get:\n      operationId: other\n"), 0o644)
	}
	if _, err := referenceDocOn(root, dir, out); err == nil || !strings.Contains(err.Error(), "createSource") {
		t.Errorf("missing operations: %v", err)
	}
}

func TestItemsBody(t *testing.T) {
	for _, size := range []int{1, 1_000, 100_000} {
		body, last, id, name := itemsBody(size)
		var v struct {
			Items []struct{ ID, Name string }
			Total int
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if len(v.Items) != last+1 || v.Total != last+1 || v.Items[last].ID != id || v.Items[last].Name != name {
			t.Errorf("size %d: %d items, last %d %q %q", size, len(v.Items), last, id, name)
		}
		if size >= 1_000 && (len(body) > size || len(body) < size*9/10) {
			t.Errorf("size %d: body of %d bytes", size, len(body))
		}
	}
}

// TestChecksCatchAProgramThatDoesNothing: a side that exits 0 without
// making its requests or printing its output is an error, not a fast run.
func TestChecksCatchAProgramThatDoesNothing(t *testing.T) {
	bin := built(t)
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true program")
	}
	c := &Config{Bin: bin, Root: root}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := startFake(root)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.measure(ctx, c, Command{Path: truePath}); err == nil || !strings.Contains(err.Error(), "made 0 requests") {
		t.Errorf("reference workflow: %v", err)
	}
	p, err := f.measure(ctx, c, f.plainRun(filepath.Join(bin, "plain")))
	if err != nil || p.Wall <= 0 || p.CPU <= 0 || p.MaxRSS <= 0 || p.Start.IsZero() {
		t.Errorf("plain: %+v, %v", p, err)
	}
	srv := newFirstRequests()
	defer srv.Close()
	if _, _, err := srv.measure(ctx, c, Command{Path: truePath}, 1); err == nil || !strings.Contains(err.Error(), "made 0 requests") {
		t.Errorf("first request: %v", err)
	}
	if _, err := c.run(ctx, Command{Path: filepath.Join(bin, "plain"), Args: []string{"nonsense"}}); err == nil || !strings.Contains(err.Error(), "unknown mode") {
		t.Errorf("a failing program: %v, want its stderr quoted", err)
	}
}

func TestConfigCheck(t *testing.T) {
	if _, err := Run(context.Background(), Config{Bin: "x", Root: root, Rows: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "unknown row") {
		t.Errorf("unknown row: %v", err)
	}
	if _, err := Run(context.Background(), Config{Root: root}); err == nil {
		t.Error("no Bin: want an error")
	}
	c := Config{Bin: "bin", Root: root, Rows: []string{"2", "pairs"}}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(c.Bin) || !filepath.IsAbs(c.Root) || !filepath.IsAbs(c.Shared) || c.Rounds != 1 {
		t.Errorf("check: %+v, want absolute paths and at least one round", c)
	}
	var got []string
	for i, name := range Rows() {
		if c.selected(i, name) {
			got = append(got, name)
		}
	}
	if want := []string{"real", "pairs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("selected %v, want %v", got, want)
	}
}
