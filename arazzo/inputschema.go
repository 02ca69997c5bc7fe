package arazzo

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// InputSchema is what weft reads from a workflow's inputs schema besides
// validating values against it: the declared properties with their
// types, defaults and secrecy, which names are required, and whether the
// property list is the whole story. The validator ($inputs references),
// the CLI (weft list, --input conversion and names) and the runner
// (defaults, masking) all read the schema through it, so they follow
// $ref under one rule (see Workflow.InputSchema). Validating values is
// the JSON Schema engine's job in package runtime.
type InputSchema struct {
	// Properties are the declared top-level properties, by name.
	Properties []InputProperty
	// Required lists the required property names as declared.
	Required []string
	// Closed reports that the schema forbids other properties
	// (additionalProperties or unevaluatedProperties false).
	Closed bool
	// Complete reports that Properties names every input the schema
	// lets through by name: false when the schema composes subschemas
	// (allOf, anyOf, oneOf, or $ref next to properties), matches names
	// by pattern, allows extra properties by a schema or true, has no
	// properties and is not closed, or could not be read.
	Complete bool
	// Secrets locates the secret inputs (see Workflow.InputSchema).
	Secrets []InputPath

	root    map[string]any
	pointer string
}

// InputProperty is one top-level property of an inputs schema. Keywords
// are read along its $ref chain, the nearest one winning (a keyword
// written next to $ref overrides the referenced schema's).
type InputProperty struct {
	Name        string
	Types       []string // the "type" keyword as a list (nil when absent)
	Format      string
	Description string
	// Default is the default value as decoded from the document; nil
	// (HasDefault false) when absent or null: a null default supplies
	// nothing.
	Default    any
	HasDefault bool
	Enum       []any
	Required   bool
	// Secret reports that the whole value of the property is a secret.
	Secret bool
}

// InputPath locates values in the inputs: a sequence of steps from the
// top-level object.
type InputPath []InputPathStep

// InputPathStep is one step of an InputPath: the member Name, or, when
// Any, every member of an object or item of an array.
type InputPathStep struct {
	Name string
	Any  bool
}

// Property returns the declared property name, or nil.
func (s *InputSchema) Property(name string) *InputProperty {
	if s == nil {
		return nil
	}
	i := sort.Search(len(s.Properties), func(i int) bool { return s.Properties[i].Name >= name })
	if i < len(s.Properties) && s.Properties[i].Name == name {
		return &s.Properties[i]
	}
	return nil
}

// Resource returns the JSON value the inputs schema's references resolve
// in and the JSON pointer (a URI fragment, "#/workflows/0/inputs") of the
// schema in it, for a JSON Schema engine: an object shaped like the
// document holding this workflow's inputs and the document's
// components.inputs (other workflows' inputs are empty objects). Values
// are as decoded from the document.
func (s *InputSchema) Resource() (root map[string]any, pointer string) {
	return s.root, s.pointer
}

// maxInputRefs bounds the $ref hops followed while reading one property
// (or the top of the schema): a longer chain, or a cycle, is an error
// naming it.
const maxInputRefs = 64

// maxSecretSchemaVisits bounds the subschemas the secret search visits (a
// schema whose $refs fan out would otherwise take exponential time).
const maxSecretSchemaVisits = 20000

// maxSecretSchemaDepth bounds how deep the secret search looks into the
// inputs.
const maxSecretSchemaDepth = 32

// secretName is H4's rule for inputs named like secrets.
var secretName = regexp.MustCompile(`(?i)(secret|token|password|passwd|api[-_]?key|authorization|credential)`)

