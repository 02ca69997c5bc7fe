package arazzo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
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
	schemaErr  error
)

// compiledSchema compiles the embedded schema once.
func compiledSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
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
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		if err := c.AddResource(schemaURL, bytes.NewReader(data)); err != nil {
			schemaErr = err
			return
		}
		schemaC, schemaErr = c.Compile(schemaURL)
	})
	return schemaC, schemaErr
}

// validateSchema validates the plain value of the document against the
// embedded schema and maps each error to a position of root.
func (d *decoder) validateSchema(root *yaml.Node, value any) {
	s, err := compiledSchema()
	if err != nil {
		d.diags = append(d.diags, Diagnostic{Severity: SeverityError, Pos: Position{File: d.file},
			Message: "internal: cannot compile the embedded Arazzo schema: " + err.Error(), Code: "internal"})
		return
	}
	err = s.Validate(value)
	if err == nil {
		return
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		d.diags = append(d.diags, Diagnostic{Severity: SeverityError, Pos: Position{File: d.file},
			Message: "schema validation failed: " + err.Error(), Code: "schema"})
		return
	}
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)

	// One diagnostic per instance location: distinct messages are joined.
	type group struct {
		loc  string
		msgs []string
		kw   []string
	}
	groups := map[string]*group{}
	var order []string
	for _, l := range leaves {
		g := groups[l.InstanceLocation]
		if g == nil {
			g = &group{loc: l.InstanceLocation}
			groups[l.InstanceLocation] = g
			order = append(order, l.InstanceLocation)
		}
		msg := schemaMessage(l)
		dup := false
		for _, m := range g.msgs {
			if m == msg {
				dup = true
			}
		}
		if !dup {
			g.msgs = append(g.msgs, msg)
			g.kw = append(g.kw, l.KeywordLocation)
		}
	}
	var out Diagnostics
	for _, loc := range order {
		g := groups[loc]
		msg := strings.Join(g.msgs, "; ")
		n, key := nodeAt(root, loc)
		pos := d.pos(n)
		if key != nil && strings.Contains(msg, "not allowed") {
			pos = d.pos(key)
		}
		dg := Diagnostic{Severity: SeverityError, Pos: pos, Pointer: loc, Message: msg, Code: "schema",
			Hint: schemaHint(loc, msg)}
		out = append(out, dg)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pos.Line != out[j].Pos.Line {
			return out[i].Pos.Line < out[j].Pos.Line
		}
		return out[i].Pos.Column < out[j].Pos.Column
	})
	d.diags = append(d.diags, out...)
}

// schemaMessage rewrites a leaf error into a self-contained message.
func schemaMessage(e *jsonschema.ValidationError) string {
	kw := e.KeywordLocation
	if i := strings.LastIndexByte(kw, '/'); i >= 0 {
		kw = kw[i+1:]
	}
	switch {
	case kw == "unevaluatedProperties" || strings.HasSuffix(e.KeywordLocation, "/unevaluatedProperties"):
		name := e.InstanceLocation[strings.LastIndexByte(e.InstanceLocation, '/')+1:]
		return fmt.Sprintf("property %q is not allowed here", unescapeToken(name))
	case kw == "false":
		name := e.InstanceLocation[strings.LastIndexByte(e.InstanceLocation, '/')+1:]
		return fmt.Sprintf("property %q is not allowed here", unescapeToken(name))
	}
	return e.Message
}

// schemaHint suggests a fix for common schema errors.
func schemaHint(loc, msg string) string {
	switch {
	case strings.Contains(msg, "\"$schema\""):
		return "remove the top-level $schema key"
	case strings.Contains(msg, "is not allowed here"):
		return "check the spelling; extensions must start with \"x-\""
	case strings.Contains(msg, "missing properties"):
		return "add the missing properties"
	case strings.Contains(msg, "does not match pattern") && strings.HasSuffix(loc, "/arazzo"):
		return "use arazzo: 1.0.1"
	}
	return ""
}

// unescapeToken decodes one RFC 6901 reference token.
func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// nodeAt resolves a JSON pointer in the node tree. It returns the deepest
// node reached and, when the last token named a mapping key, that key node.
func nodeAt(root *yaml.Node, ptr string) (n *yaml.Node, key *yaml.Node) {
	n = root
	if ptr == "" {
		return n, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = unescapeToken(tok)
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
			i, err := strconv.Atoi(tok)
			items := seq(n)
			if err != nil || i < 0 || i >= len(items) {
				return n, nil
			}
			n, key = items[i], nil
		default:
			return n, nil
		}
	}
	return n, key
}
