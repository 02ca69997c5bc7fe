package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// schemaCache holds compiled response schemas per operation.
type schemaCache struct {
	mu sync.Mutex
	m  map[string]*compiledSchema
}

type compiledSchema struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// responseSchema compiles (once) the schema node found at key for op.
func (op *Operation) responseSchema(ctx context.Context, key string, node *yaml.Node, from *docRef) (*jsonschema.Schema, error) {
	sc := &op.schemas
	sc.mu.Lock()
	if sc.m == nil {
		sc.m = map[string]*compiledSchema{}
	}
	c := sc.m[key]
	if c == nil {
		c = &compiledSchema{}
		sc.m[key] = c
	}
	sc.mu.Unlock()
	c.once.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				c.err = fmt.Errorf("schema cannot be compiled (%v)", r)
			}
		}()
		c.schema, c.err = op.Description.compileSchema(ctx, node, from)
	})
	return c.schema, c.err
}

// compileSchema turns an OpenAPI schema node (with every $ref it reaches,
// local or external) into one standalone JSON Schema document (2019-09, with
// 2020-12 prefixItems rewritten) and compiles it. OpenAPI 3.0 and Swagger 2.0 dialect features are converted
// (nullable, boolean exclusiveMinimum/Maximum, x-nullable).
func (d *Description) compileSchema(ctx context.Context, node *yaml.Node, from *docRef) (*jsonschema.Schema, error) {
	conv := &schemaConv{d: d, ctx: ctx, ids: map[*yaml.Node]string{}, defs: map[string]any{}, legacy: d.swagger || strings.HasPrefix(d.Version, "3.0")}
	root, err := conv.convert(node, from, 0)
	if err != nil {
		return nil, err
	}
	m, ok := root.(map[string]any)
	if !ok {
		m = map[string]any{"allOf": []any{root}}
	}
	if len(conv.defs) > 0 {
		m["$defs"] = conv.defs
	}
	m["$schema"] = "https://json-schema.org/draft/2019-09/schema"
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2019 // 2020-12 minus $dynamicRef; compiles much faster in v5
	c.LoadURL = func(s string) (io.ReadCloser, error) { return nil, errors.New("remote schemas are not loaded") }
	const u = "weft:///response-schema.json"
	if err := c.AddResource(u, bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return c.Compile(u)
}

type schemaConv struct {
	d      *Description
	ctx    context.Context
	ids    map[*yaml.Node]string
	defs   map[string]any
	legacy bool
	n      int
}

func (c *schemaConv) convert(n *yaml.Node, from *docRef, depth int) (any, error) {
	if depth > 200 {
		return nil, errors.New("schema nested too deeply")
	}
	n = deref(n)
	if r := refOf(n); r != "" && n.Kind == yaml.MappingNode {
		target, doc, err := c.d.resolveRef(c.ctx, from, r)
		if err != nil {
			return nil, err
		}
		target = deref(target)
		id, ok := c.ids[target]
		if !ok {
			c.n++
			id = "d" + strconv.Itoa(c.n)
			c.ids[target] = id
			c.defs[id] = true // placeholder while converting (cycles)
			v, err := c.convertSchema(target, doc, depth+1)
			if err != nil {
				return nil, err
			}
			c.defs[id] = v
		}
		return map[string]any{"$ref": "#/$defs/" + id}, nil
	}
	return c.convertSchema(n, from, depth)
}

// schema keywords whose values are schemas, maps of schemas or lists of schemas.
var (
	subSchema     = map[string]bool{"items": true, "additionalProperties": true, "not": true, "contains": true, "propertyNames": true, "if": true, "then": true, "else": true, "unevaluatedItems": true, "unevaluatedProperties": true, "additionalItems": true, "contentSchema": true}
	subSchemaMap  = map[string]bool{"properties": true, "patternProperties": true, "dependentSchemas": true, "$defs": true, "definitions": true}
	subSchemaList = map[string]bool{"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true}
	dropKeywords  = map[string]bool{"discriminator": true, "xml": true, "externalDocs": true, "example": true, "examples": true, "nullable": true, "x-nullable": true, "$id": true, "$schema": true, "$anchor": true, "$dynamicAnchor": true, "id": true}
)

func (c *schemaConv) convertSchema(n *yaml.Node, from *docRef, depth int) (any, error) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && (n.Value == "true" || n.Value == "false") {
		return n.Value == "true", nil
	}
	if n.Kind != yaml.MappingNode {
		return true, nil // not a schema: accept anything
	}
	out := map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, deref(n.Content[i+1])
		switch {
		case dropKeywords[k] || strings.HasPrefix(k, "x-"):
		case k == "$ref":
			// a $ref with siblings (3.1): keep both via allOf
			r, err := c.convert(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{n.Content[i], n.Content[i+1]}}, from, depth+1)
			if err != nil {
				return nil, err
			}
			out["allOf"] = append(toList(out["allOf"]), r)
		case subSchema[k]:
			if k == "items" && v.Kind == yaml.SequenceNode { // draft-4 tuple form
				l, err := c.list(v, from, depth)
				if err != nil {
					return nil, err
				}
				out["prefixItems"] = l
				continue
			}
			s, err := c.convert(v, from, depth+1)
			if err != nil {
				return nil, err
			}
			out[k] = s
		case subSchemaMap[k]:
			m := map[string]any{}
			if v.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(v.Content); j += 2 {
					s, err := c.convert(v.Content[j+1], from, depth+1)
					if err != nil {
						return nil, err
					}
					m[v.Content[j].Value] = s
				}
			}
			if k == "definitions" {
				k = "$defs"
			}
			out[k] = m
		case subSchemaList[k]:
			l, err := c.list(v, from, depth)
			if err != nil {
				return nil, err
			}
			if k == "allOf" {
				l = append(toList(out["allOf"]), l...)
			}
			out[k] = l
		default:
			out[k] = nodeValue(v, 0)
		}
	}
	// 2020-12 prefixItems/items expressed in 2019-09 terms.
	if p, ok := out["prefixItems"]; ok {
		delete(out, "prefixItems")
		if it, ok := out["items"]; ok {
			out["additionalItems"] = it
		}
		out["items"] = p
	}
	if c.legacy {
		for _, k := range []string{"Minimum", "Maximum"} {
			ex := "exclusive" + k
			lim := strings.ToLower(k[:1]) + k[1:]
			if b, ok := out[ex].(bool); ok {
				delete(out, ex)
				if b && out[lim] != nil {
					out[ex] = out[lim]
					delete(out, lim)
				}
			}
		}
		nullable, _ := mapBool(n, "nullable")
		if xn, _ := mapBool(n, "x-nullable"); xn {
			nullable = true
		}
		if nullable {
			switch t := out["type"].(type) {
			case string:
				out["type"] = []any{t, "null"}
				if e, ok := out["enum"].([]any); ok {
					out["enum"] = append(e, nil)
				}
			case []any:
				out["type"] = append(t, "null")
			case nil:
				if out["allOf"] != nil || out["oneOf"] != nil || out["anyOf"] != nil {
					out = map[string]any{"anyOf": []any{map[string]any{"type": "null"}, out}}
				}
			}
		}
		if t, ok := out["type"].(string); ok && t == "file" {
			delete(out, "type")
		}
	}
	return out, nil
}

