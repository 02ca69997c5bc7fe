package expression

import (
	"strings"
	"testing"
)

// TestSpecExamples parses every example of the Runtime Expressions section
// of the Arazzo 1.0.1 and 1.1.0 texts, and the condition and template
// examples around them, and evaluates them against testEnv.
func TestSpecExamples(t *testing.T) {
	env := testEnv()
	env.Inputs["host"] = "h"
	env.Inputs["threshold"] = 2
	env.Inputs["expectedStatus"] = "Available"
	env.Steps["create"]["id"] = "c1"
	env.Self = "https://example.com/arazzo.yaml"
	env.ResponseHeader["Server"] = []string{"nginx"}
	env.SourceDescriptions["petStoreDescription"] = map[string]any{"url": "https://petstore.example/openapi.json"}
	env.ResponseBody.(map[string]any)["data"] = map[string]any{}
	// expressions and whether they resolve in testEnv
	exprs := map[string]bool{
		"$method":                                     true,
		"$request.header.accept":                      true,
		"$request.path.id":                            true,
		"$request.body#/user/uuid":                    true,
		"$url":                                        true,
		"$response.body#/status":                      true,
		"$response.body#/items/0/id":                  true,
		"$response.header.Server":                     true,
		"$self":                                       true,
		"$inputs.username":                            true,
		"$workflows.foo.inputs.username":              true,
		"$steps.someStepId.outputs.pets":              true,
		"$steps.someStepId.outputs.pets#/0/id":        true,
		"$outputs.bar":                                true,
		"$workflows.foo.outputs.bar":                  true,
		"$workflows.foo.outputs.mappedResponse#/name": true,
		"$sourceDescriptions.petstore.getPetById":     true,
		"$sourceDescriptions.petstore.url":            true,
		"$components.parameters.foo":                  true,
		"$components.successActions.bar":              false,
		"$components.failureActions.baz":              false,
		"$statusCode":                                 true,
	}
	for src, resolves := range exprs {
		e, err := Parse(src)
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if _, ok := evalExpr(e, env); ok != resolves {
			t.Errorf("Eval(%q) resolved=%v", src, ok)
		}
	}
	// $message is AsyncAPI (1.0.0 and 1.1): a clear error, not silence
	for _, src := range []string{"$message.header.Server", "$message.payload#/status"} {
		if _, err := Parse(src); err == nil || !strings.Contains(err.Error(), "AsyncAPI") {
			t.Errorf("Parse(%q) = %v", src, err)
		}
	}
	templates := map[string]string{
		"https://{$inputs.host}/api/{$steps.create.outputs.id}/status":                 "https://h/api/c1/status",
		"{$sourceDescriptions.petStoreDescription.url}#/paths/~1pet~1findByStatus/get": "https://petstore.example/openapi.json#/paths/~1pet~1findByStatus/get",
		"<petId>{$inputs.username}</petId><couponCode>{$inputs.limit}</couponCode>":    "<petId>alice</petId><couponCode>10</couponCode>",
		// the 1.0.1 form-data example with its broken braces stays literal where it is not an expression
		"client_id={$inputs.username}&code{$inputs.limit}&scope=$inputs.scope}": "client_id=alice&code10&scope=$inputs.scope}",
	}
	for src, want := range templates {
		tpl, err := ParseTemplate(src)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", src, err)
			continue
		}
		if got, missing := tpl.Render(env); got != want || missing != nil {
			t.Errorf("Render(%q) = %q %v", src, got, missing)
		}
	}
	conds := map[string]bool{
		"$statusCode == 200": false,
		"$statusCode == 201": true,
		"$statusCode == 201 && $response.body.data != null":       true,
		"$response.body.count > $inputs.threshold":                true,
		"$statusCode == 200 || $statusCode == 201":                true,
		"$response.body#/0 == null":                               true,
		"$steps.someStepId.outputs.pets#/0/id == 7":               true,
		"$response.body#/status == 'available'":                   true,
		"$inputs.username != null && $inputs.username == 'ALICE'": true,
	}
	for src, want := range conds {
		c, err := ParseCondition(src)
		if err != nil {
			t.Errorf("ParseCondition(%q): %v", src, err)
			continue
		}
		if o := c.Check(env); o.Passed != want {
			t.Errorf("%q: %+v", src, o)
		}
	}
	// 1.1 embedded expressions in jsonpath/xpath/regex conditions
	crit := []CriterionSpec{
		{Context: "$response.body#/items", Condition: `$[?(@.name == "{$inputs.username}")]`, Type: "jsonpath"},
		{Context: "$response.body", Condition: `$[?(@ == "{$inputs.expectedStatus}")]`, Type: "jsonpath"},
		{Context: "$response.body#/status", Condition: "^({$inputs.expectedStatus})$", Type: "regex"},
	}
	wants := []bool{false, true, true}
	for i, spec := range crit {
		c, err := CompileCriterion(spec)
		if err != nil {
			t.Errorf("%+v: %v", spec, err)
			continue
		}
		if o, err := check(c, env); o.Passed != wants[i] || err != nil {
			t.Errorf("%+v: %+v %v", spec, o, err)
		}
	}
}
