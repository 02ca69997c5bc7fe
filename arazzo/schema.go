package arazzo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/schemamsg"
	"gopkg.in/yaml.v3"
)

// schemaYAML is the official Arazzo 1.0 JSON Schema with the fixes of
// decisions D2 (see schema/NOTICE.md for its origin, licence and changes).
//
//go:embed schema/arazzo-1.0.yaml
var schemaYAML []byte

const schemaURL = "https://spec.openapis.org/arazzo/1.0/schema/2024-08-01-weft"

var (
	schemaOnce sync.Once
	schemaC    *jsonschema.Schema
	schemaDocs schemamsg.Docs // the schema's raw document, for wording
	schemaErr  error
	// schemaCompiles counts the compilations of the embedded schema (at
	// most one per process): a test asserts that loading a valid document
	// compiles nothing.
	schemaCompiles atomic.Int32
	// schemaValidations counts the documents validated with the schema.
	schemaValidations atomic.Int64
)

// compiledSchema compiles the embedded schema once, on first use: only a
// document that fails the structural check (structure.go) needs it.
func compiledSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		schemaCompiles.Add(1)
		var v any
		if err := yaml.Unmarshal(schemaYAML, &v); err != nil {
			schemaErr = err
			return
		}
		data, err := json.Marshal(v)
		if err != nil {
			schemaErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		// The metaschema that workflow inputs are checked against asserts
		// its formats (a pattern is a regex); the Arazzo schema itself
		// names none (see schema/NOTICE.md, change 8).
		c.AssertFormat()
		if err := c.AddResource(schemaURL, doc); err != nil {
			schemaErr = err
			return
		}
		schemaDocs = schemamsg.Docs{schemaURL: doc}
		schemaC, schemaErr = c.Compile(schemaURL)
	})
	return schemaC, schemaErr
}

// validateSchema validates the plain value of the document against the
// embedded schema and maps each error to a position of root.
func (d *decoder) validateSchema(root *yaml.Node, value any) {
	schemaValidations.Add(1)
	s, err := compiledSchema()
	if err != nil {
		d.diags = append(d.diags, Diagnostic{Severity: SeverityError, Pos: Position{File: d.file},
			Message: "internal: cannot compile the embedded Arazzo schema: " + err.Error(), Code: CodeInternal})
		return
	}
	err = s.Validate(value)
	if err == nil {
		return
	}
	leaves := schemamsg.Leaves(err, schemaDocs, value)
	if leaves == nil {
		d.diags = append(d.diags, Diagnostic{Severity: SeverityError, Pos: Position{File: d.file},
			Message: "schema validation failed: " + err.Error(), Code: CodeSchema})
		return
	}

	out := schemaFindings(leaves, value)
	for i := range out {
		n, key := nodeAt(root, out[i].Pointer)
		out[i].Pos = d.pos(n)
		if key != nil && out[i].key {
			out[i].Pos = d.pos(key)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.Line != out[j].Pos.Line {
			return out[i].Pos.Line < out[j].Pos.Line
		}
		return out[i].Pos.Column < out[j].Pos.Column
	})
	for _, f := range out {
		d.diags = append(d.diags, f.Diagnostic)
	}
}

// finding is a schema diagnostic before it is positioned; key places it
// on the mapping key rather than the value.
type finding struct {
	Diagnostic
	key bool
}

// leafKind classifies a leaf error by the keyword that failed.
func leafKeyword(e schemamsg.Leaf) string {
	kw := e.Keyword
	if i := strings.LastIndexByte(kw, '/'); i >= 0 {
		kw = kw[i+1:]
	}
	return kw
}

// conditional reports whether a leaf comes from the then/else branch of an
// if inside its object's schema (after the last $ref): when the object
// lacks a required field, such branches are consequences of that mistake.
func conditional(e schemamsg.Leaf) bool {
	kw := e.Keyword
	if i := strings.LastIndex(kw, "$ref"); i >= 0 {
		kw = kw[i:]
	}
	return strings.Contains(kw, "/then/") || strings.Contains(kw, "/else/")
}

// alternative returns the keyword path up to the innermost oneOf/anyOf the
// leaf is a branch of ("" when none, after the object's last $ref).
func alternative(e schemamsg.Leaf) string {
	kw := e.Keyword
	base := 0
	if i := strings.LastIndex(kw, "$ref"); i >= 0 {
		base = i
	}
	best := -1
	for _, m := range []string{"/oneOf/", "/anyOf/"} {
		if i := strings.LastIndex(kw[base:], m); i >= 0 && base+i > best {
			best = base + i + len(m) - 1
		}
	}
	if best < 0 {
		return ""
	}
	return kw[:best]
}

