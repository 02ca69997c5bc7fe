package expression

import (
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// nodeKind is the kind of a condition AST node.
type nodeKind uint8

const (
	nLit  nodeKind = iota // literal: true, false, null, number, string
	nRef                  // runtime expression with selectors
	nPath                 // JSONPath (jsonpath criteria only)
	nNot                  // !l
	nAnd                  // l && r
	nOr                   // l || r
	nCmp                  // l op r
)

// node is one node of a condition AST. Pos and End are byte offsets in the
// condition text.
type node struct {
	kind     nodeKind
	op       cmpOp
	pos, end int
	lit      any
	num      jsonvalue.Number // lit as a number, when numOK
	numOK    bool
	re       *refEval
	path     *jsonPath
	l, r     *node
}

// Condition is a compiled simple condition (decisions E2), or the
// comparison form of a JSONPath criterion (E4). It is immutable and safe
// for concurrent use.
type Condition struct {
	src      string
	root     *node
	refs     []*Reference
	jsonpath bool
}

// maxDepth bounds the nesting of parentheses and '!' in a condition.
const maxDepth = 200

// condParser reads a condition from its lexer's items.
type condParser struct {
	lexer
	jsonpath bool
	depth    int
	refs     []*Reference
}

// ParseCondition parses a simple condition such as
// "$statusCode == 200 && $response.body#/status == 'done'". Errors are
// *Error values with the byte offset of the problem.
func ParseCondition(src string) (*Condition, error) {
	c, err := parseCondition(src, false)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func parseCondition(src string, jsonpath bool) (*Condition, *Error) {
	p := &condParser{lexer: lexer{src: src, mode: modeCondition}, jsonpath: jsonpath}
	if p.peekItem().typ == itemEOF {
		return nil, p.errf(p.pos, "empty condition")
	}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.peekItem().typ != itemEOF {
		return nil, p.errf(p.pos, "unexpected "+quote(p.rest())+"; expected an operator (== != < <= > >= && ||)")
	}
	return &Condition{src: src, root: root, refs: p.refs, jsonpath: jsonpath}, nil
}

func (p *condParser) parseOr() (*node, *Error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peekItem().typ == itemOr {
		p.nextItem()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nOr, pos: l.pos, end: r.end, l: l, r: r}
	}
	return l, nil
}

func (p *condParser) parseAnd() (*node, *Error) {
	l, err := p.parseCmp()
	if err != nil {
		return nil, err
	}
	for p.peekItem().typ == itemAnd {
		p.nextItem()
		r, err := p.parseCmp()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nAnd, pos: l.pos, end: r.end, l: l, r: r}
	}
	return l, nil
}

func (p *condParser) parseCmp() (*node, *Error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		it := p.peekItem()
		switch it.typ {
		case itemCmp:
		case itemAssign:
			return nil, p.errf(it.pos, "'=' is not an operator; use '=='")
		default:
			return l, nil
		}
		p.nextItem()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nCmp, op: it.op, pos: l.pos, end: r.end, l: l, r: r}
	}
}

func (p *condParser) parseUnary() (*node, *Error) {
	if it := p.peekItem(); it.typ == itemNot {
		p.nextItem()
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errf(it.pos, "condition nested too deeply")
		}
		x, err := p.parseUnary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &node{kind: nNot, pos: it.pos, end: x.end, l: x}, nil
	}
	return p.parsePrimary()
}

func (p *condParser) parsePrimary() (*node, *Error) {
	it := p.peekItem()
	start := it.pos
	switch it.typ {
	case itemEOF:
		return nil, p.errf(p.pos, "expected a value, a runtime expression or '('")
	case itemOpen:
		c := p.src[start]
		closer := byte(')')
		if c == '{' {
			closer = '}'
		}
		p.nextItem()
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errf(start, "condition nested too deeply")
		}
		x, err := p.parseOr()
		p.depth--
		if err != nil {
			return nil, err
		}
		if cl := p.peekItem(); cl.typ != itemClose || p.src[cl.pos] != closer {
			return nil, p.errf(p.pos, "expected "+quote(string(closer))+" to close "+quote(string(c))+" at column "+itoa(start+1))
		}
		p.nextItem()
		x.pos, x.end = start, p.pos
		return x, nil
	case itemDollar:
		if p.jsonpath && !p.at(1, isAlpha) {
			return p.parsePath()
		}
		if !p.jsonpath && p.at(1, func(c byte) bool { return c == '.' || c == '[' }) {
			return nil, p.errf(p.pos, "JSONPath is only allowed in a criterion of type jsonpath")
		}
		ref, err := parseRef(p.src, p.pos, modeCondition)
		if err != nil {
			return nil, err
		}
		p.pos = ref.End
		p.refs = append(p.refs, ref)
		return &node{kind: nRef, pos: start, end: p.pos, re: newRefEval(ref, p.src)}, nil
	case itemQuote:
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return &node{kind: nLit, pos: start, end: p.pos, lit: s}, nil
	case itemNumber:
		return p.parseNumber(it)
	case itemWord:
		var v any
		switch it.val {
		case "true":
			v = true
		case "false":
			v = false
		case "null":
			v = nil
		default:
			return nil, p.errf(p.pos, "unexpected word "+quote(it.val)+"; strings must be quoted ('text')")
		}
		p.nextItem()
		return &node{kind: nLit, pos: start, end: it.end, lit: v}, nil
	}
	return nil, p.errf(p.pos, "unexpected "+quote(p.rest())+"; expected a value, a runtime expression or '('")
}

func (p *condParser) parseNumber(it item) (*node, *Error) {
	start, i := it.pos, it.end
	text := it.val
	if strings.HasPrefix(text, ".") || strings.HasPrefix(text, "-.") || strings.HasPrefix(text, "+.") {
		text = strings.Replace(text, ".", "0.", 1)
	}
	n, ok := jsonvalue.ParseNumber(text)
	if !ok || (i < len(p.src) && isIdentChar(p.src[i])) {
		return nil, p.errf(start, "malformed number "+quote(it.val))
	}
	p.nextItem()
	return &node{kind: nLit, pos: start, end: i, lit: n.Value(), num: n, numOK: true}, nil
}

// parsePath reads a JSONPath token: from '$' up to whitespace or an
// operator outside brackets, parentheses and quotes.
func (p *condParser) parsePath() (*node, *Error) {
	start := p.pos
	end, err := scanPathEnd(p.src, start)
	if err != nil {
		return nil, err
	}
	p.pos = end
	jpath, err := compilePath(p.src[start:end], start, p.src)
	if err != nil {
		return nil, err
	}
	return &node{kind: nPath, pos: start, end: end, path: jpath}, nil
}

// References lists the runtime expressions of the condition in source
// order.
func (c *Condition) References() []*Reference { return c.refs }

// String returns the condition as written.
func (c *Condition) String() string { return c.src }
