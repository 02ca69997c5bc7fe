package expression

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// fuzzBudget is the small budget the criteria fuzz targets evaluate with.
var fuzzBudget = Budget{MaxNodes: 2000, MaxInputBytes: 4096}

// checkBudgeted evaluates c on env with fuzzBudget and checks the budget
// rules: no panic; an evaluation error never passes; a *BudgetError or
// context error is the only way to stop early; the meter never overshoots
// by more than one charge (bounded by the input size); and when the
// evaluation fits the budget, the outcome is the unmetered one.
func checkBudgeted(t *testing.T, c *CompiledCriterion, env Env, what string) {
	t.Helper()
	m := newMeter(context.Background(), fuzzBudget)
	var o Outcome
	var err error
	if aerr := m.run(func() { o, err = c.eval(env, m, fuzzBudget) }); aerr != nil {
		err = aerr
		o.Passed = false
	}
	if used := m.max - m.left; used > m.max+fuzzBudget.MaxInputBytes+64 {
		t.Fatalf("%s: used %d of a %d budget", what, used, m.max)
	}
	var be *BudgetError
	if errors.As(err, &be) {
		o2, err2 := c.EvalContext(context.Background(), env, fuzzBudget)
		if err2 == nil || o2.Passed {
			t.Fatalf("%s: budget reached but EvalContext passed=%v err=%v", what, o2.Passed, err2)
		}
		return
	}
	o2, err2 := c.EvalContext(context.Background(), env, fuzzBudget)
	if (err2 != nil) != (err != nil) || o2.Passed != o.Passed {
		t.Fatalf("%s: eval passed=%v err=%v, EvalContext passed=%v err=%v", what, o.Passed, err, o2.Passed, err2)
	}
	if err2 != nil && o2.Passed {
		t.Fatalf("%s: passed with error %v", what, err2)
	}
	if !o2.Passed && o2.Detail == "" {
		t.Fatalf("%s: failed without detail", what)
	}
	// Unmetered, the result is the same.
	o3, err3 := c.EvalContext(context.Background(), env, Budget{MaxNodes: -1, MaxInputBytes: -1})
	if o3.Passed != o2.Passed || (err3 != nil) != (err2 != nil) {
		t.Fatalf("%s: metered passed=%v err=%v, unmetered passed=%v err=%v", what, o2.Passed, err2, o3.Passed, err3)
	}
}

// FuzzCriteriaBudget evaluates JSONPath, XPath, regex and simple criteria
// over arbitrary response bodies with a small budget.
func FuzzCriteriaBudget(f *testing.F) {
	seeds := []struct{ kind, cond, body string }{
		{"jsonpath", "$..*..*..*", nestedJSON(600)},
		{"jsonpath", "$..*", `{"a":[1,2,{"b":[3,4]}],"c":{"d":null}}`},
		{"jsonpath", "$.a[?(@.b > 1)]", `{"a":[{"b":1},{"b":2}]}`},
		{"jsonpath", "$[?($..*..*)]", `[[[[[[1]]]]],[[[2]]]]`},
		{"jsonpath", "$.a.length == 3", `{"a":[1,2,3]}`},
		{"jsonpath", "$..[0:10:2]", `[[1,2,3],[4,5,6,7,8,9]]`},
		{"jsonpath", "$[?count(@..*) > 2]", `[{"a":{"b":1}},{"c":2}]`},
		{"xpath", "count(//*//*//*) > 0", nestedXML(600)},
		{"xpath", "/a/b[@x='1']", `<a><b x="1">t</b></a>`},
		{"xpath", "string-length(string(/)) > 3", `<a>hello<b>world</b></a>`},
		{"regex", "^a+$", strings.Repeat("a", 100)},
		{"regex", "(a|b)*c", "ababababx"},
		{"simple", "$statusCode == 200 && $response.body#/a == 1", `{"a":1}`},
	}
	for _, s := range seeds {
		f.Add(s.kind, s.cond, s.body)
	}
	f.Fuzz(func(t *testing.T, kind, cond, body string) {
		switch kind {
		case "jsonpath", "xpath", "regex", "simple":
		default:
			kind = "jsonpath"
		}
		c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: cond, Type: kind})
		if err != nil {
			return
		}
		checkBudgeted(t, c, rawEnv(body), kind+" "+cond)
		if v, err := decodeJSON(body); err == nil {
			checkBudgeted(t, c, &Values{StatusCode: 200, ResponseBody: v, HasResponse: true}, kind+" (decoded) "+cond)
		}
	})
}

// decodeJSON decodes s the way the runtime decodes a JSON body.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}