func quoteList(names []string, conj string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// schemaFindings turns the leaf errors into one finding per mistake, in
// words: a missing field, a field not allowed (with the field it was
// probably meant to be), a value of the wrong type or outside its enum,
// one of several alternatives needed, or too many of them given.
func schemaFindings(leaves []schemamsg.Leaf, value any) []finding {
	type object struct {
		missing     []string            // required fields missing (not under then/else)
		notAllowed  []string            // properties not allowed, in order
		alts        map[string][]string // alternative group -> fields each branch misses
		altOrder    []string
		conditional []schemamsg.Leaf // then/else leaves, kept unless a field is missing
		other       []schemamsg.Leaf
	}
	objs := map[string]*object{}
	var order []string
	get := func(loc string) *object {
		o := objs[loc]
		if o == nil {
			o = &object{alts: map[string][]string{}}
			objs[loc] = o
			order = append(order, loc)
		}
		return o
	}
	parentOf := func(loc string) (string, string) {
		i := strings.LastIndexByte(loc, '/')
		if i < 0 {
			return "", loc
		}
		return loc[:i], jsonvalue.UnescapeToken(loc[i+1:])
	}
	for _, l := range leaves {
		kw := leafKeyword(l)
		switch {
		case kw == "unevaluatedProperties" || kw == "false" || strings.HasSuffix(l.Keyword, "/unevaluatedProperties"):
			parent, name := parentOf(l.Instance)
			o := get(parent)
			if !slices.Contains(o.notAllowed, name) {
				o.notAllowed = append(o.notAllowed, name)
			}
		case kw == "required":
			o := get(l.Instance)
			var fields []string
			if k, ok := l.Kind.(*kind.Required); ok {
				fields = k.Missing
			}
			if alt := alternative(l); alt != "" {
				if _, ok := o.alts[alt]; !ok {
					o.altOrder = append(o.altOrder, alt)
				}
				o.alts[alt] = append(o.alts[alt], strings.Join(fields, "\x00"))
				continue
			}
			if conditional(l) {
				o.conditional = append(o.conditional, l)
				continue
			}
			for _, f := range fields {
				if !slices.Contains(o.missing, f) {
					o.missing = append(o.missing, f)
				}
			}
		default:
			o := get(l.Instance)
			if conditional(l) {
				o.conditional = append(o.conditional, l)
			} else {
				o.other = append(o.other, l)
			}
		}
	}
	names := schemaFieldNames()
	var out []finding
	add := func(loc, msg, hint string, key bool) {
		out = append(out, finding{Diagnostic: Diagnostic{Severity: SeverityError, Pointer: loc, Message: msg, Code: CodeSchema, Hint: hint}, key: key})
	}
	for _, loc := range order {
		o := objs[loc]
		missing := o.missing
		// A property not allowed that is a misspelling of a missing field
		// is one mistake.
		for _, p := range o.notAllowed {
			hint := "check the spelling; extensions must start with \"x-\""
			if m := closest(p, missing); m != "" {
				missing = slices.DeleteFunc(slices.Clone(missing), func(s string) bool { return s == m })
				hint = fmt.Sprintf("did you mean %q?", m)
			} else if m := closest(p, names); m != "" {
				hint = fmt.Sprintf("did you mean %q?", m)
			} else if p == "$schema" && loc == "" {
				hint = "remove the top-level $schema key"
			}
			add(ptrJoin(loc, p), fmt.Sprintf("property %q is not allowed here", p), hint, true)
		}
		if len(missing) > 0 {
			word := "field"
			if len(missing) > 1 {
				word = "fields"
			}
			add(loc, fmt.Sprintf("missing required %s %s", word, quoteList(missing, "and")), "add "+quoteList(missing, "and"), false)
		}
		if len(o.missing) > 0 {
			// A missing discriminator (type, name, ...) makes the
			// conditional and alternative requirements moot.
			continue
		}
		for _, alt := range o.altOrder {
			var opts []string
			for _, f := range o.alts[alt] {
				opts = append(opts, strings.ReplaceAll(f, "\x00", " and "))
			}
			msg := "needs one of " + quoteList(opts, "or")
			if m, ok := plainAt(value, loc).(map[string]any); ok {
				if t, ok := m["type"].(string); ok {
					msg = fmt.Sprintf("a %q action %s", t, msg)
				}
			}
			add(loc, msg, "add one of them", false)
		}
		for _, l := range append(o.conditional, o.other...) {
			msg, hint := leafMessage(l, value)
			add(loc, msg, hint, false)
		}
	}
	return out
}

// leafMessage words a leaf error that is not about which fields are
// present: a wrong type, a value outside an enum, a pattern, several
// alternatives matched.
func leafMessage(e schemamsg.Leaf, value any) (msg, hint string) {
	field := ""
	if i := strings.LastIndexByte(e.Instance, '/'); i >= 0 {
		field = jsonvalue.UnescapeToken(e.Instance[i+1:])
	}
	what := strconv.Quote(field)
	if _, err := strconv.Atoi(field); err == nil || field == "" {
		what = "this value"
	}
	switch kw := leafKeyword(e); {
	case kw == "oneOf" && isOneOfMany(e):
		if m, ok := plainAt(value, e.Instance).(map[string]any); ok {
			if _, s := m["stepId"]; s {
				if _, w := m["workflowId"]; w {
					return "has both \"stepId\" and \"workflowId\"", "keep only one of them"
				}
			}
		}
		return "matches more than one of the forms allowed here", "remove the fields of all but one form"
	case kw == "enum", kw == "const":
		if v := plainAt(value, e.Instance); v != nil {
			return fmt.Sprintf("%s is %s; %s", what, shortValue(v), e.Message), ""
		}
		return what + ": " + e.Message, ""
	case kw == "type":
		return what + ": " + strings.Replace(e.Message, ", but got", ", got", 1), ""
	case kw == "pattern" && strings.HasSuffix(e.Instance, "/arazzo"):
		return what + " " + e.Message, "use arazzo: 1.0.1"
	}
	return what + ": " + e.Message, ""
}

// isOneOfMany reports a oneOf that more than one alternative matched.
func isOneOfMany(e schemamsg.Leaf) bool {
	k, ok := e.Kind.(*kind.OneOf)
	return ok && len(k.Subschemas) > 1
}

// plainAt returns the plain value at a JSON pointer (nil when absent).
func plainAt(v any, ptr string) any {
	v, _ = jsonvalue.Get(v, ptr)
	return v
}

func shortValue(v any) string {
	s := fmt.Sprintf("%q", fmt.Sprint(v))
	if len(s) > 40 {
		s = s[:37] + "...\""
	}
	return s
}

var (
	fieldNamesOnce sync.Once
	fieldNames     []string
)

// schemaFieldNames returns every property name the Arazzo schema defines,
// for "did you mean" on a property that is not allowed.
func schemaFieldNames() []string {
	fieldNamesOnce.Do(func() {
		var v any
		if yaml.Unmarshal(schemaYAML, &v) != nil {
			return
		}
		seen := map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if props, ok := x["properties"].(map[string]any); ok {
					for k := range props {
						if !seen[k] {
							seen[k] = true
							fieldNames = append(fieldNames, k)
						}
					}
				}
				for _, c := range x {
					walk(c)
				}
			case []any:
				for _, c := range x {
					walk(c)
				}
			}
		}
		walk(v)
		sort.Strings(fieldNames)
	})
	return fieldNames
}

