package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/weftflow/weft/expression"
	"github.com/weftflow/weft/internal/schemamsg"
	"github.com/weftflow/weft/openapi"
)

// LimitError reports that a run reached one of its limits (decisions F8).
type LimitError struct {
	// Limit is the name of the Limits field that was reached.
	Limit string
	Value any
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit %s (%v) reached", e.Limit, e.Value)
}

// Sentinels for the limits a run can reach, so callers can write
// errors.Is(err, runtime.ErrMaxSteps) instead of comparing Limit names.
// A *LimitError matches the sentinel of its Limit.
var (
	ErrMaxSteps         = errors.New("runtime: MaxStepExecutions reached")
	ErrMaxDepth         = errors.New("runtime: MaxDepth reached")
	ErrRequestTimeout   = errors.New("runtime: RequestTimeout reached")
	ErrMaxResponseBytes = errors.New("runtime: MaxResponseBytes reached")
	ErrMaxSchemaDepth   = errors.New("runtime: MaxSchemaDepth reached")
)

var limitSentinels = map[string]error{
	"MaxStepExecutions": ErrMaxSteps,
	"MaxDepth":          ErrMaxDepth,
	"RequestTimeout":    ErrRequestTimeout,
	"MaxResponseBytes":  ErrMaxResponseBytes,
	"MaxSchemaDepth":    ErrMaxSchemaDepth,
}

// Is reports whether target is the sentinel of e's limit.
func (e *LimitError) Is(target error) bool {
	s, ok := limitSentinels[e.Limit]
	return ok && s == target
}

// InputError reports that the inputs of a workflow do not satisfy its
// inputs schema; Problems lists every violation.
type InputError struct {
	WorkflowID string
	Problems   []string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("invalid inputs for workflow %q:\n  %s", e.WorkflowID, strings.Join(e.Problems, "\n  "))
}

// Workflows lists the workflow ids of the entry document, in order.
func (r *Runner) Workflows() []string {
	ids := make([]string, 0, len(r.doc.Workflows))
	for _, wf := range r.doc.Workflows {
		ids = append(ids, wf.WorkflowID)
	}
	return ids
}

// Run runs the workflow workflowID of the entry document with inputs.
//
// The error is for failures to run: unknown workflow, invalid inputs, a
// cancelled context, a limit reached. A workflow that ran and failed is a
// Result whose Status is StatusFailed, with Error saying why. When an
// error is returned after steps ran, the partial Result is returned too.
func (r *Runner) Run(ctx context.Context, workflowID string, inputs map[string]any) (*Result, error) {
	w := r.entry[workflowID]
	if w == nil {
		return nil, fmt.Errorf("unknown workflow %q (the document has: %s)", workflowID, strings.Join(r.Workflows(), ", "))
	}
	ru := &run{
		r:         r,
		id:        newRunID(),
		start:     r.cfg.now(),
		wfInputs:  map[string]map[string]any{},
		wfOutputs: map[string]map[string]any{},
		masker:    masker{cache: r.cfg.masks},
		stepsHint: len(w.steps),
	}
	for _, u := range r.cfg.servers {
		ru.masker.addServerURL(u)
	}
	ru.log = r.cfg.logger
	if ru.log.Handler() != slog.DiscardHandler {
		ru.log = ru.log.With("run_id", ru.id)
	}
	ru.result = &Result{RunID: ru.id, WorkflowID: workflowID}
	ru.log.LogAttrs(ctx, slog.LevelInfo, "run started", slog.String("workflow_id", workflowID))
	res, err := ru.runWorkflow(ctx, w, inputs, 0)
	ru.endRequests()
	out := ru.result
	out.Duration = time.Since(ru.start)
	if res != nil {
		out.Status = res.status
		out.Outputs = ru.masker.maskValue(res.outputs).(map[string]any)
		out.Error = ru.masker.mask(res.reason)
		out.FailedStep = res.failedStep
	}
	if err != nil {
		out.Status = StatusFailed
		if out.Error == "" {
			out.Error = ru.masker.mask(err.Error())
		}
		ru.log.LogAttrs(ctx, slog.LevelError, "run aborted", slog.String("workflow_id", workflowID), slog.String("error", ru.masker.mask(err.Error())))
		var ie *InputError
		if errors.As(err, &ie) && len(out.Steps) == 0 {
			return nil, err
		}
		return out, maskedError{err, &ru.masker}
	}
	ru.log.LogAttrs(ctx, slog.LevelInfo, "run finished", slog.String("workflow_id", workflowID), slog.String("status", string(out.Status)))
	return out, nil
}

// maskedError wraps an error so that its message has secrets masked while
// errors.Is/As still see the original.
type maskedError struct {
	err error
	m   *masker
}

