package jsonvalue

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
