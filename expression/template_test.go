package expression

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestTemplates(t *testing.T) {
	env := testEnv()
	env.Inputs["host"] = "api.example.com"
	env.Inputs["n"] = json.Number("12.50")
	env.Inputs["f"] = 0.1
	env.Inputs["big"] = 1e21
	env.Inputs["yes"] = true
	env.Inputs["nothing"] = nil
	env.Inputs["raw"] = []byte("<a/>")
	tests := []struct {
		src     string
		want    string
		missing []string
	}{
		{"https://{$inputs.host}/api/{$steps.create.outputs.id}/status", "https://api.example.com/api/abc/status", nil},
		{"{$sourceDescriptions.petstore.url}#/paths/~1pet/get", "https://example.com/openapi.yaml#/paths/~1pet/get", nil},
		{"<petId>{$inputs.username}</petId>", "<petId>alice</petId>", nil},
		{"{$inputs.pet}", `{"name":"Rex","tags":["a","b"]}`, nil},
		{"tags={$inputs.pet#/tags}", `tags=["a","b"]`, nil},
		{"n={$inputs.n}&f={$inputs.f}&big={$inputs.big}&b={$inputs.yes}&z={$inputs.nothing}&l={$inputs.limit}", "n=12.50&f=0.1&big=1e+21&b=true&z=&l=10", nil},
		{"{$inputs.raw}", "<a/>", nil},
		{"id={$response.body#/items/1/id};", "id=2;", nil},
		{"{$response.body.items[0].name}", "Rex", nil},
		{"{$statusCode}{$method}", "201POST", nil},
		{"x{$inputs.none}y", "xy", []string{"$inputs.none"}},
		{"{$request.header.Accept}", "application/json", nil},
		{"no expressions at all", "no expressions at all", nil},
		{"{$gt: 1} and {{mustache}} and {$} and {$ inputs}", "{$gt: 1} and {{mustache}} and {$} and {$ inputs}", nil},
		{"a}b{c", "a}b{c", nil},
		{"", "", nil},
		{"{{$inputs.username}}", "{alice}", nil},
		{"{$inputs.$select}", "", []string{"$inputs.$select"}},
	}
	for _, tt := range tests {
		tpl, err := ParseTemplate(tt.src)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tt.src, err)
			continue
		}
		got, missing := tpl.Render(env)
		if got != tt.want || !reflect.DeepEqual(missing, tt.missing) {
			t.Errorf("Render(%q) = %q %q; want %q %q", tt.src, got, missing, tt.want, tt.missing)
		}
		v, _, err := tpl.Eval(env)
		if err != nil || v != tt.want {
			t.Errorf("Eval(%q) = %v %v", tt.src, v, err)
		}
		if tpl.String() != tt.src {
			t.Errorf("String() = %q", tpl.String())
		}
	}
	tpl, _ := ParseTemplate("a{$inputs.x}b{$steps.s.outputs.y#/z}")
	refs := tpl.References()
	if len(refs) != 2 || refs[0].Pos != 2 || refs[1].Pos != 14 || refs[1].Pointer != "/z" || tpl.IsLiteral() {
		t.Errorf("refs = %+v", refs)
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"{$inputs.x", 10, "expected '}'"},
		{"a {$inputs.x b", 12, "expected '}'"},
		{"{$steps.x.output.y}", 9, "'.outputs.'"},
		{"{$response.body#x}", 16, "must start with '/'"},
		{"code{$steps.a.outputs.b", 23, "expected '}'"},
	}
	for _, tt := range tests {
		_, err := ParseTemplate(tt.src)
		var e *Error
		if !errors.As(err, &e) || e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("ParseTemplate(%q): %v; want offset %d containing %q", tt.src, err, tt.offset, tt.msg)
		}
	}
}

func TestCompileValue(t *testing.T) {
	env := testEnv()
	src := map[string]any{
		"whole":    "$inputs.pet",
		"number":   "$response.body#/count",
		"template": "Hello {$inputs.username}",
		"literal":  "just text",
		"dollar":   "$100",
		"spaced":   "$inputs.x is required",
		"int":      42,
		"nil":      nil,
		"list":     []any{"$statusCode", "{$method}", 1.5, map[string]any{"deep": "$steps.someStepId.outputs.pets#/0/id"}},
		"missing":  "$inputs.nope",
		"mongo":    "{$gt: 5}",
	}
	v, err := CompileValue(src)
	if err != nil {
		t.Fatal(err)
	}
	got, missing, err := v.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"whole":    map[string]any{"name": "Rex", "tags": []any{"a", "b"}},
		"number":   json.Number("3"),
		"template": "Hello alice",
		"literal":  "just text",
		"dollar":   "$100",
		"spaced":   "$inputs.x is required",
		"int":      42,
		"nil":      nil,
		"list":     []any{201, "POST", 1.5, map[string]any{"deep": int64(7)}},
		"missing":  nil,
		"mongo":    "{$gt: 5}",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	if !reflect.DeepEqual(missing, []string{"$inputs.nope"}) {
		t.Errorf("missing = %q", missing)
	}
	if n := len(v.References()); n != 7 {
		t.Errorf("References() = %d, want 7", n)
	}
	// evaluation returns fresh containers
	got2, _, _ := v.Eval(env)
	got2.(map[string]any)["list"].([]any)[0] = "changed"
	got3, _, _ := v.Eval(env)
	if got3.(map[string]any)["list"].([]any)[0] != 201 {
		t.Error("Eval results share storage")
	}
	for _, bad := range []string{"$steps.a.output.b", "$response.body#x", "x {$inputs.a"} {
		if _, err := CompileValue(bad); err == nil {
			t.Errorf("CompileValue(%q) accepted", bad)
		}
		if _, err := CompileValue([]any{map[string]any{"k": bad}}); err == nil {
			t.Errorf("CompileValue(nested %q) accepted", bad)
		}
	}
}

func TestLooseNames(t *testing.T) {
	env := &Values{Inputs: map[string]any{"$.xgafv": "1", "filter[status]": "open", "$select": "id"}}
	for src, want := range map[string]string{"$inputs.$.xgafv": "1", "$inputs.filter[status]": "open", "$inputs.$select": "id"} {
		e, err := Parse(src)
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if v, ok := evalExpr(e, env); !ok || v != want {
			t.Errorf("Eval(%q) = %v %v", src, v, ok)
		}
	}
	// in conditions names stay strict
	if _, err := ParseCondition("$inputs.filter[status] == 'open'"); err == nil {
		t.Error("condition accepted a loose name")
	}
}

// Every compiled form has the one evaluation signature.
var (
	_ Value = (*Expr)(nil)
	_ Value = (*Template)(nil)
	_ Value = (*Condition)(nil)
	_ Value = (*CompiledCriterion)(nil)
)
