package expression

import (
	"strconv"

	"github.com/ohler55/ojg/jp"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// getJP runs a query, turning a panic of the library into no result.
func getJP(x jp.Expr, data any) ([]any, bool) {
	var res []any
	if catchLib(func() { res = x.Get(data) }) != nil {
		return nil, false
	}
	return res, true
}

// query returns the node list of x (the path or its base) on the context
// value; split and direct say x is evaluated by getFiltered or getDirect. The work
// is charged to st's meter first (see chargeJP); a library panic is an
// evaluation error recorded in st, never an empty result that could pass.
func (p *jsonPath) query(x jp.Expr, split, direct bool, st *evalState) []any {
	cv := st.cv
	if p.hasFilter && !split {
		// once per evaluation, however many filters the condition has
		if !st.normDone {
			st.norm, st.normDone = normalizeNumbers(cv), true
		}
		cv = st.norm
	}
	if st.meter != nil {
		st.meter.chargeJP(x, cv, cv)
	}
	var res []any
	var ok bool
	switch {
	case p.hasFilter && split:
		res, ok = getFiltered(x, cv)
	case direct:
		if res, ok = getDirect(x, cv); !ok {
			res, ok = getJP(x, cv)
		}
	default:
		res, ok = getJP(x, cv)
	}
	if !ok && st.err == "" {
		st.err = "JSONPath " + quote(p.text) + " evaluation failed"
	}
	return res
}

// normalizeNumbers returns v with every json.Number replaced by an int64 or
// float64, copying only the containers that change, so that JSONPath
// filters compare numbers.
func normalizeNumbers(v any) any {
	n, _ := jsonvalue.NativeNumbers(v)
	return n
}

// value returns the single node a JSONPath selects for a comparison.
func (p *jsonPath) value(st *evalState) any {
	res := p.query(p.x, p.splitX, p.directX, st)
	switch len(res) {
	case 1:
		return res[0]
	case 0:
		if p.base != nil {
			if b := p.query(p.base, p.splitBase, p.directBase, st); len(b) == 1 {
				if n, ok := lengthOf(b[0]); ok {
					return n
				}
			}
		}
		st.missing = append(st.missing, p.text)
		return nil
	}
	if st.err == "" {
		st.err = p.text + " selects " + strconv.Itoa(len(res)) + " nodes; a comparison needs exactly one"
	}
	return nil
}
