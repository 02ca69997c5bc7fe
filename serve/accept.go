package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/store"
)

// Accepted is the answer to an event: the run it started (or, for a
// repeated delivery, the run the first delivery started).
type Accepted struct {
	RunID     string       `json:"runId"`
	Status    store.Status `json:"status"`
	Duplicate bool         `json:"duplicate,omitempty"`
	// Error says why the start failed (Status failed), secrets masked.
	Error string `json:"error,omitempty"`
	// ReplayOf is the run a replay replays.
	ReplayOf string `json:"replayOf,omitempty"`
	// firstHash is the delivery hash of the first delivery (duplicates).
	firstHash string
}

// StartError is a start that was recorded as failed: its inputs could not
// be mapped or did not validate. The run exists (RunID) and can be
// replayed once the mapping or the sender is fixed.
type StartError struct {
	RunID string
	// NotJSON is set when the cause is a body that is not JSON.
	NotJSON bool
	Err     error
}

// Error implements error.
func (e *StartError) Error() string { return fmt.Sprintf("run %s failed to start: %v", e.RunID, e.Err) }

// Unwrap returns the cause.
func (e *StartError) Unwrap() error { return e.Err }

// start records a new run of f from ev (or from inputs given directly,
// for manual starts and replays), validates its inputs, writes it to the
// store and queues it. A start that fails mapping or validation is
// recorded too (status failed), and returned with a *StartError.
func (s *Server) start(ctx context.Context, f *flow, r *store.Run, ev *event, given map[string]any) (Accepted, error) {
	now := s.opts.now()
	r.ID = newID(now)
	r.Flow, r.Workflow, r.CreatedAt, r.UpdatedAt = f.def.Name, f.def.Workflow, now, now
	r.Status = store.StatusQueued
	inputs, startErr := s.mapInputs(f, ev, given)
	if startErr == nil {
		check := map[string]any{}
		for k, v := range inputs {
			check[k] = v
		}
		sec, err := f.mapping.eval(f.def.Name, newEvent(nil, "", nil), true)
		if err == nil {
			for k, v := range sec {
				check[k] = v
			}
			err = f.runner.CheckInputs(f.def.Workflow, check)
		}
		startErr = err
	}
	if startErr == nil {
		b, err := json.Marshal(inputs)
		if err != nil {
			startErr = err
		} else {
			r.Inputs = s.mask.Bytes(b)
		}
	}
	if startErr != nil {
		r.Status = store.StatusFailed
		r.Reason = s.mask.String(startErr.Error())
		r.FinishedAt = now
	}
	existing, dup, err := s.st.Accept(ctx, r, f.def.Dedup.Window)
	if err != nil {
		return Accepted{}, fmt.Errorf("serve: recording the event: %w", err)
	}
	if dup {
		return Accepted{RunID: existing.ID, Status: existing.Status, Duplicate: true, firstHash: existing.BodyHash}, nil
	}
	if r.Trigger == store.TriggerSchedule && startErr == nil {
		f.scheduled.Add(1)
	}
	s.log.LogAttrs(ctx, logLevel(startErr), "event accepted", s.runAttrs(f, r)...)
	if startErr != nil {
		var ie *runtime.InputError
		notJSON := errors.Is(startErr, errNotJSON) && !errors.As(startErr, &ie)
		s.notifier.runFinished(ctx, f, r)
		return Accepted{RunID: r.ID, Status: r.Status, Error: r.Reason, ReplayOf: r.ReplayOf},
			&StartError{RunID: r.ID, NotJSON: notJSON, Err: errors.New(r.Reason)}
	}
	if !f.queue.push(r.ID) {
		// Stopping: the run stays queued in the store for the next start.
		s.log.Info("run queued for the next start", slog.String(runtime.LogKeyRunID, r.ID))
	}
	return Accepted{RunID: r.ID, Status: r.Status, ReplayOf: r.ReplayOf}, nil
}

// mapInputs evaluates f's public mapping over ev, then overlays given
// (manual starts), refusing given secret inputs.
func (s *Server) mapInputs(f *flow, ev *event, given map[string]any) (map[string]any, error) {
	if ev == nil {
		ev = newEvent(nil, "", nil)
	}
	inputs, err := f.mapping.eval(f.def.Name, ev, false)
	if err != nil {
		return nil, err
	}
	if len(given) > 0 {
		names := make([]string, 0, len(given))
		for k := range given {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			for _, in := range f.mapping.inputs {
				if in.name == k && in.secret {
					return nil, &MappingError{Flow: f.def.Name, Input: k,
						Err: errors.New("a secret input comes from the flow's mapping, not from a manual start")}
				}
			}
			inputs[k] = given[k]
		}
	}
	return inputs, nil
}