// nodeAt resolves a JSON pointer in the node tree. It returns the deepest
// node reached and, when the last token named a mapping key, that key node.
func nodeAt(root *yaml.Node, ptr string) (n *yaml.Node, key *yaml.Node) {
	n = root
	if ptr == "" {
		return n, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = jsonvalue.UnescapeToken(tok)
		n = deref(n)
		if n == nil {
			return nil, nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for _, p := range pairs(n) {
				if p.key == tok {
					key, n, found = p.kn, p.v, true
					break
				}
			}
			if !found {
				return n, nil
			}
		case yaml.SequenceNode:
			items := seq(n)
			i, ok := jsonvalue.Index(tok, len(items))
			if !ok {
				return n, nil
			}
			n, key = items[i], nil
		default:
			return n, nil
		}
	}
	return n, key
}

// dropShadowed removes schema findings that a semantic check reports at
// the same place in its own words (one finding per mistake).
func dropShadowed(ds Diagnostics) Diagnostics {
	at := map[Position]bool{}
	for _, d := range ds {
		if d.Code != CodeSchema && d.Severity == SeverityError {
			at[d.Pos] = true
		}
	}
	return slices.DeleteFunc(ds, func(d Diagnostic) bool { return d.Code == CodeSchema && at[d.Pos] })
}
