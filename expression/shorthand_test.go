package expression

import (
	"testing"
)

// TestStepsOutputsShorthand pins the real-world form $steps.<id>.<name>,
// read as $steps.<id>.outputs.<name> with Tolerated holding the standard
// spelling, in whole values, templates and conditions.
func TestStepsOutputsShorthand(t *testing.T) {
	env := &Values{Steps: map[string]map[string]any{"login": {
		"token": "abc", "user": map[string]any{"id": 7.0}}}}
	tests := []struct {
		src, name, tolerated string
		want                 any
	}{
		{"$steps.login.token", "token", "$steps.login.outputs.token", "abc"},
		{"$steps.login.user#/id", "user", "$steps.login.outputs.user#/id", 7.0},
		{"$steps.login.outputs.token", "token", "", "abc"},
	}
	for _, tc := range tests {
		e, err := Parse(tc.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.src, err)
		}
		r := e.Reference()
		if r.Root != RootSteps || r.ID != "login" || r.Field != "outputs" || r.Name != tc.name || r.Tolerated != tc.tolerated || r.Text != tc.src {
			t.Errorf("Parse(%q) = %+v", tc.src, *r)
		}
		if got, ok := evalExpr(e, env); !ok || got != tc.want {
			t.Errorf("Eval(%q) = %v, %v; want %v", tc.src, got, ok, tc.want)
		}
	}

	tpl, err := ParseTemplate("Bearer {$steps.login.token}")
	if err != nil {
		t.Fatal(err)
	}
	if refs := tpl.References(); len(refs) != 1 || refs[0].Tolerated != "$steps.login.outputs.token" {
		t.Errorf("template references: %+v", refs)
	}
	c, err := ParseCondition("$steps.login.token == 'ABC'")
	if err != nil {
		t.Fatal(err)
	}
	if refs := c.References(); len(refs) != 1 || refs[0].Tolerated != "$steps.login.outputs.token" {
		t.Errorf("condition references: %+v", refs)
	}
	if o := c.Check(env); !o.Passed {
		t.Errorf("condition: %+v", o)
	}

	// Typos of the standard form stay errors.
	for _, bad := range []string{"$steps.login.outputs", "$steps.login.output.token", "$steps.login", "$steps.login."} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