func (e maskedError) Error() string { return e.m.mask(e.err.Error()) }
func (e maskedError) Unwrap() error { return e.err }

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// run is the state of one Run call.
type run struct {
	r          *Runner
	id         string
	start      time.Time
	log        *slog.Logger
	result     *Result
	executions int
	wfInputs   map[string]map[string]any
	wfOutputs  map[string]map[string]any
	deps       map[*workflow]*wfResult
	masker     masker
	stepsHint  int           // capacity for the trace: the entry workflow's step count
	limit      *requestLimit // the request limit, for one request at a time (from limitPool; nil until a request is sent with a limit)
	// rctx is the cancelable context requests are sent with (see
	// requestContext), rcancel cancels it, rparent is the context it was
	// made from.
	rctx    context.Context
	rcancel context.CancelCauseFunc
	rparent context.Context
}

// wfResult is the outcome of one workflow execution.
type wfResult struct {
	status     Status
	outputs    map[string]any
	reason     string
	failedStep string
}

// frame is the state of one workflow execution.
type frame struct {
	w       *workflow
	inputs  map[string]any
	outputs map[string]map[string]any // step id -> outputs
	depth   int
}

func (ru *run) runWorkflow(ctx context.Context, w *workflow, inputs map[string]any, depth int) (*wfResult, error) {
	if depth >= ru.r.cfg.limits.MaxDepth {
		return nil, &LimitError{Limit: "MaxDepth", Value: ru.r.cfg.limits.MaxDepth}
	}
	// Dependencies first, once per run (decisions F6).
	for _, d := range w.depends {
		dr, ok := ru.deps[d]
		if !ok {
			var err error
			dr, err = ru.runWorkflow(ctx, d, ru.r.cfg.depInputs[d.id], depth+1)
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					return nil, err
				}
				dr = &wfResult{status: StatusFailed, reason: err.Error()}
			}
			if ru.deps == nil {
				ru.deps = map[*workflow]*wfResult{}
			}
			ru.deps[d] = dr
		}
		if dr.status != StatusSucceeded {
			return &wfResult{status: StatusFailed, reason: fmt.Sprintf("dependency %q failed: %s", d.id, dr.reason)}, nil
		}
	}
	in, err := ru.prepareInputs(w, inputs)
	if err != nil {
		return nil, err
	}
	ru.wfInputs[w.id] = in
	f := &frame{w: w, inputs: in, outputs: map[string]map[string]any{}, depth: depth}
	res, err := ru.execSteps(ctx, f)
	if err != nil {
		// A limit or a cancel stopped the run: the outputs still report
		// what the steps that completed produced (decisions F3).
		if res != nil && res.outputs == nil {
			res.outputs = ru.workflowOutputs(f, false)
		}
		return res, err
	}
	if res.outputs == nil {
		res.outputs = ru.workflowOutputs(f, res.status == StatusSucceeded)
	}
	ru.wfOutputs[w.id] = res.outputs
	return res, nil
}

// prepareInputs applies defaults, normalises numbers through JSON and
// validates against the inputs schema, listing every problem.
func (ru *run) prepareInputs(w *workflow, inputs map[string]any) (map[string]any, error) {
	in := inputs
	if len(w.defaults) > 0 || in == nil {
		in = make(map[string]any, len(w.defaults)+len(inputs))
		for k, v := range w.defaults {
			in[k] = v
		}
		for k, v := range inputs {
			in[k] = v
		}
	}
	// Normalise to JSON types so that the schema validator and the
	// expression evaluator see one set of types.
	norm, ok := jsonNative(in).(map[string]any)
	if !ok {
		data, err := json.Marshal(in)
		if err != nil {
			return nil, &InputError{WorkflowID: w.id, Problems: []string{err.Error()}}
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&norm); err != nil {
			return nil, &InputError{WorkflowID: w.id, Problems: []string{err.Error()}}
		}
	}
	// Secrets are known before any message about the inputs is written.
	ru.masker.addAt(norm, w.secrets)
	if w.schema != nil && !w.quick.accepts(norm) {
		if err := w.schema.Validate(norm); err != nil {
			if leaves := schemamsg.Leaves(err, w.schemaDocs, norm); leaves != nil {
				return nil, &InputError{WorkflowID: w.id, Problems: leafProblems(leaves, &ru.masker)}
			}
			return nil, &InputError{WorkflowID: w.id, Problems: []string{ru.masker.mask(err.Error())}}
		}
	}
	return norm, nil
}

// leafProblems words each leaf error as "pointer: reason", masked and
// sorted.
func leafProblems(leaves []schemamsg.Leaf, m *masker) []string {
	out := make([]string, 0, len(leaves))
	for _, l := range leaves {
		loc := l.Instance
		if loc == "" {
			loc = "/"
		}
		out = append(out, m.mask(fmt.Sprintf("%s: %s", loc, l.Message)))
	}
	sort.Strings(out)
	return out
}

