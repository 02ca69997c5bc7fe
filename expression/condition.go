package expression

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"

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

type condParser struct {
	src      string
	pos      int
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
	p := &condParser{src: src, jsonpath: jsonpath}
	p.skip()
	if p.pos >= len(src) {
		return nil, p.errf(p.pos, "empty condition")
	}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(src) {
		return nil, p.errf(p.pos, "unexpected "+quote(p.rest())+"; expected an operator (== != < <= > >= && ||)")
	}
	return &Condition{src: src, root: root, refs: p.refs, jsonpath: jsonpath}, nil
}

func (p *condParser) errf(off int, msg string) *Error {
	return &Error{Input: p.src, Offset: off, Msg: msg}
}

func (p *condParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *condParser) skip() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *condParser) has(s string) bool {
	return strings.HasPrefix(p.src[p.pos:], s)
}

func (p *condParser) parseOr() (*node, *Error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skip()
		if !p.has("||") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nOr, pos: l.pos, end: r.end, l: l, r: r}
	}
}

func (p *condParser) parseAnd() (*node, *Error) {
	l, err := p.parseCmp()
	if err != nil {
		return nil, err
	}
	for {
		p.skip()
		if !p.has("&&") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseCmp()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nAnd, pos: l.pos, end: r.end, l: l, r: r}
	}
}

func (p *condParser) cmpOp() (cmpOp, bool) {
	switch {
	case p.has("=="):
		p.pos += 2
		return opEq, true
	case p.has("!="):
		p.pos += 2
		return opNe, true
	case p.has("<="):
		p.pos += 2
		return opLe, true
	case p.has(">="):
		p.pos += 2
		return opGe, true
	case p.has("<"):
		p.pos++
		return opLt, true
	case p.has(">"):
		p.pos++
		return opGt, true
	case p.has("="):
		return 0, false
	}
	return 0, false
}

func (p *condParser) parseCmp() (*node, *Error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skip()
		op, ok := p.cmpOp()
		if !ok {
			if p.has("=") {
				return nil, p.errf(p.pos, "'=' is not an operator; use '=='")
			}
			return l, nil
		}
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nCmp, op: op, pos: l.pos, end: r.end, l: l, r: r}
	}
}

func (p *condParser) parseUnary() (*node, *Error) {
	p.skip()
	if p.has("!") && !p.has("!=") {
		start := p.pos
		p.pos++
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errf(start, "condition nested too deeply")
		}
		x, err := p.parseUnary()
		p.depth--
		if err != nil {
			return nil, err
		}
		return &node{kind: nNot, pos: start, end: x.end, l: x}, nil
	}
	return p.parsePrimary()
}

