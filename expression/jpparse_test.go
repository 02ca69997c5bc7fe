package expression

import (
	"testing"

	"github.com/ohler55/ojg/jp"
)

// TestParseJPMatchesOjg: parseJP (which skips ojg.NewError's stack capture)
// accepts exactly what jp.ParseString accepts, with the same expression and
// the same error text, so compile diagnostics are unchanged.
func TestParseJPMatchesOjg(t *testing.T) {
	for _, s := range []string{
		"$", "$.a", "$.success == true", "$[?(@.a == 1)]", "$[?@.a == 1]", "$..x[0:2]",
		"$.a[", "$[?(@.a ==)]", "$.a.length", "", "x", "$['a b']", "$.a b", "$[*].id",
		"$[?(@.state == 'ok' && @.n > 2)].id", "$.a)", "$[1,2", "$..", "$.*.*",
	} {
		want, werr := jp.ParseString(s)
		got, gerr := parseJP(s)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: err = %v, ojg: %v", s, gerr, werr)
			continue
		}
		if werr != nil {
			if gerr.Error() != werr.Error() {
				t.Errorf("%q: err = %q, ojg: %q", s, gerr, werr)
			}
			continue
		}
		if got.String() != want.String() {
			t.Errorf("%q: %s, ojg: %s", s, got, want)
		}
	}
}
