package runtime

import (
	"context"
	"fmt"
	"strings"
)

// runCtxKey keys the per-run settings a context carries.
type runCtxKey int

const (
	observerKey runCtxKey = iota
	runIDKey
)

// ContextWithObserver returns a copy of ctx that makes a Run called with it
// report to o as well as to the Runner's Observer (WithObserver), in the
// manner of net/http/httptrace.WithClientTrace: a caller running many
// workflows on one Runner tells each run's events apart this way. The
// Runner's Observer hears each event first.
func ContextWithObserver(ctx context.Context, o *Observer) context.Context {
	return context.WithValue(ctx, observerKey, o)
}

// ContextWithRunID returns a copy of ctx that makes a Run called with it
// use id as the run's id (Result.RunID, StepInfo.RunID and the LogKeyRunID
// of its log records) instead of a fresh one: a caller that keeps its own
// record of runs, such as weft serve, makes the two agree.
func ContextWithRunID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, runIDKey, id)
}

// runObserver returns the observer of a run with ctx: the Runner's, the
// context's, or both in turn.
func (r *Runner) runObserver(ctx context.Context) *Observer {
	co, _ := ctx.Value(observerKey).(*Observer)
	switch {
	case co == nil:
		return r.cfg.observer
	case r.cfg.observer == nil:
		return co
	}
	return chainObservers(r.cfg.observer, co)
}

// chainObservers returns an Observer calling a's callback, then b's.
func chainObservers(a, b *Observer) *Observer {
	return &Observer{
		StepStarted: func(i StepInfo) {
			if a.StepStarted != nil {
				a.StepStarted(i)
			}
			if b.StepStarted != nil {
				b.StepStarted(i)
			}
		},
		StepFinished: func(rec StepRecord) {
			if a.StepFinished != nil {
				a.StepFinished(rec)
			}
			if b.StepFinished != nil {
				b.StepFinished(rec)
			}
		},
		RequestSent: func(i RequestInfo) {
			if a.RequestSent != nil {
				a.RequestSent(i)
			}
			if b.RequestSent != nil {
				b.RequestSent(i)
			}
		},
		ResponseReceived: func(i ResponseInfo) {
			if a.ResponseReceived != nil {
				a.ResponseReceived(i)
			}
			if b.ResponseReceived != nil {
				b.ResponseReceived(i)
			}
		},
	}
}

// runID returns the id a run with ctx takes.
func runID(ctx context.Context) string {
	if id, ok := ctx.Value(runIDKey).(string); ok && id != "" {
		return id
	}
	return newRunID()
}

// CheckInputs validates inputs against workflow workflowID's inputs schema
// as Run would, defaults applied, without running anything: the error is
// an *InputError listing every problem (secrets masked), or the unknown
// workflow. A caller that accepts work to run later, such as weft serve,
// refuses bad inputs when they arrive this way.
func (r *Runner) CheckInputs(workflowID string, inputs map[string]any) error {
	w := r.entry[workflowID]
	if w == nil {
		return fmt.Errorf("unknown workflow %q (the document has: %s)", workflowID, strings.Join(r.Workflows(), ", "))
	}
	ru := &run{r: r, masker: masker{cache: r.cfg.masks}}
	ru.masker.add(r.cfg.secrets...)
	_, err := ru.prepareInputs(w, inputs)
	return err
}

// Masker masks a fixed set of secrets in text and JSON-like values the way
// a run masks its credentials: every encoding of each secret that a run
// masks (see Mask) is replaced. A caller that writes what runs produced
// next to text of its own, such as weft serve's store and notifications,
// masks that text with the same rule. Safe for concurrent use.
type Masker struct{ m masker }

// NewMasker returns a Masker of secrets (empty values are ignored).
func NewMasker(secrets ...string) *Masker {
	mk := &Masker{}
	var vs []string
	for _, s := range secrets {
		if s != "" {
			vs = append(vs, s)
		}
	}
	if len(vs) > 0 {
		mk.m.add(vs...)
	}
	return mk
}

// String returns s with every secret masked.
func (mk *Masker) String(s string) string { return mk.m.mask(s) }

// Value returns a copy of v (nil, bool, string, numbers, []any,
// map[string]any) with every secret string masked.
func (mk *Masker) Value(v any) any { return mk.m.maskValue(v) }

// Bytes returns a copy of b with every secret masked.
func (mk *Masker) Bytes(b []byte) []byte { return mk.m.body(b) }
