package expression

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/jsonvalue"
)

func TestParseForms(t *testing.T) {
	tests := []struct {
		src  string
		want Reference // Pos, End, Text and nameDots are checked separately
	}{
		{"$url", Reference{Root: RootURL}},
		{"$method", Reference{Root: RootMethod}},
		{"$statusCode", Reference{Root: RootStatusCode}},
		{"$self", Reference{Root: RootSelf}},
		{"$request.header.accept", Reference{Root: RootRequest, Field: "header", Name: "accept"}},
		{"$request.header.X-Rate-Limit.Remaining", Reference{Root: RootRequest, Field: "header", Name: "X-Rate-Limit.Remaining"}},
		{"$request.query.page", Reference{Root: RootRequest, Field: "query", Name: "page"}},
		{"$request.query.filter[status]", Reference{Root: RootRequest, Field: "query", Name: "filter[status]"}},
		{"$request.path.id", Reference{Root: RootRequest, Field: "path", Name: "id"}},
		{"$request.body", Reference{Root: RootRequest, Field: "body"}},
		{"$request.body#/user/uuid", Reference{Root: RootRequest, Field: "body", Pointer: "/user/uuid", HasPointer: true}},
		{"$response.header.Server", Reference{Root: RootResponse, Field: "header", Name: "Server"}},
		{"$response.body", Reference{Root: RootResponse, Field: "body"}},
		{"$response.body#", Reference{Root: RootResponse, Field: "body", HasPointer: true}},
		{"$response.body#/", Reference{Root: RootResponse, Field: "body", Pointer: "/", HasPointer: true}},
		{"$response.body#/status", Reference{Root: RootResponse, Field: "body", Pointer: "/status", HasPointer: true}},
		{"$response.body#/items/0/id", Reference{Root: RootResponse, Field: "body", Pointer: "/items/0/id", HasPointer: true}},
		{"$response.body#/a~1b/c~0d", Reference{Root: RootResponse, Field: "body", Pointer: "/a~1b/c~0d", HasPointer: true}},
		{"$response.body.data", Reference{Root: RootResponse, Field: "body", Selectors: []Selector{{Name: "data"}}}},
		{"$response.body.data[0].id", Reference{Root: RootResponse, Field: "body", Selectors: []Selector{{Name: "data"}, {Index: 0, IsIndex: true}, {Name: "id"}}}},
		{"$inputs.username", Reference{Root: RootInputs, Name: "username"}},
		{"$inputs.user#/address/city", Reference{Root: RootInputs, Name: "user", Pointer: "/address/city", HasPointer: true}},
		{"$inputs.user.name", Reference{Root: RootInputs, Name: "user", Selectors: []Selector{{Name: "name"}}}},
		{"$inputs.a.b#/c", Reference{Root: RootInputs, Name: "a.b", Pointer: "/c", HasPointer: true}},
		{"$outputs.bar", Reference{Root: RootOutputs, Name: "bar"}},
		{"$outputs.bar#/0", Reference{Root: RootOutputs, Name: "bar", Pointer: "/0", HasPointer: true}},
		{"$steps.someStepId.outputs.pets", Reference{Root: RootSteps, ID: "someStepId", Field: "outputs", Name: "pets"}},
		{"$steps.someStepId.outputs.pets#/0/id", Reference{Root: RootSteps, ID: "someStepId", Field: "outputs", Name: "pets", Pointer: "/0/id", HasPointer: true}},
		{"$steps.get-pet_1.outputs.pet-id_2", Reference{Root: RootSteps, ID: "get-pet_1", Field: "outputs", Name: "pet-id_2"}},
		{"$steps.a.outputs.b.c", Reference{Root: RootSteps, ID: "a", Field: "outputs", Name: "b", Selectors: []Selector{{Name: "c"}}}},
		{"$workflows.foo.inputs.username", Reference{Root: RootWorkflows, ID: "foo", Field: "inputs", Name: "username"}},
		{"$workflows.foo.outputs.bar", Reference{Root: RootWorkflows, ID: "foo", Field: "outputs", Name: "bar"}},
		{"$workflows.foo.outputs.mappedResponse#/name", Reference{Root: RootWorkflows, ID: "foo", Field: "outputs", Name: "mappedResponse", Pointer: "/name", HasPointer: true}},
		{"$sourceDescriptions.petstore.getPetById", Reference{Root: RootSourceDescriptions, ID: "petstore", Name: "getPetById"}},
		{"$sourceDescriptions.petstore.url", Reference{Root: RootSourceDescriptions, ID: "petstore", Name: "url"}},
		{"$sourceDescriptions.petstore.pets.list", Reference{Root: RootSourceDescriptions, ID: "petstore", Name: "pets.list"}},
		{"$components.parameters.foo", Reference{Root: RootComponents, Field: "parameters", Name: "foo"}},
		{"$components.parameters.page.size", Reference{Root: RootComponents, Field: "parameters", Name: "page.size"}},
		{"$components.successActions.bar", Reference{Root: RootComponents, Field: "successActions", Name: "bar"}},
		{"$components.failureActions.baz", Reference{Root: RootComponents, Field: "failureActions", Name: "baz"}},
		{"$components.inputs.pagination", Reference{Root: RootComponents, Field: "inputs", Name: "pagination"}},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got := *e.Reference()
		if got.Pos != 0 || got.End != len(tt.src) {
			t.Errorf("Parse(%q): Pos %d End %d", tt.src, got.Pos, got.End)
		}
		if e.String() != tt.src {
			t.Errorf("Parse(%q).String() = %q", tt.src, e.String())
		}
		if !strings.HasPrefix(tt.src, got.Text) {
			t.Errorf("Parse(%q).Text = %q", tt.src, got.Text)
		}
		got.Pos, got.End, got.Text, got.nameDots = 0, 0, "", 0
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n %+v, want\n %+v", tt.src, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"", 0, "expected '$'"},
		{"inputs.a", 0, "expected '$'"},
		{"$", 1, "expected a runtime expression name"},
		{"$foo", 0, "unknown runtime expression $foo"},
		{"$message.body", 0, "AsyncAPI"},
		{"$inputs", 7, "expected '.' and a name"},
		{"$inputs.", 8, "expected a name"},
		{"$steps.a", 8, "'.outputs.'"},
		{"$steps.a.output.b", 8, "'.outputs.'"},
		{"$steps.a.outputs.", 17, "expected an output name"},
		{"$workflows.w.results.x", 12, "'.inputs.' or '.outputs.'"},
		{"$request.cookie.a", 9, "expected header, query, path or body"},
		{"$response.header.", 17, "expected a header name"},
		{"$response.body#a", 15, "must start with '/'"},
		{"$response.body#/a~2", 17, "'~' in a JSON pointer"},
		{"$response.body#/a~", 17, "'~' in a JSON pointer"},
		{"$statusCode#/a", 11, "not allowed"},
		{"$components.schemas.x", 12, "expected parameters"},
		{"$sourceDescriptions.a", 21, "'.' and an operationId"},
		{"$statusCode == 200", 11, "unexpected"},
		{"$inputs.a b", 9, "unexpected"},
		{"$response.body.items[x]", 21, "expected an index"},
		{"$response.body.items[0", 22, "expected ']'"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q): error %v is not *Error", tt.src, err)
			continue
		}
		if e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) || e.Input != tt.src {
			t.Errorf("Parse(%q): got offset %d %q, want offset %d containing %q", tt.src, e.Offset, e.Msg, tt.offset, tt.msg)
		}
		if e.Column() != e.Offset+1 || !strings.Contains(e.Error(), "col ") {
			t.Errorf("Parse(%q): bad Error()/Column(): %s", tt.src, e.Error())
		}
	}
}

