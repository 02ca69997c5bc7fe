package expression

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// decode decodes JSON the way the runtime does (numbers as json.Number).
func decode(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func bodyEnv(t testing.TB, body string) *Values {
	return &Values{StatusCode: 200, ResponseBody: decode(t, body), HasResponse: true,
		Inputs: map[string]any{"cookieId": json.Number("4711"), "status": "placed", "minPrice": 5}}
}

func TestJSONPathCriteria(t *testing.T) {
	tests := []struct {
		cond, body string
		want       bool
	}{
		// the pin
		{"$.success == true", `{"success": true}`, true},
		{"$.success == true", `{"success": false}`, false},
		{"$.success == true", `{}`, false},
		// plain RFC 9535 queries: non-empty node list
		{"$.pets[*]", `{"pets": [{"id": 1}]}`, true},
		{"$.pets[*]", `{"pets": []}`, false},
		{"$[?count(@.pets) > 0]", `[{"pets": [1]}, {"pets": []}]`, true},
		{"$[?count(@.pets) > 0]", `[{"cats": []}]`, false}, // count() counts nodes: an empty "pets" array is one node
		{"$[?@.access_token != null]", `[{"access_token": "t"}]`, true},
		{"$[?@.title == 'Validation failed']", `[{"title": "Validation failed"}]`, true},
		{"$[?@.status == 400]", `[{"status": 400}]`, true},
		{"$[?@.status == 400]", `[{"status": 404}]`, false},
		{"$.items[?(@.price > 10)]", `{"items": [{"price": 12.5}]}`, true},
		{"$.items[?(@.price > 10)]", `{"items": [{"price": 2}]}`, false},
		{"$..id", `{"a": {"b": {"id": 1}}}`, true},
		{"$.data", `{"data": null}`, true},
		{"$", `{}`, true},
		// comparison form
		{"$.models.length > 0", `{"models": [{"id": "evt_1"}], "count": 1}`, true},
		{"$.models.length > 0", `{"models": [], "count": 0}`, false},
		{"$.models.length == 0", `{"models": []}`, true},
		{"$.items.length() == 2", `{"items": [1, 2]}`, true},
		{"$.name.length == 3", `{"name": "Rex"}`, true},
		{"$.obj.length == 2", `{"obj": {"a": 1, "b": 2}}`, true},
		{"$.obj.length == 7", `{"obj": {"length": 7}}`, true},
		{"$.log_level == \"error\"", `{"log_level": "error"}`, true},
		{"$.log_level == \"error\"", `{"log_level": "ERROR"}`, true},
		{"$.log_level != \"error\"", `{"log_level": "info"}`, true},
		{"$.disabled_at != null", `{"disabled_at": "2024-01-01T00:00:00Z"}`, true},
		{"$.disabled_at != null", `{"disabled_at": null}`, false},
		{"$.disabled_at != null", `{}`, false},
		{"$.id == $inputs.cookieId", `{"id": 4711}`, true},
		{"$.id == $inputs.cookieId", `{"id": "4711"}`, true},
		{"$.id == $inputs.cookieId", `{"id": 1}`, false},
		{"$['id'] == 4711", `{"id": 4711}`, true},
		{"$.a[0].b >= 2 && $.c == 'x'", `{"a": [{"b": 2}], "c": "X"}`, true},
		{"$.a[0].b >= 2 && $.c == 'x'", `{"a": [{"b": 1}], "c": "X"}`, false},
		{"($.a == 1 || $.b == 2)", `{"b": 2}`, true},
		{"!($.a == 1)", `{"a": 2}`, true},
		{"$.count > $.min", `{"count": 3, "min": 2}`, true},
		{"$.items[?(@.ok == true)].length == 1", `{"items": [{"ok": true}]}`, true},
		{"$.status == 'placed' && $statusCode == 200", `{"status": "placed"}`, true},
		// embedded expressions (1.1)
		{`$[?(@.status == "{$inputs.status}")]`, `[{"status": "placed"}]`, true},
		{`$[?(@.status == "{$inputs.status}")]`, `[{"status": "sold"}]`, false},
	}
	for _, tt := range tests {
		c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: tt.cond, Type: "jsonpath"})
		if err != nil {
			t.Errorf("CompileCriterion(%q): %v", tt.cond, err)
			continue
		}
		o, err := check(c, bodyEnv(t, tt.body))
		if err != nil || o.Passed != tt.want {
			t.Errorf("%q on %s: passed=%v err=%v detail=%q; want %v", tt.cond, tt.body, o.Passed, err, o.Detail, tt.want)
		}
		if len(c.Warnings()) != 0 || c.Type() != "jsonpath" {
			t.Errorf("%q: warnings %v type %q", tt.cond, c.Warnings(), c.Type())
		}
	}
}

