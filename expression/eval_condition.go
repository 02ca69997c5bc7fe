package expression

import (
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Check evaluates the condition against env and explains a failure. A
// bare value passes only when it is true.
func (c *Condition) Check(env Env) Outcome {
	o, _ := c.eval(env, nil, nil)
	return o
}

// Eval evaluates the condition to whether it passed; it implements Value.
// Missing references evaluate to null and are listed in missing, as
// written. The error is always nil (a simple condition cannot fail to
// evaluate).
func (c *Condition) Eval(env Env) (passed any, missing []string, err error) {
	o := c.Check(env)
	return o.Passed, o.Missing, nil
}

// evalState carries what one evaluation needs; it lives on the stack.
type evalState struct {
	env     Env
	cv      any
	missing []string
	err     string
	meter   *meter // nil: unmetered
	// norm is cv with numbers normalized for filters, once normDone.
	norm     any
	normDone bool
}

// eval evaluates the condition; m (nil for none) meters JSONPath work and
// may abort the evaluation by panicking (see meter.run).
func (c *Condition) eval(env Env, cv any, m *meter) (Outcome, error) {
	st := evalState{env: env, cv: cv, meter: m}
	var passed bool
	if c.jsonpath && c.root.kind == nPath {
		passed = len(c.root.path.query(c.root.path.x, c.root.path.splitX, c.root.path.directX, &st)) > 0
	} else {
		passed = isTrue(c.evalNode(c.root, &st))
	}
	if st.err != "" {
		return Outcome{Missing: st.missing, Detail: c.src + ": " + st.err}, &Error{Input: c.src, Msg: st.err}
	}
	if passed {
		return Outcome{Passed: true, Missing: st.missing}, nil
	}
	return Outcome{Missing: st.missing, Detail: c.detail(env, cv, m)}, nil
}

func isTrue(v any) bool {
	b, ok := v.(bool)
	return ok && b
}

func (c *Condition) evalNode(n *node, st *evalState) any {
	switch n.kind {
	case nLit:
		return n.lit
	case nRef:
		v, ok := n.re.eval(st.env)
		if !ok {
			st.missing = append(st.missing, n.re.text)
			return nil
		}
		return v
	case nPath:
		return n.path.value(st)
	case nNot:
		return !isTrue(c.evalNode(n.l, st))
	case nAnd:
		return isTrue(c.evalNode(n.l, st)) && isTrue(c.evalNode(n.r, st))
	case nOr:
		return isTrue(c.evalNode(n.l, st)) || isTrue(c.evalNode(n.r, st))
	case nCmp:
		if n.r.kind == nLit && n.l.kind == nRef {
			// fast path for "<expression> <op> <literal>"
			l, ok := n.l.re.eval(st.env)
			if !ok {
				st.missing = append(st.missing, n.l.re.text)
				return compare(nil, n.op, n.r.lit)
			}
			if n.r.numOK {
				if ln, ok := jsonvalue.ToNumber(l); ok {
					return ordered(n.op, ln.Cmp(n.r.num))
				}
			}
			return compare(l, n.op, n.r.lit)
		}
		l := c.evalNode(n.l, st)
		r := c.evalNode(n.r, st)
		return compare(l, n.op, r)
	}
	return nil
}

// detail explains a failed condition: the condition and the values of its
// operands.
func (c *Condition) detail(env Env, cv any, m *meter) string {
	var b strings.Builder
	b.WriteString(c.src)
	b.WriteString(" is false")
	seen := map[string]bool{}
	sep := ": "
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		switch n.kind {
		case nRef:
			if seen[n.re.text] {
				return
			}
			seen[n.re.text] = true
			v, ok := n.re.eval(env)
			b.WriteString(sep)
			sep = ", "
			b.WriteString(n.re.text)
			switch {
			case !ok:
				b.WriteString(" is missing")
			case isSecret(env, n.re.ref):
				b.WriteString(" = ***")
			default:
				b.WriteString(" = ")
				b.WriteString(describe(v))
			}
		case nPath:
			if seen[n.path.text] {
				return
			}
			seen[n.path.text] = true
			st := evalState{env: env, cv: cv, meter: m}
			v := n.path.value(&st)
			b.WriteString(sep)
			sep = ", "
			b.WriteString(n.path.text)
			if len(st.missing) > 0 {
				b.WriteString(" selects nothing")
			} else {
				b.WriteString(" = ")
				b.WriteString(describe(v))
			}
		}
		walk(n.l)
		walk(n.r)
	}
	walk(c.root)
	return b.String()
}
