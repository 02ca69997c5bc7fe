package expression

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// JSONPath filters compare numbers, and ojg reads a json.Number (a named
// string) as a string. Rather than copying the whole context value with
// its numbers converted, a query with filters is evaluated fragment by
// fragment: the fragments between filters by ojg on the value as decoded
// (they select by name, index or position and never read a number), and
// each filter by ojg's own script on one candidate at a time, converted
// (normalizeNumbers) for the test only. What passes is the candidate as
// decoded, so exact numbers stay exact in what the query selects, and the
// conversion costs one member's copy at a time, not the body's.

// splitFilters reports whether x can be evaluated that way: every filter
// is preceded by a fragment other than a descent (ojg applies a filter
// after ".." to the descendants itself), and no filter's script names the
// root "$" (it would see the candidate instead). Other queries with
// filters convert the whole value first.
func splitFilters(x jp.Expr) bool {
	found := false
	for i, f := range x {
		jf, ok := f.(*jp.Filter)
		if !ok {
			continue
		}
		found = true
		if i > 0 {
			if _, ok := x[i-1].(jp.Descent); ok {
				return false
			}
		}
		if strings.Contains(jf.String(), "$") {
			return false
		}
	}
	return found
}

// getFiltered evaluates x on data as splitFilters describes; ok is false
// when ojg panics.
func getFiltered(x jp.Expr, data any) ([]any, bool) {
	var res []any
	if catchLib(func() { res = filtered(x, data) }) != nil {
		return nil, false
	}
	return res, true
}

// filtered is getFiltered without the recovery of ojg's panics.
func filtered(x jp.Expr, data any) []any {
	set := []any{data}
	start := 0
	for i, f := range x {
		jf, isFilter := f.(*jp.Filter)
		if !isFilter {
			continue
		}
		if i > start {
			set = getEach(x[start:i], set)
		}
		var next []any
		var chunk []any
		fs := newFilterScratch(jf)
		for _, n := range set {
			switch t := n.(type) {
			case []any:
				for k := 0; k < len(t); k += filterChunk {
					next, chunk = fs.filterMembers(jf, t[k:min(k+filterChunk, len(t))], next, chunk)
				}
			case map[string]any:
				members := make([]any, 0, len(t))
				for _, c := range t {
					members = append(members, c)
				}
				for k := 0; k < len(members); k += filterChunk {
					next, chunk = fs.filterMembers(jf, members[k:min(k+filterChunk, len(members))], next, chunk)
				}
			}
		}
		set = next
		start = i + 1
		if len(set) == 0 {
			return set
		}
	}
	if start < len(x) {
		set = getEach(x[start:], set)
	}
	return set
}

// getEach is the concatenation of x's results on every node of set.
func getEach(x jp.Expr, set []any) []any {
	if len(set) == 1 {
		return x.Get(set[0])
	}
	var out []any
	for _, n := range set {
		out = append(out, x.Get(n)...)
	}
	return out
}

// filterChunk is how many candidates are converted and tested at once.
const filterChunk = 64

// filterScratch is what testing one filter reuses from chunk to chunk.
// keys, when not nil, are the only members of an object candidate the
// filter's script reads (every path of the script is "@.name..."): such a
// candidate is tested as a projection holding just those members,
// converted, in a map reused for the next chunk, instead of as a converted
// copy of the whole member.
type filterScratch struct {
	keys  []string
	projs []map[string]any
}

func newFilterScratch(f *jp.Filter) *filterScratch {
	fs := &filterScratch{}
	exprs := filterExprs(f)
	if len(exprs) == 0 || strings.Count(f.String(), "@") != len(exprs) {
		// A path the inspection did not see (in a function, say): no
		// projection.
		return fs
	}
	for _, e := range exprs {
		if len(e) < 2 {
			return fs
		}
		if _, ok := e[0].(jp.At); !ok {
			return fs
		}
		c, ok := e[1].(jp.Child)
		if !ok {
			return fs
		}
		fs.keys = append(fs.keys, string(c))
	}
	return fs
}

// convert is the candidate c as the filter is tested on; i is its place
// in the chunk.
func (fs *filterScratch) convert(c any, i int) any {
	m, ok := c.(map[string]any)
	if !ok || fs.keys == nil {
		return normalizeNumbers(c)
	}
	for len(fs.projs) <= i {
		fs.projs = append(fs.projs, make(map[string]any, len(fs.keys)))
	}
	p := fs.projs[i]
	clear(p)
	for _, k := range fs.keys {
		if v, ok := m[k]; ok {
			p[k] = normalizeNumbers(v)
		}
	}
	return p
}

// filterMembers appends to out the members that pass filter f, tested
// converted (fs.convert) and appended as they are. ojg's script
// tests a list of candidates in one call and returns those that pass,
// converted; each is matched back to its member by identity, walking the
// list in the order ojg returns them (last first). Should that order not
// hold, each candidate is tested alone. chunk is scratch space, returned
// for reuse.
func (fs *filterScratch) filterMembers(f *jp.Filter, members, out, chunk []any) ([]any, []any) {
	chunk = chunk[:0]
	for i, c := range members {
		chunk = append(chunk, fs.convert(c, i))
	}
	passed, _ := f.Eval([]any{}, chunk).([]any)
	j := len(chunk) - 1
	start := len(out)
	for _, r := range passed {
		for j >= 0 && !sameNode(r, chunk[j]) {
			j--
		}
		if j < 0 {
			// Not in the expected order: one candidate at a time.
			out = out[:start]
			for k, c := range chunk {
				if f.Match(c) {
					out = append(out, members[k])
				}
			}
			return out, chunk
		}
		out = append(out, members[j])
		j--
	}
	return out, chunk
}

// sameNode reports whether a and b are the same value: the same map or
// slice (by identity), or equal scalars.
func sameNode(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	// == panics on two values of the same uncomparable type
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.IsValid() && vb.IsValid() && (!va.Comparable() || !vb.Comparable()) {
		return false
	}
	return a == b
}

// isDirect reports whether every fragment of x selects at most one node
// ($, @, a member name, an index), so that getDirect evaluates it.
func isDirect(x jp.Expr) bool {
	_, ok := directCost(x)
	return ok
}

// getDirect evaluates a path isDirect accepts on decoded JSON without
// ojg, whose Get allocates a 1 KB stack for every query, however simple;
// ok is false at a value other than decoded JSON (a typed map or slice,
// say), which ojg reads by reflection.
func getDirect(x jp.Expr, data any) (res []any, ok bool) {
	v := data
	for _, f := range x {
		switch t := f.(type) {
		case jp.Child:
			switch c := v.(type) {
			case map[string]any:
				if v, ok = c[string(t)]; !ok {
					return nil, true
				}
			case []any, nil, bool, string, json.Number, float64, int64, int:
				return nil, true
			default:
				return nil, false
			}
		case jp.Nth:
			switch c := v.(type) {
			case []any:
				i := int(t)
				if i < 0 {
					i += len(c)
				}
				if i < 0 || i >= len(c) {
					return nil, true
				}
				v = c[i]
			case map[string]any, nil, bool, string, json.Number, float64, int64, int:
				return nil, true
			default:
				return nil, false
			}
		}
	}
	return []any{v}, true
}