func testEnv() *Values {
	return &Values{
		URL:        "https://api.example.com/pets?page=2",
		Method:     "POST",
		StatusCode: 201,
		RequestHeader: http.Header{
			"Accept":       {"application/json"},
			"X-Multi":      {"a", "b"},
			"x-lowercased": {"kept"},
		},
		RequestQuery: map[string]any{"page": "2"},
		RequestPath:  map[string]any{"id": "42"},
		RequestBody:  map[string]any{"user": map[string]any{"uuid": "u-1"}},
		HasRequest:   true,
		ResponseHeader: http.Header{
			"Content-Type": {"application/json"},
			"Location":     {"/pets/42"},
		},
		ResponseBody: map[string]any{
			"status": "Available",
			"count":  json.Number("3"),
			"price":  json.Number("9.5"),
			"items": []any{
				map[string]any{"id": json.Number("1"), "name": "Rex"},
				map[string]any{"id": json.Number("2"), "name": "Fido"},
			},
			"a/b":   "slash",
			"m~n":   "tilde",
			"":      "empty key",
			"flag":  true,
			"none":  nil,
			"empty": []any{},
			"text":  "12",
		},
		HasResponse: true,
		Inputs: map[string]any{
			"username": "alice",
			"pet":      map[string]any{"name": "Rex", "tags": []any{"a", "b"}},
			"limit":    10,
			"a.b":      "dotted",
		},
		Outputs: map[string]any{"bar": "baz"},
		Steps: map[string]map[string]any{
			"someStepId": {"pets": []any{map[string]any{"id": int64(7)}}, "b.c": "dotted output"},
			"create":     {"id": "abc"},
		},
		Workflows: map[string]WorkflowValues{
			"foo": {Inputs: map[string]any{"username": "bob"}, Outputs: map[string]any{"bar": 1.5, "mappedResponse": map[string]any{"name": "n"}}},
		},
		SourceDescriptions: map[string]map[string]any{"petstore": {"url": "https://example.com/openapi.yaml", "getPetById": "op"}},
		Components:         map[string]map[string]any{"parameters": {"foo": map[string]any{"name": "page"}}},
	}
}

