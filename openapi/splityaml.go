package openapi

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// Lazy sections of a block-style YAML description. The text is split at its
// top-level keys, at the keys directly under "components" and at the
// entries under each of those (each schema, parameter, response ... is a
// section of its own; so are Swagger 2.0's definitions, parameters and
// responses), and at the operations of each path item. Parse decodes what
// it needs (version, servers, security, security schemes, the path items'
// own parameters and servers) and reads each operation's operationId and
// position from its text; everything else is decoded the first time it is
// reached. Anything unusual (directives, several documents, quoted or
// complex keys where a split is made, flow style, an anchor used across
// sections) falls back to decoding the enclosing part, or the whole
// document.

// eager top-level keys (and components.securitySchemes) are decoded by Parse.
var eagerKeys = map[string]bool{
	"openapi": true, "swagger": true, "servers": true, "security": true,
	"host": true, "basePath": true, "schemes": true, "consumes": true, "produces": true,
	"securityDefinitions": true,
}

// entryKeys are the top-level Swagger 2.0 keys split entry by entry.
var entryKeys = map[string]bool{"definitions": true, "parameters": true, "responses": true}

type line struct {
	start, end int // byte offsets, end excludes the newline
}

// ysplit holds a document being split.
type ysplit struct {
	data  []byte
	lines []line
	lazy  map[*yaml.Node]*lazySection
}

// span is a key of a block mapping and the lines of its entry [first, end).
type span struct {
	key        string
	first, end int
}

// splitYAML decodes data section by section. ok is false when the document
// is not suitable; the caller then decodes it whole.
func splitYAML(data []byte) (root *yaml.Node, lazy map[*yaml.Node]*lazySection, ok bool) {
	if len(data) < minLazySize {
		return nil, nil, false
	}
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] == '{' || t[0] == '[' || bytes.HasPrefix(data, []byte("\ufeff")) {
		return nil, nil, false
	}
	y := &ysplit{data: data, lazy: map[*yaml.Node]*lazySection{}}
	for off := 0; off < len(data); {
		e := bytes.IndexByte(data[off:], '\n')
		if e < 0 {
			y.lines = append(y.lines, line{off, len(data)})
			break
		}
		y.lines = append(y.lines, line{off, off + e})
		off += e + 1
	}
	var chunks []span
	seen := map[string]bool{}
	for i, l := range y.lines {
		s := bytes.TrimRight(data[l.start:l.end], "\r")
		if len(bytes.TrimSpace(s)) == 0 {
			continue
		}
		switch c := s[0]; {
		case c == ' ' || c == '#':
			continue
		case c == '-':
			if bytes.HasPrefix(s, []byte("---")) {
				if len(chunks) == 0 && len(bytes.TrimSpace(s[3:])) == 0 {
					continue
				}
				return nil, nil, false
			}
			if len(chunks) == 0 {
				return nil, nil, false
			}
			continue
		case c == '\t' || c == '%' || c == '.':
			return nil, nil, false
		}
		k, ok := simpleKey(s)
		if !ok || seen[k] {
			return nil, nil, false
		}
		seen[k] = true
		if len(chunks) > 0 {
			chunks[len(chunks)-1].end = i
		}
		chunks = append(chunks, span{key: k, first: i})
	}
	if len(chunks) == 0 {
		return nil, nil, false
	}
	chunks[len(chunks)-1].end = len(y.lines)
	swagger := seen["swagger"]
	root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: chunks[0].first + 1, Column: 1}
	for _, c := range chunks {
		keyNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.key, Line: c.first + 1, Column: 1}
		var v *yaml.Node
		switch {
		case eagerKeys[c.key]:
			if v, ok = y.decode(c); !ok {
				return nil, nil, false
			}
		case c.key == "components":
			if v, ok = y.components(c); !ok {
				return nil, nil, false
			}
		case c.key == "paths":
			if v, ok = y.paths(c); !ok {
				return nil, nil, false
			}
		case swagger && entryKeys[c.key]:
			v = y.entries(c, []string{c.key})
		default:
			v = y.placeholder(c, []string{c.key})
		}
		root.Content = append(root.Content, keyNode, v)
	}
	return root, y.lazy, true
}

// raw is the text of lines [first, end).
func (y *ysplit) raw(first, end int) []byte {
	return y.data[y.lines[first].start:y.lines[end-1].end]
}

// text is raw preceded by newlines, so that yaml.v3 gives the document's
// line numbers.
func (y *ysplit) text(first, end int) []byte {
	return (&lazySection{data: y.raw(first, end), line: first + 1}).text()
}