// workflowOutputs evaluates the workflow's outputs as far as they resolve.
// Unresolved outputs are reported as warnings only when the workflow
// succeeded: after a failure they are expected.
func (ru *run) workflowOutputs(f *frame, report bool) map[string]any {
	out := map[string]any{}
	env := &env{ru: ru, f: f}
	for _, o := range f.w.outputs {
		v, missing, err := o.value.Eval(env)
		if err != nil {
			ru.warn(fmt.Sprintf("workflow %q output %q: %v", f.w.id, o.name, err))
			continue
		}
		if len(missing) > 0 && v == nil {
			if !report {
				continue
			}
			ru.warn(fmt.Sprintf("workflow %q output %q did not resolve: %s", f.w.id, o.name, strings.Join(missing, ", ")))
			continue
		}
		out[o.name] = v
	}
	return out
}

func (ru *run) warn(s string) {
	ru.result.Warnings = append(ru.result.Warnings, ru.masker.mask(s))
}

// execSteps runs the steps of a workflow from the first, following the
// actions (decisions F1–F5).
func (ru *run) execSteps(ctx context.Context, f *frame) (*wfResult, error) {
	w := f.w
	i := 0
	for i < len(w.steps) {
		st := w.steps[i]
		out, err := ru.visitStep(ctx, f, st)
		if err != nil {
			return &wfResult{status: StatusFailed, reason: err.Error(), failedStep: st.id}, err
		}
		switch out.kind {
		case flowNext:
			i++
		case flowGotoStep:
			i = w.index[out.stepID]
		case flowEnd:
			res := &wfResult{status: out.status, reason: out.reason}
			if out.status == StatusFailed {
				res.failedStep = st.id
			}
			return res, nil
		case flowFail:
			return &wfResult{status: StatusFailed, reason: out.reason, failedStep: st.id}, nil
		case flowGotoWorkflow:
			// One-way transfer (decisions F4).
			tr, err := ru.runWorkflow(ctx, out.target, out.inputs, f.depth+1)
			if err != nil {
				return &wfResult{status: StatusFailed, reason: err.Error(), failedStep: st.id}, err
			}
			res := &wfResult{status: tr.status, reason: tr.reason, failedStep: tr.failedStep}
			if tr.status != StatusSucceeded && res.reason != "" {
				res.reason = fmt.Sprintf("workflow %q (reached by goto from step %q) failed: %s", out.target.id, st.id, tr.reason)
			}
			return res, nil
		}
	}
	return &wfResult{status: StatusSucceeded}, nil
}

type flowKind int

const (
	flowNext flowKind = iota
	flowGotoStep
	flowGotoWorkflow
	flowEnd
	flowFail
)

type flow struct {
	kind   flowKind
	stepID string
	target *workflow
	inputs map[string]any
	status Status
	reason string
}

// exchange is what one step execution produced.
type exchange struct {
	req       *openapi.Request
	resp      *openapi.Response
	calleeOut map[string]any // $outputs for workflow steps
	outputs   map[string]any
}

// visitStep executes a step, with its retries, and decides where to go.
func (ru *run) visitStep(ctx context.Context, f *frame, st *step) (flow, error) {
	retries := map[*action]int{}
	attempt := 0
	for {
		attempt++
		rec, ex, ok, err := ru.execStep(ctx, f, st, attempt)
		if err != nil {
			ru.finish(rec, "error")
			return flow{}, err
		}
		if ok {
			fl, name, err := ru.chooseSuccess(ctx, f, st, ex)
			if err != nil {
				ru.finish(rec, "error")
				return flow{}, err
			}
			ru.finishFlow(rec, fl, name)
			return fl, nil
		}
		// Failure: find the first matching failure action (F1), skipping
		// retries whose limit is used up (F5).
		env := &env{ru: ru, f: f, ex: ex}
		var chosen *action
		for _, a := range st.onFail {
			if pass, err := ru.criteriaPass(ctx, env, a.criteria); err != nil {
				ru.finish(rec, "error")
				return flow{}, err
			} else if !pass {
				continue
			}
			if a.typ == "retry" && retries[a] >= a.retryLimit {
				continue
			}
			chosen = a
			break
		}
		reason := ru.failureReason(st, rec)
		if chosen == nil {
			rec.Action = "fail"
			ru.emit(rec)
			return flow{kind: flowFail, reason: reason}, nil
		}
		rec.ActionName = chosen.name
		switch chosen.typ {
		case "end":
			rec.Action = "end"
			ru.emit(rec)
			return flow{kind: flowEnd, status: StatusFailed, reason: reason}, nil
		case "goto":
			fl, err := ru.gotoFlow(ctx, f, env, chosen)
			if err != nil {
				rec.Action = "error"
				ru.emit(rec)
				return flow{}, err
			}
			ru.finishFlow(rec, fl, chosen.name)
			return fl, nil
		case "retry":
			retries[chosen]++
			rec.Action = "retry"
			ru.emit(rec)
			wait := ru.retryDelay(chosen, ex)
			if err := ru.r.cfg.sleep(ctx, wait); err != nil {
				return flow{}, err
			}
			if chosen.stepID != "" {
				if err := ru.runSideStep(ctx, f, chosen.stepID); err != nil {
					return flow{}, err
				}
			}
			if chosen.target != nil {
				in, err := ru.actionInputs(env, chosen)
				if err != nil {
					return flow{}, err
				}
				if _, err := ru.runWorkflow(ctx, chosen.target, in, f.depth+1); err != nil {
					return flow{}, err
				}
			}
			continue
		default:
			rec.Action = "fail"
			ru.emit(rec)
			return flow{kind: flowFail, reason: reason}, nil
		}
	}
}

