package arazzo_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// codeConstants returns the diagnostic codes codes.go declares, value to
// constant name.
func codeConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			lit, ok := vs.Values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Fatalf("codes.go: %s is not a string constant", name.Name)
			}
			s, _ := strconv.Unquote(lit.Value)
			if prev, dup := codes[s]; dup {
				t.Errorf("codes.go: %s and %s are both %q", prev, name.Name, s)
			}
			codes[s] = name.Name
		}
		return true
	})
	if len(codes) < 40 {
		t.Fatalf("codes.go declares %d codes; the parse went wrong", len(codes))
	}
	return codes
}

// TestCodesDocumented holds docs/diagnostics.md to codes.go: every code
// has a row, and every row is a code.
func TestCodesDocumented(t *testing.T) {
	codes := codeConstants(t)
	doc, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| (.*) \\|$")
	documented := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
		if _, ok := codes[m[1]]; !ok {
			t.Errorf("docs/diagnostics.md documents %q, which codes.go does not declare", m[1])
		}
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("docs/diagnostics.md: %q has no meaning", m[1])
		}
	}
	for s, name := range codes {
		if !documented[s] {
			t.Errorf("%s (%q) is not documented in docs/diagnostics.md", name, s)
		}
	}
}

// TestNoCodeLiterals holds every diagnostic code of the module to its
// constant: outside codes.go, no Go source (tests aside) sets or compares a
// Code field to a string literal, and no source of the packages that make
// diagnostics (arazzo, runtime, cmd/weft) writes a code's string at all
// (the validator's helpers take the code as an argument).
func TestNoCodeLiterals(t *testing.T) {
	codes := codeConstants(t)
	// Literals that spell a code but mean something else.
	allowed := map[string]bool{
		"cmd/weft/loaderflags.go base-url": true, // the --base-url flag
		"cmd/weft/runs.go limit":           true, // the --limit flag and query parameter of weft runs list
		"cmd/weft/serve.go cancelled":      true, // the word for a context ended without a cause
	}
	fset := token.NewFileSet()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || strings.HasPrefix(n, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || rel == "arazzo/codes.go" {
			return nil
		}
		diagnoses := strings.HasPrefix(rel, "arazzo/") || strings.HasPrefix(rel, "runtime/") || strings.HasPrefix(rel, "cmd/weft/")
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		literal := func(e ast.Expr) (string, bool) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return "", false
			}
			s, _ := strconv.Unquote(lit.Value)
			return s, s != ""
		}
		isCode := func(e ast.Expr) bool {
			switch e := e.(type) {
			case *ast.Ident:
				return e.Name == "Code"
			case *ast.SelectorExpr:
				return e.Sel.Name == "Code"
			}
			return false
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := literal(n); ok && diagnoses && codes[s] != "" && !allowed[rel+" "+s] {
					t.Errorf("%s: %q is written as a literal; use arazzo.%s", fset.Position(n.Pos()), s, codes[s])
				}
			case *ast.KeyValueExpr:
				if s, ok := literal(n.Value); ok && isCode(n.Key) {
					t.Errorf("%s: Code: %q; declare the code in arazzo/codes.go", fset.Position(n.Pos()), s)
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if i < len(n.Rhs) && isCode(l) {
						if s, ok := literal(n.Rhs[i]); ok {
							t.Errorf("%s: Code = %q; declare the code in arazzo/codes.go", fset.Position(n.Pos()), s)
						}
					}
				}
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					if s, ok := literal(n.Y); ok && isCode(n.X) {
						t.Errorf("%s: Code compared to %q; use its constant", fset.Position(n.Pos()), s)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