// decode decodes the entry s ("key: value") now, returning its value.
func (y *ysplit) decode(s span) (*yaml.Node, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(y.text(s.first, s.end), &doc); err != nil || len(doc.Content) == 0 {
		return nil, false
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
		return nil, false
	}
	return m.Content[1], true
}

// placeholder registers the entry s as a lazy section.
func (y *ysplit) placeholder(s span, path []string) *yaml.Node {
	ph := &yaml.Node{}
	t := y.raw(s.first, s.end)
	y.lazy[ph] = &lazySection{data: t, line: s.first + 1, path: path, anchors: mayAnchor(t)}
	return ph
}

// block splits the block mapping that is the value of the entry s (its key
// alone on its line) at its keys, with key reading each key. ok is false
// when the value is not such a mapping, or has a key twice.
func (y *ysplit) block(s span, key func([]byte) (string, bool)) (subs []span, indent int, ok bool) {
	head := bytes.TrimRight(y.data[y.lines[s.first].start:y.lines[s.first].end], "\r")
	hind := len(head) - len(bytes.TrimLeft(head, " "))
	if c := bytes.IndexByte(head, ':'); c < 0 || len(bytes.TrimSpace(head[c+1:])) != 0 {
		return nil, 0, false
	}
	indent = -1
	seen := map[string]bool{}
	for i := s.first + 1; i < s.end; i++ {
		l := bytes.TrimRight(y.data[y.lines[i].start:y.lines[i].end], "\r")
		tr := bytes.TrimLeft(l, " ")
		if len(bytes.TrimSpace(l)) == 0 || tr[0] == '#' {
			continue
		}
		ind := len(l) - len(tr)
		if indent < 0 {
			if ind <= hind {
				return nil, 0, false
			}
			indent = ind
		}
		if ind < indent {
			return nil, 0, false
		}
		if ind > indent {
			continue
		}
		if tr[0] == '-' && len(subs) > 0 && (len(tr) == 1 || tr[1] == ' ' || tr[1] == '\r') {
			continue // an indentless sequence, the value of the key before
		}
		if tr[0] == '-' || tr[0] == '\t' {
			return nil, 0, false
		}
		k, ok := key(tr)
		if !ok || seen[k] {
			return nil, 0, false
		}
		seen[k] = true
		if len(subs) > 0 {
			subs[len(subs)-1].end = i
		}
		subs = append(subs, span{key: k, first: i})
	}
	if len(subs) == 0 {
		return nil, 0, false
	}
	subs[len(subs)-1].end = s.end
	return subs, indent, true
}

// mapping builds the mapping node of the keys subs at indent, the value of
// each given by value.
func (y *ysplit) mapping(subs []span, indent int, value func(span) (*yaml.Node, bool)) (*yaml.Node, bool) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: subs[0].first + 1, Column: indent + 1}
	for _, s := range subs {
		v, ok := value(s)
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.key, Line: s.first + 1, Column: indent + 1}, v)
	}
	return n, true
}

// entries splits a mapping of named entries (components/schemas, Swagger
// definitions) one lazy section per entry; when its text does not allow
// it, the whole mapping is one lazy section.
func (y *ysplit) entries(s span, path []string) *yaml.Node {
	subs, indent, ok := y.block(s, simpleKey)
	if ok {
		g := &entryGroup{data: y.raw(s.first, s.end), line: s.first + 1}
		n, _ := y.mapping(subs, indent, func(e span) (*yaml.Node, bool) {
			ph := y.placeholder(e, append(append([]string(nil), path...), e.key))
			y.lazy[ph].group = g
			g.entries = append(g.entries, y.lazy[ph])
			return ph, true
		})
		return n
	}
	return y.placeholder(s, path)
}

// components splits the components section at its own keys, and each of
// them at its entries; securitySchemes is decoded now.
func (y *ysplit) components(s span) (*yaml.Node, bool) {
	head := bytes.TrimRight(y.data[y.lines[s.first].start:y.lines[s.first].end], "\r")
	if k, ok := simpleKey(head); !ok || k != "components" {
		return nil, false
	}
	subs, indent, ok := y.block(s, simpleKey)
	if !ok {
		return nil, false
	}
	return y.mapping(subs, indent, func(e span) (*yaml.Node, bool) {
		if e.key == "securitySchemes" {
			return y.decode(e)
		}
		return y.entries(e, []string{"components", e.key}), true
	})
}

