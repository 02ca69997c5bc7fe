package expression

import (
	"net/http"
	"strconv"
	"strings"
)

// Pointer applies an RFC 6901 JSON pointer (without the leading '#') to a
// JSON-like value: map[string]any, []any (tokens are decimal indexes
// without leading zeros; "-" never exists), map[string]string, []string and
// http.Header (case-insensitive, first value). "~1" stands for '/' and "~0"
// for '~'. The empty pointer addresses the whole value. It reports false
// when the pointer is malformed or addresses nothing.
func Pointer(value any, ptr string) (any, bool) {
	if ptr == "" {
		return value, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	v := value
	rest := ptr[1:]
	for {
		i := strings.IndexByte(rest, '/')
		tok := rest
		if i >= 0 {
			tok = rest[:i]
		}
		if strings.IndexByte(tok, '~') >= 0 {
			var ok bool
			if tok, ok = unescapeToken(tok); !ok {
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

// ParsePointer splits an RFC 6901 pointer into its decoded reference
// tokens. The error (an *Error) points at a malformed escape or a missing
// leading '/'.
func ParsePointer(ptr string) ([]string, error) {
	if err := checkPointer(ptr, 0); err != nil {
		err.Input = ptr
		return nil, err
	}
	return splitPointer(ptr), nil
}

// checkPointer validates ptr; offsets in the error are base+position.
func checkPointer(ptr string, base int) *Error {
	if ptr == "" {
		return nil
	}
	if ptr[0] != '/' {
		return &Error{Offset: base, Msg: "JSON pointer must start with '/'"}
	}
	for i := 0; i < len(ptr); i++ {
		if ptr[i] == '~' {
			if i+1 >= len(ptr) || (ptr[i+1] != '0' && ptr[i+1] != '1') {
				return &Error{Offset: base + i, Msg: "'~' in a JSON pointer must be followed by 0 or 1"}
			}
		}
	}
	return nil
}

func splitPointer(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(ptr[1:], "/")
	for i, p := range parts {
		if strings.IndexByte(p, '~') >= 0 {
			parts[i], _ = unescapeToken(p)
		}
	}
	return parts
}

func unescapeToken(tok string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c != '~' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(tok) {
			return "", false
		}
		switch tok[i+1] {
		case '0':
			b.WriteByte('~')
		case '1':
			b.WriteByte('/')
		default:
			return "", false
		}
		i++
	}
	return b.String(), true
}

// EscapePointerToken escapes '~' and '/' in a reference token.
func EscapePointerToken(tok string) string {
	if strings.IndexByte(tok, '~') < 0 && strings.IndexByte(tok, '/') < 0 {
		return tok
	}
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

// member returns v[tok] for a pointer token.
func member(v any, tok string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		r, ok := x[tok]
		return r, ok
	case []any:
		i, ok := arrayIndex(tok, len(x))
		if !ok {
			return nil, false
		}
		return x[i], true
	case map[string]string:
		r, ok := x[tok]
		return r, ok
	case []string:
		i, ok := arrayIndex(tok, len(x))
		if !ok {
			return nil, false
		}
		return x[i], true
	case http.Header:
		return HeaderValue(x, tok)
	}
	return nil, false
}

// arrayIndex parses an RFC 6901 array index (no sign, no leading zeros).
func arrayIndex(tok string, n int) (int, bool) {
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

// applySelector applies one E2 dereference.
func applySelector(v any, s *Selector) (any, bool) {
	if s.IsIndex {
		switch x := v.(type) {
		case []any:
			if s.Index < 0 || s.Index >= len(x) {
				return nil, false
			}
			return x[s.Index], true
		case []string:
			if s.Index < 0 || s.Index >= len(x) {
				return nil, false
			}
			return x[s.Index], true
		case map[string]any:
			r, ok := x[strconv.Itoa(s.Index)]
			return r, ok
		}
		return nil, false
	}
	if r, ok := member(v, s.Name); ok {
		return r, true
	}
	if s.Name == "length" {
		if n, ok := lengthOf(v); ok {
			return n, true
		}
	}
	return nil, false
}

// HeaderValue looks a header up case-insensitively (decisions E6) and
// returns its single value: the only value, or several values joined with
// ", " as RFC 9110 §5.3 allows.
func HeaderValue(h http.Header, name string) (string, bool) {
	vs, ok := h[name]
	if !ok {
		vs, ok = h[http.CanonicalHeaderKey(name)]
	}
	if !ok {
		for k, v := range h {
			if strings.EqualFold(k, name) {
				vs, ok = v, true
				break
			}
		}
	}
	if !ok || len(vs) == 0 {
		return "", false
	}
	if len(vs) == 1 {
		return vs[0], true
	}
	return strings.Join(vs, ", "), true
}