func (p *condParser) parsePrimary() (*node, *Error) {
	p.skip()
	start := p.pos
	if p.pos >= len(p.src) {
		return nil, p.errf(p.pos, "expected a value, a runtime expression or '('")
	}
	c := p.src[p.pos]
	switch {
	case c == '(' || c == '{':
		closer := byte(')')
		if c == '{' {
			closer = '}'
		}
		p.pos++
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errf(start, "condition nested too deeply")
		}
		x, err := p.parseOr()
		p.depth--
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.pos >= len(p.src) || p.src[p.pos] != closer {
			return nil, p.errf(p.pos, "expected "+quote(string(closer))+" to close "+quote(string(c))+" at column "+itoa(start+1))
		}
		p.pos++
		x.pos, x.end = start, p.pos
		return x, nil
	case c == '$':
		if p.jsonpath && (p.pos+1 >= len(p.src) || !isAlpha(p.src[p.pos+1])) {
			return p.parsePath()
		}
		if !p.jsonpath && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '.' || p.src[p.pos+1] == '[') {
			return nil, p.errf(p.pos, "JSONPath is only allowed in a criterion of type jsonpath")
		}
		ref, err := parseRef(p.src, p.pos, modeCondition)
		if err != nil {
			return nil, err
		}
		p.pos = ref.End
		p.refs = append(p.refs, ref)
		return &node{kind: nRef, pos: start, end: p.pos, re: newRefEval(ref, p.src)}, nil
	case c == '\'' || c == '"':
		s, end, err := scanString(p.src, p.pos)
		if err != nil {
			return nil, err
		}
		p.pos = end
		return &node{kind: nLit, pos: start, end: end, lit: s}, nil
	case isDigit(c) || ((c == '-' || c == '+' || c == '.') && p.pos+1 < len(p.src) && (isDigit(p.src[p.pos+1]) || p.src[p.pos+1] == '.')):
		return p.parseNumber()
	case isAlpha(c) || c == '_':
		i := p.pos
		for i < len(p.src) && (isIdentChar(p.src[i])) {
			i++
		}
		word := p.src[p.pos:i]
		var v any
		switch word {
		case "true":
			v = true
		case "false":
			v = false
		case "null":
			v = nil
		default:
			return nil, p.errf(p.pos, "unexpected word "+quote(word)+"; strings must be quoted ('text')")
		}
		p.pos = i
		return &node{kind: nLit, pos: start, end: i, lit: v}, nil
	}
	return nil, p.errf(p.pos, "unexpected "+quote(p.rest())+"; expected a value, a runtime expression or '('")
}

func (p *condParser) parseNumber() (*node, *Error) {
	start := p.pos
	i := p.pos
	if p.src[i] == '-' || p.src[i] == '+' {
		i++
	}
	for i < len(p.src) && (isDigit(p.src[i]) || p.src[i] == '.') {
		i++
	}
	if i < len(p.src) && (p.src[i] == 'e' || p.src[i] == 'E') {
		i++
		if i < len(p.src) && (p.src[i] == '-' || p.src[i] == '+') {
			i++
		}
		for i < len(p.src) && isDigit(p.src[i]) {
			i++
		}
	}
	text := p.src[start:i]
	if strings.HasPrefix(text, ".") || strings.HasPrefix(text, "-.") || strings.HasPrefix(text, "+.") {
		text = strings.Replace(text, ".", "0.", 1)
	}
	n, ok := jsonvalue.ParseNumber(text)
	if !ok || (i < len(p.src) && isIdentChar(p.src[i])) {
		return nil, p.errf(start, "malformed number "+quote(p.src[start:i]))
	}
	p.pos = i
	return &node{kind: nLit, pos: start, end: i, lit: n.Value(), num: n, numOK: true}, nil
}

// jsonPath is a compiled JSONPath operand.
type jsonPath struct {
	text      string
	x         jp.Expr
	base      jp.Expr // the path without a trailing ".length", or nil
	hasFilter bool
	// splitX and splitBase: x and base are evaluated by getFiltered (see
	// splitFilters); directX and directBase: by getDirect.
	splitX, splitBase   bool
	directX, directBase bool
}

// newJSONPath makes the operand for text, parsed as x.
func newJSONPath(text string, x, base jp.Expr) *jsonPath {
	p := &jsonPath{text: text, x: x, base: base, hasFilter: strings.Contains(text, "?")}
	if p.hasFilter {
		p.splitX = splitFilters(x)
		p.splitBase = base != nil && splitFilters(base)
	}
	p.directX = isDirect(x)
	p.directBase = base != nil && isDirect(base)
	return p
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

func scanPathEnd(src string, start int) (int, *Error) {
	depth := 0
	i := start
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\'' || c == '"':
			if depth == 0 {
				return i, nil
			}
			_, end, err := scanString(src, i)
			if err != nil {
				return 0, err
			}
			i = end
			continue
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			if depth == 0 {
				return i, nil
			}
			depth--
		case depth == 0 && (isSpace(c) || strings.IndexByte("=!<>&|,}", c) >= 0):
			return i, nil
		}
		i++
	}
	if depth > 0 {
		return 0, &Error{Input: src, Offset: start, Msg: "unbalanced brackets in JSONPath"}
	}
	return i, nil
}

