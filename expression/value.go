package expression

import (
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/weftflow/weft/internal/jsonvalue"
)

func itoa(i int) string     { return strconv.Itoa(i) }
func quote(s string) string { return strconv.Quote(s) }

// cmpOp is a comparison operator of a simple condition.
type cmpOp uint8

const (
	opEq cmpOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

var opText = [...]string{"==", "!=", "<", "<=", ">", ">="}

func (o cmpOp) String() string { return opText[o] }

// ordered applies an ordering operator to the result of a three-way
// comparison (2 meaning unordered).
func ordered(op cmpOp, c int) bool {
	if c == 2 {
		return op == opNe
	}
	switch op {
	case opEq:
		return c == 0
	case opNe:
		return c != 0
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	case opGe:
		return c >= 0
	}
	return false
}

// Compare applies a comparison operator ("==", "!=", "<", "<=", ">", ">=")
// with the rules of simple conditions (decisions E2): null equals only
// null and orders with nothing; numbers compare numerically across every
// numeric Go type and json.Number; a numeric string compared with a number
// is converted; two strings compare case-insensitively (numerically when an
// ordering operator sees two numeric strings); booleans compare with
// booleans (and with the strings "true"/"false"); arrays and objects are
// equal when their members are. Unknown operators yield false.
func Compare(a any, op string, b any) bool {
	for i, t := range opText {
		if t == op {
			return compare(a, cmpOp(i), b)
		}
	}
	return false
}

func compare(a any, op cmpOp, b any) bool {
	if a == nil || b == nil {
		both := a == nil && b == nil
		switch op {
		case opEq:
			return both
		case opNe:
			return !both
		}
		return false
	}
	if an, ok := jsonvalue.ToNumber(a); ok {
		if bn, ok := jsonvalue.ToNumber(b); ok {
			return ordered(op, an.Cmp(bn))
		}
		if s, ok := textOf(b); ok {
			if bn, ok := jsonvalue.ParseNumber(strings.TrimSpace(s)); ok {
				return ordered(op, an.Cmp(bn))
			}
		}
		return op == opNe
	}
	if as, ok := textOf(a); ok {
		if bn, ok := jsonvalue.ToNumber(b); ok {
			if an, ok := jsonvalue.ParseNumber(strings.TrimSpace(as)); ok {
				return ordered(op, an.Cmp(bn))
			}
			return op == opNe
		}
		if bs, ok := textOf(b); ok {
			if op != opEq && op != opNe {
				if an, ok := jsonvalue.ParseNumber(strings.TrimSpace(as)); ok {
					if bn, ok := jsonvalue.ParseNumber(strings.TrimSpace(bs)); ok {
						return ordered(op, an.Cmp(bn))
					}
				}
			}
			return ordered(op, foldCompare(as, bs))
		}
		if bb, ok := b.(bool); ok && (op == opEq || op == opNe) {
			return ordered(op, boolTextCmp(as, bb))
		}
		return op == opNe
	}
	if ab, ok := a.(bool); ok {
		switch y := b.(type) {
		case bool:
			if op == opEq {
				return ab == y
			}
			if op == opNe {
				return ab != y
			}
			return false
		}
		if bs, ok := textOf(b); ok && (op == opEq || op == opNe) {
			return ordered(op, boolTextCmp(bs, ab))
		}
		return op == opNe
	}
	if op == opEq {
		return deepEqual(a, b)
	}
	if op == opNe {
		return !deepEqual(a, b)
	}
	return false
}

func boolTextCmp(s string, b bool) int {
	if strings.EqualFold(strings.TrimSpace(s), strconv.FormatBool(b)) {
		return 0
	}
	return 1
}

// textOf returns the text of a string or []byte.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

// foldCompare compares two strings case-insensitively (Unicode simple
// folding) without allocating.
func foldCompare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		a, b = a[na:], b[nb:]
		if ra == rb {
			continue
		}
		la, lb := lowerRune(ra), lowerRune(rb)
		if la == lb {
			continue
		}
		if la < lb {
			return -1
		}
		return 1
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

func lowerRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// deepEqual compares values with the equality rules of compare, member by
// member.
func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !compare(x[i], opEq, y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !compare(v, opEq, w) {
				return false
			}
		}
		return true
	}
	return false
}

// lengthOf returns the length of an array, a string (in characters) or an
// object.
func lengthOf(v any) (int, bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case string:
		return utf8.RuneCountInString(x), true
	case map[string]any:
		return len(x), true
	case []string:
		return len(x), true
	case map[string]string:
		return len(x), true
	}
	return 0, false
}

// stringify returns the text form of a value as it is inserted into a
// template (decisions E1): strings and []byte as they are, null as the
// empty string, numbers and booleans in their JSON form, arrays and objects
// as JSON (object members sorted by name).
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		return string(x)
	}
	return string(appendJSON(nil, v))
}

// appendJSON appends the JSON encoding of a JSON-like value to buf without
// reflection: nil, bool, string, []byte (as a string), the numeric types,
// json.Number, []any, []string, map[string]any, map[string]string and
// http.Header. Other types are encoded as JSON strings of their Go value.
//
// It is kept because it pays for itself: against encoding/json (Encoder,
// no HTML escaping) in the same run, BenchmarkAppendJSON measured it 2.1×
// faster on a small output object (5 allocations instead of 11), 1.8× and
// 2.1× on decoded 10 KB and 100 KB bodies (117 and 1034 allocations instead of
// 1109 and 11075); its form is also the template form of decisions E1,
// which encoding/json does not write for []byte, U+2028 and U+2029
// (docs/performance.md, section hotpath).
func appendJSON(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, x)
	case string:
		return appendJSONString(buf, x)
	case []byte:
		return appendJSONString(buf, string(x))
	case json.Number:
		if jsonvalue.IsNumberText(string(x)) {
			return append(buf, x...)
		}
		return appendJSONString(buf, string(x))
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e)
		}
		return append(buf, ']')
	case []string:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, e)
		}
		return append(buf, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			buf = appendJSON(buf, x[k])
		}
		return append(buf, '}')
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return appendJSON(buf, m)
	case http.Header:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = strings.Join(s, ", ")
		}
		return appendJSON(buf, m)
	}
	if n, ok := jsonvalue.ToNumber(v); ok {
		if i, ok := n.Int(); ok {
			return strconv.AppendInt(buf, i, 10)
		}
		return appendFloat(buf, n.Float())
	}
	return appendJSONString(buf, "<unsupported value>")
}

// appendFloat formats like encoding/json; NaN and infinities become null.
func appendFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(buf, f, format, -1, 64)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			buf = append(buf, `\ufffd`...)
		} else {
			buf = append(buf, s[i:i+n]...)
		}
		i += n
	}
	return append(buf, '"')
}

// describe renders a value briefly for failure details.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return truncate(strconv.Quote(x))
	case []byte:
		return truncate(strconv.Quote(string(x)))
	}
	return truncate(string(appendJSON(nil, v)))
}

func truncate(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// unsafeString converts a byte slice that is never written again to a
// string without copying.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
