package expression

import (
	"context"
	"regexp"
)

// regexSyncBytes is the input size up to which a regex is matched on the
// caller's goroutine: RE2 is linear, so small inputs finish at once.
const regexSyncBytes = 64 << 10

// matchContext reports whether re matches s, returning ctx.Err() when ctx
// is done first. Go's regexp cannot be interrupted; a large input is
// matched on its own goroutine, which finishes in linear time after the
// caller has returned (the input size is capped by Budget.MaxInputBytes).
func matchContext(ctx context.Context, re *regexp.Regexp, s string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if len(s) <= regexSyncBytes || ctx.Done() == nil {
		return re.MatchString(s), nil
	}
	done := make(chan bool, 1)
	go func() { done <- re.MatchString(s) }()
	select {
	case ok := <-done:
		return ok, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