// InputSchema reads the workflow's inputs schema (nil when the workflow
// declares none). It is computed on each call: callers keep the result.
//
// References: a $ref is a URI fragment, "#" and a JSON pointer
// (percent-decoded, ~1 and ~0 unescaped) into the document as the engine
// sees it (see Resource): "#/components/inputs/<name>" and anything below
// it, or a pointer into this workflow's own inputs
// ("#/workflows/<index>/inputs/$defs/<name>"). Any other form (an anchor,
// another resource, a pointer that names nothing) is not followed.
//
// Properties: the top of the schema follows $ref while it declares no
// properties; each property follows its own $ref chain, keywords nearest
// to the property winning. A chain longer than maxInputRefs hops is an
// error naming it.
//
// Secrets (decisions H4): a property whose schema says format: password,
// or whose name matches H4's name rule, at any depth under properties,
// patternProperties, additionalProperties, unevaluatedProperties, items,
// prefixItems, additionalItems and unevaluatedItems, following $ref,
// $dynamicRef, $recursiveRef, allOf, anyOf, oneOf and then/else. A $ref
// that is not followed makes the value at its place secret (what it
// names cannot be seen). The search visits at most maxSecretSchemaVisits
// subschemas (more is an error naming it) and looks maxSecretSchemaDepth
// levels deep.
//
// With an error the schema is returned as far as it was read.
func (w *Workflow) InputSchema() (*InputSchema, error) {
	if w == nil || w.Inputs == nil {
		return nil, nil
	}
	r := newInputReader(w)
	s := &InputSchema{root: r.root, pointer: r.pointer}
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	top, composed, err := r.top(w.Inputs)
	if err != nil {
		fail(err)
	}
	if top != nil {
		s.read(r, top, composed, fail)
	}
	secrets, err := r.secrets(w.Inputs)
	if err != nil {
		fail(err)
	}
	s.Secrets = secrets
	for _, p := range secrets {
		if len(p) == 1 && !p[0].Any {
			if q := s.Property(p[0].Name); q != nil {
				q.Secret = true
			}
		}
	}
	return s, firstErr
}

// read fills s from the top of the schema.
func (s *InputSchema) read(r *inputReader, top map[string]any, composed bool, fail func(error)) {
	req := map[string]bool{}
	if list, ok := top["required"].([]any); ok {
		for _, x := range list {
			if n, ok := x.(string); ok {
				s.Required = append(s.Required, n)
				req[n] = true
			}
		}
	}
	props, _ := top["properties"].(map[string]any)
	for _, n := range sortedKeys(props) {
		p := InputProperty{Name: n, Required: req[n]}
		if err := r.property(props[n], &p); err != nil {
			fail(err)
		}
		s.Properties = append(s.Properties, p)
	}
	s.Complete = !composed
	for _, k := range []string{"allOf", "anyOf", "oneOf", "patternProperties"} {
		if _, has := top[k]; has {
			s.Complete = false
		}
	}
	for _, k := range []string{"additionalProperties", "unevaluatedProperties"} {
		x, has := top[k]
		if !has {
			continue
		}
		if b, isBool := x.(bool); isBool && !b {
			s.Closed = true
			continue
		}
		s.Complete = false // extra properties explicitly allowed
	}
	if len(props) == 0 && !s.Closed {
		s.Complete = false
	}
}

// inputReader resolves references in one workflow's inputs schema.
type inputReader struct {
	root    map[string]any
	pointer string
}

func newInputReader(w *Workflow) *inputReader {
	doc := w.Document
	var wfs []*Workflow
	if doc != nil {
		wfs = doc.Workflows
	}
	idx := -1
	for i, x := range wfs {
		if x == w {
			idx = i
		}
	}
	list := make([]any, len(wfs))
	for i := range list {
		list[i] = map[string]any{}
	}
	if idx < 0 {
		// A workflow outside its document's list: it sits last.
		idx = len(list)
		list = append(list, nil)
	}
	list[idx] = map[string]any{"inputs": w.Inputs}
	root := map[string]any{"workflows": list}
	if doc != nil && doc.Components != nil && doc.Components.Inputs != nil {
		root["components"] = map[string]any{"inputs": doc.Components.Inputs}
	}
	return &inputReader{root: root, pointer: "#/workflows/" + strconv.Itoa(idx) + "/inputs"}
}

// resolve returns the schema ref names (ok false when weft does not
// follow it).
func (r *inputReader) resolve(ref string) (any, bool) {
	frag, isFrag := strings.CutPrefix(ref, "#")
	if !isFrag {
		return nil, false
	}
	frag, err := url.PathUnescape(frag)
	if err != nil || (frag != "" && frag[0] != '/') {
		return nil, false
	}
	return jsonvalue.Get(r.root, frag)
}

func refLimit() error {
	return fmt.Errorf("inputs schema: a $ref chain longer than %d hops (limit maxInputRefs)", maxInputRefs)
}

