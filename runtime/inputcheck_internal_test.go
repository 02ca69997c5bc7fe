package runtime

import "testing"

// TestQuickInputsNeverDisagrees checks that the engine-free acceptor only
// accepts what the schema engine accepts, and that it applies to the
// simple shape (so that the fast path is exercised) and not to schemas
// that assert more.
func TestQuickInputsNeverDisagrees(t *testing.T) {
	schemas := []struct {
		schema string
		quick  bool
	}{
		{`{"type":"object","required":["a","b"],"properties":{"a":{"type":"string","description":"x"},"b":{"type":"string"},"c":{"type":"boolean","default":true}}}`, true},
		{`{"type":"object","properties":{"p":{"type":"string","format":"password"}}}`, true},
		{`{"type":"object","properties":{"a":{"type":"string","minLength":2}}}`, false},
		{`{"type":"object","properties":{"a":{"type":"string","enum":["x"]}}}`, false},
		{`{"type":"object","properties":{"a":{"type":"string","format":"email"}}}`, false},
		{`{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}}`, false},
		{`{"type":"object","properties":{"a":{"type":"integer"}}}`, false},
		{`{"type":["object","null"],"properties":{"a":{"type":"string"}}}`, false},
		{`{"type":"object","properties":{"a":{"$ref":"#/$defs/s"}},"$defs":{"s":{"type":"string"}}}`, false},
	}
	values := []map[string]any{
		{}, {"a": "x"}, {"a": "x", "b": "y"}, {"a": "x", "b": "y", "c": true}, {"a": "x", "b": "y", "c": "no"},
		{"a": 1, "b": "y"}, {"a": "x", "b": "y", "z": []any{1}}, {"p": "secret"}, {"p": true}, {"a": "not-an-email"},
	}
	for _, sc := range schemas {
		s, _, err := compileInputsSchema("s.json", []byte(sc.schema), "")
		if err != nil {
			t.Fatal(err)
		}
		q := quickInputs(s)
		if (q != nil) != sc.quick {
			t.Errorf("%s: quick check made = %v, want %v", sc.schema, q != nil, sc.quick)
		}
		if sc.quick && !q.accepts(map[string]any{"a": "x", "b": "y"}) {
			t.Errorf("%s: the quick check refuses valid inputs", sc.schema)
		}
		for _, v := range values {
			if q.accepts(v) && s.Validate(v) != nil {
				t.Errorf("%s: %v accepted by the quick check, rejected by the engine: %v", sc.schema, v, s.Validate(v))
			}
		}
	}
}