// paths splits the paths section at its path items, and each path item at
// its operations, which are left lazy with their operationId and position
// read from the text. The rest of a path item is decoded now; a path item
// that cannot be split so is decoded whole.
func (y *ysplit) paths(s span) (*yaml.Node, bool) {
	subs, indent, ok := y.block(s, pathKey)
	if !ok {
		v, ok := y.decode(s)
		return v, ok
	}
	return y.mapping(subs, indent, func(item span) (*yaml.Node, bool) {
		if len(item.key) == 0 || item.key[0] != '/' {
			return y.placeholder(item, []string{"paths", item.key}), true // x- extension
		}
		if v, ok := y.pathItem(item); ok {
			return v, true
		}
		return y.decode(item)
	})
}

// pathItem splits one path item; ok is false when it must be decoded whole
// (a $ref, flow style, an operation whose operationId is not plain text).
func (y *ysplit) pathItem(item span) (*yaml.Node, bool) {
	subs, indent, ok := y.block(item, simpleKey)
	if !ok {
		return nil, false
	}
	path := []string{"paths", item.key}
	return y.mapping(subs, indent, func(e span) (*yaml.Node, bool) {
		if e.key == "$ref" {
			return nil, false
		}
		if !isMethod(e.key) {
			return y.decode(e)
		}
		op, ok := y.operation(e)
		if !ok {
			return nil, false
		}
		ph := y.placeholder(e, append(append([]string(nil), path...), e.key))
		y.lazy[ph].op = op
		return ph, true
	})
}

// operation reads an operation's position and operationId from its text:
// the value must be a block mapping whose operationId, if any, is written
// once, plain or quoted, with characters that read the same either way.
func (y *ysplit) operation(e span) (*lazyOp, bool) {
	subs, indent, ok := y.block(e, simpleKey)
	if !ok {
		return nil, false
	}
	op := &lazyOp{line: subs[0].first + 1, column: indent + 1}
	for _, s := range subs {
		if s.key != "operationId" {
			continue
		}
		l := bytes.TrimRight(y.data[y.lines[s.first].start:y.lines[s.first].end], "\r")
		v := bytes.TrimSpace(l[indent+len("operationId:"):])
		if i := bytes.Index(v, []byte(" #")); i >= 0 {
			v = bytes.TrimSpace(v[:i])
		}
		if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		if len(v) == 0 || !plainID(v) {
			return nil, false
		}
		op.id = string(v)
	}
	return op, true
}

// plainID reports whether v reads the same as a plain or a quoted YAML
// scalar: letters, digits and "_-./" not starting with "-" or ".", and not
// a YAML null, boolean or number.
func plainID(v []byte) bool {
	if v[0] == '-' || v[0] == '.' || (v[0] >= '0' && v[0] <= '9') {
		return false
	}
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.', c == '/':
		default:
			return false
		}
	}
	switch string(bytes.ToLower(v)) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return true
}

// pathKey reads a path template key ("/sources/{id}:"), plain or quoted
// without escapes.
func pathKey(s []byte) (string, bool) {
	if len(s) > 0 && (s[0] == '\'' || s[0] == '"') {
		q := s[0]
		j := bytes.IndexByte(s[1:], q)
		if j < 0 {
			return "", false
		}
		k := s[1 : 1+j]
		if bytes.IndexByte(k, '\\') >= 0 || (j+2 < len(s) && s[j+2] == q) {
			return "", false
		}
		rest := s[j+2:]
		if len(rest) == 0 || rest[0] != ':' || (len(rest) > 1 && rest[1] != ' ' && rest[1] != '\r') {
			return "", false
		}
		return string(k), true
	}
	if len(s) == 0 || s[0] != '/' {
		return simpleKey(s)
	}
	for i, c := range s {
		switch {
		case c == ':' && i > 0:
			if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\r' {
				return string(s[:i]), true
			}
			return "", false
		case c == ' ', c == '\t', c == '#', c == '\'', c == '"':
			return "", false
		}
	}
	return "", false
}

// simpleKey reads `key:` at the start of s for plain keys made of letters,
// digits and "_$.-/"; anything else is not handled by the splitter.
func simpleKey(s []byte) (string, bool) {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '$', c == '.', c == '-', c == '/':
			continue
		case c == ':' && i > 0:
			if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\r' {
				return string(s[:i]), true
			}
			return "", false
		default:
			return "", false
		}
	}
	return "", false
}