func (ru *run) failureReason(st *step, rec *StepRecord) string {
	switch {
	case rec.Error != "":
		return fmt.Sprintf("step %q: %s", st.id, rec.Error)
	case len(rec.FailedCriteria) > 0:
		fc := rec.FailedCriteria[0]
		msg := fmt.Sprintf("step %q: success criterion %q failed", st.id, fc.Condition)
		if fc.Detail != "" {
			msg += ": " + fc.Detail
		}
		return msg
	case st.callee != nil:
		return fmt.Sprintf("step %q: workflow %q failed", st.id, st.callee.id)
	default:
		return fmt.Sprintf("step %q: unexpected status %d", st.id, rec.StatusCode)
	}
}

// runSideStep runs the named step once (a retry target), recording its
// outputs and ignoring its actions.
func (ru *run) runSideStep(ctx context.Context, f *frame, stepID string) error {
	i, ok := f.w.index[stepID]
	if !ok {
		return fmt.Errorf("unknown step %q", stepID)
	}
	rec, _, _, err := ru.execStep(ctx, f, f.w.steps[i], 1)
	if err != nil {
		ru.finish(rec, "error")
		return err
	}
	rec.Action = "next"
	ru.emit(rec)
	return nil
}

func (ru *run) chooseSuccess(ctx context.Context, f *frame, st *step, ex *exchange) (flow, string, error) {
	if len(st.onOK) == 0 {
		return flow{kind: flowNext}, "", nil
	}
	env := &env{ru: ru, f: f, ex: ex}
	for _, a := range st.onOK {
		if pass, err := ru.criteriaPass(ctx, env, a.criteria); err != nil {
			return flow{}, "", err
		} else if !pass {
			continue
		}
		switch a.typ {
		case "end":
			return flow{kind: flowEnd, status: StatusSucceeded}, a.name, nil
		case "goto":
			fl, err := ru.gotoFlow(ctx, f, env, a)
			return fl, a.name, err
		}
	}
	return flow{kind: flowNext}, "", nil
}

func (ru *run) gotoFlow(ctx context.Context, f *frame, env *env, a *action) (flow, error) {
	if a.stepID != "" {
		return flow{kind: flowGotoStep, stepID: a.stepID}, nil
	}
	if a.target == nil {
		return flow{}, fmt.Errorf("goto action %q has no target", a.name)
	}
	in, err := ru.actionInputs(env, a)
	if err != nil {
		return flow{}, err
	}
	return flow{kind: flowGotoWorkflow, target: a.target, inputs: in}, nil
}

func (ru *run) actionInputs(env *env, a *action) (map[string]any, error) {
	if len(a.params) == 0 {
		return nil, nil
	}
	in := map[string]any{}
	for _, p := range a.params {
		v, _, err := p.value.Eval(env)
		if err != nil {
			return nil, fmt.Errorf("action %q parameter %q: %w", a.name, p.name, err)
		}
		in[p.name] = v
	}
	return in, nil
}

// criteriaPass reports whether every criterion passes; err ends the run
// (a limit reached, the context done; see evalCriterion).
func (ru *run) criteriaPass(ctx context.Context, env *env, cs []*criterion) (bool, error) {
	for _, c := range cs {
		o, err, fatal := ru.evalCriterion(ctx, env, c)
		if fatal != nil {
			return false, fatal
		}
		if err != nil || !o.Passed {
			return false, nil
		}
	}
	return true, nil
}

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

func (ru *run) finishFlow(rec *StepRecord, fl flow, name string) {
	rec.ActionName = name
	switch fl.kind {
	case flowNext:
		rec.Action = "next"
	case flowGotoStep:
		rec.Action = "goto step " + fl.stepID
	case flowGotoWorkflow:
		rec.Action = "goto workflow " + fl.target.id
	case flowEnd:
		rec.Action = "end"
	case flowFail:
		rec.Action = "fail"
	}
	ru.emit(rec)
}

