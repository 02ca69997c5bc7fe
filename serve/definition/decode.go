package definition

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/suggest"
	"gopkg.in/yaml.v3"
)

// decoder walks the yaml.v3 node tree of one file.
type decoder struct {
	file   string
	dir    string
	src    []byte
	lines  []string
	lookup func(string) (string, bool)
	diags  arazzo.Diagnostics

	vars     map[string]*varState
	varNames []string
	expanded int
	// expandedOut is set once MaxExpandedBytes was reached: substitution
	// stops, so the limit is reported once.
	expandedOut bool
}

type varState struct {
	v *Var
	// failed is set when the variable has no value (a required variable
	// unset): values using it are not checked further.
	failed bool
}

// field is one key/value pair of a mapping.
type field struct {
	key, val *yaml.Node
}

// str is a scalar string after substitution, with what the checks need to
// know about it.
type str struct {
	Value
	node *yaml.Node
	// ok is false when substitution failed (the failure is reported):
	// checks of the value are skipped.
	ok bool
	// subst is set when a ${NAME} was replaced: column offsets into the
	// text no longer match the file.
	subst bool
}

// show quotes a value for a message, unless it holds a secret.
func (s str) show() string {
	if s.Secret {
		return "(a value from a secret variable, not shown)"
	}
	return strconv.Quote(s.Text)
}

func (d *decoder) pos(line, col int) arazzo.Position {
	return arazzo.Position{File: d.file, Line: line, Column: col}
}

func (d *decoder) nodePos(n *yaml.Node) arazzo.Position {
	if n == nil || n.Line == 0 {
		return d.pos(1, 1)
	}
	return d.pos(n.Line, n.Column)
}

func (d *decoder) errAt(pos arazzo.Position, code, msg, hint string) *arazzo.Diagnostic {
	d.diags = append(d.diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: pos, Code: code, Message: msg, Hint: hint})
	return &d.diags[len(d.diags)-1]
}

func (d *decoder) err(n *yaml.Node, code, msg, hint string) *arazzo.Diagnostic {
	return d.errAt(d.nodePos(n), code, msg, hint)
}

// textAt returns the position of the text sub, found at rune offset off of
// scalar n's value, when the file holds it there verbatim (a plain or
// quoted scalar on one line without escapes); exact is false, and the
// position is the scalar's, otherwise.
func (d *decoder) textAt(n *yaml.Node, off int, sub string) (arazzo.Position, bool) {
	p := d.nodePos(n)
	if n == nil || n.Line == 0 {
		return p, false
	}
	if d.lines == nil {
		d.lines = strings.Split(string(d.src), "\n")
	}
	if n.Line > len(d.lines) {
		return p, false
	}
	col := n.Column + off
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	line := d.lines[n.Line-1]
	// the rune column col as a byte offset
	b, c := 0, 1
	for c < col && b < len(line) {
		_, w := utf8.DecodeRuneInString(line[b:])
		b += w
		c++
	}
	if c != col || !strings.HasPrefix(line[b:], sub) {
		return p, false
	}
	return d.pos(n.Line, col), true
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		}
		return "a string"
	}
	return "nothing"
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// mapping checks that n is a mapping whose keys are among known (what
// names the object in messages) and returns its fields by key, and the
// keys in file order. A null value is an empty mapping.
func (d *decoder) mapping(n *yaml.Node, what string, known []string) (map[string]field, []string) {
	n = deref(n)
	if isNull(n) {
		return map[string]field{}, nil
	}
	if n.Kind != yaml.MappingNode {
		d.err(n, CodeType, fmt.Sprintf("%s must be a mapping, found %s", what, kindName(n)), "")
		return nil, nil
	}
	out := make(map[string]field, len(n.Content)/2)
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.err(k, CodeType, fmt.Sprintf("a key of %s must be a string, found %s", what, kindName(k)), "")
			continue
		}
		if k.Tag == "!!merge" {
			d.err(k, CodeUnknownField, "YAML merge keys (<<) are not supported in a definition file", "write the fields out, or use an alias (*name) for a whole value")
			continue
		}
		if known != nil && !contains(known, k.Value) {
			d.unknownField(k, what, known)
			continue
		}
		if _, dup := out[k.Value]; dup {
			continue // reported as a duplicate key
		}
		out[k.Value] = field{key: k, val: v}
		order = append(order, k.Value)
	}
	return out, order
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *decoder) unknownField(k *yaml.Node, what string, known []string) {
	dg := d.err(k, CodeUnknownField, fmt.Sprintf("unknown field %q in %s", k.Value, what), "")
	if best := suggest.Closest(k.Value, known); best != "" {
		dg.Hint = fmt.Sprintf("did you mean %q?", best)
		if pos, ok := d.textAt(k, 0, k.Value); ok && k.Style == 0 {
			end := pos
			end.Column += utf8.RuneCountInString(k.Value)
			dg.SuggestedFixes = []arazzo.SuggestedFix{{Message: fmt.Sprintf("rename %q to %q", k.Value, best),
				Edits: []arazzo.TextEdit{{Pos: pos, End: end, NewText: best}}}}
		}
	} else {
		sorted := append([]string(nil), known...)
		sort.Strings(sorted)
		dg.Hint = "known fields: " + strings.Join(sorted, ", ")
	}
}

