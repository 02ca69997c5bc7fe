package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/store"
)

// storeTimeout bounds one store write made on a run's behalf, so that a
// wedged store cannot hold a worker forever.
const storeTimeout = 30 * time.Second

// work is one of f's workers: it runs queued ids until the queue closes.
func (s *Server) work(f *flow) {
	defer s.workers.Done()
	for {
		id, ok := f.queue.pop()
		if !ok {
			return
		}
		s.execute(f, id)
		f.queue.done()
	}
}

// execute runs one attempt of run id and records its outcome.
func (s *Server) execute(f *flow, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	run, err := s.st.Get(ctx, id)
	cancel()
	if err != nil {
		s.log.Error("run lost from the store", slog.String(runtime.LogKeyRunID, id), slog.String(runtime.LogKeyError, err.Error()))
		return
	}
	if run.Status.Final() || run.Status == store.StatusRunning {
		return
	}
	inputs, err := s.attemptInputs(f, run)
	if err != nil {
		s.finalize(f, run, store.Update{Status: store.StatusFailed, Reason: s.mask.String(err.Error())}, nil)
		return
	}
	ctx, cancel = context.WithTimeout(context.Background(), storeTimeout)
	att, err := s.st.StartAttempt(ctx, id, s.opts.now())
	cancel()
	if err != nil {
		s.log.Error("could not start an attempt", slog.String(runtime.LogKeyRunID, id), slog.String(runtime.LogKeyError, err.Error()))
		return
	}
	rec := &attemptRecorder{s: s, id: id, n: att.N}
	rctx := runtime.ContextWithRunID(runtime.ContextWithObserver(s.runCtx, rec.observer()), id)
	res, runErr := f.runner.Run(rctx, f.def.Workflow, inputs)
	rec.wait()
	u := s.outcome(f, run, att.N, res, runErr, rec)
	s.finalize(f, run, u, res)
}

// attemptInputs returns the inputs of an attempt of run: the stored
// (public) ones, plus the secret ones evaluated from configuration.
func (s *Server) attemptInputs(f *flow, run *store.Run) (map[string]any, error) {
	inputs := map[string]any{}
	if len(run.Inputs) > 0 {
		if err := json.Unmarshal(run.Inputs, &inputs); err != nil {
			return nil, fmt.Errorf("the stored inputs do not decode: %v", err)
		}
	}
	sec, err := f.mapping.eval(f.def.Name, newEvent(nil, "", nil), true)
	if err != nil {
		return nil, err
	}
	for k, v := range sec {
		inputs[k] = v
	}
	return inputs, nil
}

// outcome decides what an attempt's result makes of the run.
func (s *Server) outcome(f *flow, run *store.Run, n int, res *runtime.Result, runErr error, rec *attemptRecorder) store.Update {
	if s.runCtx.Err() != nil {
		return store.Update{Status: store.StatusInterrupted, Reason: fmt.Sprintf("the server stopped during attempt %d", n),
			AttemptStatus: store.StatusInterrupted, Outputs: outputsJSON(res, s.mask)}
	}
	var ie *runtime.InputError
	if runErr != nil && errors.As(runErr, &ie) {
		// Inputs that do not validate will not validate next time either.
		reason := s.mask.String(runErr.Error())
		return store.Update{Status: store.StatusFailed, Reason: reason, AttemptStatus: store.StatusFailed, AttemptError: reason}
	}
	if runErr == nil && res.Succeeded() {
		return store.Update{Status: store.StatusSucceeded, Outputs: outputsJSON(res, s.mask), AttemptStatus: store.StatusSucceeded}
	}
	reason := ""
	switch {
	case res != nil && res.Error != "":
		reason = res.Error
		if res.FailedStep != "" {
			reason = fmt.Sprintf("step %s: %s", res.FailedStep, res.Error)
		}
	case runErr != nil:
		reason = runErr.Error()
	default:
		reason = "the workflow failed"
	}
	reason = s.mask.String(reason)
	u := store.Update{Reason: reason, Outputs: outputsJSON(res, s.mask), AttemptStatus: store.StatusFailed, AttemptError: reason}
	if n >= f.def.Retry.Attempts {
		u.Status = store.StatusDead
		u.Reason = fmt.Sprintf("dead-lettered after %d attempt(s): %s", n, reason)
		return u
	}
	u.Status = store.StatusRetrying
	u.NextAttemptAt = s.opts.now().Add(backoff(f.def.Retry, n, rec.retryAfter(), s.opts.jitter))
	return u
}

