package expression

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestConditions(t *testing.T) {
	env := testEnv()
	tests := []struct {
		cond    string
		want    bool
		missing []string
	}{
		// literals and bare values
		{"true", true, nil},
		{"false", false, nil},
		{"null", false, nil},
		{"1", false, nil},
		{"'true'", false, nil},
		{"$response.body#/flag", true, nil},
		{"$response.body#/status", false, nil},
		{"$response.body#/nothing", false, []string{"$response.body#/nothing"}},
		// status code
		{"$statusCode == 201", true, nil},
		{"$statusCode == 200", false, nil},
		{"$statusCode == 200 || $statusCode == 201", true, nil},
		{"$statusCode >= 200 && $statusCode < 300", true, nil},
		{"$statusCode != 404", true, nil},
		{"$statusCode > 199", true, nil},
		{"$statusCode <= 200", false, nil},
		{"$statusCode == 201.0", true, nil},
		{"$statusCode == '201'", true, nil},
		{"$statusCode == ' 201 '", true, nil},
		{"$statusCode == 'abc'", false, nil},
		{"$statusCode != 'abc'", true, nil},
		{"$statusCode < 'abc'", false, nil},
		{"201 == $statusCode", true, nil},
		{"$statusCode==201", true, nil},
		{"  $statusCode   ==   201  ", true, nil},
		// precedence: ! > comparisons > && > ||
		{"true || false && false", true, nil},
		{"(true || false) && false", false, nil},
		{"!false && true", true, nil},
		{"!($statusCode == 201)", false, nil},
		{"!$response.body#/flag", false, nil},
		{"!!true", true, nil},
		{"!null", true, nil},
		{"!false == true", true, nil},
		{"{$statusCode == 201}", true, nil},
		{"{$statusCode} == 201", true, nil},
		// strings: case-insensitive
		{"$response.body#/status == 'available'", true, nil},
		{"$response.body#/status == 'AVAILABLE'", true, nil},
		{"$response.body#/status == \"Available\"", true, nil},
		{"$response.body#/status != 'sold'", true, nil},
		{"$response.body#/status > 'a'", true, nil},
		{"$response.body#/status < 'B'", true, nil},
		{"'it''s' == \"it's\"", true, nil},
		{"'Straße' == 'STRAßE'", true, nil},
		{"'a\\n' == \"a\\\\n\"", true, nil},
		{"$response.header.content-type == 'Application/JSON'", true, nil},
		{"$response.header.Location != null", true, nil},
		{"$response.header.X-Missing != null", false, []string{"$response.header.X-Missing"}},
		// numbers across types and numeric strings
		{"$response.body#/count == 3", true, nil},
		{"$response.body#/count > 2.5", true, nil},
		{"$response.body#/price == 9.5", true, nil},
		{"$response.body#/price < 10", true, nil},
		{"$response.body#/text > 9", true, nil},
		{"$response.body#/text == 12", true, nil},
		{"$response.body#/text > '9'", true, nil},
		{"$response.body#/text == '12.0'", false, nil},
		{"$inputs.limit == 10", true, nil},
		{"$inputs.limit >= $response.body#/count", true, nil},
		{"$workflows.foo.outputs.bar == 1.5", true, nil},
		{"$steps.someStepId.outputs.pets#/0/id == 7", true, nil},
		{"$response.body#/count == -3", false, nil},
		{"-1 < 0", true, nil},
		{"1e3 == 1000", true, nil},
		{"0.5 == .5", true, nil},
		// null rules
		{"$response.body#/none == null", true, nil},
		{"$response.body#/none != null", false, nil},
		{"$response.body#/status != null", true, nil},
		{"$response.body#/status == null", false, nil},
		{"null == null", true, nil},
		{"$response.body#/none < 1", false, nil},
		{"$response.body#/none >= 0", false, nil},
		{"$response.body#/empty/0 == null", true, []string{"$response.body#/empty/0"}},
		{"$response.body#/items/0 == null", false, nil},
		{"$response.body#/token != null", false, []string{"$response.body#/token"}},
		// booleans
		{"$response.body#/flag == true", true, nil},
		{"$response.body#/flag == 'TRUE'", true, nil},
		{"$response.body#/flag != false", true, nil},
		{"$response.body#/flag > false", false, nil},
		{"true == 1", false, nil},
		// E2 dereference
		{"$response.body.items[0].name == 'rex'", true, nil},
		{"$response.body.items[1].id == 2", true, nil},
		{"$response.body.items.length == 2", true, nil},
		{"$response.body.items.length > 0", true, nil},
		{"$response.body.empty.length == 0", true, nil},
		{"$response.body.items[2].id == null", true, []string{"$response.body.items[2].id"}},
		{"$response.body.data != null", false, []string{"$response.body.data"}},
		{"$response.body.items['0'].name == 'REX'", true, nil},
		{"$inputs.pet.tags[1] == 'B'", true, nil},
		{"$inputs.pet#/name == $response.body.items[0].name", true, nil},
		{"$steps.someStepId.outputs.b.c == 'Dotted Output'", true, nil},
		{"$response.body#/items == $response.body.items", true, nil},
		{"$response.body#/items != $response.body.items", false, nil},
		// other roots
		{"$method == 'post'", true, nil},
		{"$url == 'https://api.example.com/pets?page=2'", true, nil},
		{"$request.header.Accept == 'application/json'", true, nil},
		{"$request.query.page == 2", true, nil},
		{"$request.path.id == '42'", true, nil},
		{"$request.body#/user/uuid == 'u-1'", true, nil},
		{"$outputs.bar == 'baz'", true, nil},
		{"$sourceDescriptions.petstore.url != null", true, nil},
		// short-circuit and multiple missing
		{"$inputs.a1 == 1 || $inputs.a2 == 2", false, []string{"$inputs.a1", "$inputs.a2"}},
		{"$inputs.a1 == 1 && $inputs.a2 == 2", false, []string{"$inputs.a1"}},
	}
	for _, tt := range tests {
		c, err := ParseCondition(tt.cond)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", tt.cond, err)
			continue
		}
		o := c.Check(env)
		if o.Passed != tt.want || !reflect.DeepEqual(o.Missing, tt.missing) {
			t.Errorf("%q: passed=%v missing=%q; want %v %q (detail %q)", tt.cond, o.Passed, o.Missing, tt.want, tt.missing, o.Detail)
		}
		if o.Passed && o.Detail != "" || !o.Passed && !strings.HasPrefix(o.Detail, tt.cond) {
			t.Errorf("%q: bad detail %q", tt.cond, o.Detail)
		}
		cc, err := CompileCriterion(CriterionSpec{Condition: tt.cond})
		if err != nil {
			t.Errorf("CompileCriterion(%q): %v", tt.cond, err)
			continue
		}
		o2, err := check(cc, env)
		if err != nil || o2.Passed != tt.want {
			t.Errorf("criterion %q: %v %v", tt.cond, o2, err)
		}
	}
}

