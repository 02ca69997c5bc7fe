package expression

import (
	"net/http"
	"reflect"
	"testing"
)

// TestLooseStepIDs pins the tolerance for step and workflow ids outside
// [A-Za-z0-9_-] (the 1.0 grammar's name = *CHAR): in whole values and
// template parts the id runs up to the last .outputs. / .inputs.
func TestLooseStepIDs(t *testing.T) {
	env := &Values{
		Steps: map[string]map[string]any{
			"Search Stations_0": {"resp": map[string]any{"data": []any{map[string]any{"id": "b1"}}}, "n": 3.0},
			"a.b":               {"x": "dotted"},
			"login":             {"token": "abc"},
		},
		Workflows: map[string]WorkflowValues{"Plan a Trip": {
			Inputs: map[string]any{"from": "Berlin"}, Outputs: map[string]any{"id": 9.0}}},
	}
	tests := []struct {
		src, id, field, name string
		want                 any
	}{
		{"$steps.Search Stations_0.outputs.n", "Search Stations_0", "outputs", "n", 3.0},
		{"$steps.Search Stations_0.outputs.resp#/data/0/id", "Search Stations_0", "outputs", "resp", "b1"},
		{"$steps.Search Stations_0.outputs.resp.data[0].id", "Search Stations_0", "outputs", "resp", "b1"},
		{"$steps.a.b.outputs.x", "a.b", "outputs", "x", "dotted"},
		{"$workflows.Plan a Trip.inputs.from", "Plan a Trip", "inputs", "from", "Berlin"},
		{"$workflows.Plan a Trip.outputs.id", "Plan a Trip", "outputs", "id", 9.0},
		{"$steps.login.outputs.token", "login", "outputs", "token", "abc"},
	}
	for _, tc := range tests {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		r := e.Reference()
		if r.ID != tc.id || r.Field != tc.field || r.Name != tc.name || r.Tolerated != "" {
			t.Errorf("Parse(%q) = %+v", tc.src, *r)
		}
		if got, ok := evalExpr(e, env); !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Eval(%q) = %v, %v; want %v", tc.src, got, ok, tc.want)
		}
		// CompileValue keeps the JSON type (a whole expression, not text).
		v, err := CompileValue(tc.src)
		if err != nil {
			t.Errorf("CompileValue(%q): %v", tc.src, err)
			continue
		}
		if got, missing, _ := v.Eval(env); !reflect.DeepEqual(got, tc.want) || missing != nil {
			t.Errorf("CompileValue(%q).Eval = %v %v; want %v", tc.src, got, missing, tc.want)
		}
	}

	// The shorthand without .outputs. still works and is still tolerated.
	if e, err := Parse("$steps.login.token"); err != nil || e.Reference().Tolerated == "" {
		t.Errorf("shorthand: %v %v", e, err)
	}

	// Templates.
	tpl, err := ParseTemplate("n={$steps.Search Stations_0.outputs.n}, from {$workflows.Plan a Trip.inputs.from} {$inputs.q}")
	if err != nil {
		t.Fatal(err)
	}
	if s, missing := tpl.Render(env); s != "n=3, from Berlin " || len(missing) != 1 {
		t.Errorf("Render = %q %v", s, missing)
	}
	if refs := tpl.References(); len(refs) != 3 || refs[0].ID != "Search Stations_0" || refs[1].ID != "Plan a Trip" {
		t.Errorf("template references: %+v", refs)
	}

	// Not an expression: text with whitespace stays a literal.
	for _, lit := range []string{"$inputs.x is required", "$steps.x is done", "$steps.A B.outputs.x y", "$steps. A.outputs.x", "$steps.A .outputs.x"} {
		v, err := CompileValue(lit)
		if err != nil {
			t.Errorf("CompileValue(%q): %v", lit, err)
			continue
		}
		if got, _, _ := v.Eval(env); got != lit || v.References() != nil {
			t.Errorf("CompileValue(%q) = %v, want the literal", lit, got)
		}
	}

	// Errors point at the real problem.
	for _, tc := range []struct {
		src string
		off int
	}{
		{"$steps.A B.outputs.x y", 20},
		{"$steps.A B.outputs.", 19},
		{"$steps.A B", 8},
		{"$workflows.A B.output.x", 12},
	} {
		_, err := Parse(tc.src)
		e, ok := err.(*Error)
		if !ok || e.Offset != tc.off {
			t.Errorf("Parse(%q) = %v, want an error at offset %d", tc.src, err, tc.off)
		}
	}

	// In conditions whitespace ends the id: such steps cannot be named.
	if _, err := ParseCondition("$steps.Search Stations_0.outputs.n == 3"); err == nil {
		t.Error("condition with a spaced step id accepted")
	}
}

// TestHeadersTolerance pins $request.headers.<name> and
// $response.headers.<name>: read as .header.<name> with Tolerated set.
func TestHeadersTolerance(t *testing.T) {
	env := &Values{
		ResponseHeader: http.Header{"Location": {"/loans/1"}},
		RequestHeader:  http.Header{"X-Id": {"7"}},
	}
	for _, tc := range []struct{ src, tolerated, want string }{
		{"$response.headers.Location", "$response.header.Location", "/loans/1"},
		{"$response.headers.location", "$response.header.location", "/loans/1"},
		{"$request.headers.X-Id", "$request.header.X-Id", "7"},
		{"$response.header.Location", "", "/loans/1"},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		r := e.Reference()
		if r.Field != "header" || r.Tolerated != tc.tolerated || r.Text != tc.src {
			t.Errorf("Parse(%q) = %+v", tc.src, *r)
		}
		if got, ok := evalExpr(e, env); !ok || got != tc.want {
			t.Errorf("Eval(%q) = %v, %v", tc.src, got, ok)
		}
	}
	tpl, err := ParseTemplate("see {$response.headers.Location}")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := tpl.Render(env); s != "see /loans/1" || tpl.References()[0].Tolerated == "" {
		t.Errorf("template: %q %+v", s, tpl.References()[0])
	}
	c, err := ParseCondition("$response.headers.Location != null")
	if err != nil {
		t.Fatal(err)
	}
	if o := c.Check(env); !o.Passed || c.References()[0].Tolerated != "$response.header.Location" {
		t.Errorf("condition: %+v %+v", o, c.References()[0])
	}
	for _, bad := range []string{"$response.headers", "$response.headers.", "$response.headerz.Location", "$response.headers.Location#/a"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
