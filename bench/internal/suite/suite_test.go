package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// programs are what bench/run.sh builds besides the driver and the
// runtime test binary: package path -> file name in Bin.
var programs = map[string]string{
	"./cmd/weft":           "weft",
	"./bench/cmd/plain":    "plain",
	"./bench/cmd/kinload":  "kinload",
	"./bench/cmd/weftconc": "weftconc",
	"./bench/cmd/rusage":   "rusage",
}

var (
	binDir   string // the built programs, shared by the tests
	buildErr error
	root     = filepath.Join("..", "..", "..")
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// built builds the programs once (with -race when the test runs under
// it, so that the build cache already holds their packages) and returns
// their directory. It skips the test where there is no go command or no
// Unix rusage.
func built(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("the suite needs Unix rusage")
	}
	if binDir == "" && buildErr == nil {
		buildErr = build()
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func build() error {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the suite's test builds its programs and needs the go command: %w", err)
	}
	dir, err := os.MkdirTemp("", "weftbench-test-")
	if err != nil {
		return err
	}
	binDir = dir
	var flags []string
	if raceEnabled {
		flags = append(flags, "-race")
	}
	pkgs := make([]string, 0, len(programs))
	for p := range programs {
		pkgs = append(pkgs, p)
	}
	for _, args := range [][]string{
		append(append([]string{"build"}, flags...), append([]string{"-o", dir + string(filepath.Separator)}, pkgs...)...),
		append(append([]string{"test", "-c"}, flags...), "-o", filepath.Join(dir, "runtime.test"), "./runtime"),
	} {
		cmd := exec.Command(gocmd, args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// quickConfig is the suite at its smallest: one round, small bodies, two
// concurrency levels, benchmarks run once, and a small generated
// description in place of mist.com (the real one too, when the corpus is
// here and the run is neither -short nor -race).
func quickConfig(t *testing.T, bin string) Config {
	c := Config{
		Bin: bin, Root: root, Rounds: 1, BenchTime: "1x",
		Sizes: []int{1_000, 1_000_000}, Concurrency: []int{1, 10}, ConcRuns: 20, ConcRepeat: 1,
		NoWarmup: true, Log: testWriter{t}, Verbose: true,
	}
	shared := filepath.Join(root, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, filepath.FromSlash(mistRel))); err != nil || testing.Short() || raceEnabled {
		c.Mist = smallDescription(t)
	}
	if _, err := os.Stat(filepath.Join(shared, "corpus", "hookdeck", "openapi")); err != nil {
		// The trimmed descriptions stand in for the real ones: the same
		// code path, a ratio near 1.
		c.HookdeckReal = filepath.Join(root, "testdata", "hookdeck", "openapi")
	}
	return c
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// smallDescription writes a JSON OpenAPI description with an apiKey
// scheme and GET operations, of which only three are simple enough for
// the first-request workflow.
func smallDescription(t *testing.T) string {
	paths := map[string]any{
		"/a/{id}": map[string]any{"get": map[string]any{"operationId": "templated", "responses": ok200}},
		"/b":      map[string]any{"get": map[string]any{"operationId": "listB", "responses": ok200}},
		"/c":      map[string]any{"get": map[string]any{"operationId": "needsQ", "responses": ok200, "parameters": []any{map[string]any{"name": "q", "in": "query", "required": true, "schema": map[string]any{"type": "string"}}}}},
		"/d":      map[string]any{"get": map[string]any{"operationId": "listD", "responses": ok200, "parameters": []any{map[string]any{"name": "q", "in": "query", "schema": map[string]any{"type": "string"}}}}},
		"/e":      map[string]any{"post": map[string]any{"operationId": "postE", "responses": ok200}},
		"/f":      map[string]any{"get": map[string]any{"operationId": "listF", "responses": ok200}},
		"/g":      map[string]any{"get": map[string]any{"operationId": "listG", "responses": ok200}},
	}
	desc := map[string]any{
		"openapi": "3.0.3", "info": map[string]any{"title": "small", "version": "1"},
		"servers":    []any{map[string]any{"url": "https://small.invalid"}},
		"security":   []any{map[string]any{"apiToken": []any{}}},
		"components": map[string]any{"securitySchemes": map[string]any{"apiToken": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}}},
		"paths":      paths,
	}
	data, err := json.Marshal(desc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "small.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var ok200 = map[string]any{"200": map[string]any{"description": "ok"}}

// TestQuickSuite runs every row once at small sizes and checks what each
// produced: no row fails or is skipped, every ratio and size is finite and
// positive and counts one round, and the table and JSON carry every
// measure. Each row also checks, as it runs, that both sides made the
// requests they should (the reference workflow's four calls answered 200,
// three first-request steps, the expected output read from a body).
func TestQuickSuite(t *testing.T) {
	bin := built(t)
	if raceEnabled {
		// A race-enabled program sleeps 1s at exit by default.
		t.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	}
	start := time.Now()
	outs, err := Run(context.Background(), quickConfig(t, bin))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("suite ran in %s", time.Since(start).Round(time.Millisecond))
	if len(outs) != len(rows) {
		t.Fatalf("%d outcomes, want %d", len(outs), len(rows))
	}
	want := map[string]int{"process": 4, "real": 4, "mist": 4, "pairs": 6, "bodies": 4 + 2 + 4, "concurrency": 1 + 2}
	for _, o := range outs {
		if o.Err != nil {
			t.Errorf("row %s failed: %v", o.Row, o.Err)
			continue
		}
		if o.Skipped != "" {
			t.Errorf("row %s skipped: %s", o.Row, o.Skipped)
			continue
		}
		if len(o.Lines) != want[o.Row] {
			t.Errorf("row %s: %d lines, want %d", o.Row, len(o.Lines), want[o.Row])
		}
		for _, l := range o.Lines {
			s := l.Stats
			if s.N != 1 {
				t.Errorf("%s %q: %d rounds, want 1", o.Row, l.Measure, s.N)
			}
			switch l.Unit {
			case "x", "MiB":
				if !s.Valid() {
					t.Errorf("%s %q: %+v is not finite and positive", o.Row, l.Measure, s)
				}
			default: // memory increments can be zero (a reused stack)
				if math.IsNaN(s.Median) || math.IsInf(s.Median, 0) {
					t.Errorf("%s %q: %+v is not finite", o.Row, l.Measure, s)
				}
			}
			if l.Unit == "MiB" && s.Median < 1 {
				t.Errorf("%s %q: a Go process in %.2f MiB: rusage is not read", o.Row, l.Measure, s.Median)
			}
		}
	}
	var tbl, js bytes.Buffer
	if err := WriteTable(&tbl, outs); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, outs); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", tbl.String())
	var back []jsonOutcome
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != len(outs) {
		t.Fatalf("JSON: %v, %d rows", err, len(back))
	}
	for _, o := range outs {
		for _, l := range o.Lines {
			if !strings.Contains(tbl.String(), l.Measure) {
				t.Errorf("table lacks %q", l.Measure)
			}
		}
	}
}

// TestRunScriptBuildsEveryProgram keeps bench/run.sh and the programs the
// suite runs in step.
func TestRunScriptBuildsEveryProgram(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, "bench", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for pkg, name := range programs {
		if !strings.Contains(string(script), pkg) {
			t.Errorf("run.sh does not build %s (%s)", pkg, name)
		}
	}
	for _, want := range []string{"./bench/cmd/weftbench", "go test -c -o \"$bin/runtime.test\" ./runtime"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("run.sh lacks %s", want)
		}
	}
}