func TestExprEval(t *testing.T) {
	env := testEnv()
	tests := []struct {
		src  string
		want any
		ok   bool
	}{
		{"$url", "https://api.example.com/pets?page=2", true},
		{"$method", "POST", true},
		{"$statusCode", 201, true},
		{"$request.header.accept", "application/json", true},
		{"$request.header.ACCEPT", "application/json", true},
		{"$request.header.X-Multi", "a, b", true},
		{"$request.header.X-Lowercased", "kept", true},
		{"$request.header.missing", nil, false},
		{"$request.query.page", "2", true},
		{"$request.path.id", "42", true},
		{"$request.body#/user/uuid", "u-1", true},
		{"$response.header.content-type", "application/json", true},
		{"$response.body#/status", "Available", true},
		{"$response.body#/count", json.Number("3"), true},
		{"$response.body#/items/0/id", json.Number("1"), true},
		{"$response.body#/items/1/name", "Fido", true},
		{"$response.body#/items/2/name", nil, false},
		{"$response.body#/items/01", nil, false},
		{"$response.body#/items/-", nil, false},
		{"$response.body#/a~1b", "slash", true},
		{"$response.body#/m~0n", "tilde", true},
		{"$response.body#/", "empty key", true},
		{"$response.body#/none", nil, true},
		{"$response.body#/nothing", nil, false},
		{"$response.body.items[1].name", "Fido", true},
		{"$response.body.items.length", 2, true},
		{"$response.body.status.length", 9, true},
		{"$response.body.items[5]", nil, false},
		{"$inputs.username", "alice", true},
		{"$inputs.pet", map[string]any{"name": "Rex", "tags": []any{"a", "b"}}, true},
		{"$inputs.pet#/tags/1", "b", true},
		{"$inputs.pet.tags[0]", "a", true},
		{"$inputs.a.b", "dotted", true},
		{"$inputs.nope", nil, false},
		{"$outputs.bar", "baz", true},
		{"$steps.someStepId.outputs.pets#/0/id", int64(7), true},
		{"$steps.someStepId.outputs.b.c", "dotted output", true},
		{"$steps.missing.outputs.x", nil, false},
		{"$workflows.foo.inputs.username", "bob", true},
		{"$workflows.foo.outputs.bar", 1.5, true},
		{"$workflows.foo.outputs.mappedResponse#/name", "n", true},
		{"$sourceDescriptions.petstore.url", "https://example.com/openapi.yaml", true},
		{"$sourceDescriptions.petstore.getPetById", "op", true},
		{"$components.parameters.foo", map[string]any{"name": "page"}, true},
		{"$self", nil, false},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got, ok := evalExpr(e, env)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Eval(%q) = %#v, %v; want %#v, %v", tt.src, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNameCandidatesAndHint(t *testing.T) {
	e := mustParse("$steps.a.outputs.b.c.d")
	if got := e.Reference().NameCandidates(); !reflect.DeepEqual(got, []string{"b", "b.c", "b.c.d"}) {
		t.Errorf("NameCandidates = %v", got)
	}
	if got := mustParse("$steps.a.outputs.b[0].c").Reference().NameCandidates(); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("NameCandidates with index = %v", got)
	}
	if got := mustParse("$response.body.data[0].id").Reference().PointerHint(); got != "$response.body#/data/0/id" {
		t.Errorf("PointerHint = %q", got)
	}
	if got := mustParse("$response.body#/data.x").Reference().PointerHint(); got != "" {
		t.Errorf("PointerHint for pointer = %q", got)
	}
	if got := mustParse("$request.body#/a.b").Reference().PointerHint(); got != "" {
		t.Errorf("PointerHint = %q", got)
	}
	if got := mustParse("$inputs.user.name").Reference().PointerHint(); got != "" {
		t.Errorf("PointerHint for inputs = %q", got)
	}
}

