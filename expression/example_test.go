package expression_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/weftflow/weft/expression"
)

func ExampleParse() {
	e, err := expression.Parse("$steps.create.outputs.pet#/tags/0")
	if err != nil {
		panic(err)
	}
	r := e.Reference()
	fmt.Println(r.Root, r.ID, r.Field, r.Name, r.Pointer)
	env := &expression.Values{Steps: map[string]map[string]any{
		"create": {"pet": map[string]any{"tags": []any{"cute", "small"}}},
	}}
	v, missing, _ := e.Eval(env)
	fmt.Println(v, missing)
	// Output:
	// $steps create outputs pet /tags/0
	// cute []
}

func ExampleParse_error() {
	_, err := expression.Parse("$steps.create.output.id")
	fmt.Println(err)
	var e *expression.Error
	if errorsAs(err, &e) {
		fmt.Println("column", e.Column())
	}
	// Output:
	// col 14: expected '.outputs.' after the step id in "$steps.create.output.id"
	// column 14
}

func errorsAs(err error, target **expression.Error) bool {
	e, ok := err.(*expression.Error)
	if ok {
		*target = e
	}
	return ok
}

func ExampleParseTemplate() {
	t, err := expression.ParseTemplate("https://{$inputs.host}/pets/{$steps.find.outputs.ids}")
	if err != nil {
		panic(err)
	}
	env := &expression.Values{
		Inputs: map[string]any{"host": "api.example.com"},
		Steps:  map[string]map[string]any{"find": {"ids": []any{1, 2}}},
	}
	s, missing := t.Render(env)
	fmt.Println(s, missing)
	// Output: https://api.example.com/pets/[1,2] []
}

func ExampleCompileValue() {
	v, err := expression.CompileValue(map[string]any{
		"id":    "$response.body#/id", // whole expression: type kept
		"label": "pet {$response.body#/id}",
		"fixed": 3,
	})
	if err != nil {
		panic(err)
	}
	env := &expression.Values{ResponseBody: map[string]any{"id": json.Number("42")}, HasResponse: true}
	out, missing, _ := v.Eval(env)
	m := out.(map[string]any)
	fmt.Printf("%T %v | %q | %v | %v\n", m["id"], m["id"], m["label"], m["fixed"], missing)
	// Output: json.Number 42 | "pet 42" | 3 | []
}

func ExampleCompileCriterion() {
	c, err := expression.CompileCriterion(expression.CriterionSpec{
		Condition: "$statusCode == 200 && $response.header.content-type == 'application/json'",
	})
	if err != nil {
		panic(err)
	}
	env := &expression.Values{StatusCode: 404, ResponseHeader: http.Header{"Content-Type": {"application/json"}}}
	o, _ := c.EvalContext(context.Background(), env, expression.Budget{})
	fmt.Println(o.Passed)
	fmt.Println(o.Detail)
	// Output:
	// false
	// $statusCode == 200 && $response.header.content-type == 'application/json' is false: $statusCode = 404, $response.header.content-type = "application/json"
}

func ExampleCompileCriterion_jsonpath() {
	c, err := expression.CompileCriterion(expression.CriterionSpec{
		Context:   "$response.body",
		Condition: "$.models.length > 0",
		Type:      "jsonpath",
	})
	if err != nil {
		panic(err)
	}
	for _, body := range []string{`{"models": [{"id": "evt_1"}]}`, `{"models": []}`} {
		passed, _, _ := c.Eval(&expression.Values{ResponseBody: body, HasResponse: true})
		fmt.Println(passed)
	}
	// Output:
	// true
	// false
}
