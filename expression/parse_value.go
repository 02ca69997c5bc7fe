package expression

import (
	"sort"
	"strings"
)

// Template is a compiled string with embedded "{$...}" runtime
// expressions, such as "https://{$inputs.host}/pets/{$steps.s.outputs.id}".
// It is immutable and safe for concurrent use.
type Template struct {
	src   string
	parts []tplPart
}

type tplPart struct {
	lit string
	re  *refEval // nil for literal text
}

// ParseTemplate parses a template. An embedded expression starts with "{$"
// followed by a root word ($inputs, $steps, ...) and ends at the matching
// "}". Any other text, including "{" and "}" that do not delimit an
// expression (as in "{$gt: 1}" or "{{name}}"), is literal. There is no
// escape for a literal "{$inputs". Errors are *Error values.
func ParseTemplate(src string) (*Template, error) {
	t := &Template{src: src}
	lit := 0
	for j := templateStart(src, 0); j >= 0; j = templateStart(src, lit) {
		ref, err := parseRefLoose(src, j+1, modeTemplate)
		if err != nil {
			return nil, err
		}
		if !endsRight(src, ref.End, modeTemplate) {
			return nil, &Error{Input: src, Offset: ref.End, Msg: "expected '}' to close the embedded expression started at column " + itoa(j+1)}
		}
		if j > lit {
			t.parts = append(t.parts, tplPart{lit: src[lit:j]})
		}
		t.parts = append(t.parts, tplPart{re: newRefEval(ref, src)})
		lit = ref.End + 1
	}
	if lit < len(src) {
		t.parts = append(t.parts, tplPart{lit: src[lit:]})
	}
	return t, nil
}

// IsLiteral reports whether the template holds no expression.
func (t *Template) IsLiteral() bool {
	for _, p := range t.parts {
		if p.re != nil {
			return false
		}
	}
	return true
}

// String returns the template source.
func (t *Template) String() string { return t.src }

// References lists the embedded expressions in order.
func (t *Template) References() []*Reference {
	var out []*Reference
	for _, p := range t.parts {
		if p.re != nil {
			out = append(out, p.re.ref)
		}
	}
	return out
}

// CompileValue compiles a decoded YAML/JSON value per decisions E1:
//   - a string that is exactly one runtime expression ("$inputs.pet")
//     evaluates to the referenced value with its JSON type kept;
//   - a string holding "{$...}" parts is a template and evaluates to a string;
//   - maps ([string]any) and slices ([]any) are compiled member by member
//     and evaluate to fresh maps and slices;
//   - anything else is a literal.
//
// A string that starts with a root word and has no whitespace
// ("$steps.x.output.y") must parse; its error is returned. A string with
// whitespace is one expression only when it parses as a $steps or
// $workflows reference whose id holds the whitespace
// ("$steps.Search Stations_0.outputs.x"); otherwise it is a template or a
// literal. Strings such as "$100" or "$ref" are literals.
func CompileValue(v any) (Value, error) {
	switch x := v.(type) {
	case string:
		return compileString(x)
	case map[string]any:
		m := &mapValue{keys: make([]string, 0, len(x)), vals: make([]Value, 0, len(x))}
		for k, e := range x {
			c, err := CompileValue(e)
			if err != nil {
				return nil, err
			}
			m.keys = append(m.keys, k)
			m.vals = append(m.vals, c)
		}
		sortParallel(m.keys, m.vals)
		return m, nil
	case []any:
		s := &sliceValue{vals: make([]Value, len(x))}
		for i, e := range x {
			c, err := CompileValue(e)
			if err != nil {
				return nil, err
			}
			s.vals[i] = c
		}
		return s, nil
	}
	return literalValue{v: v}, nil
}

func compileString(s string) (Value, error) {
	if startsExpression(s, 0) {
		e, err := Parse(s)
		if !hasSpace(s) {
			if err != nil {
				return nil, err
			}
			return e, nil
		}
		// With whitespace, only a step or workflow id may hold it
		// ("$steps.Search Stations_0.outputs.x"); anything else that does
		// not parse is text ("$inputs.x is required").
		if err == nil && (e.re.ref.Root == RootSteps || e.re.ref.Root == RootWorkflows) {
			return e, nil
		}
	}
	if strings.Contains(s, "{$") {
		t, err := ParseTemplate(s)
		if err != nil {
			return nil, err
		}
		if !t.IsLiteral() {
			return t, nil
		}
	}
	return literalValue{v: s}, nil
}

func sortParallel(keys []string, vals []Value) {
	if len(keys) > 16 {
		// a large map (hostile or generated): O(n log n), not insertion
		// sort's O(n²)
		sort.Sort(parallel{keys, vals})
		return
	}
	// insertion sort: maps in documents are small
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
			vals[j], vals[j-1] = vals[j-1], vals[j]
		}
	}
}

// parallel sorts keys and their values together.
type parallel struct {
	keys []string
	vals []Value
}

func (p parallel) Len() int           { return len(p.keys) }
func (p parallel) Less(i, j int) bool { return p.keys[i] < p.keys[j] }
func (p parallel) Swap(i, j int) {
	p.keys[i], p.keys[j] = p.keys[j], p.keys[i]
	p.vals[i], p.vals[j] = p.vals[j], p.vals[i]
}

type literalValue struct{ v any }

type mapValue struct {
	keys []string
	vals []Value
}

func (m *mapValue) References() []*Reference {
	var out []*Reference
	for _, v := range m.vals {
		out = append(out, v.References()...)
	}
	return out
}

type sliceValue struct{ vals []Value }

func (s *sliceValue) References() []*Reference {
	var out []*Reference
	for _, v := range s.vals {
		out = append(out, v.References()...)
	}
	return out
}

// Value is a compiled value per decisions E1: a whole expression (type
// kept), a template string, a literal, or a map/slice tree of those. Values
// are immutable and safe for concurrent use.
//
// Its Eval is the one evaluation signature of the package: every compiled
// form (*Expr, *Template, *Condition, *CompiledCriterion) implements Value.
// A condition or criterion evaluates to whether it passed; its Check
// (EvalContext for a criterion) also explains a failure.
type Value interface {
	// Eval evaluates the value. Missing references inside yield nil (an
	// empty string inside templates) and are listed in missing, as written.
	Eval(env Env) (v any, missing []string, err error)
	// References lists every runtime expression inside the value.
	References() []*Reference
}
