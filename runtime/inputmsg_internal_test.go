package runtime

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/schemamsg"
)

// TestInputProblemsWording pins the words of input validation problems,
// one case per JSON Schema keyword: they are the messages weft printed
// with jsonschema/v5 (checked side by side when moving to v6), except
// that a property name with a space is now a correct JSON pointer
// ("/a b", v5 printed "/a%20b"). Formats are asserted; secrets masked.
func TestInputProblemsWording(t *testing.T) {
	cases := []struct{ schema, input, want string }{
		{`{"type":"object","properties":{"a":{"type":"string"}},"required":["a","b"]}`, `{"a":1}`, `/: missing properties: 'b' | /a: expected string, but got number`},
		{`{"type":"object","properties":{"a":{"type":["string","null"]}}}`, `{"a":1}`, `/a: expected string or null, but got number`},
		{`{"type":"object","properties":{"a":{"enum":["x","y",1]}}}`, `{"a":"z"}`, `/a: value must be one of "x", "y", "1"`},
		{`{"type":"object","properties":{"a":{"enum":[{"k":1},2]}}}`, `{"a":"z"}`, `/a: enum failed`},
		{`{"type":"object","properties":{"a":{"const":"x"}}}`, `{"a":"z"}`, `/a: value must be "x"`},
		{`{"type":"object","properties":{"a":{"const":[1]}}}`, `{"a":"z"}`, `/a: const failed`},
		{`{"type":"object","properties":{"a":{"minLength":3,"maxLength":1,"pattern":"^x'y$"}}}`, `{"a":"ab"}`, `/a: does not match pattern '^x\'y$' | /a: length must be <= 1, but got 2 | /a: length must be >= 3, but got 2`},
		{`{"type":"object","properties":{"a":{"minimum":3,"maximum":1,"exclusiveMinimum":5,"exclusiveMaximum":0,"multipleOf":0.7}}}`, `{"a":2.5}`, `/a: 2.5 not multipleOf 0.7 | /a: must be < 0 but found 2.5 | /a: must be <= 1 but found 2.5 | /a: must be > 5 but found 2.5 | /a: must be >= 3 but found 2.5`},
		{`{"type":"object","properties":{"a":{"minimum":3}}}`, `{"a":2}`, `/a: must be >= 3 but found 2`},
		{`{"type":"object","additionalProperties":false,"properties":{"a":{}}}`, `{"b":1,"c":2}`, `/: additionalProperties 'b', 'c' not allowed`},
		{`{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"},"minItems":5,"maxItems":1,"uniqueItems":true}}}`, `{"a":[1,1.5,1]}`, `/a/1: expected integer, but got number | /a: items at index 0 and 2 are equal | /a: maximum 1 items required, but found 3 items | /a: minimum 5 items required, but found 3 items`},
		{`{"type":"object","properties":{"a":{"oneOf":[{"type":"string"},{"type":"integer"}]}}}`, `{"a":true}`, `/a: expected integer, but got boolean | /a: expected string, but got boolean`},
		{`{"type":"object","properties":{"a":{"oneOf":[{"type":"number"},{"type":"integer"}]}}}`, `{"a":1}`, `/a: valid against schemas at indexes 0 and 1`},
		{`{"type":"object","properties":{"a":{"anyOf":[{"type":"string"},{"minimum":4}]}}}`, `{"a":1}`, `/a: expected string, but got number | /a: must be >= 4 but found 1`},
		{`{"type":"object","properties":{"a":{"not":{"type":"integer"}}}}`, `{"a":1}`, `/a: not failed`},
		{`{"type":"object","dependentRequired":{"a":["b","c"]}}`, `{"a":1}`, `/: property 'b' is required, if 'a' property exists | /: property 'c' is required, if 'a' property exists`},
		{`{"type":"object","properties":{"a":{"format":"email"}}}`, `{"a":"nope"}`, `/a: 'nope' is not valid 'email'`},
		{`{"type":"object","properties":{"a b":{"type":"string"},"x/y":{"type":"string"}}}`, `{"a b":1,"x/y":2}`, `/a b: expected string, but got number | /x~1y: expected string, but got number`},
		{`{"type":"object","minProperties":3,"maxProperties":0}`, `{"a":1}`, `/: maximum 0 properties allowed, but found 1 properties | /: minimum 3 properties allowed, but found 1 properties`},
		{`{"type":"object","properties":{"a":{"type":"array","contains":{"type":"string"}}}}`, `{"a":[1,2]}`, `/a/0: expected string, but got number | /a/1: expected string, but got number`},
		{`{"type":"object","properties":{"a":{"type":"array","contains":{"type":"string"},"minContains":2,"maxContains":0}}}`, `{"a":["x",2]}`, `/a/1: expected string, but got number | /a: valid must be <= 0, but got 1`},
		{`{"type":"object","propertyNames":{"pattern":"^[a-z]+$"}}`, `{"A1":1}`, `/A1: does not match pattern '^[a-z]+$'`},
		{`{"type":"object","properties":{"a":{"if":{"type":"string"},"then":{"minLength":2},"else":{"type":"integer"}}}}`, `{"a":"x"}`, `/a: length must be >= 2, but got 1`},
		{`{"type":"object","properties":{"a":{"allOf":[{"type":"string"},{"minLength":2}]}}}`, `{"a":3}`, `/a: expected string, but got number`},
		{`{"type":"object","properties":{"secret":{"type":"integer"}}}`, `{"secret":"hunter2"}`, `/secret: expected integer, but got string`},
		{`{"$defs":{"s":{"type":"string"}},"type":"object","properties":{"a":{"$ref":"#/$defs/s"}}}`, `{"a":1}`, `/a: expected string, but got number`},
		{`{"type":"object","unevaluatedProperties":false,"properties":{"a":{}}}`, `{"b":1}`, `/b: not allowed`},
		{`{"type":"integer"}`, `{"a":1}`, `/: expected integer, but got object`},
	}
	for _, c := range cases {
		s, docs, err := compileInputsSchema("s.json", []byte(c.schema), "")
		if err != nil {
			t.Fatalf("%s: %v", c.schema, err)
		}
		var in any
		d := json.NewDecoder(strings.NewReader(c.input))
		d.UseNumber()
		if err := d.Decode(&in); err != nil {
			t.Fatal(err)
		}
		m := newMasker()
		m.addValue("hunter2")
		got := "ok <nil>"
		if err := s.Validate(in); err != nil {
			got = strings.Join(leafProblems(schemamsg.Leaves(err, docs, in), m), " | ")
		}
		if got != c.want {
			t.Errorf("%s with %s:\n got %s\nwant %s", c.schema, c.input, got, c.want)
		}
	}
}