func (ru *run) finish(rec *StepRecord, action string) {
	if rec == nil {
		return
	}
	rec.Action = action
	ru.emit(rec)
}

// emit appends the record to the trace and tells the observer.
func (ru *run) emit(rec *StepRecord) {
	rec.URL = ru.masker.url(rec.URL)
	rec.Error = ru.masker.mask(rec.Error)
	if rec.Outputs != nil {
		// A copy: the unmasked map stays the one actions and later steps read.
		rec.Outputs, _ = ru.masker.maskValue(rec.Outputs).(map[string]any)
	}
	for i := range rec.FailedCriteria {
		rec.FailedCriteria[i].Detail = ru.masker.mask(rec.FailedCriteria[i].Detail)
	}
	if ru.result.Steps == nil {
		ru.result.Steps = make([]StepRecord, 0, ru.stepsHint)
	}
	ru.result.Steps = append(ru.result.Steps, *rec)
	lvl := slog.LevelInfo
	if rec.Status != StatusSucceeded {
		lvl = slog.LevelWarn
	}
	if ru.log.Enabled(context.Background(), lvl) {
		ru.logStep(lvl, rec)
	}
	if o := ru.r.cfg.observer; o != nil && o.StepFinished != nil {
		o.StepFinished(*rec)
	}
}

func (ru *run) logStep(lvl slog.Level, rec *StepRecord) {
	ru.log.LogAttrs(context.Background(), lvl, "step finished",
		slog.String("workflow_id", rec.WorkflowID), slog.String("step_id", rec.StepID),
		slog.Int("attempt", rec.Attempt), slog.String("status", string(rec.Status)),
		slog.Int("status_code", rec.StatusCode), slog.String("action", rec.Action),
		slog.Duration("duration", rec.Duration))
}

