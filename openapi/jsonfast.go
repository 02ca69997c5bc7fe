package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// jp is a small JSON parser producing yaml.v3 nodes with line and column,
// able to skip values it is not asked to build (lazy sections).
type jp struct {
	data  []byte
	i     int
	line  int // 1-based line of data[i]
	ls    int // offset where the current line starts
	depth int
	file  string // names the document in limit errors
}

var errJSONSyntax = errors.New("invalid JSON")

func (p *jp) errf(format string, args ...any) error {
	return fmt.Errorf("JSON line %d column %d: %s", p.line, p.i-p.ls+1, fmt.Sprintf(format, args...))
}

// deeper enters a container at p.i, failing past MaxNestingDepth.
func (p *jp) deeper() error {
	if p.depth++; p.depth > yamlbudget.MaxNestingDepth {
		return yamlbudget.Depth(p.file, p.line, p.i-p.ls+1)
	}
	return nil
}

func (p *jp) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case '\n':
			p.i++
			p.line++
			p.ls = p.i
		case ' ', '\t', '\r':
			p.i++
		default:
			return
		}
	}
}

// value parses one value into a node.
func (p *jp) value() (*yaml.Node, error) {
	p.ws()
	if p.i >= len(p.data) {
		return nil, p.errf("unexpected end of input")
	}
	n := &yaml.Node{Line: p.line, Column: p.i - p.ls + 1}
	switch c := p.data[p.i]; {
	case c == '{':
		if err := p.deeper(); err != nil {
			return nil, err
		}
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		p.i++
		p.ws()
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			p.depth--
			return n, nil
		}
		var seen map[string]*yaml.Node
		for {
			p.ws()
			k, err := p.keyNode()
			if err != nil {
				return nil, err
			}
			if err := p.unique(n.Content, k, &seen); err != nil {
				return nil, err
			}
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, k, v)
			if done, err := p.sep('}'); err != nil {
				return nil, err
			} else if done {
				break
			}
		}
		p.depth--
	case c == '[':
		if err := p.deeper(); err != nil {
			return nil, err
		}
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		p.i++
		p.ws()
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			p.depth--
			return n, nil
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
			if done, err := p.sep(']'); err != nil {
				return nil, err
			} else if done {
				break
			}
		}
		p.depth--
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", s
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(string(p.data[p.i:min(p.i+5, len(p.data))]), lit) {
				p.i += len(lit)
				n.Kind, n.Value = yaml.ScalarNode, lit
				n.Tag = "!!bool"
				if lit == "null" {
					n.Tag = "!!null"
				}
				return n, nil
			}
		}
		return nil, p.errf("invalid literal")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		float := false
		for p.i < len(p.data) {
			c := p.data[p.i]
			if c == '.' || c == 'e' || c == 'E' || c == '+' {
				float = true
			} else if !(c >= '0' && c <= '9') && c != '-' {
				break
			}
			p.i++
		}
		num := p.data[start:p.i]
		if !json.Valid(num) {
			return nil, p.errf("invalid number %q", num)
		}
		n.Kind, n.Value, n.Tag = yaml.ScalarNode, string(num), "!!int"
		if float {
			n.Tag = "!!float"
		}
	default:
		return nil, p.errf("unexpected character %q", c)
	}
	return n, nil
}

func (p *jp) keyNode() (*yaml.Node, error) {
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return nil, p.errf("object key must be a string")
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Line: p.line, Column: p.i - p.ls + 1}
	s, err := p.str()
	if err != nil {
		return nil, err
	}
	k.Value = s
	p.ws()
	if p.i >= len(p.data) || p.data[p.i] != ':' {
		return nil, p.errf("expected ':'")
	}
	p.i++
	return k, nil
}

// unique fails with a *DuplicateKeyError when key k repeats a key of the
// object whose entries so far are content (key, value, key, value...).
// Small objects are compared pairwise; from smallObject keys on, *seen
// indexes them. The pointer is left empty: the error names the position.
func (p *jp) unique(content []*yaml.Node, k *yaml.Node, seen *map[string]*yaml.Node) error {
	var prev *yaml.Node
	switch n := len(content) / 2; {
	case n < smallObject:
		for i := 0; i < len(content); i += 2 {
			if content[i].Value == k.Value {
				prev = content[i]
				break
			}
		}
	default:
		if *seen == nil {
			*seen = make(map[string]*yaml.Node, 2*n)
			for i := 0; i < len(content); i += 2 {
				if _, dup := (*seen)[content[i].Value]; !dup {
					(*seen)[content[i].Value] = content[i]
				}
			}
		}
		if prev = (*seen)[k.Value]; prev == nil {
			(*seen)[k.Value] = k
		}
	}
	if prev == nil {
		return nil
	}
	return &DuplicateKeyError{Key: k.Value, File: p.file, Line: k.Line, Column: k.Column,
		FirstLine: prev.Line, FirstColumn: prev.Column}
}

