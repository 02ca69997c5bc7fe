package expression

// refEval is a compiled reference: the pointer split into tokens and the
// dotted-name alternatives precomputed, so evaluation does not allocate.
type refEval struct {
	ref  *Reference
	ptr  []string
	alts []*refEval
	text string // as written, selectors included
}

func newRefEval(ref *Reference, src string) *refEval {
	re := &refEval{ref: ref, ptr: splitPointer(ref.Pointer), text: src[ref.Pos:ref.End]}
	for _, a := range ref.alternatives() {
		re.alts = append(re.alts, &refEval{ref: a, ptr: re.ptr, text: re.text})
	}
	return re
}

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

// Expr is a compiled runtime expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	re *refEval
}

// Parse parses a string that is exactly one runtime expression
// ("$inputs.id", "$response.body#/a/0", "$steps.s.outputs.list[0].id").
// Errors are *Error values with the byte offset of the problem.
func Parse(src string) (*Expr, error) {
	ref, err := parseRefLoose(src, 0, modeWhole)
	if err != nil {
		return nil, err
	}
	if ref.End != len(src) {
		return nil, &Error{Input: src, Offset: ref.End, Msg: "unexpected " + quote(src[ref.End:]) + " after the runtime expression"}
	}
	return &Expr{re: newRefEval(ref, src)}, nil
}

// MustParse is like Parse but panics on error; for tests and constants.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

// Reference returns the parsed reference.
func (e *Expr) Reference() *Reference { return e.re.ref }

// References returns the expression's reference as a one-element list.
func (e *Expr) References() []*Reference { return []*Reference{e.re.ref} }

// String returns the expression as written.
func (e *Expr) String() string { return e.re.text }

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
