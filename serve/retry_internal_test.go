package serve

import (
	"testing"
	"time"

	"github.com/weftflow/weft/serve/definition"
)

// TestBackoff pins exponential backoff with full jitter, its cap, and
// Retry-After taking precedence (capped too).
func TestBackoff(t *testing.T) {
	p := definition.Retry{Initial: time.Second, Max: 10 * time.Second}
	one := func() float64 { return 0.999999 }
	half := func() float64 { return 0.5 }
	cases := []struct {
		n      int
		ra     time.Duration
		jitter func() float64
		want   time.Duration
	}{
		{1, 0, half, 500 * time.Millisecond},
		{2, 0, half, time.Second},
		{3, 0, half, 2 * time.Second},
		{10, 0, half, 5 * time.Second},
		{60, 0, one, 9999990 * time.Microsecond},
		{1, 3 * time.Second, half, 3 * time.Second},
		{1, time.Hour, half, 10 * time.Second},
	}
	for _, c := range cases {
		if got := backoff(p, c.n, c.ra, c.jitter); got != c.want {
			t.Errorf("backoff(n=%d, ra=%v) = %v, want %v", c.n, c.ra, got, c.want)
		}
	}
	zero := func() float64 { return 0 }
	if got := backoff(p, 5, 0, zero); got != 0 {
		t.Errorf("full jitter may wait 0, got %v", got)
	}
}

// TestParseRetryAfter pins both forms of Retry-After and what is ignored.
func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"3": 3 * time.Second, " 0 ": 0, "Wed, 02 Dec 2026 10:00:30 GMT": 30 * time.Second,
		"Wed, 02 Dec 2026 09:00:00 GMT": 0, "999999999999": 24 * time.Hour,
	} {
		if got, ok := parseRetryAfter(v, now); !ok || got != want {
			t.Errorf("%q = %v %v, want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := parseRetryAfter(v, now); ok {
			t.Errorf("%q accepted", v)
		}
	}
}
