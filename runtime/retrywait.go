package runtime

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryDelay is retryAfter seconds, overridden by a Retry-After header
// (seconds or HTTP date), capped by MaxRetryAfter (decisions F5). Seconds
// are compared with the cap before they become a Duration, so a huge or
// infinite value saturates at the cap instead of overflowing; a NaN or
// negative value is ignored.
func (ru *run) retryDelay(a *action, ex *exchange) time.Duration {
	max := ru.r.cfg.limits.MaxRetryAfter
	var d time.Duration
	if a.hasAfter {
		if v, ok := secondsWait(a.retryAfter, max); ok {
			d = v
		}
	}
	if ex != nil && ex.resp != nil {
		if h := strings.TrimSpace(ex.resp.Header.Get("Retry-After")); h != "" {
			if secs, err := strconv.ParseFloat(h, 64); err == nil || errors.Is(err, strconv.ErrRange) {
				if v, ok := secondsWait(secs, max); ok {
					d = v
				}
			} else if t, err := http.ParseTime(h); err == nil {
				d = t.Sub(ru.r.cfg.now()) // Sub saturates
				if d < 0 {
					d = 0
				}
			}
		}
	}
	if d > max {
		d = max
	}
	return d
}

// secondsWait converts a wait in seconds to a Duration no longer than max;
// ok is false for NaN and negative values.
func secondsWait(secs float64, max time.Duration) (time.Duration, bool) {
	if math.IsNaN(secs) || secs < 0 {
		return 0, false
	}
	if secs >= max.Seconds() {
		return max, true
	}
	return time.Duration(secs * float64(time.Second)), true
}
