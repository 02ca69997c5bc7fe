// Package schemamsg turns a validation error of
// github.com/santhosh-tekuri/jsonschema/v6 into its leaves, each with the
// keyword that failed, the JSON pointer of the value and a message in
// words. It is the one place that words JSON Schema errors for weft: the
// Arazzo document check and the workflow inputs check both use it.
//
// The words are those weft has always shown (they were the messages of
// jsonschema/v5: "missing properties: 'a', 'b'", "expected string, but got
// number", "value must be one of ..."), built here from v6's structured
// error kinds, so that a message names the same path and reason as before.
package schemamsg

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Leaf is one error without causes: what failed, where, in words.
type Leaf struct {
	// Keyword is the absolute keyword location that failed: the schema's
	// location followed by the keyword ("...#/$defs/info/required"); a
	// false schema ends with the location of that schema
	// ("...#/$defs/info/unevaluatedProperties").
	Keyword string
	// Instance is the JSON pointer of the value that failed ("" for the
	// root).
	Instance string
	// Kind is the structured reason.
	Kind jsonschema.ErrorKind
	// Message words the reason.
	Message string
}

// Docs holds raw schema documents (JSON values) by their URL, so that a
// type error lists the types in the order its schema spells them
// ("expected object or boolean"). Without the document the order is
// v6's (null, boolean, number, integer, string, array, object).
type Docs map[string]any

// metaDocs holds the part of the draft metaschemas that a type error can
// name: their root's type list.
var metaDocs = Docs{
	"https://json-schema.org/draft/2020-12/schema": map[string]any{"type": []any{"object", "boolean"}},
	"https://json-schema.org/draft/2019-09/schema": map[string]any{"type": []any{"object", "boolean"}},
	"http://json-schema.org/draft-07/schema":       map[string]any{"type": []any{"object", "boolean"}},
	"http://json-schema.org/draft-06/schema":       map[string]any{"type": []any{"object", "boolean"}},
}

// typeOrder returns the type list of the schema at location loc, as
// spelt in its document (nil when unknown).
func (docs Docs) typeOrder(loc string) []any {
	base, frag, _ := strings.Cut(loc, "#")
	doc, ok := docs[base]
	if !ok {
		// A relative resource name is made absolute by the compiler
		// ("s.json" becomes "file:///cwd/s.json").
		for name, d := range docs {
			if strings.HasSuffix(base, "/"+name) {
				doc, ok = d, true
			}
		}
	}
	if !ok {
		if doc, ok = metaDocs[base]; !ok {
			return nil
		}
	}
	doc, _ = jsonvalue.Get(doc, frag)
	m, _ := doc.(map[string]any)
	t, _ := m["type"].([]any)
	return t
}

// Leaves lists the leaf errors of err, depth first in the order of the
// causes. An error of another type than *jsonschema.ValidationError
// gives nil. docs may be nil; value is the instance that was validated.
func Leaves(err error, docs Docs, value any) []Leaf {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []Leaf
	used := map[string]bool{}
	var walk func(e *jsonschema.ValidationError, prefix []string)
	walk = func(e *jsonschema.ValidationError, prefix []string) {
		loc := e.InstanceLocation
		if prefix != nil {
			loc = append(prefix[:len(prefix):len(prefix)], loc...)
		}
		if pn, ok := e.ErrorKind.(*kind.PropertyNames); ok {
			// The causes validate the property name as a value of its
			// own: place them at the property. v6 (6.0.3) stores this
			// error's instance location without copying it, so later
			// siblings may have overwritten it: find the object again.
			obj := locateProperty(value, len(loc), pn.Property, loc, used)
			sub := append(obj, pn.Property)
			for _, c := range e.Causes {
				walk(c, sub)
			}
			return
		}
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c, prefix)
			}
			return
		}
		out = append(out, leaves(e, loc, docs)...)
	}
	walk(ve, nil)
	return out
}

// locateProperty returns the location of an object depth levels deep in
// value that has the property name, preferring the one that agrees most
// with hint and that no earlier error was placed at (hint when none).
func locateProperty(value any, depth int, name string, hint []string, used map[string]bool) []string {
	var best []string
	bestScore := -1
	var path []string
	var walk func(v any)
	walk = func(v any) {
		if len(path) == depth {
			m, ok := v.(map[string]any)
			if !ok {
				return
			}
			if _, ok := m[name]; !ok {
				return
			}
			key := Pointer(append(path, name))
			if used[key] {
				return
			}
			score := 0
			for i := range path {
				if i < len(hint) && path[i] == hint[i] {
					score++
				}
			}
			if score > bestScore {
				best, bestScore = slices.Clone(path), score
			}
			return
		}
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				path = append(path, k)
				walk(x[k])
				path = path[:len(path)-1]
			}
		case []any:
			for i, c := range x {
				path = append(path, strconv.Itoa(i))
				walk(c)
				path = path[:len(path)-1]
			}
		}
	}
	walk(value)
	if best == nil {
		return slices.Clone(hint)
	}
	used[Pointer(append(best, name))] = true
	return best
}