// smallObject is the object size up to which unique compares keys pairwise.
const smallObject = 16

// sep consumes ',' (false) or the closing delimiter (true).
func (p *jp) sep(close byte) (bool, error) {
	p.ws()
	if p.i >= len(p.data) {
		return false, p.errf("unexpected end of input")
	}
	switch p.data[p.i] {
	case ',':
		p.i++
		return false, nil
	case close:
		p.i++
		return true, nil
	}
	return false, p.errf("expected ',' or %q", close)
}

// str reads a string at p.i (which is '"').
func (p *jp) str() (string, error) {
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			p.i++
			if !escaped {
				return string(p.data[start+1 : p.i-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.data[start:p.i], &s); err != nil {
				return "", p.errf("invalid string")
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return "", p.errf("control character in string")
		default:
			p.i++
		}
	}
	return "", p.errf("unterminated string")
}

// skipStr passes over a string at p.i (which is '"'), checking it as str
// does (escapes, control characters) without building it.
func (p *jp) skipStr() error {
	p.i++
	for p.i < len(p.data) {
		j := bytes.IndexAny(p.data[p.i:], "\"\\")
		if j < 0 {
			break
		}
		for _, c := range p.data[p.i : p.i+j] {
			if c < 0x20 {
				return p.errf("control character in string")
			}
		}
		p.i += j
		if p.data[p.i] == '"' {
			p.i++
			return nil
		}
		// an escape: \" \\ \/ \b \f \n \r \t or \uXXXX
		if p.i+1 >= len(p.data) {
			break
		}
		switch p.data[p.i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p.i += 2
		case 'u':
			if p.i+6 > len(p.data) {
				return p.errf("invalid string")
			}
			for _, c := range p.data[p.i+2 : p.i+6] {
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
					return p.errf("invalid string")
				}
			}
			p.i += 6
		default:
			return p.errf("invalid string")
		}
	}
	return p.errf("unterminated string")
}

// skip passes over one value without building it, returning its extent.
func (p *jp) skip() (start, end int, err error) {
	p.ws()
	start = p.i
	depth := 0
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch c {
		case '"':
			if err := p.skipStr(); err != nil {
				return 0, 0, err
			}
			if depth == 0 {
				return start, p.i, nil
			}
			continue
		case '{', '[':
			if depth++; p.depth+depth > yamlbudget.MaxNestingDepth {
				return 0, 0, yamlbudget.Depth(p.file, p.line, p.i-p.ls+1)
			}
		case '}', ']':
			depth--
			if depth < 0 {
				return 0, 0, p.errf("unbalanced %q", c)
			}
			if depth == 0 {
				p.i++
				return start, p.i, nil
			}
		case '\n':
			p.line++
			p.ls = p.i + 1
		case ',', ':', ' ', '\t', '\r':
		default:
			if depth == 0 {
				// scalar at top level: parse it to find its end
				if _, err := p.value(); err != nil {
					return 0, 0, err
				}
				return start, p.i, nil
			}
		}
		p.i++
	}
	return 0, 0, p.errf("unexpected end of input")
}

// parseJSON parses a whole JSON document (nesting at most MaxNestingDepth
// levels, else a *LimitError naming file). When lazy is non-nil and the
// document is an object, the values of keys that are not eager (and of
// components other than securitySchemes) are skipped and registered as lazy
// sections instead.
func parseJSON(data []byte, lazy map[*yaml.Node]*lazySection, file string) (*yaml.Node, error) {
	p := &jp{data: data, line: 1, file: file}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.i, p.ls = 3, 3
	}
	p.ws()
	var root *yaml.Node
	var err error
	if lazy != nil && p.i < len(data) && data[p.i] == '{' {
		root, err = p.lazyObject(lazy, nil)
	} else {
		root, err = p.value()
	}
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(data) {
		return nil, p.errf("trailing data after JSON value")
	}
	return root, nil
}