// top follows the top of the schema's $ref chain while it declares no
// properties. composed reports a $ref next to properties (the referenced
// schema applies too).
func (r *inputReader) top(s any) (top map[string]any, composed bool, err error) {
	m, _ := s.(map[string]any)
	for hops := 0; m != nil; hops++ {
		ref, isRef := m["$ref"].(string)
		if !isRef {
			return m, false, nil
		}
		if _, has := m["properties"]; has {
			return m, true, nil
		}
		if hops == maxInputRefs {
			return nil, false, refLimit()
		}
		x, ok := r.resolve(ref)
		if !ok {
			return nil, false, nil
		}
		m, _ = x.(map[string]any)
	}
	return nil, false, nil
}

// property reads the keywords of a property schema along its $ref chain.
func (r *inputReader) property(s any, p *InputProperty) error {
	var haveType, haveFormat, haveDesc, haveDefault, haveEnum bool
	m, _ := s.(map[string]any)
	for hops := 0; m != nil; hops++ {
		if t, has := m["type"]; has && !haveType {
			haveType = true
			p.Types = typeList(t)
		}
		if f, has := m["format"]; has && !haveFormat {
			haveFormat = true
			p.Format, _ = f.(string)
		}
		if d, has := m["description"]; has && !haveDesc {
			haveDesc = true
			p.Description, _ = d.(string)
		}
		if d, has := m["default"]; has && !haveDefault {
			haveDefault = true
			p.Default, p.HasDefault = d, d != nil
		}
		if e, has := m["enum"]; has && !haveEnum {
			haveEnum = true
			p.Enum, _ = e.([]any)
		}
		ref, isRef := m["$ref"].(string)
		if !isRef {
			return nil
		}
		if hops == maxInputRefs {
			return refLimit()
		}
		x, ok := r.resolve(ref)
		if !ok {
			return nil
		}
		m, _ = x.(map[string]any)
	}
	return nil
}

// typeList returns a "type" keyword as a list.
func typeList(t any) []string {
	switch t := t.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// secrets finds where the inputs hold secrets (see Workflow.InputSchema).
func (r *inputReader) secrets(schema any) ([]InputPath, error) {
	var out []InputPath
	seen := map[string]bool{}
	add := func(p []InputPathStep) {
		key := fmt.Sprint(p)
		if !seen[key] {
			seen[key] = true
			out = append(out, append(InputPath(nil), p...))
		}
	}
	visits := 0
	onPath := map[uintptr]bool{}
	var walk func(s any, path []InputPathStep) error
	walk = func(s any, path []InputPathStep) error {
		m, _ := s.(map[string]any)
		if m == nil || len(path) > maxSecretSchemaDepth {
			return nil
		}
		id := reflect.ValueOf(m).Pointer()
		if onPath[id] {
			return nil
		}
		if visits++; visits > maxSecretSchemaVisits {
			return fmt.Errorf("inputs schema: more than %d subschemas to search for secrets (limit maxSecretSchemaVisits)", maxSecretSchemaVisits)
		}
		if f, _ := m["format"].(string); f == "password" {
			add(path)
			return nil
		}
		onPath[id] = true
		defer delete(onPath, id)
		child := func(seg InputPathStep) []InputPathStep {
			return append(path[:len(path):len(path)], seg)
		}
		props, _ := m["properties"].(map[string]any)
		for _, name := range sortedKeys(props) {
			p := child(InputPathStep{Name: name})
			if secretName.MatchString(name) {
				add(p)
				continue
			}
			if err := walk(props[name], p); err != nil {
				return err
			}
		}
		anyPath := child(InputPathStep{Any: true})
		var subs []any
		for _, k := range []string{"additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems", "items"} {
			subs = append(subs, m[k])
		}
		if pp, ok := m["patternProperties"].(map[string]any); ok {
			for _, k := range sortedKeys(pp) {
				subs = append(subs, pp[k])
			}
		}
		for _, k := range []string{"items", "prefixItems"} {
			if list, ok := m[k].([]any); ok {
				subs = append(subs, list...)
			}
		}
		for _, sub := range subs {
			if err := walk(sub, anyPath); err != nil {
				return err
			}
		}
		same := []any{m["then"], m["else"]}
		for _, k := range []string{"$ref", "$dynamicRef", "$recursiveRef"} {
			ref, isRef := m[k].(string)
			if !isRef {
				continue
			}
			x, ok := r.resolve(ref)
			if !ok {
				add(path) // what it names cannot be seen: treat as secret
				return nil
			}
			same = append(same, x)
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			if list, ok := m[k].([]any); ok {
				same = append(same, list...)
			}
		}
		for _, sub := range same {
			if err := walk(sub, path); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(schema, nil); err != nil {
		return out, err
	}
	return out, nil
}
