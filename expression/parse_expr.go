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

// mustParse is like Parse but panics on error; for tests and constants.
func mustParse(src string) *Expr {
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
