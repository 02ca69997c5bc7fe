package openapi

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// Lazy sections. A block-style YAML description is split textually at its
// top-level keys (and at the keys directly under "components"); only the
// sections Parse needs (version, servers, security, paths, security schemes)
// are decoded up front. The others (schemas, shared parameters, responses, ...)
// are decoded the first time a $ref reaches into them. Anything unusual
// (directives, several documents, quoted or complex keys, an anchor used
// across sections) falls back to decoding the whole document.

// lazySection is a not-yet-decoded part of the description.
type lazySection struct {
	// data is the section's text: for YAML the "key: value" text preceded by
	// newlines to keep line numbers (line is its first line); for JSON the
	// value, which starts at line:col.
	data      []byte
	json      bool
	line, col int
	path      []string
	anchors   bool // the text may define a YAML anchor
	once      sync.Once
	node      *yaml.Node
	err       error
}

// eager top-level keys (and components.securitySchemes) are decoded by Parse.
var eagerKeys = map[string]bool{
	"openapi": true, "swagger": true, "servers": true, "security": true, "paths": true,
	"host": true, "basePath": true, "schemes": true, "consumes": true, "produces": true,
	"securityDefinitions": true, "webhooks": false,
}

// minLazySize is the size below which a description is decoded at once.
var minLazySize = 32 << 10

type line struct {
	start, end int // byte offsets, end excludes the newline
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
	var lines []line
	for off := 0; off < len(data); {
		e := bytes.IndexByte(data[off:], '\n')
		if e < 0 {
			lines = append(lines, line{off, len(data)})
			break
		}
		lines = append(lines, line{off, off + e})
		off += e + 1
	}
	type chunk struct {
		key        string
		first, end int // line indexes [first, end)
	}
	var chunks []chunk
	seen := map[string]bool{}
	for i, l := range lines {
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
		chunks = append(chunks, chunk{key: k, first: i})
	}
	if len(chunks) == 0 {
		return nil, nil, false
	}
	chunks[len(chunks)-1].end = len(lines)
	text := func(first, end int) []byte {
		// first newlines keep yaml.v3's line numbers right
		b := make([]byte, 0, first+lines[end-1].end-lines[first].start+1)
		b = append(b, bytes.Repeat([]byte{'\n'}, first)...)
		return append(b, data[lines[first].start:lines[end-1].end]...)
	}
	decode := func(b []byte) (*yaml.Node, *yaml.Node, bool) {
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 {
			return nil, nil, false
		}
		m := doc.Content[0]
		if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
			return nil, nil, false
		}
		return m.Content[0], m.Content[1], true
	}
	root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: chunks[0].first + 1, Column: 1}
	lazy = map[*yaml.Node]*lazySection{}
	for _, c := range chunks {
		keyNode := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.key, Line: c.first + 1, Column: 1}
		switch {
		case eagerKeys[c.key]:
			k, v, ok := decode(text(c.first, c.end))
			if !ok {
				return nil, nil, false
			}
			root.Content = append(root.Content, k, v)
		case c.key == "components":
			v, ok := splitComponents(data, lines, c.first, c.end, text, decode, lazy)
			if !ok {
				return nil, nil, false
			}
			root.Content = append(root.Content, keyNode, v)
		default:
			ph := &yaml.Node{}
			t := text(c.first, c.end)
			lazy[ph] = &lazySection{data: t, line: c.first + 1, path: []string{c.key}, anchors: mayAnchor(t)}
			root.Content = append(root.Content, keyNode, ph)
		}
	}
	return root, lazy, true
}

// splitComponents splits the components section at its own keys.
func splitComponents(data []byte, lines []line, first, end int, text func(int, int) []byte,
	decode func([]byte) (*yaml.Node, *yaml.Node, bool), lazy map[*yaml.Node]*lazySection) (*yaml.Node, bool) {
	head := bytes.TrimRight(data[lines[first].start:lines[first].end], "\r")
	if k, ok := simpleKey(head); !ok || k != "components" || len(bytes.TrimSpace(head[len("components")+1:])) != 0 {
		return nil, false
	}
	node := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	indent := -1
	type sub struct {
		key        string
		first, end int
	}
	var subs []sub
	for i := first + 1; i < end; i++ {
		s := bytes.TrimRight(data[lines[i].start:lines[i].end], "\r")
		tr := bytes.TrimLeft(s, " ")
		if len(bytes.TrimSpace(s)) == 0 || tr[0] == '#' {
			continue
		}
		ind := len(s) - len(tr)
		if indent < 0 {
			if ind == 0 {
				return nil, false
			}
			indent = ind
			node.Line, node.Column = i+1, ind+1
		}
		if ind < indent {
			return nil, false
		}
		if ind > indent {
			continue
		}
		if tr[0] == '-' || tr[0] == '\t' {
			return nil, false
		}
		k, ok := simpleKey(tr)
		if !ok {
			return nil, false
		}
		if len(subs) > 0 {
			subs[len(subs)-1].end = i
		}
		subs = append(subs, sub{key: k, first: i})
	}
	if len(subs) == 0 {
		return nil, false
	}
	subs[len(subs)-1].end = end
	seen := map[string]bool{}
	for _, s := range subs {
		if seen[s.key] {
			return nil, false
		}
		seen[s.key] = true
		if s.key == "securitySchemes" {
			k, v, ok := decode(text(s.first, s.end))
			if !ok {
				return nil, false
			}
			node.Content = append(node.Content, k, v)
			continue
		}
		ph := &yaml.Node{}
		t := text(s.first, s.end)
		lazy[ph] = &lazySection{data: t, line: s.first + 1, path: []string{"components", s.key}, anchors: mayAnchor(t)}
		node.Content = append(node.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.key, Line: s.first + 1, Column: indent + 1}, ph)
	}
	return node, true
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