func TestConditionDetail(t *testing.T) {
	c, err := ParseCondition("$statusCode == 200 && $inputs.nope == 1")
	if err != nil {
		t.Fatal(err)
	}
	o := c.Check(&Values{StatusCode: 404})
	want := "$statusCode == 200 && $inputs.nope == 1 is false: $statusCode = 404, $inputs.nope is missing"
	if o.Passed || o.Detail != want {
		t.Errorf("detail = %q, want %q", o.Detail, want)
	}
	long := strings.Repeat("x", 500)
	o = MustCondition(t, "$inputs.s == 'y'").Check(&Values{Inputs: map[string]any{"s": long}})
	if len(o.Detail) > 200 || !strings.Contains(o.Detail, "…") {
		t.Errorf("long values are not truncated: %d bytes", len(o.Detail))
	}
}

func MustCondition(t *testing.T, s string) *Condition {
	t.Helper()
	c, err := ParseCondition(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConditionErrors(t *testing.T) {
	tests := []struct {
		cond   string
		offset int
		msg    string
	}{
		{"", 0, "empty condition"},
		{"   ", 3, "empty condition"},
		{"$statusCode = 200", 12, "use '=='"},
		{"$statusCode == ", 15, "expected a value"},
		{"$statusCode == 200 &&", 21, "expected a value"},
		{"($statusCode == 200", 19, "expected \")\""},
		{"$statusCode == 200)", 18, "unexpected"},
		{"$response.header.Content-Type == application/json", 33, "must be quoted"},
		{"$body.score > 1", 0, "unknown runtime expression $body"},
		{"$statusCode == 'abc", 15, "unterminated string"},
		{"$statusCode == 500%s", 18, "unexpected"},
		{"$response.body.url contains 'x'", 19, "unexpected"},
		{"$.success == true", 0, "only allowed in a criterion of type jsonpath"},
		{"#/petId == 4", 0, "unexpected"},
		{"$statusCode == 2x", 15, "malformed number"},
		{"$statusCode == 1.2.3", 15, "malformed number"},
		{"$steps.a.output.b == 1", 8, "'.outputs.'"},
		{"$response.body#/a~2 == 1", 17, "'~' in a JSON pointer"},
		{"\"a\\q\" == 1", 2, "unknown escape"},
		{strings.Repeat("(", 300) + "true" + strings.Repeat(")", 300), 200, "nested too deeply"},
		{strings.Repeat("!", 300) + "true", 200, "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := ParseCondition(tt.cond)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("ParseCondition(%q): %v is not *Error", tt.cond, err)
			continue
		}
		if e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("ParseCondition(%q): offset %d %q; want %d containing %q", tt.cond, e.Offset, e.Msg, tt.offset, tt.msg)
		}
	}
}

func TestConditionReferences(t *testing.T) {
	src := "$statusCode == 200 && $response.body.data[0].id == $inputs.id"
	c := MustCondition(t, src)
	refs := c.References()
	if len(refs) != 3 {
		t.Fatalf("refs = %d", len(refs))
	}
	r := refs[1]
	if r.Root != RootResponse || r.Field != "body" || r.Pos != 22 || r.End != 47 || r.Text != "$response.body" ||
		len(r.Selectors) != 3 || r.PointerHint() != "$response.body#/data/0/id" || src[r.Pos:r.End] != r.String() {
		t.Errorf("ref = %+v", r)
	}
	if refs[2].Pos != 51 || refs[2].Name != "id" {
		t.Errorf("ref 2 = %+v", refs[2])
	}
	if c.String() != src {
		t.Error("String")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a    any
		op   string
		b    any
		want bool
	}{
		{1, "==", int64(1), true},
		{int32(2), "<", uint8(3), true},
		{uint64(1 << 63), ">", int64(1), true},
		{float32(1.5), "==", json.Number("1.5"), true},
		{json.Number("10"), ">", "9", true},
		{"10", ">", "9", true},
		{"b", ">", "A", true},
		{"abc", "<", "abcd", true},
		{[]byte("X"), "==", "x", true},
		{map[string]any{"a": "X"}, "==", map[string]any{"a": "x"}, true},
		{[]any{1, "a"}, "==", []any{int64(1), "A"}, true},
		{[]any{1}, "==", []any{1, 2}, false},
		{[]any{1}, "<", []any{2}, false},
		{nil, "==", nil, true},
		{nil, "<=", nil, false},
		{1, "=~", 1, false},
		{json.Number("1e400"), ">", 1, true},
		{json.Number("nope"), "==", 1, false},
		{struct{}{}, "==", struct{}{}, false},
		{struct{}{}, "!=", 1, true},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.op, tt.b); got != tt.want {
			t.Errorf("Compare(%#v %s %#v) = %v", tt.a, tt.op, tt.b, got)
		}
	}
}

