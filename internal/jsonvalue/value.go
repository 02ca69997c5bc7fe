package jsonvalue

import "reflect"

// Copy returns a deep copy of a decoded value: every map[string]any and
// []any is copied; other values are shared (they are immutable).
func Copy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = Copy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = Copy(x)
		}
		return s
	}
	return v
}

// Equal reports whether two decoded values are equal: objects with the
// same members, arrays item by item, numbers under the package's number
// rule (so 1, 1.0 and json.Number("1") are equal), strings and booleans
// exactly, null only with null. Values of other types are equal when
// reflect.DeepEqual says so.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	if an, ok := ToNumber(a); ok {
		bn, ok := ToNumber(b)
		return ok && an.Cmp(bn) == 0
	}
	if _, ok := ToNumber(b); ok {
		return false
	}
	return reflect.DeepEqual(a, b)
}