// required reports a missing field of the object introduced at owner.
func (d *decoder) required(fs map[string]field, name string, owner *yaml.Node, what string) (field, bool) {
	f, ok := fs[name]
	if !ok {
		d.err(owner, CodeMissingField, fmt.Sprintf("%s: missing required field %q", what, name), "")
	}
	return f, ok
}

// scalar returns the substituted text of a scalar string value (numbers
// and booleans are taken as written). what names it in messages.
func (d *decoder) scalar(n *yaml.Node, what string) (str, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.err(n, CodeType, fmt.Sprintf("%s must be a string, found %s", what, kindName(n)), "")
		return str{}, false
	}
	s := str{Value: Value{Text: n.Value, Pos: d.nodePos(n)}, node: n, ok: true}
	if n.Tag == "!!str" || n.Tag == "" {
		text, secret, subst, ok := d.substitute(n)
		s.Text, s.Secret, s.subst, s.ok = text, secret, subst, ok
	}
	return s, true
}

// intValue decodes a positive integer.
func (d *decoder) positiveInt(n *yaml.Node, what string) (int, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.err(n, CodeType, fmt.Sprintf("%s must be a positive integer, found %s", what, kindName(n)), "")
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || v < 1 || v > 1<<31-1 {
		d.err(n, CodeInvalidValue, fmt.Sprintf("%s must be a positive integer (1 to %d), found %s", what, 1<<31-1, n.Value), "")
		return 0, false
	}
	return int(v), true
}

func (d *decoder) boolean(n *yaml.Node, what string) (bool, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.err(n, CodeType, fmt.Sprintf("%s must be true or false, found %s", what, kindName(n)), "")
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		d.err(n, CodeType, fmt.Sprintf("%s must be true or false", what), "")
		return false, false
	}
	return b, true
}

// stringList decodes a list of strings (substituted).
func (d *decoder) stringList(n *yaml.Node, what string) ([]str, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		d.err(n, CodeType, fmt.Sprintf("%s must be a list, found %s", what, kindName(n)), "")
		return nil, false
	}
	out := make([]str, 0, len(n.Content))
	ok := true
	for i, e := range n.Content {
		s, good := d.scalar(e, fmt.Sprintf("%s[%d]", what, i))
		if good {
			out = append(out, s)
		}
		ok = ok && good
	}
	return out, ok
}

// enum checks that s is one of allowed.
func (d *decoder) enum(s str, what string, allowed []string) bool {
	if !s.ok {
		return false
	}
	if contains(allowed, s.Text) {
		return true
	}
	dg := d.errAt(s.Pos, CodeInvalidValue, fmt.Sprintf("%s must be one of %s, found %s", what, strings.Join(allowed, ", "), s.show()), "")
	if !s.Secret {
		if best := suggest.Closest(s.Text, allowed); best != "" {
			dg.Hint = fmt.Sprintf("did you mean %q?", best)
			if pos, exact := d.textAt(s.node, 0, s.Text); exact && !s.subst {
				end := pos
				end.Column += utf8.RuneCountInString(s.Text)
				dg.SuggestedFixes = []arazzo.SuggestedFix{{Message: fmt.Sprintf("replace %q with %q", s.Text, best),
					Edits: []arazzo.TextEdit{{Pos: pos, End: end, NewText: best}}}}
			}
		}
	}
	return false
}