func compilePath(text string, off int, src string) (*jsonPath, *Error) {
	body := text
	if strings.HasSuffix(body, ".length()") {
		body = strings.TrimSuffix(body, "()")
	}
	x, perr := parseJP(body)
	if perr != nil {
		return nil, &Error{Input: src, Offset: off, Msg: "invalid JSONPath " + quote(text) + ": " + perr.Error()}
	}
	var base jp.Expr
	if strings.HasSuffix(body, ".length") {
		if b, perr := parseJP(strings.TrimSuffix(body, ".length")); perr == nil {
			base = b
		}
	}
	return newJSONPath(text, x, base), nil
}

// parseJP parses a JSONPath with ojg, turning its panic into an error with
// the text jp.ParseString's error has ("parse error at 3 in $.a == 1").
// It calls jp.MustParseString under its own recover because jp.ParseString
// wraps the panic with ojg.NewError, which captures debug.Stack(): for a
// criterion such as "$.success == true", which compileJSONPath first tries
// as a whole path, that stack capture was most of the criterion's compile
// time in a cold process.
func parseJP(s string) (x jp.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, jpSyntaxError(fmt.Sprintf("%v", r))
		}
	}()
	return jp.MustParseString(s), nil
}

// jpSyntaxError is ojg's message for a JSONPath it cannot parse.
type jpSyntaxError string

func (e jpSyntaxError) Error() string { return string(e) }

// getJP runs a query, turning a panic of the library into no result.
func getJP(x jp.Expr, data any) (res []any, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			res, ok = nil, false
		}
	}()
	return x.Get(data), true
}

// query returns the node list of x (the path or its base) on the context
// value; split and direct say x is evaluated by getFiltered or getDirect. The work
// is charged to st's meter first (see chargeJP); a library panic is an
// evaluation error recorded in st, never an empty result that could pass.
func (p *jsonPath) query(x jp.Expr, split, direct bool, st *evalState) []any {
	cv := st.cv
	if p.hasFilter && !split {
		// once per evaluation, however many filters the condition has
		if !st.normDone {
			st.norm, st.normDone = normalizeNumbers(cv), true
		}
		cv = st.norm
	}
	if st.meter != nil {
		st.meter.chargeJP(x, cv, cv)
	}
	var res []any
	var ok bool
	switch {
	case p.hasFilter && split:
		res, ok = getFiltered(x, cv)
	case direct:
		if res, ok = getDirect(x, cv); !ok {
			res, ok = getJP(x, cv)
		}
	default:
		res, ok = getJP(x, cv)
	}
	if !ok && st.err == "" {
		st.err = "JSONPath " + quote(p.text) + " evaluation failed"
	}
	return res
}

// normalizeNumbers returns v with every json.Number replaced by an int64 or
// float64, copying only the containers that change, so that JSONPath
// filters compare numbers.
func normalizeNumbers(v any) any {
	n, _ := jsonvalue.NativeNumbers(v)
	return n
}

// Eval evaluates the condition against env. A bare value passes only when
// it is true.
func (c *Condition) Eval(env Env) Outcome {
	o, _ := c.eval(env, nil, nil)
	return o
}

// References lists the runtime expressions of the condition in source
// order.
func (c *Condition) References() []*Reference { return c.refs }

// String returns the condition as written.
func (c *Condition) String() string { return c.src }

// evalState carries what one evaluation needs; it lives on the stack.
type evalState struct {
	env     Env
	cv      any
	missing []string
	err     string
	meter   *meter // nil: unmetered
	// norm is cv with numbers normalized for filters, once normDone.
	norm     any
	normDone bool
}