// execStep performs one execution of a step: request, response, criteria
// and outputs. ok reports success. err is only for failures to run (limits,
// cancellation); a transport error is a failed step.
func (ru *run) execStep(ctx context.Context, f *frame, st *step, attempt int) (*StepRecord, *exchange, bool, error) {
	// A step refused before it starts leaves no record in the trace.
	if err := ctx.Err(); err != nil {
		return nil, nil, false, err
	}
	if ru.executions >= ru.r.cfg.limits.MaxStepExecutions {
		return nil, nil, false, &LimitError{Limit: "MaxStepExecutions", Value: ru.r.cfg.limits.MaxStepExecutions}
	}
	ru.executions++
	// One allocation for the record, the exchange and the environment.
	sx := &struct {
		rec  StepRecord
		ex   exchange
		env  env
		pbuf [2]openapi.ParamValue
	}{rec: StepRecord{WorkflowID: f.w.id, StepID: st.id, Attempt: attempt, Status: StatusFailed}}
	rec := &sx.rec
	info := StepInfo{RunID: ru.id, WorkflowID: f.w.id, StepID: st.id, Attempt: attempt}
	if o := ru.r.cfg.observer; o != nil && o.StepStarted != nil {
		o.StepStarted(info)
	}
	if ru.log.Enabled(ctx, slog.LevelDebug) {
		ru.log.LogAttrs(ctx, slog.LevelDebug, "step started", slog.String("workflow_id", f.w.id),
			slog.String("step_id", st.id), slog.Int("attempt", attempt))
	}
	start := time.Now()
	rec.Started = start
	defer func() { rec.Duration = time.Since(start) }()

	ex := &sx.ex
	sx.env.ru, sx.env.f, sx.env.ex = ru, f, ex
	env := &sx.env
	var missing []string

	// Evaluate parameters.
	var params []openapi.ParamValue
	if n := len(st.params); n > len(sx.pbuf) {
		params = make([]openapi.ParamValue, 0, n)
	} else if n > 0 {
		params = sx.pbuf[:0:n]
	}
	for _, p := range st.params {
		if p.value == nil {
			continue
		}
		v, miss, err := p.value.Eval(env)
		missing = append(missing, miss...)
		if err != nil {
			rec.Error = fmt.Sprintf("parameter %q: %v", p.name, err)
			return rec, ex, false, nil
		}
		if v == nil && len(miss) > 0 {
			// A value that did not resolve is left out (F7): no empty
			// query parameter, and a called workflow's defaults apply.
			continue
		}
		params = append(params, openapi.ParamValue{Name: p.name, In: p.in, Value: v})
	}

	var ok bool
	if st.callee != nil {
		in := map[string]any{}
		for _, p := range params {
			in[p.Name] = p.Value
		}
		res, err := ru.runWorkflow(ctx, st.callee, in, f.depth+1)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				rec.Missing = missing
				return rec, ex, false, err
			}
			rec.Error = err.Error()
			rec.Missing = missing
			return rec, ex, false, nil
		}
		ex.calleeOut = res.outputs
		ok = res.status == StatusSucceeded
		if !ok {
			rec.Error = fmt.Sprintf("workflow %q failed: %s", st.callee.id, res.reason)
		}
	} else {
		ops := params
		var b *openapi.Body
		if st.body != nil {
			b = &openapi.Body{ContentType: st.body.contentType}
			if st.body.hasPayload && st.body.payload != nil {
				v, miss, err := st.body.payload.Eval(env)
				missing = append(missing, miss...)
				if err != nil {
					rec.Error = fmt.Sprintf("request body: %v", err)
					return rec, ex, false, nil
				}
				b.Value = v
			}
			for _, rp := range st.body.replacements {
				if rp.value == nil {
					continue
				}
				v, miss, err := rp.value.Eval(env)
				missing = append(missing, miss...)
				if err != nil {
					rec.Error = fmt.Sprintf("replacement %q: %v", rp.target, err)
					return rec, ex, false, nil
				}
				b.Replacements = append(b.Replacements, openapi.Replacement{Target: rp.target, Value: v})
			}
		}
		cfg := &ru.r.cfg
		opts := openapi.RequestOptions{
			Source:          st.source,
			BaseURL:         cfg.servers[st.source],
			ServerVariables: cfg.serverVars[st.source],
			Auth:            ru.r.auth,
		}
		rctx, rcancel := ru.requestContext(ctx)
		req, err, stop := ru.build(ctx, rctx, info, st, ops, b, opts)
		if err != nil {
			rec.Error = fmt.Sprintf("building request: %v", err)
			rec.Missing = missing
			return rec, ex, false, stop
		}
		ru.masker.addRequest(req)
		ex.req = req
		rec.Method = req.HTTP.Method
		rec.URL = req.HTTP.URL.String()
		resp, err := ru.send(ctx, rctx, rcancel, info, req)
		if err == nil && resp.StatusCode == http.StatusUnauthorized && st.oauth2 && len(req.Secrets) > 0 && ru.r.auth != nil {
			// The request carried credentials: refresh a cached OAuth2
			// token once (H3) and resend once.
			ru.r.auth.Invalidate(st.source)
			again, berr, stop := ru.build(ctx, rctx, info, st, ops, b, opts)
			if stop != nil {
				rec.Error = berr.Error()
				return rec, ex, false, stop
			}
			if berr == nil {
				ru.masker.addRequest(again)
				ex.req, req = again, again
				resp, err = ru.send(ctx, rctx, rcancel, info, req)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				rec.Error = err.Error()
				return rec, ex, false, ctx.Err()
			}
			var le *LimitError
			if errors.As(err, &le) {
				rec.Error = err.Error()
				return rec, ex, false, err
			}
			rec.Error = err.Error()
			rec.Missing = missing
			return rec, ex, false, nil
		}
		ex.resp = resp
		rec.StatusCode = resp.StatusCode
		ok = cfg.statusSuccess(resp.StatusCode)
		if len(st.criteria) > 0 {
			ok = true
		}
		if cfg.validate {
			for _, fnd := range st.op.ValidateResponse(ctx, req, resp) {
				ru.warn(fmt.Sprintf("step %q: response validation: %s", st.id, fnd.Message))
				if cfg.validateFail {
					ok = false
					if rec.Error == "" {
						rec.Error = "response validation: " + fnd.Message
					}
				}
			}
		}
	}

	// Success criteria (all must pass).
	if st.callee == nil || ok {
		for i, c := range st.criteria {
			o, err, fatal := ru.evalCriterion(ctx, env, c)
			missing = append(missing, o.Missing...)
			if fatal != nil {
				rec.Error = fmt.Sprintf("success criterion %q: %v", c.c.Condition, fatal)
				rec.Missing = dedupe(missing)
				return rec, ex, false, fatal
			}
			if err != nil || !o.Passed {
				ok = false
				detail := o.Detail
				if err != nil {
					detail = err.Error()
				}
				typ := c.c.Type
				if typ == "" {
					typ = "simple"
				}
				rec.FailedCriteria = append(rec.FailedCriteria, CriterionFailure{Index: i, Condition: c.c.Condition, Type: typ, Detail: detail})
			}
		}
	}

	// Outputs, recorded whatever the outcome so that actions can read them.
	outs := make(map[string]any, len(st.outputs))
	for _, o := range st.outputs {
		v, miss, err := o.value.Eval(env)
		missing = append(missing, miss...)
		if err != nil {
			ru.warn(fmt.Sprintf("step %q output %q: %v", st.id, o.name, err))
			continue
		}
		outs[o.name] = v
	}
	f.outputs[st.id] = outs
	ex.outputs = outs
	if len(outs) > 0 {
		rec.Outputs = outs
	}
	rec.Missing = dedupe(missing)
	if ok {
		rec.Status = StatusSucceeded
	}
	return rec, ex, ok, nil
}

