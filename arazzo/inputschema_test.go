package arazzo

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// refChainComps declares an inputs schema reached through a $ref chain
// five hops deep, whose properties are $refs two hops deep.
const refChainComps = `components:
  inputs:
    a1: {$ref: '#/components/inputs/a2'}
    a2: {$ref: '#/components/inputs/a3'}
    a3: {$ref: '#/components/inputs/a4'}
    a4: {$ref: '#/components/inputs/a5'}
    a5:
      type: object
      required: [code]
      properties:
        code: {$ref: '#/components/inputs/c1'}
        pin: {$ref: '#/components/inputs/pw1'}
    c1: {$ref: '#/components/inputs/c2', description: The code.}
    c2: {type: string, default: x7, description: ignored}
    pw1: {$ref: '#/components/inputs/pw2'}
    pw2: {type: string, format: password}
`

// Every reader of the inputs schema sees the same properties through a
// $ref chain: before InputSchema the validator gave up after four hops
// (no unknown-input diagnostic), the CLI followed a property's $ref once
// (type "any") and the runner followed it while no default was found.
func TestInputSchemaRefChains(t *testing.T) {
	doc, ds := loadMap(t, docWith("", `  - workflowId: w
    inputs: {$ref: '#/components/inputs/a1'}
    steps:
      - stepId: a
        operationId: getPet
        parameters: [{name: id, in: path, value: $inputs.nope}]
`, refChainComps))
	if _, ok := findDiag(ds, "unknown-input", ""); !ok {
		t.Errorf("want an unknown-input warning through the $ref chain, got:\n%s", diagLines(ds))
	}
	in, err := doc.Workflows[0].InputSchema()
	if err != nil {
		t.Fatal(err)
	}
	code, pin := in.Property("code"), in.Property("pin")
	if code == nil || pin == nil || len(in.Properties) != 2 || !in.Complete || in.Closed {
		t.Fatalf("properties %+v complete %v closed %v", in.Properties, in.Complete, in.Closed)
	}
	if !reflect.DeepEqual(code.Types, []string{"string"}) || code.Default != "x7" || !code.HasDefault ||
		code.Description != "The code." || !code.Required || code.Secret {
		t.Errorf("code = %+v", *code)
	}
	if pin.Format != "password" || !pin.Secret || pin.Required {
		t.Errorf("pin = %+v", *pin)
	}
	root, ptr := in.Resource()
	if ptr != "#/workflows/0/inputs" || root["components"] == nil {
		t.Errorf("resource %v at %q", root, ptr)
	}
}

// A $ref cycle names the limit.
func TestInputSchemaRefBudget(t *testing.T) {
	doc, _ := loadMap(t, docWith("", `  - workflowId: w
    inputs: {type: object, properties: {a: {$ref: '#/components/inputs/x'}}}
    steps:
      - stepId: a
        operationId: getPet
`, "components:\n  inputs:\n    x: {$ref: '#/components/inputs/x'}\n"))
	_, err := doc.Workflows[0].InputSchema()
	if err == nil || !strings.Contains(err.Error(), "maxInputRefs") {
		t.Fatalf("err = %v, want the limit named", err)
	}
}

func inputsWorkflow(t *testing.T, schema string) *Workflow {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(schema), &v); err != nil {
		t.Fatal(err)
	}
	w := &Workflow{WorkflowID: "w", Inputs: v}
	w.Document = &Document{Workflows: []*Workflow{w}}
	return w
}

// Secret inputs are found at any depth: format password or a secret name,
// under properties, items, additionalProperties, through $ref and allOf.
// (Moved from runtime, which masks what these paths locate.)
func TestSecretPathsAtAnyDepth(t *testing.T) {
	w := inputsWorkflow(t, `{
	  "$defs": {"pw": {"type": "string", "format": "password"}},
	  "type": "object",
	  "properties": {
	    "plain": {"type": "string"},
	    "pin": {"type": "integer", "format": "password"},
	    "auth": {"type": "object", "properties": {"user": {}, "phrase": {"$ref": "#/workflows/0/inputs/$defs/pw"}}},
	    "cards": {"type": "array", "items": {"properties": {"cvv": {"format": "password"}, "n": {}}}},
	    "vault": {"additionalProperties": {"format": "password"}},
	    "mixed": {"allOf": [{"properties": {"clientSecret": {"type": "string"}}}]},
	    "tree": {"$ref": "#/workflows/0/inputs"}
	  }}`)
	in, err := w.InputSchema()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range in.Secrets {
		var segs []string
		for _, seg := range p {
			if seg.Any {
				segs = append(segs, "*")
			} else {
				segs = append(segs, seg.Name)
			}
		}
		got = append(got, strings.Join(segs, "."))
	}
	sort.Strings(got)
	want := "auth.phrase cards.*.cvv mixed.clientSecret pin vault.*"
	if strings.Join(got, " ") != want {
		t.Errorf("secret paths %v, want %s", got, want)
	}
}

// A schema whose references fan out stops the search at its budget, with
// an error naming it, quickly.
func TestSecretPathsBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"$defs": {"d0": {"type": "string"}`)
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, `, "d%d": {"properties": {"a": {"$ref": "#/workflows/0/inputs/$defs/d%d"}, "b": {"$ref": "#/workflows/0/inputs/$defs/d%d"}}}`, i, i-1, i-1)
	}
	b.WriteString(`}, "$ref": "#/workflows/0/inputs/$defs/d30"}`)
	w := inputsWorkflow(t, b.String())
	start := time.Now()
	_, err := w.InputSchema()
	if err == nil || !strings.Contains(err.Error(), "maxSecretSchemaVisits") {
		t.Fatalf("err = %v, want the budget named", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}
