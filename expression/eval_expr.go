package expression

// eval resolves the reference and applies its pointer and selectors.
func (r *refEval) eval(env Env) (any, bool) {
	v, ok := env.Resolve(r.ref)
	if ok && r.ptr == nil && len(r.ref.Selectors) == 0 {
		return v, true
	}
	if !ok {
		for _, a := range r.alts {
			if v, ok = env.Resolve(a.ref); ok {
				return a.apply(v)
			}
		}
		return nil, false
	}
	return r.apply(v)
}

func (r *refEval) apply(v any) (any, bool) {
	for _, tok := range r.ptr {
		var ok bool
		if v, ok = member(v, tok); !ok {
			return nil, false
		}
	}
	sels := r.ref.Selectors
	for i := range sels {
		var ok bool
		if v, ok = applySelector(v, &sels[i]); !ok {
			return nil, false
		}
	}
	return v, true
}

// Eval evaluates the expression; it implements Value. The value keeps its
// JSON type (decisions E1). A missing value yields nil, with the
// expression as written in missing. The error is always nil.
func (e *Expr) Eval(env Env) (v any, missing []string, err error) {
	v, ok := e.re.eval(env)
	if !ok {
		return nil, []string{e.re.text}, nil
	}
	return v, nil, nil
}