func (p *jp) lazyObject(lazy map[*yaml.Node]*lazySection, path []string) (*yaml.Node, error) {
	return p.object(func(k *yaml.Node) (*yaml.Node, error) {
		eager := eagerKeys[k.Value]
		switch len(path) {
		case 1:
			eager = k.Value == "securitySchemes"
		case 2:
			eager = false
		}
		isObject := p.isObject()
		switch {
		case eager:
			return p.value()
		case len(path) == 0 && k.Value == "paths" && isObject:
			return p.pathsObject(lazy)
		case len(path) == 0 && k.Value == "paths":
			return p.value()
		case len(path) == 0 && k.Value == "components" && isObject,
			len(path) == 1 && isObject:
			// components, then each kind of component: one lazy
			// section per entry
			return p.lazyObject(lazy, append(append([]string(nil), path...), k.Value))
		}
		return p.lazyValue(lazy, append(append([]string(nil), path...), k.Value))
	})
}

// lazyValue skips the value at p.i, registering it as a lazy section.
func (p *jp) lazyValue(lazy map[*yaml.Node]*lazySection, path []string) (*yaml.Node, error) {
	p.ws()
	line, ls := p.line, p.ls
	s, e, err := p.skip()
	if err != nil {
		return nil, err
	}
	v := &yaml.Node{}
	lazy[v] = &lazySection{json: true, data: p.data[s:e], line: line, col: s - ls + 1, path: path}
	return v, nil
}

// object parses an object at p.i (which is '{') into a mapping, the value
// of each key given by value (called with p.i at the value).
func (p *jp) object(value func(k *yaml.Node) (*yaml.Node, error)) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.line, Column: p.i - p.ls + 1}
	if err := p.deeper(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.i++
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return n, nil
	}
	var seen map[string]*yaml.Node
	for {
		p.ws()
		k, err := p.keyNode()
		if err != nil {
			return nil, err
		}
		if err := p.unique(n.Content, k, &seen); err != nil {
			return nil, err
		}
		p.ws()
		v, err := value(k)
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
		if done, err := p.sep('}'); err != nil {
			return nil, err
		} else if done {
			return n, nil
		}
	}
}

func (p *jp) isObject() bool { return p.i < len(p.data) && p.data[p.i] == '{' }

// pathsObject parses the paths object: each path item's own keys now, its
// operations left lazy with their operationId and position.
func (p *jp) pathsObject(lazy map[*yaml.Node]*lazySection) (*yaml.Node, error) {
	return p.object(func(k *yaml.Node) (*yaml.Node, error) {
		if !strings.HasPrefix(k.Value, "/") || !p.isObject() {
			return p.value()
		}
		path := k.Value
		return p.object(func(m *yaml.Node) (*yaml.Node, error) {
			if !isMethod(m.Value) || !p.isObject() {
				return p.value()
			}
			return p.lazyOperation(lazy, []string{"paths", path, m.Value})
		})
	})
}

// lazyOperation skips an operation object, reading its operationId (the
// first one, as mapGet does), and registers it as a lazy section.
func (p *jp) lazyOperation(lazy map[*yaml.Node]*lazySection, path []string) (*yaml.Node, error) {
	line, ls, start := p.line, p.ls, p.i
	op := &lazyOp{line: line, column: p.i - ls + 1}
	found := false
	if _, err := p.object(func(k *yaml.Node) (*yaml.Node, error) {
		if k.Value != "operationId" || found {
			_, _, err := p.skip()
			return nil, err
		}
		found = true
		switch {
		case p.i < len(p.data) && p.data[p.i] == '"':
			s, err := p.str()
			op.id = s
			return nil, err
		case p.i < len(p.data) && (p.data[p.i] == '{' || p.data[p.i] == '['):
			_, _, err := p.skip() // not a scalar: no operationId
			return nil, err
		default:
			s, e, err := p.skip()
			op.id = string(p.data[s:e]) // a literal, as yaml.v3 gives it
			return nil, err
		}
	}); err != nil {
		return nil, err
	}
	v := &yaml.Node{}
	lazy[v] = &lazySection{json: true, data: p.data[start:p.i], line: line, col: start - ls + 1, path: path, op: op}
	return v, nil
}

// parseJSONSection parses a lazily skipped JSON value, keeping positions
// (its nesting counted from the document's root).
func parseJSONSection(ls *lazySection, file string) (*yaml.Node, error) {
	p := &jp{data: ls.data, line: ls.line, ls: -(ls.col - 1), file: file, depth: len(ls.path)}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	return n, nil
}