// leaves words one leaf error; a dependentRequired error missing several
// properties is one leaf per property.
func leaves(e *jsonschema.ValidationError, loc []string, docs Docs) []Leaf {
	ptr := Pointer(loc)
	kw := e.SchemaURL
	if p := e.ErrorKind.KeywordPath(); len(p) > 0 {
		kw += jsonvalue.Join(p...)
	}
	switch k := e.ErrorKind.(type) {
	case *kind.DependentRequired:
		var out []Leaf
		for i, m := range k.Missing {
			out = append(out, Leaf{Keyword: kw + "/" + strconv.Itoa(i), Instance: ptr, Kind: k,
				Message: fmt.Sprintf("property %s is required, if %s property exists", quote(m), quote(k.Prop))})
		}
		return out
	case *kind.Type:
		if order := docs.typeOrder(e.SchemaURL); len(order) == len(k.Want) {
			want := make([]string, 0, len(order))
			for _, t := range order {
				if s, ok := t.(string); ok && slices.Contains(k.Want, s) {
					want = append(want, s)
				}
			}
			if len(want) == len(k.Want) {
				k = &kind.Type{Got: k.Got, Want: want}
			}
		}
		return []Leaf{{Keyword: kw, Instance: ptr, Kind: k, Message: Message(k)}}
	case *kind.Dependency:
		var out []Leaf
		for i, m := range k.Missing {
			out = append(out, Leaf{Keyword: kw + "/" + strconv.Itoa(i), Instance: ptr, Kind: k,
				Message: fmt.Sprintf("property %s is required, if %s property exists", quote(m), quote(k.Prop))})
		}
		return out
	}
	return []Leaf{{Keyword: kw, Instance: ptr, Kind: e.ErrorKind, Message: Message(e.ErrorKind)}}
}

// printer words the kinds this package has no words of its own for.
var printer = sync.OnceValue(func() *message.Printer { return message.NewPrinter(language.English) })

// Message words one error kind.
func Message(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.FalseSchema:
		return "not allowed"
	case *kind.Type:
		return fmt.Sprintf("expected %s, but got %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.Const:
		switch k.Want.(type) {
		case map[string]any, []any:
			return "const failed"
		}
		return fmt.Sprintf("value must be %#v", k.Want)
	case *kind.Enum:
		for _, w := range k.Want {
			switch w.(type) {
			case map[string]any, []any:
				return "enum failed"
			}
		}
		if len(k.Want) == 1 {
			return fmt.Sprintf("value must be %#v", k.Want[0])
		}
		s := make([]string, len(k.Want))
		for i, w := range k.Want {
			s[i] = fmt.Sprintf("%#v", w)
		}
		return "value must be one of " + strings.Join(s, ", ")
	case *kind.Format:
		got := k.Got
		if s, ok := got.(string); ok {
			got = quote(s)
		}
		return fmt.Sprintf("%v is not valid %s", got, quote(k.Want))
	case *kind.MinProperties:
		return fmt.Sprintf("minimum %d properties allowed, but found %d properties", k.Want, k.Got)
	case *kind.MaxProperties:
		return fmt.Sprintf("maximum %d properties allowed, but found %d properties", k.Want, k.Got)
	case *kind.Required:
		return "missing properties: " + quoteAll(k.Missing)
	case *kind.AdditionalProperties:
		// Sorted: the validator lists them in map order.
		return "additionalProperties " + quoteAll(slices.Sorted(slices.Values(k.Properties))) + " not allowed"
	case *kind.MinItems:
		return fmt.Sprintf("minimum %d items required, but found %d items", k.Want, k.Got)
	case *kind.MaxItems:
		return fmt.Sprintf("maximum %d items required, but found %d items", k.Want, k.Got)
	case *kind.UniqueItems:
		return fmt.Sprintf("items at index %d and %d are equal", k.Duplicates[0], k.Duplicates[1])
	case *kind.Contains:
		// A leaf only when no item matched and there are none to blame.
		return "valid must be >= 1, but got 0"
	case *kind.MinContains:
		return fmt.Sprintf("valid must be >= %d, but got %d", k.Want, len(k.Got))
	case *kind.MaxContains:
		return fmt.Sprintf("valid must be <= %d, but got %d", k.Want, len(k.Got))
	case *kind.MinLength:
		return fmt.Sprintf("length must be >= %d, but got %d", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("length must be <= %d, but got %d", k.Want, k.Got)
	case *kind.Pattern:
		return "does not match pattern " + quote(k.Want)
	case *kind.ContentEncoding:
		return fmt.Sprintf("value is not %s encoded", k.Want)
	case *kind.ContentMediaType:
		return "value is not of mediatype " + quote(k.Want)
	case *kind.Minimum:
		return fmt.Sprintf("must be >= %s but found %s", num(k.Want), num(k.Got))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("must be > %s but found %s", num(k.Want), num(k.Got))
	case *kind.Maximum:
		return fmt.Sprintf("must be <= %s but found %s", num(k.Want), num(k.Got))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("must be < %s but found %s", num(k.Want), num(k.Got))
	case *kind.MultipleOf:
		return fmt.Sprintf("%s not multipleOf %s", num(k.Got), num(k.Want))
	case *kind.Not:
		return "not failed"
	case *kind.OneOf:
		if len(k.Subschemas) == 2 {
			return fmt.Sprintf("valid against schemas at indexes %d and %d", k.Subschemas[0], k.Subschemas[1])
		}
	}
	return k.LocalizedString(printer())
}

// num prints a number as JSON does: an integer in full, a fraction as
// the shortest float64.
func num(r *big.Rat) string {
	if r == nil {
		return "0"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quote puts s in single quotes, escaped as a Go string.
func quote(s string) string {
	s = strconv.Quote(s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// Pointer joins reference tokens into a JSON pointer (RFC 6901).
func Pointer(tokens []string) string { return jsonvalue.Join(tokens...) }