func (c *schemaConv) list(v *yaml.Node, from *docRef, depth int) ([]any, error) {
	var l []any
	if v.Kind != yaml.SequenceNode {
		return l, nil
	}
	for _, e := range v.Content {
		s, err := c.convert(e, from, depth+1)
		if err != nil {
			return nil, err
		}
		l = append(l, s)
	}
	return l, nil
}

func toList(v any) []any {
	l, _ := v.([]any)
	return l
}

// nodeValue converts a YAML node to a JSON-like Go value (numbers as
// json.Number).
func nodeValue(n *yaml.Node, depth int) any {
	n = deref(n)
	if depth > 200 {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1], depth+1)
		}
		return m
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			l = append(l, nodeValue(e, depth+1))
		}
		return l
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && json.Valid([]byte(n.Value)) {
				return json.Number(n.Value)
			}
			return n.Value
		case "!!bool":
			return strings.EqualFold(n.Value, "true")
		case "!!null":
			return nil
		}
		return n.Value
	}
	return nil
}

// schemaFindings flattens a validation error into findings.
func schemaFindings(prefix string, err error, max int) []Finding {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Finding{{Message: prefix + ": " + err.Error()}}
	}
	var leaves []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := e.InstanceLocation
			if loc == "" {
				loc = "/"
			}
			leaves = append(leaves, fmt.Sprintf("%s: at %s: %s", prefix, loc, e.Message))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(leaves)
	var out []Finding
	for i, l := range leaves {
		if i == max {
			out = append(out, Finding{Message: fmt.Sprintf("%s: %d more schema violations", prefix, len(leaves)-max)})
			break
		}
		if i > 0 && l == leaves[i-1] {
			continue
		}
		out = append(out, Finding{Message: l})
	}
	return out
}
