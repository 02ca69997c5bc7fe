package jsonvalue

import (
	"fmt"
	"strconv"
	"strings"
)

// SyntaxError is a malformed JSON pointer.
type SyntaxError struct {
	Pointer string // the pointer as given
	Offset  int    // byte offset of the problem in Pointer
	Msg     string // what is wrong
}

// Error returns the message and the quoted pointer.
func (e *SyntaxError) Error() string {
	return e.Msg + ": " + strconv.Quote(e.Pointer)
}

// EscapeToken escapes one reference token: '~' becomes "~0" and '/'
// becomes "~1". A token with neither is returned as is.
func EscapeToken(tok string) string {
	if strings.IndexByte(tok, '~') < 0 && strings.IndexByte(tok, '/') < 0 {
		return tok
	}
	var b strings.Builder
	b.Grow(len(tok) + 2)
	for i := 0; i < len(tok); i++ {
		switch c := tok[i]; c {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// UnescapeToken decodes one reference token: "~1" is '/' and "~0" is '~'.
// A '~' followed by anything else is kept as written; Check reports it.
func UnescapeToken(tok string) string {
	s, _ := unescape(tok)
	return s
}

// unescape is UnescapeToken reporting whether every '~' was an escape.
func unescape(tok string) (s string, ok bool) {
	if strings.IndexByte(tok, '~') < 0 {
		return tok, true
	}
	var b strings.Builder
	b.Grow(len(tok))
	ok = true
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c == '~' && i+1 < len(tok) && (tok[i+1] == '0' || tok[i+1] == '1') {
			if tok[i+1] == '0' {
				b.WriteByte('~')
			} else {
				b.WriteByte('/')
			}
			i++
			continue
		}
		if c == '~' {
			ok = false
		}
		b.WriteByte(c)
	}
	return b.String(), ok
}

// Join builds a pointer from unescaped reference tokens ("" for none).
func Join(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(EscapeToken(t))
	}
	return b.String()
}

// Check reports the first syntax error in ptr: a pointer is empty or
// starts with '/', and every '~' is followed by '0' or '1'.
func Check(ptr string) error {
	if ptr == "" {
		return nil
	}
	if ptr[0] != '/' {
		return &SyntaxError{Pointer: ptr, Msg: "JSON pointer must start with '/'"}
	}
	for i := 0; i < len(ptr); i++ {
		if ptr[i] == '~' && (i+1 >= len(ptr) || (ptr[i+1] != '0' && ptr[i+1] != '1')) {
			return &SyntaxError{Pointer: ptr, Offset: i, Msg: "'~' in a JSON pointer must be followed by 0 or 1"}
		}
	}
	return nil
}

// Split parses ptr into its decoded reference tokens (nil for ""). The
// error is a *SyntaxError.
func Split(ptr string) ([]string, error) {
	if err := Check(ptr); err != nil {
		return nil, err
	}
	if ptr == "" {
		return nil, nil
	}
	parts := strings.Split(ptr[1:], "/")
	for i, p := range parts {
		parts[i] = UnescapeToken(p)
	}
	return parts, nil
}

// Index parses an array index token (decimal, no sign, no leading zeros)
// and reports whether it addresses one of n items. "-" is never an index.
func Index(tok string, n int) (int, bool) {
	if tok == "" || len(tok) > 18 || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	i := 0
	for j := 0; j < len(tok); j++ {
		c := tok[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	if i >= n {
		return 0, false
	}
	return i, true
}

// Member returns v[tok] for a map[string]any, []any, map[string]string or
// []string, and false when v has no such member.
func Member(v any, tok string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		r, ok := x[tok]
		return r, ok
	case []any:
		i, ok := Index(tok, len(x))
		if !ok {
			return nil, false
		}
		return x[i], true
	case map[string]string:
		r, ok := x[tok]
		return r, ok
	case []string:
		i, ok := Index(tok, len(x))
		if !ok {
			return nil, false
		}
		return x[i], true
	}
	return nil, false
}

// Get returns the value ptr addresses in v ("" addresses v itself). It
// reports false when ptr is malformed or addresses nothing.
func Get(v any, ptr string) (any, bool) {
	return Walk(v, ptr, Member)
}

// Walk is Get with member looking up one decoded token in a value. It
// does not allocate unless a token holds an escape.
func Walk(v any, ptr string, member func(v any, tok string) (any, bool)) (any, bool) {
	if ptr == "" {
		return v, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	rest := ptr[1:]
	for {
		i := strings.IndexByte(rest, '/')
		tok := rest
		if i >= 0 {
			tok = rest[:i]
		}
		if strings.IndexByte(tok, '~') >= 0 {
			var ok bool
			if tok, ok = unescape(tok); !ok {
				return nil, false
			}
		}
		var ok bool
		if v, ok = member(v, tok); !ok {
			return nil, false
		}
		if i < 0 {
			return v, true
		}
		rest = rest[i+1:]
	}
}

// Set stores val at ptr in doc and returns the new document (doc itself,
// changed in place, unless ptr is "" or an array grew). Every parent
// must exist; the last token may name a new object member, and "-" or the
// array's length appends to an array.
func Set(doc any, ptr string, val any) (any, error) {
	toks, err := Split(ptr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return val, nil
	}
	return set(doc, toks, val)
}

func set(cur any, toks []string, val any) (any, error) {
	t, last := toks[0], len(toks) == 1
	switch c := cur.(type) {
	case map[string]any:
		if last {
			c[t] = val
			return c, nil
		}
		child, ok := c[t]
		if !ok {
			return nil, fmt.Errorf("no member %q", t)
		}
		nc, err := set(child, toks[1:], val)
		if err != nil {
			return nil, err
		}
		c[t] = nc
		return c, nil
	case []any:
		if last && (t == "-" || t == strconv.Itoa(len(c))) {
			return append(c, val), nil
		}
		n, ok := Index(t, len(c))
		if !ok {
			return nil, fmt.Errorf("bad array index %q", t)
		}
		if last {
			c[n] = val
			return c, nil
		}
		nc, err := set(c[n], toks[1:], val)
		if err != nil {
			return nil, err
		}
		c[n] = nc
		return c, nil
	}
	return nil, fmt.Errorf("cannot descend into %T at %q", cur, t)
}