// anchorRE matches what may start a YAML anchor ("&name" after a blank or
// a flow indicator). It errs on the side of yes: "&" in prose rarely
// follows a blank directly, and a false match only costs an early decode.
var anchorRE = regexp.MustCompile(`(?:^|[ \t\[{,])&[^ \t\r\n,\[\]{}]`)

func mayAnchor(text []byte) bool {
	return bytes.IndexByte(text, '&') >= 0 && anchorRE.Match(text)
}

// checkAnchoredSections decodes the lazy YAML sections that may define
// anchors, so that their alias expansion is charged to the document's budget
// by Parse.
func (d *Description) checkAnchoredSections() error {
	var phs []*yaml.Node
	for ph, ls := range d.lazy {
		if ls.anchors {
			phs = append(phs, ph)
		}
	}
	// in document order, so that the same section always reaches the
	// budget first
	sort.Slice(phs, func(i, j int) bool { return d.lazy[phs[i]].line < d.lazy[phs[j]].line })
	for _, ph := range phs {
		if _, err := d.section(ph); isDocErr(err) {
			return err
		}
	}
	return nil
}

// section returns the decoded node for a lazy placeholder (or n itself).
// The decoded tree is charged to the description's budget.
func (d *Description) section(n *yaml.Node) (*yaml.Node, error) {
	if d.lazy == nil {
		return n, nil
	}
	ls, ok := d.lazy[n]
	if !ok {
		return n, nil
	}
	ls.once.Do(func() {
		if ls.json {
			ls.node, ls.err = parseJSONSection(ls, d.budget.File)
			return
		}
		var doc yaml.Node
		err := yaml.Unmarshal(ls.data, &doc)
		if err == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode && len(doc.Content[0].Content) == 2 {
			if err := d.budget.Check(&doc); err != nil {
				ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
				return
			}
			if err := yamlbudget.FirstDuplicateKey(&doc, d.budget.File); err != nil {
				ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
				return
			}
			ls.node = doc.Content[0].Content[1]
			return
		}
		if err = yamlbudget.FromYAML(err, d.budget.File, ls.data); isLimit(err) {
			ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
			return
		}
		// e.g. an alias to an anchor of another section: decode everything.
		full, ferr := d.fullRoot()
		if ferr != nil {
			ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, ferr)
			return
		}
		v := full
		for _, k := range ls.path {
			v = mapGet(v, k)
		}
		if v == nil {
			ls.err = fmt.Errorf("openapi: decoding %v failed", ls.path)
			return
		}
		ls.node = v
	})
	return ls.node, ls.err
}

// fullRoot decodes the whole document (once), checked against a budget of
// its own: the sections decoded before are the same text.
func (d *Description) fullRoot() (*yaml.Node, error) {
	d.fullOnce.Do(func() {
		d.full, d.fullErr = decodeNode(d.data, &yamlbudget.Budget{File: d.budget.File})
	})
	return d.full, d.fullErr
}

// pointer walks an RFC 6901 pointer in a document of this description,
// decoding lazy sections on the way.
func (d *Description) pointer(root *yaml.Node, p string) (*yaml.Node, bool) {
	n, err := d.lookup(root, p)
	return n, err == nil && n != nil
}

// lookup is pointer with the reason: nil, nil when the target does not
// exist; an error when a lazy section on the way cannot be decoded (a
// *LimitError among others).
func (d *Description) lookup(root *yaml.Node, p string) (*yaml.Node, error) {
	if root != d.root || d.lazy == nil {
		n, ok := pointerGet(root, p)
		if !ok {
			return nil, nil
		}
		return n, nil
	}
	toks, err := splitPointer(p)
	if err != nil {
		return nil, nil
	}
	n := root
	for _, t := range toks {
		n = deref(n)
		switch n.Kind {
		case yaml.MappingNode:
			var child *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == t {
					child = n.Content[i+1]
					break
				}
			}
			if child == nil {
				return nil, nil
			}
			if child, err = d.section(child); err != nil {
				return nil, err
			}
			n = child
		case yaml.SequenceNode:
			i, ok := atoi(t)
			if !ok || i >= len(n.Content) {
				return nil, nil
			}
			n = n.Content[i]
		default:
			return nil, nil
		}
	}
	return deref(n), nil
}
