package jsonvalue

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Number is a normalised number (see the package documentation): an
// exact int64 or a float64.
type Number struct {
	i     int64
	f     float64
	isInt bool
}

// Int returns the value and true when n is an exact int64.
func (n Number) Int() (int64, bool) { return n.i, n.isInt }

// Float returns the value as a float64.
func (n Number) Float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// Value returns n as an int64 or a float64.
func (n Number) Value() any {
	if n.isInt {
		return n.i
	}
	return n.f
}

// ToNumber normalises the Go numeric types and json.Number. Strings are
// not numbers here; see ParseNumber.
func ToNumber(v any) (Number, bool) {
	switch x := v.(type) {
	case int:
		return Number{i: int64(x), isInt: true}, true
	case int64:
		return Number{i: x, isInt: true}, true
	case int32:
		return Number{i: int64(x), isInt: true}, true
	case int16:
		return Number{i: int64(x), isInt: true}, true
	case int8:
		return Number{i: int64(x), isInt: true}, true
	case uint:
		return fromUint(uint64(x)), true
	case uint64:
		return fromUint(x), true
	case uint32:
		return Number{i: int64(x), isInt: true}, true
	case uint16:
		return Number{i: int64(x), isInt: true}, true
	case uint8:
		return Number{i: int64(x), isInt: true}, true
	case float64:
		return Number{f: x}, true
	case float32:
		return Number{f: float64(x)}, true
	case json.Number:
		return ParseNumber(string(x))
	}
	return Number{}, false
}

func fromUint(x uint64) Number {
	if x > math.MaxInt64 {
		return Number{f: float64(x)}
	}
	return Number{i: int64(x), isInt: true}
}

// ParseNumber parses s when it has JSON number syntax (a leading '+' is
// accepted too); a magnitude beyond float64 becomes an infinity. It does
// not allocate.
func ParseNumber(s string) (Number, bool) {
	if !IsNumberText(s) {
		return Number{}, false
	}
	if strings.IndexAny(s, ".eE") < 0 {
		// (ParseInt's error for a fraction would allocate.)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return Number{i: i, isInt: true}, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return Number{}, false
	}
	return Number{f: f}, true
}

// IsNumberText reports whether s has JSON number syntax (a leading '+' is
// also accepted).
func IsNumberText(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	var ok bool
	if i, ok = digits(s, i); !ok {
		return false
	}
	if i < len(s) && s[i] == '.' {
		if i, ok = digits(s, i+1); !ok {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if i, ok = digits(s, i); !ok {
			return false
		}
	}
	return i == len(s)
}

// digits skips the decimal digits of s from i, reporting false when there
// is none.
func digits(s string, i int) (int, bool) {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i, i > start
}

// Cmp compares a and b: -1, 0 or 1, and 2 when they are unordered (a NaN).
// Two int64 values compare exactly, any other pair as float64 values.
func (a Number) Cmp(b Number) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	x, y := a.Float(), b.Float()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	}
	return 2
}

// NativeNumbers returns v with every json.Number replaced by its Value
// (an int64 or a float64), copying only the objects and arrays that
// change; changed reports whether anything did.
func NativeNumbers(v any) (out any, changed bool) {
	switch x := v.(type) {
	case map[string]any:
		var m map[string]any
		for k, e := range x {
			n, ch := NativeNumbers(e)
			if !ch {
				continue
			}
			if m == nil {
				m = make(map[string]any, len(x))
				for k2, e2 := range x {
					m[k2] = e2
				}
			}
			m[k] = n
		}
		if m == nil {
			return x, false
		}
		return m, true
	case []any:
		var s []any
		for i, e := range x {
			n, ch := NativeNumbers(e)
			if !ch {
				continue
			}
			if s == nil {
				s = make([]any, len(x))
				copy(s, x)
			}
			s[i] = n
		}
		if s == nil {
			return x, false
		}
		return s, true
	case json.Number:
		if n, ok := ToNumber(x); ok {
			return n.Value(), true
		}
	}
	return v, false
}
