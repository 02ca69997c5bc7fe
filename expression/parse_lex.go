package expression

import "strings"

// This file is the package's one lexer. Runtime expressions are read in
// three contexts, and the rules of what ends an expression, where
// whitespace is allowed, how strings are quoted and escaped, live here for
// all three:
//
//   - a whole value ("$response.body#/a"): the expression runs to the end
//     of the string;
//   - a template part ("…{$inputs.id}…"): an expression starts at "{$"
//     followed by a root word and ends at the '}' that closes it;
//   - a condition ("$statusCode == 200 && …"): expressions, literals and
//     operators are tokens separated by optional whitespace; free-form
//     names and pointers end at whitespace or an operator character.
//
// The lexer reads bytes at a position and hands out positioned items (the
// tokens of a condition) and positioned scans (the parts of a runtime
// expression, which the reference parser drives, since what ends a name
// depends on the grammar around it). Errors are *Error values with the
// byte offset, hence the column, of the problem.

// mode says where a runtime expression is being read; it decides where
// names and pointers stop.
type mode uint8

const (
	modeWhole     mode = iota // the whole string is one expression
	modeTemplate              // inside "{...}" of a template
	modeCondition             // inside a condition
)

// Character classes.

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isStrictChar matches identifier-strict (step and workflow ids, source
// names): ALPHA / DIGIT / "-" / "_".
func isStrictChar(c byte) bool { return isAlpha(c) || isDigit(c) || c == '-' || c == '_' }

// isIdentChar matches the characters of one dot-separated segment of an
// identifier.
func isIdentChar(c byte) bool { return isStrictChar(c) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// hasSpace reports whether s holds ASCII whitespace.
func hasSpace(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 128 && isSpace(byte(r)) }) >= 0
}

// isTchar matches RFC 9110 token characters.
func isTchar(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// The tolerance rules: what ends an expression in each context.

// stopsName reports whether c ends a free-form name (query/path names,
// source description references, JSON pointers) in mode m.
func stopsName(c byte, m mode) bool {
	if isSpace(c) || c == '{' || c == '}' {
		return true
	}
	if m == modeCondition {
		return strings.IndexByte("()=!<>&|'\",[]", c) >= 0
	}
	return false
}

// stopsHeader reports whether c, a token character, ends a header name in
// mode m: in a condition the operator characters do.
func stopsHeader(c byte, m mode) bool {
	return m == modeCondition && (c == '!' || c == '&' || c == '|' || c == '\'')
}

// stopsPath reports whether c, outside brackets, parentheses and quotes,
// ends a JSONPath operand of a condition.
func stopsPath(c byte) bool { return isSpace(c) || strings.IndexByte("=!<>&|,}", c) >= 0 }

// followsName reports whether the byte at i may follow an input or output
// name read as an identifier outside conditions: the end, '#', whitespace,
// '}' in a template, or a "[n]" / "['name']" selector. Anything else makes
// the name free text (see refParser.name).
func (l *lexer) followsName(i int) bool {
	src := l.src
	if i >= len(src) {
		return true
	}
	switch c := src[i]; {
	case c == '#' || isSpace(c):
		return true
	case c == '}' && l.mode == modeTemplate:
		return true
	case c == '[' && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '\'' || src[i+1] == '"'):
		return true
	}
	return false
}

// dottedEnd returns the end of the ".seg.seg…" identifier segments that
// start at src[i] (i when there are none).
func dottedEnd(src string, i int) int {
	for i+1 < len(src) && src[i] == '.' && isIdentChar(src[i+1]) {
		i += 2
		for i < len(src) && isIdentChar(src[i]) {
			i++
		}
	}
	return i
}

// endsRight reports whether an expression read in mode m may end at end:
// at the end of a whole value, at the '}' that closes a template part.
// Conditions do not care: the next token follows.
func endsRight(src string, end int, m mode) bool {
	if m == modeTemplate {
		return end < len(src) && src[end] == '}'
	}
	return end == len(src)
}

// rootWordAt returns the root word following the '$' at src[pos] and the
// offset after it, or ok=false when the letters there name no root.
func rootWordAt(src string, pos int) (Root, int, bool) {
	i := pos + 1
	for i < len(src) && isAlpha(src[i]) {
		i++
	}
	r, ok := rootWords[src[pos+1:i]]
	return r, i, ok
}

// startsExpression reports whether the text at src[pos] begins a runtime
// expression: '$' followed by one of the root words ($url, $inputs, ...).
func startsExpression(src string, pos int) bool {
	if pos >= len(src) || src[pos] != '$' {
		return false
	}
	_, end, ok := rootWordAt(src, pos)
	if !ok {
		return false
	}
	return end == len(src) || !isIdentChar(src[end])
}

// templateStart returns the offset of the next "{$" at or after from that
// opens an embedded expression ("{" followed by a runtime expression), or
// -1. Other braces are literal text.
func templateStart(src string, from int) int {
	for {
		j := strings.Index(src[from:], "{$")
		if j < 0 {
			return -1
		}
		j += from
		if startsExpression(src, j+1) {
			return j
		}
		from = j + 1
	}
}