// eval evaluates the condition; m (nil for none) meters JSONPath work and
// may abort the evaluation by panicking (see meter.run).
func (c *Condition) eval(env Env, cv any, m *meter) (Outcome, error) {
	st := evalState{env: env, cv: cv, meter: m}
	var passed bool
	if c.jsonpath && c.root.kind == nPath {
		passed = len(c.root.path.query(c.root.path.x, c.root.path.splitX, c.root.path.directX, &st)) > 0
	} else {
		passed = isTrue(c.evalNode(c.root, &st))
	}
	if st.err != "" {
		return Outcome{Missing: st.missing, Detail: c.src + ": " + st.err}, &Error{Input: c.src, Msg: st.err}
	}
	if passed {
		return Outcome{Passed: true, Missing: st.missing}, nil
	}
	return Outcome{Missing: st.missing, Detail: c.detail(env, cv, m)}, nil
}

func isTrue(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

func (c *Condition) evalNode(n *node, st *evalState) any {
	switch n.kind {
	case nLit:
		return n.lit
	case nRef:
		v, ok := n.re.eval(st.env)
		if !ok {
			st.missing = append(st.missing, n.re.text)
			return nil
		}
		return v
	case nPath:
		return n.path.value(st)
	case nNot:
		return !isTrue(c.evalNode(n.l, st))
	case nAnd:
		return isTrue(c.evalNode(n.l, st)) && isTrue(c.evalNode(n.r, st))
	case nOr:
		return isTrue(c.evalNode(n.l, st)) || isTrue(c.evalNode(n.r, st))
	case nCmp:
		if n.r.kind == nLit && n.l.kind == nRef {
			// fast path for "<expression> <op> <literal>"
			l, ok := n.l.re.eval(st.env)
			if !ok {
				st.missing = append(st.missing, n.l.re.text)
				return compare(nil, n.op, n.r.lit)
			}
			if n.r.numOK {
				if ln, ok := jsonvalue.ToNumber(l); ok {
					return ordered(n.op, ln.Cmp(n.r.num))
				}
			}
			return compare(l, n.op, n.r.lit)
		}
		l := c.evalNode(n.l, st)
		r := c.evalNode(n.r, st)
		return compare(l, n.op, r)
	}
	return nil
}

// value returns the single node a JSONPath selects for a comparison.
func (p *jsonPath) value(st *evalState) any {
	res := p.query(p.x, p.splitX, p.directX, st)
	switch len(res) {
	case 1:
		return res[0]
	case 0:
		if p.base != nil {
			if b := p.query(p.base, p.splitBase, p.directBase, st); len(b) == 1 {
				if n, ok := lengthOf(b[0]); ok {
					return n
				}
			}
		}
		st.missing = append(st.missing, p.text)
		return nil
	}
	if st.err == "" {
		st.err = p.text + " selects " + strconv.Itoa(len(res)) + " nodes; a comparison needs exactly one"
	}
	return nil
}

// detail explains a failed condition: the condition and the values of its
// operands.
func (c *Condition) detail(env Env, cv any, m *meter) string {
	var b strings.Builder
	b.WriteString(c.src)
	b.WriteString(" is false")
	seen := map[string]bool{}
	sep := ": "
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		switch n.kind {
		case nRef:
			if seen[n.re.text] {
				return
			}
			seen[n.re.text] = true
			v, ok := n.re.eval(env)
			b.WriteString(sep)
			sep = ", "
			b.WriteString(n.re.text)
			switch {
			case !ok:
				b.WriteString(" is missing")
			case isSecret(env, n.re.ref):
				b.WriteString(" = ***")
			default:
				b.WriteString(" = ")
				b.WriteString(describe(v))
			}
		case nPath:
			if seen[n.path.text] {
				return
			}
			seen[n.path.text] = true
			st := evalState{env: env, cv: cv, meter: m}
			v := n.path.value(&st)
			b.WriteString(sep)
			sep = ", "
			b.WriteString(n.path.text)
			if len(st.missing) > 0 {
				b.WriteString(" selects nothing")
			} else {
				b.WriteString(" = ")
				b.WriteString(describe(v))
			}
		}
		walk(n.l)
		walk(n.r)
	}
	walk(c.root)
	return b.String()
}
