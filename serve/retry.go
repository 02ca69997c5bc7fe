package serve

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/weftflow/weft/serve/definition"
)

func defaultJitter() float64 { return rand.Float64() }

// backoff returns the wait before the attempt after attempt n (from 1):
// the step's Retry-After when it got 429 or 503 (capped at the policy's
// Max), else exponential backoff with full jitter,
// rand[0, min(Max, Initial·2^(n-1))).
func backoff(p definition.Retry, n int, retryAfter time.Duration, jitter func() float64) time.Duration {
	limit := p.Max
	if retryAfter > 0 {
		if limit > 0 && retryAfter > limit {
			return limit
		}
		return retryAfter
	}
	d := p.Initial
	for i := 1; i < n && (limit <= 0 || d < limit); i++ {
		d *= 2
	}
	if limit > 0 && d > limit {
		d = limit
	}
	return time.Duration(jitter() * float64(d))
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. A negative or unreadable value is ignored.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
