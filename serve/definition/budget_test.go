package definition

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// only returns the one diagnostic of err, failing unless there is exactly
// one with code.
func only(t *testing.T, err error, code string) arazzo.Diagnostic {
	t.Helper()
	ds, ok := err.(arazzo.Diagnostics)
	if !ok || len(ds) != 1 || ds[0].Code != code {
		t.Fatalf("want one %s diagnostic, got %v", code, err)
	}
	return ds[0]
}

func TestBudgetFileSize(t *testing.T) {
	big := flowHead + "    inputs: {x: \"" + strings.Repeat("a", MaxFileBytes) + "\"}\n"
	d := only(t, func() error { _, err := Parse("big.yml", []byte(big)); return err }(), CodeTooLarge)
	if !strings.Contains(d.Message, "MaxFileBytes") || d.Pos != (arazzo.Position{File: "big.yml", Line: 1, Column: 1}) {
		t.Errorf("%v", d)
	}
	path := filepath.Join(t.TempDir(), "big.yml")
	if err := os.WriteFile(path, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(context.Background(), path)
	if d := only(t, err, CodeTooLarge); !strings.Contains(d.Message, "MaxFileBytes") {
		t.Errorf("%v", d)
	}
	// a file of exactly MaxFileBytes is read (and then judged on content)
	exact := flowHead + "    inputs: {x: \"" + strings.Repeat("a", MaxFileBytes-len(flowHead)-20) + "\"}\n"
	exact += strings.Repeat("#", MaxFileBytes-len(exact))
	if len(exact) != MaxFileBytes {
		t.Fatalf("%d", len(exact))
	}
	if err := os.WriteFile(path, []byte(exact), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), path, lookup(map[string]string{"S": "s"})); err != nil {
		t.Errorf("a file of MaxFileBytes: %v", err)
	}
}

func TestBudgetNesting(t *testing.T) {
	for name, src := range map[string]string{
		"flow": flowHead + "    inputs: {x: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "}\n",
		"block": flowHead + "    inputs:\n" + func() string {
			var b strings.Builder
			for i := 0; i < 1200; i++ {
				b.WriteString(strings.Repeat(" ", 6+i) + "- \n")
			}
			return b.String()
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("deep.yml", []byte(src))
			d := only(t, err, CodeTooLarge)
			if !strings.Contains(d.Message, "MaxNestingDepth") || d.Pos.Line < 1 {
				t.Errorf("%v", d)
			}
		})
	}
}

func TestBudgetAliases(t *testing.T) {
	src := flowHead + `    inputs:
      a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
      e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
      f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
      g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
`
	_, err := Parse("laughs.yml", []byte(src))
	d := only(t, err, CodeTooLarge)
	if !strings.Contains(d.Message, "MaxAliasNodes") || d.Pos.Line < 10 {
		t.Errorf("%v", d)
	}
	// a few aliases are fine
	ok := flowHead + "    inputs:\n      a: &a {k: $request.body#/k}\n      b: *a\n"
	f, err := Parse("alias.yml", []byte(ok), lookup(map[string]string{"S": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Flows[0].Inputs) != 2 {
		t.Errorf("%+v", f.Flows[0].Inputs)
	}
}

func TestBudgetExpansion(t *testing.T) {
	big := strings.Repeat("v", 1<<20)
	src := flowHead + "    inputs: {a: \"${PLAIN}\", b: \"${PLAIN}\", c: \"${PLAIN}\", d: \"${PLAIN}\", e: \"${PLAIN}\", f: \"${PLAIN}\"}\n"
	_, err := Parse("expand.yml", []byte(src), lookup(map[string]string{"S": "s", "PLAIN": big}))
	d := only(t, err, CodeTooLarge)
	if !strings.Contains(d.Message, "MaxExpandedBytes") || d.Pos.Line != 9 || d.Pos.Column != 78 {
		t.Errorf("%v", d)
	}
}

func TestBudgetDiagnostics(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; i < 150; i++ {
		b.WriteString(sprintf("  f%d: {document: d, workflow: w, concurrency: x, keepBody: 3}\n", i))
	}
	_, err := Parse("many.yml", []byte(b.String()), lookup(map[string]string{"S": "s"}))
	ds := err.(arazzo.Diagnostics)
	if len(ds) != MaxDiagnostics+1 {
		t.Fatalf("%d diagnostics", len(ds))
	}
	last := ds[MaxDiagnostics]
	if last.Code != CodeTooMany || !strings.Contains(last.Message, "100 more findings") || !strings.Contains(last.Message, "MaxDiagnostics") {
		t.Errorf("%v", last)
	}
	checkOrdered(t, ds)
}

func checkOrdered(t *testing.T, ds arazzo.Diagnostics) {
	t.Helper()
	for i, d := range ds {
		if d.Pos.Line < 1 || d.Pos.Column < 1 || d.Message == "" || d.Code == "" || d.Severity != arazzo.SeverityError {
			t.Errorf("diagnostic %d unpositioned or empty: %+v", i, d)
		}
		if i > 0 {
			p := ds[i-1].Pos
			if p.Line > d.Pos.Line || p.Line == d.Pos.Line && p.Column > d.Pos.Column {
				t.Errorf("diagnostics out of order at %d: %v after %v", i, d, ds[i-1])
			}
		}
	}
}
