// Package suggest finds the known name a mistyped one most likely meant,
// for the "did you mean" of weft's diagnostics and usage errors. It is the
// one owner of that rule, so the validator and the command line suggest
// alike.
package suggest

import "strings"

// MaxRunes caps the names Distance compares, so a hostile name costs at
// most MaxRunes² steps.
const MaxRunes = 128

// Distance is the edit distance between a and b (insertions, deletions,
// substitutions and swaps of two adjacent letters: the optimal string
// alignment distance), compared case-insensitively; names longer than
// MaxRunes are cut there.
func Distance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	if len(ra) > MaxRunes {
		ra = ra[:MaxRunes]
	}
	if len(rb) > MaxRunes {
		rb = rb[:MaxRunes]
	}
	// Three rows: i-2, i-1 and i.
	pp := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}

// Closest returns the known name nearest to name, or "" when none is near
// enough to be a likely typo: at most a third of the longer name's length
// (and at least 1) edits away. A known name equal to name is skipped; ties
// go to the name that sorts first.
func Closest(name string, known []string) string {
	best, bestD := "", -1
	for _, k := range known {
		if k == name {
			continue
		}
		d := Distance(name, k)
		if bestD < 0 || d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	limit := max(len([]rune(name)), len([]rune(best)), 3) / 3
	if bestD > limit {
		return ""
	}
	return best
}
