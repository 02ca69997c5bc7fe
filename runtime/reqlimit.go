package runtime

import (
	"context"
	"sync"
	"time"
)

// requestLimit applies Limits.RequestTimeout to the requests of one run,
// one after another, with a single timer. context.WithTimeout per request
// cost a timer, a timer context and two closures, and a copy of the
// request to attach it; instead the steps build their requests with one
// cancelable context per run (context.WithCancelCause) and the run's timer is
// armed when the request is sent and stopped when its response is read.
// When the timer fires it cancels the request in flight with
// context.DeadlineExceeded as the cause, which is how stopError tells the
// request limit from the run's own cancellation.
type requestLimit struct {
	mu       sync.Mutex
	timer    *time.Timer
	cancel   context.CancelCauseFunc // of the request in flight; nil between requests
	deadline time.Time
}

// limitPool holds the request limits of finished runs: a run's first
// limited request takes one, and its end puts it back, so that the timer
// and its callback are made once, not per run. A firing left over from an
// earlier run finds its deadline in the future (or no request in flight)
// and does nothing, as between two requests of one run.
var limitPool = sync.Pool{New: func() any { return new(requestLimit) }}

// arm starts the limit d for the request that cancel cancels.
func (l *requestLimit) arm(cancel context.CancelCauseFunc, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cancel = cancel
	// The deadline is set before the timer: a firing left over from an
	// earlier request finds it in the future and does nothing.
	l.deadline = time.Now().Add(d)
	if l.timer == nil {
		l.timer = time.AfterFunc(d, l.fire)
	} else {
		l.timer.Reset(d)
	}
}

// disarm ends the limit of the request in flight.
func (l *requestLimit) disarm() {
	l.mu.Lock()
	l.cancel = nil
	l.mu.Unlock()
	l.timer.Stop()
}

func (l *requestLimit) fire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel != nil && !time.Now().Before(l.deadline) {
		l.cancel(context.DeadlineExceeded)
		l.cancel = nil
	}
}

// requestContext returns the context a step's requests are built and sent
// with, and its cancel function (nil when the context is ctx itself: the
// run's deadline comes before the request limit could fire, so no limit
// applies). The cancelable context is made once per run and shared by its
// steps (the requests are sent one at a time, and the limit cancels only
// the one in flight); one that was cancelled (a limit that fired just as
// its response was read) is replaced, so no later request inherits it.
// endRequests releases it when the run ends.
func (ru *run) requestContext(ctx context.Context) (context.Context, context.CancelCauseFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= ru.r.cfg.limits.RequestTimeout {
		return ctx, nil
	}
	if ru.rctx == nil || ru.rparent != ctx || ru.rctx.Err() != nil {
		ru.cancelRequests()
		ru.rctx, ru.rcancel = context.WithCancelCause(ctx)
		ru.rparent = ctx
	}
	return ru.rctx, ru.rcancel
}

// endRequests cancels the run's request context, if one was made, and
// returns its request limit to limitPool.
func (ru *run) endRequests() {
	if l := ru.limit; l != nil {
		ru.limit = nil
		l.mu.Lock()
		l.cancel = nil
		l.mu.Unlock()
		limitPool.Put(l)
	}
	ru.cancelRequests()
}

// cancelRequests cancels the run's request context, if one was made.
func (ru *run) cancelRequests() {
	if ru.rcancel != nil {
		ru.rcancel(nil)
		ru.rctx, ru.rcancel, ru.rparent = nil, nil, nil
	}
}
