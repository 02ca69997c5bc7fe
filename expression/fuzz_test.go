package expression

import (
	"errors"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"$url", "$method", "$statusCode", "$self",
	"$request.header.X-Id", "$request.query.page", "$request.path.id", "$request.body#/a/0",
	"$response.header.content-type", "$response.body", "$response.body#/items/0/id", "$response.body#/a~1b~0c",
	"$response.body.data[0].id", "$inputs.a.b#/c", "$inputs.$.xgafv", "$inputs.filter[x]",
	"$outputs.x#/0", "$steps.s.outputs.o#/p", "$steps.s.outputs.o.p[1]", "$workflows.w.inputs.i",
	"$workflows.w.outputs.o#/x", "$sourceDescriptions.src.getPet", "$components.parameters.p.q",
	"$components.failureActions.f", "$message.payload", "$", "$inputs", "$steps.a.outputs.",
	"$response.body#x", "$response.body#/~2", "$response.body.items[", "$inputs.a['b']", "$inputs.a[\"b\\u0041\"]",
	"$steps.A B_0.outputs.x#/a b", "$steps.a.b.outputs.c.outputs.d", "$workflows.W x.inputs.i.outputs.o",
	"$steps.}.outputs.x", "$response.headers.Location", "$request.headers.",
}

// FuzzParse checks that Parse never panics, that errors are *Error values
// pointing inside the input, and that successful parses describe the input.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(src) || pe.Input != src {
				t.Fatalf("Parse(%q): bad error %#v", src, err)
			}
			return
		}
		r := e.Reference()
		if r.Pos != 0 || r.End != len(src) || !strings.HasPrefix(src, r.Text) || e.String() != src {
			t.Fatalf("Parse(%q): bad reference %+v", src, r)
		}
		r.NameCandidates()
		r.PointerHint()
		e.Eval(env)
	})
}

// FuzzTemplate checks ParseTemplate and Render on arbitrary strings: no
// panic, errors point inside the input, literal text survives rendering.
func FuzzTemplate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add("a{" + s + "}b")
	}
	f.Add("https://{$inputs.host}/api/{$steps.create.outputs.id}/status")
	f.Add("{$gt: 1} {{x}} {$} }{ {$inputs.x")
	f.Add("{$sourceDescriptions.petStore.url}#/paths/~1pet/get")
	env := testEnv()
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := ParseTemplate(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(src) {
				t.Fatalf("ParseTemplate(%q): bad error %#v", src, err)
			}
			return
		}
		out, _ := tpl.Render(env)
		if tpl.IsLiteral() && out != src {
			t.Fatalf("literal template %q rendered as %q", src, out)
		}
		for _, r := range tpl.References() {
			if r.Pos < 1 || r.End > len(src) || src[r.Pos-1] != '{' || src[r.End] != '}' {
				t.Fatalf("ParseTemplate(%q): reference %+v misplaced", src, r)
			}
		}
		if _, err := CompileValue(map[string]any{"k": []any{src}}); err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("CompileValue(%q): %v", src, err)
			}
		}
	})
}

// FuzzCondition parses and evaluates arbitrary conditions, as simple and
// as JSONPath criteria, against a fixed Env: no panic, errors are *Error
// values inside the input, a failed outcome explains itself.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"$statusCode == 200", "$statusCode >= 200 && $statusCode < 300 || !($response.body#/flag)",
		"$response.body.items[0].name == 'rex'", "'it''s' != \"x\\n\"", "{$statusCode} == 201",
		"$response.body#/count > 2.5e0", "null == $inputs.none", "-1 < .5", "((((true))))",
		"$.models.length > 0", "$[?count(@.pets) > 0]", "$.id == $inputs.username", "$.a[?(@.b == 'x')].length",
		"$..x[1:3] == null", "$.a == 1 && $.b", "", "!", "$statusCode = 1",
	} {
		f.Add(s)
	}
	env := testEnv()
	body := map[string]any{"models": []any{map[string]any{"id": 1}}, "success": true, "id": "alice", "n": 3}
	env2 := testEnv()
	env2.ResponseBody = body
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseCondition(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(src) {
				t.Fatalf("ParseCondition(%q): bad error %#v", src, err)
			}
		} else {
			o := c.Check(env)
			if !o.Passed && o.Detail == "" {
				t.Fatalf("%q failed without detail", src)
			}
			for _, r := range c.References() {
				if r.Pos < 0 || r.End > len(src) || r.Pos >= r.End {
					t.Fatalf("%q: reference %+v misplaced", src, r)
				}
			}
		}
		cc, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: src, Type: "jsonpath"})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("jsonpath %q: %v", src, err)
			}
			return
		}
		o, _ := check(cc, env2)
		if !o.Passed && o.Detail == "" {
			t.Fatalf("jsonpath %q failed without detail", src)
		}
	})
}