// lexer reads src from pos under the rules of one mode.
type lexer struct {
	src  string
	pos  int
	mode mode
	// peeked is the condition item at pos, once lexed by peekItem.
	peeked  item
	hasPeek bool
}

func (l *lexer) errf(off int, msg string) *Error {
	return &Error{Input: l.src, Offset: off, Msg: msg}
}

// peek returns the byte at pos, or 0 at the end.
func (l *lexer) peek() byte {
	if l.pos < len(l.src) {
		return l.src[l.pos]
	}
	return 0
}

// at reports whether the byte at pos+k exists and satisfies ok.
func (l *lexer) at(k int, ok func(byte) bool) bool {
	return l.pos+k < len(l.src) && ok(l.src[l.pos+k])
}

// has reports whether the text at pos begins with s.
func (l *lexer) has(s string) bool { return strings.HasPrefix(l.src[l.pos:], s) }

// expect consumes the literal s.
func (l *lexer) expect(s, what string) *Error {
	if l.has(s) {
		l.pos += len(s)
		return nil
	}
	return l.errf(l.pos, "expected "+what)
}

// span consumes the bytes accepted by ok and returns them (maybe "").
func (l *lexer) span(ok func(byte) bool) string {
	start := l.pos
	for l.pos < len(l.src) && ok(l.src[l.pos]) {
		l.pos++
	}
	return l.src[start:l.pos]
}

// word reads 1*(bytes accepted by ok).
func (l *lexer) word(ok func(byte) bool, what string) (string, *Error) {
	start := l.pos
	if s := l.span(ok); s != "" {
		return s, nil
	}
	return "", l.errf(start, "expected "+what)
}

// freeName reads a name that stops only at the mode's stop characters.
func (l *lexer) freeName(what string) (string, *Error) {
	start := l.pos
	for l.pos < len(l.src) && !stopsName(l.src[l.pos], l.mode) {
		l.pos++
	}
	if l.pos == start {
		return "", l.errf(start, "expected "+what)
	}
	return l.src[start:l.pos], nil
}

// looseName reads a free-text name (the 1.0 grammar's *CHAR) up to '#' or
// the mode's stop characters.
func (l *lexer) looseName() string {
	start := l.pos
	for l.pos < len(l.src) && l.src[l.pos] != '#' && !stopsName(l.src[l.pos], l.mode) {
		l.pos++
	}
	return l.src[start:l.pos]
}

// pointer reads the text of a JSON pointer after '#', up to the mode's
// stop characters.
func (l *lexer) pointer() string {
	start := l.pos
	for l.pos < len(l.src) && !stopsName(l.src[l.pos], l.mode) {
		l.pos++
	}
	return l.src[start:l.pos]
}

// headerName reads an RFC 9110 token, ended early in a condition by the
// operator characters.
func (l *lexer) headerName() (string, *Error) {
	start := l.pos
	for l.pos < len(l.src) && isTchar(l.src[l.pos]) && !stopsHeader(l.src[l.pos], l.mode) {
		l.pos++
	}
	if l.pos == start {
		return "", l.errf(start, "expected a header name")
	}
	return l.src[start:l.pos], nil
}

// skipSpace consumes whitespace.
func (l *lexer) skipSpace() {
	for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
		l.pos++
	}
}

// rest is the text from pos for an error message, cut at 20 bytes.
func (l *lexer) rest() string {
	r := l.src[l.pos:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

// quoted reads the quoted string at pos (a ' or ").
func (l *lexer) quoted() (string, *Error) {
	s, end, err := scanString(l.src, l.pos)
	if err != nil {
		return "", err
	}
	l.pos = end
	return s, nil
}

// scanString reads a quoted string starting at src[pos] (a ' or ").
// Single-quoted strings escape a quote by doubling it (”); double-quoted
// strings accept "" and the JSON backslash escapes.
func scanString(src string, pos int) (string, int, *Error) {
	q := src[pos]
	var b strings.Builder
	simple := true
	i := pos + 1
	for i < len(src) {
		c := src[i]
		if c == q {
			if i+1 < len(src) && src[i+1] == q {
				if simple {
					b.WriteString(src[pos+1 : i])
					simple = false
				}
				b.WriteByte(q)
				i += 2
				continue
			}
			if simple {
				return src[pos+1 : i], i + 1, nil
			}
			return b.String(), i + 1, nil
		}
		if c == '\\' && q == '"' {
			if simple {
				b.WriteString(src[pos+1 : i])
				simple = false
			}
			if i+1 >= len(src) {
				break
			}
			e := src[i+1]
			switch e {
			case '"', '\\', '/', '\'':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if i+6 > len(src) {
					return "", 0, &Error{Input: src, Offset: i, Msg: "bad \\u escape"}
				}
				r := 0
				for _, h := range []byte(src[i+2 : i+6]) {
					var d int
					switch {
					case isDigit(h):
						d = int(h - '0')
					case 'a' <= h && h <= 'f':
						d = int(h-'a') + 10
					case 'A' <= h && h <= 'F':
						d = int(h-'A') + 10
					default:
						return "", 0, &Error{Input: src, Offset: i, Msg: "bad \\u escape"}
					}
					r = r*16 + d
				}
				b.WriteRune(rune(r))
				i += 6
				continue
			default:
				return "", 0, &Error{Input: src, Offset: i, Msg: "unknown escape \\" + string(e)}
			}
			i += 2
			continue
		}
		if !simple {
			b.WriteByte(c)
		}
		i++
	}
	return "", 0, &Error{Input: src, Offset: pos, Msg: "unterminated string"}
}

// scanPathEnd returns the end of the JSONPath operand that starts at
// src[start]: whitespace or an operator outside brackets, parentheses and
// quotes (stopsPath).
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
		case depth == 0 && stopsPath(c):
			return i, nil
		}
		i++
	}
	if depth > 0 {
		return 0, &Error{Input: src, Offset: start, Msg: "unbalanced brackets in JSONPath"}
	}
	return i, nil
}