func TestJSONPathContexts(t *testing.T) {
	spec := CriterionSpec{Context: "$response.body", Condition: "$.ok == true", Type: "jsonpath"}
	c, err := CompileCriterion(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []any{`{"ok": true}`, []byte(`{"ok": true}`), map[string]any{"ok": true}} {
		o, err := check(c, &Values{ResponseBody: body, HasResponse: true})
		if err != nil || !o.Passed {
			t.Errorf("body %T: %v %v", body, o, err)
		}
	}
	o, err := check(c, &Values{ResponseBody: "not json", HasResponse: true})
	if err == nil || o.Passed || !strings.Contains(o.Detail, "not JSON") {
		t.Errorf("non-JSON context: %v %v", o, err)
	}
	o, err = check(c, &Values{ResponseBody: nil, HasResponse: true})
	if err != nil || o.Passed || !strings.Contains(o.Detail, "is null") {
		t.Errorf("null context: %v %v", o, err)
	}
	o, err = check(c, &Values{})
	if err != nil || o.Passed || !reflect.DeepEqual(o.Missing, []string{"$response.body"}) {
		t.Errorf("missing context: %v %v", o, err)
	}
	// several nodes in a comparison: evaluation error, criterion fails
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.items[*].id == 1", Type: "jsonpath"})
	o, err = check(c2, bodyEnv(t, `{"items": [{"id": 1}, {"id": 2}]}`))
	if err == nil || o.Passed || !strings.Contains(o.Detail, "selects 2 nodes") {
		t.Errorf("multi-node: %v %v", o, err)
	}
	// sub-document context
	c3, _ := CompileCriterion(CriterionSpec{Context: "$response.body#/data", Condition: "$.id == 3", Type: "jsonpath"})
	if o, _ := check(c3, bodyEnv(t, `{"data": {"id": 3}}`)); !o.Passed {
		t.Errorf("pointer context: %v", o)
	}
}

// TestHookdeckJSONPath evaluates every JSONPath criterion of the Hookdeck
// workflows in the corpus against realistic Hookdeck response bodies, one
// for which the criterion must pass and one for which it must fail.
func TestHookdeckJSONPath(t *testing.T) {
	events := `{"pagination": {"order_by": "created_at", "dir": "desc", "limit": 1}, "count": 1,
		"models": [{"id": "evt_2Nq0k", "team_id": "tm_1", "webhook_id": "web_1", "source_id": "src_1",
		"destination_id": "des_1", "request_id": "req_1", "attempts": 3, "status": "FAILED",
		"response_status": 500, "error_code": null, "last_attempt_at": "2024-05-01T10:00:00.000Z",
		"created_at": "2024-05-01T09:59:59.000Z", "data": {"headers": {"content-type": "application/json"}}}]}`
	empty := `{"pagination": {"order_by": "created_at", "dir": "desc", "limit": 1}, "count": 0, "models": []}`
	bodies := map[string][2]string{ // condition -> {passing body, failing body}
		"$.models.length > 0":    {events, empty},
		"$.models.length == 0":   {empty, events},
		`$.log_level == "error"`: {`{"request": {"headers": {}}, "log_level": "error", "logs": [{"level": "error", "message": "TypeError: x is undefined"}]}`, `{"log_level": "info", "logs": []}`},
		`$.log_level != "error"`: {`{"log_level": "info", "logs": [{"level": "info", "message": "ok"}]}`, `{"log_level": "error", "logs": []}`},
		"$.disabled_at != null":  {`{"id": "src_1", "name": "shopify", "url": "https://hkdk.events/x", "disabled_at": "2024-05-01T10:00:00.000Z", "updated_at": "2024-05-01T10:00:00.000Z"}`, `{"id": "src_1", "name": "shopify", "disabled_at": null}`},
		"$.estimated_count > 0":  {`{"estimated_count": 42, "query": {"status": "FAILED"}}`, `{"estimated_count": 0}`},
		"$.estimated_count == 0": {`{"estimated_count": 0}`, `{"estimated_count": 42}`},
		"$.in_progress == false": {`{"id": "bch_1", "in_progress": false, "completed_at": "2024-05-01T10:00:00.000Z", "estimated_count": 42, "processed_count": 42, "completed_count": 42, "failed_count": 0, "progress": 1}`, `{"id": "bch_1", "in_progress": true, "progress": 0.4}`},
		"$.paused_at != null":    {`{"id": "web_1", "name": "orders", "paused_at": "2024-05-01T10:00:00.000Z", "disabled_at": null}`, `{"id": "web_1", "name": "orders", "paused_at": null}`},
		"$.success == true":      {`{"success": true}`, `{"success": false}`},
	}
	items, _ := collectCorpus(t, "hookdeck")
	seen := 0
	for _, it := range items {
		if !strings.HasPrefix(it.where, "hookdeck/") || it.kind != "condition:jsonpath" {
			continue
		}
		seen++
		pair, ok := bodies[strings.TrimSpace(it.spec.Condition)]
		if !ok {
			t.Errorf("%s: no realistic body for %q", it.where, it.spec.Condition)
			continue
		}
		c, err := CompileCriterion(it.spec)
		if err != nil {
			t.Errorf("%s: %v", it.where, err)
			continue
		}
		for i, body := range pair {
			o, err := check(c, bodyEnv(t, body))
			if err != nil || o.Passed != (i == 0) {
				t.Errorf("%s %q body %d: passed=%v err=%v detail=%q", it.where, it.spec.Condition, i, o.Passed, err, o.Detail)
			}
		}
	}
	if seen < 20 {
		t.Errorf("found only %d Hookdeck JSONPath criteria", seen)
	}
	t.Logf("%d Hookdeck JSONPath criteria evaluated", seen)
}

func TestRegexCriteria(t *testing.T) {
	tests := []struct {
		ctx, cond string
		env       *Values
		want      bool
	}{
		{"$statusCode", "^200$", &Values{StatusCode: 200}, true},
		{"$statusCode", "^2\\d{2}$", &Values{StatusCode: 204}, true},
		{"$statusCode", "^2\\d{2}$", &Values{StatusCode: 404}, false},
		{"$statusCode", "0", &Values{StatusCode: 200}, true}, // unanchored
		{"$response.body", "404 - File or directory not found\\.", &Values{ResponseBody: "<h1>404 - File or directory not found.</h1>", HasResponse: true}, true},
		{"$response.body", `"id":1`, &Values{ResponseBody: map[string]any{"id": json.Number("1")}, HasResponse: true}, true},
		{"$response.body", `^\{"a":true,"b":\[1,"x"\]\}$`, &Values{ResponseBody: map[string]any{"b": []any{1, "x"}, "a": true}, HasResponse: true}, true},
		{"$response.body", "^/cookies/4711/eat$", &Values{ResponseBody: []byte("/cookies/4711/eat"), HasResponse: true}, true},
		{"$response.header.Location", "/pets/\\d+", &Values{ResponseHeader: map[string][]string{"Location": {"/pets/42"}}}, true},
		{"$response.body#/status", "^({$inputs.p})$", &Values{ResponseBody: map[string]any{"status": "ok"}, HasResponse: true, Inputs: map[string]any{"p": "ok|done"}}, true},
		{"$response.body#/status", "^({$inputs.p})$", &Values{ResponseBody: map[string]any{"status": "bad"}, HasResponse: true, Inputs: map[string]any{"p": "ok|done"}}, false},
		{"$response.body#/none", ".*", &Values{ResponseBody: map[string]any{"none": nil}, HasResponse: true}, false},
		{"$response.body#/absent", ".*", &Values{ResponseBody: map[string]any{}, HasResponse: true}, false},
	}
	for _, tt := range tests {
		c, err := CompileCriterion(CriterionSpec{Context: tt.ctx, Condition: tt.cond, Type: "regex"})
		if err != nil {
			t.Errorf("CompileCriterion(%q): %v", tt.cond, err)
			continue
		}
		o, err := check(c, tt.env)
		if err != nil || o.Passed != tt.want {
			t.Errorf("%s ~ %q: %v %v", tt.ctx, tt.cond, o, err)
		}
	}
	// an embedded expression that makes the pattern invalid fails at evaluation
	c, _ := CompileCriterion(CriterionSpec{Context: "$statusCode", Condition: "{$inputs.p}", Type: "regex"})
	o, err := check(c, &Values{StatusCode: 200, Inputs: map[string]any{"p": "("}})
	if err == nil || o.Passed || o.Detail == "" {
		t.Errorf("bad embedded pattern: %v %v", o, err)
	}
}

func TestXPathCriteria(t *testing.T) {
	xml := `<root><pets><pet id="1">Rex</pet><pet id="2">Fido</pet></pets><id>4711</id><empty/></root>`
	tests := []struct {
		cond string
		want bool
	}{
		{"/root/pets", true},
		{"/root/cats", false},
		{"count(/root/pets/*) > 0", true},
		{"count(/root/pets/*) > 5", false},
		{"/root/id = 4711", true},
		{"/root/id = 1", false},
		{"string(/root/pets/pet[@id='2'])", true},
		{"string(/root/empty)", false},
		{"count(/root/pets/pet)", true},
		{"count(/root/none)", false},
		{"//pet[. = 'Rex']", true},
		{"ends-with(/root/pets/pet[1], 'ex')", true},
		{"/root/id > {$inputs.minPrice}", true},
	}
	for _, tt := range tests {
		c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: tt.cond, Type: "xpath", Version: "xpath-10"})
		if err != nil {
			t.Errorf("CompileCriterion(%q): %v", tt.cond, err)
			continue
		}
		for _, body := range []any{xml, []byte(xml)} {
			env := &Values{ResponseBody: body, HasResponse: true, Inputs: map[string]any{"minPrice": 5}}
			o, err := check(c, env)
			if err != nil || o.Passed != tt.want {
				t.Errorf("%q: %v %v", tt.cond, o, err)
			}
		}
	}
	c, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath"})
	if o, err := check(c, &Values{ResponseBody: map[string]any{}, HasResponse: true}); err == nil || o.Passed {
		t.Errorf("JSON context for xpath: %v %v", o, err)
	}
	if o, err := check(c, &Values{ResponseBody: "<a><unclosed></a>", HasResponse: true}); err == nil || o.Passed {
		t.Errorf("bad XML: %v %v", o, err)
	}
	// concurrent evaluation of one compiled XPath
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "count(//pet) = 2", Type: "xpath"})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if o, err := check(c2, &Values{ResponseBody: xml, HasResponse: true}); !o.Passed || err != nil {
					t.Errorf("concurrent xpath: %v %v", o, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestCriterionWarnings(t *testing.T) {
	tests := []struct {
		spec CriterionSpec
		warn string
	}{
		{CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath"}, "3.1 (the default)"},
		{CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath", Version: "xpath-31"}, "XPath 3.1 was requested"},
		{CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath", Version: "xpath-30"}, "XPath 3.0 was requested"},
		{CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath", Version: "xpath-20"}, "XPath 2.0"},
		{CriterionSpec{Context: "$response.body", Condition: "/a", Type: "xpath", Version: "xpath-10"}, ""},
		{CriterionSpec{Context: "$response.body", Condition: "$.a", Type: "jsonpath", Version: "draft-goessner-dispatch-jsonpath-00"}, "goessner"},
		{CriterionSpec{Context: "$response.body", Condition: "$.a", Type: "jsonpath", Version: "rfc9535"}, ""},
		{CriterionSpec{Context: "$response.body", Condition: "$.a", Type: "jsonpath", Version: "v9"}, "unknown JSONPath version"},
		{CriterionSpec{Condition: "true", Version: "1"}, "ignored"},
	}
	for _, tt := range tests {
		c, err := CompileCriterion(tt.spec)
		if err != nil {
			t.Errorf("%+v: %v", tt.spec, err)
			continue
		}
		w := strings.Join(c.Warnings(), "; ")
		if tt.warn == "" && w != "" || tt.warn != "" && !strings.Contains(w, tt.warn) {
			t.Errorf("%+v: warnings %q, want %q", tt.spec, w, tt.warn)
		}
	}
}

func TestCriterionErrors(t *testing.T) {
	tests := []struct {
		spec   CriterionSpec
		field  string
		offset int
		msg    string
	}{
		{CriterionSpec{Condition: "$statusCode = 200"}, "condition", 12, "use '=='"},
		{CriterionSpec{Condition: "true", Type: "sql"}, "type", 0, "unknown criterion type"},
		{CriterionSpec{Condition: "^a", Type: "regex"}, "context", 0, "needs a context"},
		{CriterionSpec{Context: "response", Condition: "x == 1"}, "context", 0, "expected '$'"},
		{CriterionSpec{Context: "$statusCode", Condition: "a(?=b)", Type: "regex"}, "condition", 1, "look-around"},
		{CriterionSpec{Context: "$statusCode", Condition: "[a-", Type: "regex"}, "condition", 0, "invalid regular expression"},
		{CriterionSpec{Context: "$response.body", Condition: "#/petId == 4", Type: "jsonpath"}, "condition", 0, "unexpected"},
		{CriterionSpec{Context: "$response.body", Condition: "$.a[ == 1", Type: "jsonpath"}, "condition", 0, ""},
		{CriterionSpec{Context: "$response.body", Condition: "/root[", Type: "xpath"}, "condition", 0, "invalid XPath"},
		{CriterionSpec{Context: "$response.body", Condition: "x {$inputs.a", Type: "xpath"}, "condition", 12, "expected '}'"},
	}
	for _, tt := range tests {
		_, err := CompileCriterion(tt.spec)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%+v: %v is not *Error", tt.spec, err)
			continue
		}
		if e.Field != tt.field || e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("%+v: field %q offset %d %q; want %q %d %q", tt.spec, e.Field, e.Offset, e.Msg, tt.field, tt.offset, tt.msg)
		}
	}
}

func TestCriterionReferences(t *testing.T) {
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.id == $inputs.id && $.n > $steps.s.outputs.min", Type: "jsonpath"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.References() {
		got = append(got, r.String())
	}
	if want := []string{"$response.body", "$inputs.id", "$steps.s.outputs.min"}; !reflect.DeepEqual(got, want) {
		t.Errorf("References = %q", got)
	}
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "/r[x > {$inputs.min}]", Type: "xpath", Version: "xpath-10"})
	if refs := c2.References(); len(refs) != 2 || refs[1].Name != "min" || refs[1].Pos != 8 {
		t.Errorf("xpath References = %+v", refs)
	}
	// a simple criterion keeps its (unused) context in References
	c3, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$statusCode == 200"})
	if refs := c3.References(); len(refs) != 2 || c3.Condition() == nil || c3.Spec().Context != "$response.body" {
		t.Errorf("simple References = %+v", refs)
	}
	if o, _ := check(c3, &Values{StatusCode: 200}); !o.Passed {
		t.Error("simple criterion with a context must ignore the context")
	}
}

func TestStatusCodeZeroAlloc(t *testing.T) {
	c, _ := CompileCriterion(CriterionSpec{Condition: "$statusCode == 200"})
	env := &Values{StatusCode: 200}
	if n := testing.AllocsPerRun(1000, func() { c.Eval(env) }); n != 0 {
		t.Errorf("$statusCode == 200 allocates %v times", n)
	}
	c2, _ := CompileCriterion(CriterionSpec{Condition: "$statusCode >= 200 && $response.body#/status == 'ok'"})
	env2 := &Values{StatusCode: 200, ResponseBody: map[string]any{"status": "OK"}, HasResponse: true}
	if n := testing.AllocsPerRun(1000, func() { c2.Eval(env2) }); n != 0 {
		t.Errorf("compound condition allocates %v times", n)
	}
}

func TestJSONPathConcurrent(t *testing.T) {
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.models[?(@.attempts > 2)]", Type: "jsonpath"})
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.models.length == 100 && $.count == $inputs.n", Type: "jsonpath"})
	body := body10KB(t)
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := &Values{ResponseBody: body, HasResponse: true, Inputs: map[string]any{"n": 100}}
			for i := 0; i < 30; i++ {
				o1, err1 := check(c, env)
				o2, err2 := check(c2, env)
				if !o1.Passed || !o2.Passed || err1 != nil || err2 != nil {
					t.Errorf("%v %v %v %v", o1, err1, o2, err2)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// check is c.EvalContext within the default budget: the outcome of Eval
// with its explanation.
func check(c *CompiledCriterion, env Env) (Outcome, error) {
	return c.EvalContext(context.Background(), env, Budget{})
}