func TestPointer(t *testing.T) {
	doc := map[string]any{
		"foo": []any{"bar", "baz"}, "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5,
		"k\"l": 6, " ": 7, "m~n": 8,
	}
	tests := []struct {
		ptr  string
		want any
		ok   bool
	}{ // RFC 6901 §5
		{"", doc, true},
		{"/foo", []any{"bar", "baz"}, true},
		{"/foo/0", "bar", true},
		{"/", 0, true},
		{"/a~1b", 1, true},
		{"/c%d", 2, true},
		{"/e^f", 3, true},
		{"/g|h", 4, true},
		{"/i\\j", 5, true},
		{"/k\"l", 6, true},
		{"/ ", 7, true},
		{"/m~0n", 8, true},
		{"/foo/2", nil, false},
		{"/foo/-", nil, false},
		{"/foo/00", nil, false},
		{"/foo/-1", nil, false},
		{"foo", nil, false},
		{"/m~2n", nil, false},
		{"/foo/0/x", nil, false},
	}
	for _, tt := range tests {
		got, ok := Pointer(doc, tt.ptr)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Pointer(%q) = %v, %v", tt.ptr, got, ok)
		}
	}
	toks, err := parsePointer("/a~1b/~0/")
	if err != nil || !reflect.DeepEqual(toks, []string{"a/b", "~", ""}) {
		t.Errorf("parsePointer = %q, %v", toks, err)
	}
	if _, err := parsePointer("/x~"); err == nil {
		t.Error("parsePointer accepted a bad escape")
	}
	if got := jsonvalue.EscapeToken("a/b~c"); got != "a~1b~0c" {
		t.Errorf("EscapeToken = %q", got)
	}
	h := http.Header{"X-Id": {"1"}}
	if v, ok := Pointer(map[string]any{"h": h}, "/h/x-id"); !ok || v != "1" {
		t.Errorf("Pointer into header = %v %v", v, ok)
	}
}

func TestStartsExpression(t *testing.T) {
	for s, want := range map[string]bool{
		"$inputs.x": true, "$statusCode": true, "$100": false, "$ref": false, "$inputsx": false, "x$inputs": false, "$": false,
	} {
		if got := startsExpression(s, 0); got != want {
			t.Errorf("startsExpression(%q) = %v", s, got)
		}
	}
}

func TestLongDottedNameIsLinear(t *testing.T) {
	src := "$steps.a.outputs.b" + strings.Repeat(".x", 50000)
	e, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(e.Reference().NameCandidates()); n != maxNameDots+1 {
		t.Errorf("NameCandidates = %d", n)
	}
	if _, ok := evalExpr(e, testEnv()); ok {
		t.Error("resolved")
	}
}

// evalExpr is e.Eval reporting whether the value exists.
func evalExpr(e *Expr, env Env) (any, bool) {
	v, missing, _ := e.Eval(env)
	return v, missing == nil
}
