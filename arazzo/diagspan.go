package arazzo

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file gives the validator's diagnostics their end positions, related
// positions and suggested fixes. YAML nodes carry only a start, so a span
// is known only where the document's text spells the value verbatim; it is
// checked against the text, never guessed, so a fix never edits the wrong
// characters.

// span returns the positions of n.Value[from:to] when the document spells
// the scalar n verbatim on one line at n's position: plain, or quoted
// without escapes. ok is false otherwise.
func (v *validator) span(n *yaml.Node, from, to int) (pos, end Position, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode || from < 0 || to < from || to > len(n.Value) ||
		strings.ContainsAny(n.Value, "\r\n") {
		return Position{}, Position{}, false
	}
	off, ok := v.offset(n.Line, n.Column)
	if !ok {
		return Position{}, Position{}, false
	}
	text, col := v.src[off:], n.Column
	switch n.Style {
	case 0:
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := byte('"')
		if n.Style == yaml.SingleQuotedStyle {
			q = '\''
		}
		// A quote or backslash in the value may stand for an escape.
		if strings.ContainsAny(n.Value, `"'\`) || len(text) < len(n.Value)+2 || text[0] != q || text[len(n.Value)+1] != q {
			return Position{}, Position{}, false
		}
		text, col = text[1:], col+1
	default:
		return Position{}, Position{}, false
	}
	if !bytes.HasPrefix(text, []byte(n.Value)) {
		return Position{}, Position{}, false
	}
	start := col + utf8.RuneCountInString(n.Value[:from])
	pos = Position{File: v.file, Line: n.Line, Column: start}
	end = Position{File: v.file, Line: n.Line, Column: start + utf8.RuneCountInString(n.Value[from:to])}
	return pos, end, true
}

// offset returns the byte offset in v.src of a 1-based line and column
// (yaml.v3 counts columns in characters).
func (v *validator) offset(line, col int) (int, bool) {
	if v.lines == nil && v.src != nil {
		v.lines = []int{0}
		for i, b := range v.src {
			if b == '\n' {
				v.lines = append(v.lines, i+1)
			}
		}
	}
	if line < 1 || line > len(v.lines) || col < 1 {
		return 0, false
	}
	off := v.lines[line-1]
	for ; col > 1; col-- {
		if off >= len(v.src) || v.src[off] == '\n' {
			return 0, false
		}
		_, w := utf8.DecodeRune(v.src[off:])
		off += w
	}
	return off, true
}

// tokenEnd returns the position just past the scalar n, closing quote
// included, when its span is known.
func (v *validator) tokenEnd(n *yaml.Node) (Position, bool) {
	_, end, ok := v.span(n, 0, len(n.Value))
	if ok && n.Style != 0 {
		end.Column++
	}
	return end, ok
}

// spanEnd sets d.End to the end of the scalar n when d starts where n does.
func (v *validator) spanEnd(d *Diagnostic, n *yaml.Node) {
	if n == nil || d.Pos != (Position{File: v.file, Line: n.Line, Column: n.Column}) {
		return
	}
	if end, ok := v.tokenEnd(n); ok {
		d.End = end
	}
}

// relate adds to d the related position of n, with its end when n is a
// scalar whose span is known.
func (v *validator) relate(d *Diagnostic, n *yaml.Node, msg string) {
	if n == nil {
		return
	}
	r := RelatedInformation{Pos: Position{File: v.file, Line: n.Line, Column: n.Column}, Message: msg}
	if end, ok := v.tokenEnd(n); ok {
		r.End = end
	}
	d.Related = append(d.Related, r)
}

// fixName adds to d the fix that replaces old, a misspelled name written
// at byte from of the scalar n, with name, and ends d at the end of n;
// nothing when name is empty, n does not hold old there or its span is not
// known.
func (v *validator) fixName(d *Diagnostic, n *yaml.Node, from int, old, name string) {
	if name == "" || n == nil || from < 0 || !strings.HasPrefix(n.Value[min(from, len(n.Value)):], old) {
		return
	}
	pos, end, ok := v.span(n, from, from+len(old))
	if !ok {
		return
	}
	v.spanEnd(d, n)
	d.SuggestedFixes = append(d.SuggestedFixes, SuggestedFix{
		Message: fmt.Sprintf("replace %q with %q", old, name),
		Edits:   []TextEdit{{Pos: pos, End: end, NewText: name}},
	})
}

// didYouMean is the hint naming meant, the known name a misspelled one
// most likely meant, or otherwise when there is none.
func didYouMean(meant, otherwise string) string {
	if meant == "" {
		return otherwise
	}
	return fmt.Sprintf("did you mean %q?", meant)
}