func dedupe(s []string) []string {
	if len(s) < 2 {
		return s
	}
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// send performs the HTTP exchange of req, built with rctx (from
// requestContext; rcancel cancels it, nil when no limit applies), within
// the request limit, telling the observer.
func (ru *run) send(ctx, rctx context.Context, rcancel context.CancelCauseFunc, info StepInfo, req *openapi.Request) (*openapi.Response, error) {
	cfg := &ru.r.cfg
	o := cfg.observer
	if o != nil && o.RequestSent != nil {
		o.RequestSent(RequestInfo{
			StepInfo: info, Method: req.HTTP.Method, URL: ru.masker.url(req.HTTP.URL.String()),
			Header: ru.masker.header(req.HTTP.Header), Body: ru.masker.body(req.Body),
		})
	}
	start := time.Now()
	if rcancel != nil {
		if ru.limit == nil {
			ru.limit = limitPool.Get().(*requestLimit)
		}
		ru.limit.arm(rcancel, cfg.limits.RequestTimeout)
		defer ru.limit.disarm()
	}
	hr := req.HTTP
	if pctx := withPlacements(rctx, req.Credentials); pctx != hr.Context() {
		hr = hr.WithContext(pctx)
	}
	if req.Body != nil {
		// A *bytes.Reader in io.NopCloser, which net/http recognizes as in
		// memory: it writes headers and body in one syscall (for another
		// reader it flushes the headers first: two writes per request).
		hr.Body = io.NopCloser(bytes.NewReader(req.Body))
	}
	resp, err := cfg.client.Do(hr)
	if err != nil {
		if rerr := ru.stopError(ctx, rctx, err); rerr != nil {
			return nil, rerr
		}
		return nil, fmt.Errorf("%s %s: %w", req.HTTP.Method, ru.masker.mask(req.HTTP.URL.Redacted()), unwrapURLError(err))
	}
	r, err := openapi.ReadResponse(resp, cfg.limits.MaxResponseBytes)
	if err != nil {
		// A body still arriving when the limit fires or the run is
		// cancelled ends the run like a limit reached before the headers.
		if rerr := ru.stopError(ctx, rctx, err); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if r.Truncated {
		return nil, &LimitError{Limit: "MaxResponseBytes", Value: cfg.limits.MaxResponseBytes}
	}
	if o != nil && o.ResponseReceived != nil {
		o.ResponseReceived(ResponseInfo{
			StepInfo: info, StatusCode: r.StatusCode, Header: ru.masker.header(r.Header),
			Body: ru.masker.body(r.Raw), Duration: time.Since(start),
		})
	}
	return r, nil
}

// stopError says whether err, from work done under rctx (ctx bounded by
// RequestTimeout), must end the run rather than fail the step: it is the
// context's error when ctx is done, a LimitError naming RequestTimeout when
// the request limit fired, a LimitError naming MaxResponseBytes for a token
// response over the cap, and nil otherwise (decisions F8).
func (ru *run) stopError(ctx, rctx context.Context, err error) error {
	limits := &ru.r.cfg.limits
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(context.Cause(rctx), context.DeadlineExceeded) {
		return &LimitError{Limit: "RequestTimeout", Value: limits.RequestTimeout}
	}
	var tl *openapi.TooLargeError
	if errors.As(err, &tl) {
		return &LimitError{Limit: "MaxResponseBytes", Value: limits.MaxResponseBytes}
	}
	return nil
}

// build builds the step's request. Security may fetch an OAuth2 token on
// the way: that request gets the same request limit, and its limits and
// cancellation end the run (stop non-nil) instead of failing the step. The
// observer hears of it as a KindToken exchange of info's step.
func (ru *run) build(ctx, rctx context.Context, info StepInfo, st *step, params []openapi.ParamValue, b *openapi.Body, opts openapi.RequestOptions) (req *openapi.Request, err, stop error) {
	if !st.oauth2 || opts.Auth == nil {
		req, err = st.op.BuildRequest(rctx, params, b, opts)
		if err != nil {
			stop = ru.stopError(ctx, ctx, err)
		}
		return req, err, stop
	}
	bctx, cancel := context.WithTimeout(ctx, ru.r.cfg.limits.RequestTimeout)
	defer cancel()
	bctx = openapi.WithTokenObserver(bctx, func(x openapi.TokenExchange) { ru.tokenExchange(info, x) })
	req, err = st.op.BuildRequest(bctx, params, b, opts)
	if err != nil {
		return req, err, ru.stopError(ctx, bctx, err)
	}
	// The request outlives bctx: give it the request context.
	req.HTTP = req.HTTP.WithContext(rctx)
	return req, nil, nil
}

func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// env resolves runtime expressions for one step execution.
type env struct {
	ru *run
	f  *frame
	ex *exchange
}

func (e *env) Resolve(ref *expression.Reference) (any, bool) {
	switch ref.Root {
	case expression.RootStatusCode:
		if e.ex == nil || e.ex.resp == nil {
			return nil, false
		}
		return e.ex.resp.StatusCode, true
	case expression.RootURL:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		return e.ru.masker.url(e.ex.req.HTTP.URL.String()), true
	case expression.RootMethod:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		return e.ex.req.HTTP.Method, true
	case expression.RootRequest:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		req := e.ex.req
		switch ref.Field {
		case "header":
			vs := req.HTTP.Header.Values(ref.Name)
			if len(vs) == 0 {
				return nil, false
			}
			return vs[0], true
		case "query":
			v, ok := req.QueryParams[ref.Name]
			return v, ok
		case "path":
			v, ok := req.PathParams[ref.Name]
			return v, ok
		case "body":
			if req.BodyValue == nil && req.Body == nil {
				return nil, false
			}
			if req.BodyValue != nil {
				return req.BodyValue, true
			}
			return string(req.Body), true
		}
	case expression.RootResponse:
		if e.ex == nil || e.ex.resp == nil {
			return nil, false
		}
		switch ref.Field {
		case "header":
			vs := e.ex.resp.Header.Values(ref.Name)
			if len(vs) == 0 {
				return nil, false
			}
			return vs[0], true
		case "body":
			return e.ex.resp.Body, true
		}
	case expression.RootInputs:
		v, ok := e.f.inputs[ref.Name]
		return v, ok
	case expression.RootOutputs:
		if e.ex == nil || e.ex.calleeOut == nil {
			if e.ex != nil && e.ex.outputs != nil {
				v, ok := e.ex.outputs[ref.Name]
				return v, ok
			}
			return nil, false
		}
		v, ok := e.ex.calleeOut[ref.Name]
		return v, ok
	case expression.RootSteps:
		outs, ok := e.f.outputs[ref.ID]
		if !ok {
			return nil, false
		}
		if ref.Field != "" && ref.Field != "outputs" {
			return nil, false
		}
		if ref.Name == "" {
			return outs, true
		}
		v, ok := outs[ref.Name]
		return v, ok
	case expression.RootWorkflows:
		var m map[string]any
		switch ref.Field {
		case "inputs":
			m = e.ru.wfInputs[ref.ID]
		case "outputs":
			m = e.ru.wfOutputs[ref.ID]
		}
		if m == nil {
			return nil, false
		}
		if ref.Name == "" {
			return m, true
		}
		v, ok := m[ref.Name]
		return v, ok
	case expression.RootSourceDescriptions:
		for _, sd := range e.f.w.doc.SourceDescriptions {
			if sd.Name != ref.ID {
				continue
			}
			switch ref.Name {
			case "url":
				return sd.URL, true
			case "type":
				return sd.Type, true
			case "name":
				return sd.Name, true
			}
			return ref.Name, true
		}
	case expression.RootComponents:
		c := e.f.w.doc.Components
		if c == nil {
			return nil, false
		}
		switch ref.Field {
		case "parameters":
			if p := c.Parameters[ref.Name]; p != nil {
				return p.Value, true
			}
		case "inputs":
			if v, ok := c.Inputs[ref.Name]; ok {
				return v, true
			}
		}
	}
	return nil, false
}

// jsonNative returns v with Go numbers turned into json.Number and maps
// and slices copied, or a value of type struct{} when v holds something
// only encoding/json can convert (structs, other map types).
func jsonNative(v any) any {
	switch t := v.(type) {
	case nil, bool, string, json.Number:
		return v
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return struct{}{}
		}
		return json.Number(strconv.FormatFloat(t, 'g', -1, 64))
	case float32:
		return json.Number(strconv.FormatFloat(float64(t), 'g', -1, 32))
	case int:
		return json.Number(strconv.Itoa(t))
	case int64:
		return json.Number(strconv.FormatInt(t, 10))
	case int32:
		return json.Number(strconv.FormatInt(int64(t), 10))
	case uint:
		return json.Number(strconv.FormatUint(uint64(t), 10))
	case uint64:
		return json.Number(strconv.FormatUint(t, 10))
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			y := jsonNative(x)
			if _, bad := y.(struct{}); bad {
				return y
			}
			m[k] = y
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			y := jsonNative(x)
			if _, bad := y.(struct{}); bad {
				return y
			}
			out[i] = y
		}
		return out
	default:
		return struct{}{}
	}
}