// TestConditionConcurrent evaluates one compiled criterion from many
// goroutines (run with -race).
func TestConditionConcurrent(t *testing.T) {
	c, err := CompileCriterion(CriterionSpec{Condition: "$statusCode == 200 && $response.body.items[0].name == 'rex'"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			env := testEnv()
			env.StatusCode = 200 + g%2
			for i := 0; i < 200; i++ {
				o, _ := check(c, env)
				if o.Passed != (g%2 == 0) {
					t.Errorf("goroutine %d: %v", g, o)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestSecretsInDetail(t *testing.T) {
	env := &Values{Inputs: map[string]any{"password": "hunter2"}, Secret: func(r *Reference) bool { return r.Name == "password" }}
	o := MustCondition(t, "$inputs.password == 'x'").Check(env)
	if o.Passed || strings.Contains(o.Detail, "hunter2") || !strings.Contains(o.Detail, "***") {
		t.Errorf("detail leaks the secret: %q", o.Detail)
	}
	c, _ := CompileCriterion(CriterionSpec{Context: "$inputs.password", Condition: "^x$", Type: "regex"})
	if o, _ := check(c, env); o.Passed || strings.Contains(o.Detail, "hunter2") {
		t.Errorf("regex detail leaks the secret: %q", o.Detail)
	}
	if got := mustParse("$inputs.a['b c']").Reference().String(); got != "$inputs.a['b c']" {
		t.Errorf("String() = %q", got)
	}
}
