package expression

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// nestedJSON returns {"a":{"a":...{"a":1}...}} about size bytes long.
func nestedJSON(size int) string {
	depth := size / 7
	return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
}

// rawEnv holds body as a raw string, the way a non-JSON response arrives.
func rawEnv(body string) *Values {
	return &Values{StatusCode: 200, ResponseBody: body, HasResponse: true}
}

// nestedXML returns <a><a>...</a></a> about size bytes long.
func nestedXML(size int) string {
	depth := size / 7
	return strings.Repeat("<a>", depth) + "x" + strings.Repeat("</a>", depth)
}

// TestCriterionBudgetJSONPath holds issue 10 item 7: "$..*..*..*" over a
// 6 KB nested response took 75 s and 11.7 GB and then passed. It must now
// fail fast with a *BudgetError naming MaxNodes, never pass.
func TestCriterionBudgetJSONPath(t *testing.T) {
	body := nestedJSON(6 << 10)
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$..*..*..*", Type: "jsonpath"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	o, err := c.EvalContext(context.Background(), bodyEnv(t, body), Budget{})
	took := time.Since(start)
	var be *BudgetError
	if !errors.As(err, &be) || be.Limit != "MaxNodes" || be.Max != DefaultMaxNodes {
		t.Fatalf("err = %v (%T), want a *BudgetError naming MaxNodes", err, err)
	}
	if o.Passed {
		t.Fatal("a criterion that ran out of budget passed")
	}
	if took > time.Second && !raceEnabled {
		t.Fatalf("took %v, want < 1s", took)
	}
	// The exported Eval is bounded too.
	if o, err := check(c, bodyEnv(t, body)); !errors.As(err, &be) || o.Passed {
		t.Fatalf("Eval: passed=%v err=%v", o.Passed, err)
	}
	// The comparison form shares the budget.
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$..*..*..*.length > 0", Type: "jsonpath"})
	if o, err := c2.EvalContext(context.Background(), bodyEnv(t, body), Budget{MaxNodes: 10000}); !errors.As(err, &be) || o.Passed || be.Max != 10000 {
		t.Fatalf("comparison form: passed=%v err=%v", o.Passed, err)
	}
	// So do filters, whose nested paths are charged per candidate.
	c3, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$[?($..*..*..*)]", Type: "jsonpath"})
	if o, err := c3.EvalContext(context.Background(), bodyEnv(t, body), Budget{MaxNodes: 100000}); !errors.As(err, &be) || o.Passed {
		t.Fatalf("filter: passed=%v err=%v", o.Passed, err)
	}
}

// TestCriterionBudgetSmallResults: queries within budget keep their results.
func TestCriterionBudgetSmallResults(t *testing.T) {
	body := nestedJSON(700) // depth 100
	for _, tt := range []struct {
		cond string
		want bool
	}{
		{"$..*..*", true},
		{"$..[?(@.a == 1)]", true},
		{"$..[?(@.a == 2)]", false},
		{"$..a == 1", false},
	} {
		c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: tt.cond, Type: "jsonpath"})
		if err != nil {
			t.Fatal(err)
		}
		o, err := c.EvalContext(context.Background(), bodyEnv(t, body), Budget{MaxNodes: 100000})
		if tt.cond == "$..a == 1" {
			// selects 100 nodes: an evaluation error, never a pass
			if err == nil || o.Passed {
				t.Errorf("%q: passed=%v err=%v", tt.cond, o.Passed, err)
			}
			continue
		}
		if err != nil || o.Passed != tt.want {
			t.Errorf("%q: passed=%v err=%v, want %v", tt.cond, o.Passed, err, tt.want)
		}
	}
}

// TestCriterionBudgetDeadline: a deadline reached mid-evaluation returns
// the context's error, and the criterion does not pass.
func TestCriterionBudgetDeadline(t *testing.T) {
	body := nestedJSON(6 << 10)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	c, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$..*..*..*", Type: "jsonpath"})
	start := time.Now()
	o, err := c.EvalContext(ctx, bodyEnv(t, body), Budget{MaxNodes: 1 << 40})
	if !errors.Is(err, context.DeadlineExceeded) || o.Passed {
		t.Fatalf("passed=%v err=%v, want context.DeadlineExceeded", o.Passed, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("took %v after a 20ms deadline", took)
	}
	// A context already done stops every kind before it starts.
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for _, spec := range []CriterionSpec{
		{Condition: "$statusCode == 200"},
		{Context: "$response.body", Condition: "a", Type: "regex"},
		{Context: "$response.body", Condition: "/a", Type: "xpath", Version: "xpath-10"},
	} {
		c, _ := CompileCriterion(spec)
		if o, err := c.EvalContext(done, rawEnv("<a>x</a>"), Budget{}); !errors.Is(err, context.Canceled) || o.Passed {
			t.Errorf("%+v: passed=%v err=%v", spec, o.Passed, err)
		}
	}
}

// TestCriterionBudgetXPath: XPath evaluation is bounded by the node
// budget and by the context.
func TestCriterionBudgetXPath(t *testing.T) {
	body := nestedXML(6 << 10)
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "count(//*//*//*) > 0", Type: "xpath", Version: "xpath-10"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	o, err := c.EvalContext(context.Background(), rawEnv(body), Budget{MaxNodes: 100000})
	var be *BudgetError
	if !errors.As(err, &be) || be.Limit != "MaxNodes" || o.Passed {
		t.Fatalf("passed=%v err=%v, want a *BudgetError", o.Passed, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("took %v", took)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	o, err = c.EvalContext(ctx, rawEnv(body), Budget{MaxNodes: 1 << 40})
	if !errors.Is(err, context.DeadlineExceeded) || o.Passed {
		t.Fatalf("deadline: passed=%v err=%v", o.Passed, err)
	}
	// Within budget the result is unchanged.
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "count(//a) > 100", Type: "xpath", Version: "xpath-10"})
	if o, err := c2.EvalContext(context.Background(), rawEnv(body), Budget{}); err != nil || !o.Passed {
		t.Fatalf("small query: passed=%v err=%v", o.Passed, err)
	}
}

// TestCriterionBudgetRegexInput: a regex scans at most MaxInputBytes.
func TestCriterionBudgetRegexInput(t *testing.T) {
	c, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "z$", Type: "regex"})
	body := strings.Repeat("a", 2000) + "z"
	var be *BudgetError
	if o, err := c.EvalContext(context.Background(), rawEnv(body), Budget{MaxInputBytes: 1000}); !errors.As(err, &be) || be.Limit != "MaxInputBytes" || o.Passed {
		t.Fatalf("passed=%v err=%v", o.Passed, err)
	}
	if o, err := c.EvalContext(context.Background(), rawEnv(body), Budget{}); err != nil || !o.Passed {
		t.Fatalf("default budget: passed=%v err=%v", o.Passed, err)
	}
}

// Embedded expressions cannot grow a condition past MaxInputBytes: a
// condition repeating "{$response.body}" stops rendering at the cap.
func TestCriterionBudgetRenderedCondition(t *testing.T) {
	cond := strings.Repeat("{$response.body}", 1000)
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: cond, Type: "regex"})
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("a", 10000)
	var be *BudgetError
	if o, err := c.EvalContext(context.Background(), rawEnv(body), Budget{MaxInputBytes: 100000}); !errors.As(err, &be) || be.Limit != "MaxInputBytes" || o.Passed {
		t.Fatalf("passed=%v err=%v", o.Passed, err)
	}
}
