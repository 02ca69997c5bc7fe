package expression

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Pointer applies an RFC 6901 JSON pointer (without the leading '#') to a
// JSON-like value: map[string]any, []any (tokens are decimal indexes
// without leading zeros; "-" never exists), map[string]string, []string and
// http.Header (case-insensitive, first value). "~1" stands for '/' and "~0"
// for '~'. The empty pointer addresses the whole value. It reports false
// when the pointer is malformed or addresses nothing.
func Pointer(value any, ptr string) (any, bool) {
	return jsonvalue.Walk(value, ptr, member)
}

// parsePointer splits an RFC 6901 pointer into its decoded reference
// tokens. The error (an *Error) points at a malformed escape or a missing
// leading '/'.
func parsePointer(ptr string) ([]string, error) {
	if err := checkPointer(ptr, 0); err != nil {
		err.Input = ptr
		return nil, err
	}
	return splitPointer(ptr), nil
}

// checkPointer validates ptr; offsets in the error are base+position.
func checkPointer(ptr string, base int) *Error {
	if err := jsonvalue.Check(ptr); err != nil {
		se := err.(*jsonvalue.SyntaxError)
		return &Error{Offset: base + se.Offset, Msg: se.Msg}
	}
	return nil
}

// splitPointer splits a pointer checkPointer accepted.
func splitPointer(ptr string) []string {
	toks, _ := jsonvalue.Split(ptr)
	return toks
}

// member returns v[tok] for a pointer token.
func member(v any, tok string) (any, bool) {
	if h, ok := v.(http.Header); ok {
		return headerValue(h, tok)
	}
	return jsonvalue.Member(v, tok)
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

// headerValue looks a header up case-insensitively (decisions E6) and
// returns its single value: the only value, or several values joined with
// ", " as RFC 9110 §5.3 allows.
func headerValue(h http.Header, name string) (string, bool) {
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
