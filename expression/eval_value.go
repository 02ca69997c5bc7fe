package expression

// Render evaluates the template to a string (see stringify for how values
// are inserted). Missing references insert nothing and are listed in
// missing, as written.
func (t *Template) Render(env Env) (s string, missing []string) {
	s, missing, _ = t.renderMax(env, -1)
	return s, missing
}

// renderMax is Render that gives up (ok false) once the text is longer
// than max bytes; max < 0 means no limit.
func (t *Template) renderMax(env Env, max int) (s string, missing []string, ok bool) {
	if len(t.parts) == 1 && t.parts[0].re == nil {
		return t.parts[0].lit, nil, max < 0 || len(t.parts[0].lit) <= max
	}
	b := make([]byte, 0, len(t.src)+32)
	for _, p := range t.parts {
		if max >= 0 && len(b) > max {
			return "", missing, false
		}
		if p.re == nil {
			b = append(b, p.lit...)
			continue
		}
		v, ok := p.re.eval(env)
		if !ok {
			missing = append(missing, p.re.text)
			continue
		}
		switch x := v.(type) {
		case string:
			b = append(b, x...)
		case []byte:
			b = append(b, x...)
		case nil:
		default:
			b = appendScalarOrJSON(b, v)
		}
	}
	if max >= 0 && len(b) > max {
		return "", missing, false
	}
	return unsafeString(b), missing, true
}

func appendScalarOrJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case bool:
		if x {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	}
	return appendJSON(b, v)
}

// Eval renders the template; it implements Value.
func (t *Template) Eval(env Env) (any, []string, error) {
	s, missing := t.Render(env)
	return s, missing, nil
}

func (l literalValue) Eval(Env) (any, []string, error) { return l.v, nil, nil }
func (l literalValue) References() []*Reference        { return nil }

func (m *mapValue) Eval(env Env) (any, []string, error) {
	out := make(map[string]any, len(m.keys))
	var missing []string
	for i, k := range m.keys {
		v, miss, err := m.vals[i].Eval(env)
		if err != nil {
			return nil, missing, err
		}
		missing = append(missing, miss...)
		out[k] = v
	}
	return out, missing, nil
}

func (s *sliceValue) Eval(env Env) (any, []string, error) {
	out := make([]any, len(s.vals))
	var missing []string
	for i, c := range s.vals {
		v, miss, err := c.Eval(env)
		if err != nil {
			return nil, missing, err
		}
		missing = append(missing, miss...)
		out[i] = v
	}
	return out, missing, nil
}