// itemType is the kind of a condition token.
type itemType uint8

const (
	itemEOF    itemType = iota
	itemOr              // ||
	itemAnd             // &&
	itemCmp             // == != < <= > >=
	itemAssign          // a lone '=' (a mistake for '==')
	itemNot             // ! (not followed by '=')
	itemOpen            // ( or {
	itemClose           // ) or }
	itemDollar          // '$': a runtime expression or a JSONPath, read by their parsers
	itemQuote           // the quote that starts a string, read by quoted
	itemNumber          // a number; val is its text
	itemWord            // a word (true, false, null, or a mistake)
	itemOther           // anything else
)

// item is one token of a condition, at src[pos:end]. An itemDollar or an
// itemQuote covers only its first byte: the reference, JSONPath or string
// parser it starts reads the rest.
type item struct {
	typ      itemType
	pos, end int
	op       cmpOp  // itemCmp
	val      string // itemNumber, itemWord
}

// peekItem returns the condition token after optional whitespace, without
// consuming it (the whitespace is consumed).
func (l *lexer) peekItem() item {
	l.skipSpace()
	if l.hasPeek && l.peeked.pos == l.pos {
		return l.peeked
	}
	l.peeked, l.hasPeek = l.lexItem(), true
	return l.peeked
}

// nextItem consumes and returns the condition token after optional
// whitespace.
func (l *lexer) nextItem() item {
	it := l.peekItem()
	l.pos = it.end
	return it
}

// lexItem lexes the condition token at pos.
func (l *lexer) lexItem() item {
	src, i := l.src, l.pos
	it := item{pos: i, end: i + 1}
	if i >= len(src) {
		it.typ, it.end = itemEOF, i
		return it
	}
	two := ""
	if i+1 < len(src) {
		two = src[i : i+2]
	}
	switch two {
	case "||":
		it.typ, it.end = itemOr, i+2
		return it
	case "&&":
		it.typ, it.end = itemAnd, i+2
		return it
	case "==", "!=", "<=", ">=":
		it.typ, it.end, it.op = itemCmp, i+2, opOf(two)
		return it
	}
	c := src[i]
	switch {
	case c == '<' || c == '>':
		it.typ, it.op = itemCmp, opOf(src[i:i+1])
	case c == '=':
		it.typ = itemAssign
	case c == '!':
		it.typ = itemNot
	case c == '(' || c == '{':
		it.typ = itemOpen
	case c == ')' || c == '}':
		it.typ = itemClose
	case c == '$':
		it.typ = itemDollar
	case c == '\'' || c == '"':
		it.typ = itemQuote
	case isDigit(c) || ((c == '-' || c == '+' || c == '.') && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '.')):
		it.typ, it.end = itemNumber, numberEnd(src, i)
		it.val = src[i:it.end]
	case isAlpha(c) || c == '_':
		j := i
		for j < len(src) && isIdentChar(src[j]) {
			j++
		}
		it.typ, it.end, it.val = itemWord, j, src[i:j]
	default:
		it.typ = itemOther
	}
	return it
}

// opOf is the comparison operator written s.
func opOf(s string) cmpOp {
	switch s {
	case "!=":
		return opNe
	case "<":
		return opLt
	case "<=":
		return opLe
	case ">":
		return opGt
	case ">=":
		return opGe
	}
	return opEq
}

// numberEnd returns the end of the number that starts at src[i]: a sign,
// digits and dots, an exponent.
func numberEnd(src string, i int) int {
	if src[i] == '-' || src[i] == '+' {
		i++
	}
	for i < len(src) && (isDigit(src[i]) || src[i] == '.') {
		i++
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '-' || src[i] == '+') {
			i++
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	return i
}