// dedupKey evaluates f's dedup key over ev ("" when none, or when it
// resolves to nothing).
func (f *flow) dedupKey(ev *event) string {
	if f.dedup == nil {
		return ""
	}
	v, _, err := f.dedup.Eval(ev)
	if err != nil || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// deliveryHash fingerprints a signed delivery: the signature headers'
// values and the body. A sender's retry re-signs (a new timestamp); a
// captured request sent again does not.
func deliveryHash(f *flow, h map[string][]string, body []byte) string {
	sum := sha256.New()
	for _, name := range f.sigHeaders {
		for k, vs := range h {
			if equalFold(k, name) {
				for _, v := range vs {
					sum.Write([]byte(v))
					sum.Write([]byte{0})
				}
			}
		}
	}
	sum.Write(body)
	return hex.EncodeToString(sum.Sum(nil))
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func logLevel(err error) slog.Level {
	if err != nil {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// runAttrs are the log attributes of run r of f.
func (s *Server) runAttrs(f *flow, r *store.Run) []slog.Attr {
	attrs := []slog.Attr{slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyRunID, r.ID),
		slog.String(LogKeyTrigger, r.Trigger), slog.String(runtime.LogKeyStatus, string(r.Status))}
	if r.DedupKey != "" {
		attrs = append(attrs, slog.String(LogKeyEventID, s.mask.String(r.DedupKey)))
	}
	if r.Reason != "" {
		attrs = append(attrs, slog.String(LogKeyReason, r.Reason))
	}
	return attrs
}

// Trigger starts flow now with inputs (a manual start): inputs overlay
// the flow's mapping evaluated over an empty event. A start whose inputs
// do not validate is recorded as failed and returned with a *StartError.
func (s *Server) Trigger(ctx context.Context, flowName string, inputs map[string]any) (Accepted, error) {
	f, err := s.flow(flowName)
	if err != nil {
		return Accepted{}, err
	}
	if !s.accepting.Load() {
		return Accepted{}, ErrStopping
	}
	return s.start(ctx, f, &store.Run{Trigger: store.TriggerManual}, nil, inputs)
}

// ErrStopping is returned for an event that arrives while the server
// stops.
var ErrStopping = errors.New("serve: the server is stopping")

// ReplayError says why a run cannot be replayed.
type ReplayError struct {
	RunID  string
	Status store.Status
	Msg    string
}

// Error implements error.
func (e *ReplayError) Error() string { return fmt.Sprintf("run %s (%s): %s", e.RunID, e.Status, e.Msg) }

// Replay starts a new run of a failed, dead-lettered or interrupted run
// with its original inputs (the new run's ReplayOf names the original). A
// run that failed to start has no inputs: its kept event is mapped again
// with the flow's current mapping (a *ReplayError when its body was not
// kept).
func (s *Server) Replay(ctx context.Context, id string) (Accepted, error) {
	orig, err := s.st.Get(ctx, id)
	if err != nil {
		return Accepted{}, err
	}
	f, err := s.flow(orig.Flow)
	if err != nil {
		return Accepted{}, err
	}
	switch orig.Status {
	case store.StatusFailed, store.StatusDead, store.StatusInterrupted:
	default:
		return Accepted{}, &ReplayError{RunID: id, Status: orig.Status, Msg: "only a failed, dead-lettered or interrupted run can be replayed"}
	}
	if !s.accepting.Load() {
		return Accepted{}, ErrStopping
	}
	r := &store.Run{Trigger: store.TriggerReplay, ReplayOf: orig.ID, Event: orig.Event, TraceParent: orig.TraceParent}
	if orig.Inputs == nil {
		if orig.Event == nil || (!orig.Event.BodyKept && orig.Trigger == store.TriggerWebhook) {
			return Accepted{}, &ReplayError{RunID: id, Status: orig.Status, Msg: "it failed to start and its body was not kept (keepBody: false), so there is nothing to map again"}
		}
		ev := newEvent(orig.Event.Header, orig.Event.Query, orig.Event.Body)
		return s.start(ctx, f, r, ev, nil)
	}
	var inputs map[string]any
	if err := json.Unmarshal(orig.Inputs, &inputs); err != nil {
		return Accepted{}, fmt.Errorf("serve: run %s: the stored inputs do not decode: %v", id, err)
	}
	// The stored inputs are the mapped ones: no mapping again.
	return s.startWithInputs(ctx, f, r, inputs)
}

// startWithInputs starts r with exactly inputs (public ones) as mapped
// before.
func (s *Server) startWithInputs(ctx context.Context, f *flow, r *store.Run, inputs map[string]any) (Accepted, error) {
	return s.start(ctx, f, r, nil, inputs)
}
