package runtime

import (
	"reflect"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// inputCheck accepts, without the schema engine, inputs that an inputs
// schema of the simplest common shape certainly accepts: an object with
// required members and properties that are strings or booleans, nothing
// else asserted. It is made at runtime.New (quickInputs) and reports
// false whenever it is not certain, and the engine then decides (and
// words any problem): it never rejects, so results and messages are the
// engine's. Validating the reference workflow's three string inputs with
// the engine was a dozen allocations per run.
type inputCheck struct {
	required []string
	types    map[string]string // property -> "string" or "boolean"
}

// quickInputs returns the check for sch, or nil when sch asserts more than
// inputCheck knows.
func quickInputs(sch *jsonschema.Schema) *inputCheck {
	if sch == nil || !onlyAllowed(sch) || sch.Types == nil || sch.Types.String() != "[object]" {
		return nil
	}
	c := &inputCheck{required: sch.Required, types: map[string]string{}}
	for name, p := range sch.Properties {
		if p == nil || !onlyAllowed(p) || len(p.Required) > 0 || len(p.Properties) > 0 || p.Types == nil {
			return nil
		}
		switch p.Types.String() {
		case "[string]":
			c.types[name] = "string"
		case "[boolean]":
			c.types[name] = "boolean"
		default:
			return nil
		}
	}
	return c
}

// quickAllowed are the exported fields of a jsonschema.Schema that
// inputCheck handles (Types, Required, Properties) or that assert nothing
// (identity, anchors and annotations); Extensions are handled apart
// (weft registers none).
var quickAllowed = map[string]bool{
	"DraftVersion": true, "Location": true, "ID": true, "Anchor": true, "DynamicAnchor": true,
	"RecursiveAnchor": true, "Types": true, "Required": true, "Properties": true, "Extensions": true,
	"Title": true, "Description": true, "Default": true, "Comment": true, "ReadOnly": true,
	"WriteOnly": true, "Examples": true, "Deprecated": true,
}

// onlyAllowed reports whether every exported field of s outside
// quickAllowed is zero and it has no extensions.
func onlyAllowed(s *jsonschema.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || quickAllowed[f.Name] {
			continue
		}
		if !v.Field(i).IsZero() {
			return false
		}
	}
	return len(s.Extensions) == 0
}

// accepts reports whether in certainly satisfies the schema.
func (c *inputCheck) accepts(in map[string]any) bool {
	if c == nil {
		return false
	}
	for _, r := range c.required {
		if _, ok := in[r]; !ok {
			return false
		}
	}
	for name, t := range c.types {
		v, ok := in[name]
		if !ok {
			continue
		}
		switch t {
		case "string":
			if _, ok := v.(string); !ok {
				return false
			}
		case "boolean":
			if _, ok := v.(bool); !ok {
				return false
			}
		}
	}
	return true
}
