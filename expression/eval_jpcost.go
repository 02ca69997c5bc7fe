package expression

import (
	"strings"

	"github.com/ohler55/ojg/jp"
)

// ojg evaluates a JSONPath in one go, with neither a context nor a bound:
// "$..*..*..*" over a few kilobytes of nested JSON produces billions of
// nodes. Before ojg runs, chargeJP walks the same query fragment by
// fragment over the current node set, charging every node it visits and
// produces to the meter, which aborts the evaluation past the budget or
// when the context is done. The walk is an upper bound of ojg's work: a
// filter is charged for every nested path of its script on every
// candidate, and is assumed to keep every candidate. Only when the walk
// fits the budget does ojg compute the result, so results are ojg's own.

// chargeJP charges the evaluation of x on data (root is the value "$"
// names inside filters).
func (m *meter) chargeJP(x jp.Expr, data, root any) {
	if n, ok := directCost(x); ok {
		// Each fragment selects at most one node: nothing to walk.
		m.charge(n)
		return
	}
	set := []any{data}
	for i := 0; i < len(x); i++ {
		f := x[i]
		m.checkCtx()
		var next []any
		switch tf := f.(type) {
		case jp.Root:
			if i == 0 {
				set = []any{root}
			}
			m.charge(1)
			continue
		case jp.At, jp.Bracket:
			m.charge(1)
			continue
		case jp.Descent:
			last := i == len(x)-1
			if !last {
				if _, ok := x[i+1].(jp.Wildcard); ok {
					// "..*" selects the descendants: one walk, not two
					last = true
					i++
				}
			}
			for _, n := range set {
				next = m.descend(n, next, last)
			}
		case jp.Wildcard:
			for _, n := range set {
				next = m.children(n, next)
			}
		case *jp.Filter:
			nested := filterExprs(tf)
			for _, n := range set {
				cands := m.children(n, nil)
				for _, c := range cands {
					for _, e := range nested {
						if len(e) > 0 {
							if _, ok := e[0].(jp.Root); ok {
								m.chargeJP(e, root, root)
								continue
							}
						}
						m.chargeJP(e, c, root)
					}
				}
				next = append(next, cands...)
			}
		default: // Child, Nth, Union, Slice and the rest select directly
			one := jp.Expr{f}
			for _, n := range set {
				m.charge(1)
				if !isContainer(n) {
					continue
				}
				res, _ := getJP(one, n)
				m.charge(len(res))
				next = append(next, res...)
			}
		}
		set = next
		if len(set) == 0 {
			return
		}
	}
}

// directCost is the cost of a path whose every fragment selects at most
// one node ($, @, a member name, an index): at most two charges per
// fragment (the node visited, the node selected), as the walk would
// charge. ok is false for any other path.
func directCost(x jp.Expr) (int, bool) {
	for _, f := range x {
		switch f.(type) {
		case jp.Root, jp.At, jp.Bracket, jp.Child, jp.Nth:
		default:
			return 0, false
		}
	}
	return 2 * len(x), true
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// children appends the members of n to out, charging each.
func (m *meter) children(n any, out []any) []any {
	m.charge(1)
	switch x := n.(type) {
	case map[string]any:
		m.charge(len(x))
		for _, v := range x {
			out = append(out, v)
		}
	case []any:
		m.charge(len(x))
		out = append(out, x...)
	}
	return out
}

// descend appends what a descent from n selects, charging every node:
// the descendants of n when the descent ends the path, otherwise n and
// its descendant containers (the nodes the next fragment applies to).
func (m *meter) descend(n any, out []any, last bool) []any {
	stack := []any{n}
	first := true
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		m.charge(1)
		if (!first || !last) && (last || isContainer(v)) {
			out = append(out, v)
		}
		first = false
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				stack = append(stack, e)
			}
		case []any:
			stack = append(stack, x...)
		}
	}
	return out
}

// filterExprs lists the paths a filter's script evaluates.
func filterExprs(f *jp.Filter) (out []jp.Expr) {
	form, ok := inspectFilter(f)
	if !ok {
		// A script that is a single path has no form: parse its text.
		s := f.String()
		s = strings.TrimPrefix(s, "[?(")
		s = strings.TrimSuffix(s, ")]")
		if x, err := parseJP(s); err == nil {
			out = append(out, x)
		}
		return out
	}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case *jp.Form:
			if t != nil {
				walk(t.Left)
				walk(t.Right)
			}
		case jp.Expr:
			out = append(out, t)
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(form)
	return out
}

func inspectFilter(f *jp.Filter) (*jp.Form, bool) {
	var form *jp.Form
	if catchLib(func() { form = f.Inspect() }) != nil {
		return nil, false
	}
	return form, true
}