// finalize applies u to run, then arms the retry, tells the schedule and
// queues the notifications a final status asks for.
func (s *Server) finalize(f *flow, run *store.Run, u store.Update, res *runtime.Result) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	now := s.opts.now()
	if err := s.st.Finish(ctx, run.ID, u, now); err != nil {
		s.log.Error("could not record a run's outcome", slog.String(runtime.LogKeyRunID, run.ID), slog.String(runtime.LogKeyError, err.Error()))
		return
	}
	level := slog.LevelInfo
	if u.Status != store.StatusSucceeded {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyRunID, run.ID),
		slog.String(runtime.LogKeyStatus, string(u.Status))}
	if u.Reason != "" {
		attrs = append(attrs, slog.String(LogKeyReason, u.Reason))
	}
	s.log.LogAttrs(ctx, level, "run "+string(u.Status), attrs...)
	switch {
	case u.Status == store.StatusRetrying:
		s.arm(f, run.ID, u.NextAttemptAt.Sub(now))
		return
	case !u.Status.Final():
		return
	}
	if run.Trigger == store.TriggerSchedule {
		f.scheduled.Add(-1)
	}
	run.Status, run.Reason, run.Outputs = u.Status, u.Reason, u.Outputs
	if run.Attempt == 0 && u.AttemptStatus != "" {
		run.Attempt = 1
	}
	s.notifier.runFinished(ctx, f, run)
}

// arm queues run id again after d, unless the server stops first (the
// store keeps its NextAttemptAt for the next start).
func (s *Server) arm(f *flow, id string, d time.Duration) {
	s.timersMu.Lock()
	defer s.timersMu.Unlock()
	select {
	case <-s.stopping:
		return
	default:
	}
	if d < 0 {
		d = 0
	}
	s.timers[id] = time.AfterFunc(d, func() {
		s.timersMu.Lock()
		delete(s.timers, id)
		s.timersMu.Unlock()
		f.queue.push(id)
	})
}

// outputsJSON returns res's outputs, masked again with the server's
// secrets, as JSON (nil when there are none).
func outputsJSON(res *runtime.Result, m *runtime.Masker) json.RawMessage {
	if res == nil || len(res.Outputs) == 0 {
		return nil
	}
	b, err := json.Marshal(m.Value(res.Outputs))
	if err != nil {
		return nil
	}
	return b
}

// attemptRecorder writes an attempt's steps to the store as they finish,
// notes when a request may have been sent, and keeps the Retry-After of
// the last 429 or 503. Writes run on one goroutine in order, so that the
// workflow does not wait on the store between steps.
type attemptRecorder struct {
	s    *Server
	id   string
	n    int
	mu   sync.Mutex
	sent bool
	ra   time.Duration
	wg   sync.WaitGroup
	ch   chan func(context.Context)
	once sync.Once
}

func (r *attemptRecorder) observer() *runtime.Observer {
	r.ch = make(chan func(context.Context), 64)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for fn := range r.ch {
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			fn(ctx)
			cancel()
		}
	}()
	return &runtime.Observer{
		StepFinished: func(rec runtime.StepRecord) {
			b, err := json.Marshal(rec)
			if err != nil {
				return
			}
			b = r.s.mask.Bytes(b)
			r.ch <- func(ctx context.Context) {
				if err := r.s.st.AppendStep(ctx, r.id, r.n, b); err != nil {
					r.s.log.Error("could not record a step", slog.String(runtime.LogKeyRunID, r.id), slog.String(runtime.LogKeyError, err.Error()))
				}
			}
		},
		RequestSent: func(runtime.RequestInfo) {
			r.mu.Lock()
			first := !r.sent
			r.sent = true
			r.mu.Unlock()
			if first {
				// Written before the request leaves, in order: recovery
				// must know the attempt may have been sent.
				done := make(chan struct{})
				r.ch <- func(ctx context.Context) {
					defer close(done)
					if err := r.s.st.MarkRequestSent(ctx, r.id, r.n); err != nil {
						r.s.log.Error("could not record a request", slog.String(runtime.LogKeyRunID, r.id), slog.String(runtime.LogKeyError, err.Error()))
					}
				}
				<-done
			}
		},
		ResponseReceived: func(ri runtime.ResponseInfo) {
			if ri.Kind != "" || (ri.StatusCode != 429 && ri.StatusCode != 503) {
				return
			}
			if d, ok := parseRetryAfter(ri.Header.Get("Retry-After"), r.s.opts.now()); ok {
				r.mu.Lock()
				r.ra = d
				r.mu.Unlock()
			}
		},
	}
}

// wait flushes the pending writes.
func (r *attemptRecorder) wait() {
	r.once.Do(func() { close(r.ch) })
	r.wg.Wait()
}

// retryAfter returns the last Retry-After seen (0 when none).
func (r *attemptRecorder) retryAfter() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ra
}
