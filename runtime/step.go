package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/weftflow/weft/openapi"
)

// exchange is what one step execution produced.
type exchange struct {
	req       *openapi.Request
	resp      *openapi.Response
	calleeOut map[string]any // $outputs for workflow steps
	outputs   map[string]any
}

// stepRun is one execution of one step: the record the trace gets, the
// exchange the step's expressions read, and why the step failed. One
// allocation holds it all.
type stepRun struct {
	rec     StepRecord
	ex      exchange
	env     env
	pbuf    [2]openapi.ParamValue
	missing []string // references that evaluated to null, with repeats
	// cause is why the step failed, nil when it succeeded: the Cause of
	// the workflow's *StepError when no failure action recovers.
	cause error
}

// info identifies the execution for the Observer.
func (sr *stepRun) info() StepInfo {
	return StepInfo{RunID: sr.env.ru.id, WorkflowID: sr.rec.WorkflowID, StepID: sr.rec.StepID, Attempt: sr.rec.Attempt}
}

// fail records that the step failed because of err; the first cause
// stands. The record's Error says it, except for a failed criterion or an
// unexpected status, which FailedCriteria and StatusCode report.
func (sr *stepRun) fail(err error) {
	if sr.cause != nil {
		return
	}
	sr.cause = err
	switch err.(type) {
	case *CriterionError, *StatusError:
	default:
		sr.rec.Error = err.Error()
	}
}

// execStep performs one execution of a step: the call (a request or a
// workflow), then, unless the call could not be made, the success
// criteria and the outputs. The step failed when the stepRun's cause is
// set. err is only for failures to run (limits, cancellation), and a nil
// stepRun with it means the step was refused before it started.
func (ru *run) execStep(ctx context.Context, f *frame, st *step, attempt int) (*stepRun, error) {
	sr, err := ru.startStep(ctx, f, st, attempt)
	if err != nil {
		return nil, err
	}
	defer func() {
		sr.rec.Duration = time.Since(sr.rec.Started)
		sr.rec.Missing = dedupe(sr.missing)
	}()
	made, err := ru.call(ctx, sr, st)
	if err != nil || !made {
		return sr, err
	}
	if st.callee == nil || sr.cause == nil {
		if err := ru.checkCriteria(ctx, sr, st); err != nil {
			return sr, err
		}
	}
	ru.stepOutputs(sr, st)
	if sr.cause == nil {
		sr.rec.Status = StatusSucceeded
	}
	return sr, nil
}

// startStep counts the execution against MaxStepExecutions and announces
// it. A step refused here leaves no record in the trace.
func (ru *run) startStep(ctx context.Context, f *frame, st *step, attempt int) (*stepRun, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ru.executions >= ru.r.cfg.limits.MaxStepExecutions {
		return nil, &LimitError{Limit: "MaxStepExecutions", Value: ru.r.cfg.limits.MaxStepExecutions}
	}
	ru.executions++
	sr := &stepRun{
		rec: StepRecord{WorkflowID: f.w.id, StepID: st.id, Attempt: attempt, Status: StatusFailed},
	}
	sr.env = env{ru: ru, f: f, ex: &sr.ex}
	ru.publish(ctx, stepEvent{info: sr.info()})
	sr.rec.Started = time.Now()
	return sr, nil
}

// call evaluates the step's parameters and makes its call. made is false
// when the call could not be made (the step failed, sr says why).
func (ru *run) call(ctx context.Context, sr *stepRun, st *step) (made bool, err error) {
	params, err := ru.stepParams(sr, st)
	if err != nil {
		sr.fail(err)
		return false, nil
	}
	if st.callee != nil {
		return ru.callWorkflow(ctx, sr, st, params)
	}
	return ru.callOperation(ctx, sr, st, params)
}

// stepParams evaluates the step's parameters. A value that did not
// resolve is left out (F7): no empty query parameter, and a called
// workflow's defaults apply.
func (ru *run) stepParams(sr *stepRun, st *step) ([]openapi.ParamValue, error) {
	var params []openapi.ParamValue
	if n := len(st.params); n > len(sr.pbuf) {
		params = make([]openapi.ParamValue, 0, n)
	} else if n > 0 {
		params = sr.pbuf[:0:n]
	}
	for _, p := range st.params {
		if p.value == nil {
			continue
		}
		v, miss, err := p.value.Eval(&sr.env)
		sr.missing = append(sr.missing, miss...)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", p.name, err)
		}
		if v == nil && len(miss) > 0 {
			continue
		}
		params = append(params, openapi.ParamValue{Name: p.name, In: p.in, Value: v})
	}
	return params, nil
}

// callWorkflow runs the step's workflow with params as its inputs. Inputs
// the callee refuses fail the step without a call.
func (ru *run) callWorkflow(ctx context.Context, sr *stepRun, st *step, params []openapi.ParamValue) (made bool, err error) {
	in := map[string]any{}
	for _, p := range params {
		in[p.Name] = p.Value
	}
	res, err := ru.runWorkflow(ctx, st.callee, in, sr.env.f.depth+1)
	if err != nil {
		var ie *InputError
		if !errors.As(err, &ie) {
			return false, err
		}
		sr.fail(stopCause(err))
		return false, nil
	}
	sr.ex.calleeOut = res.outputs
	if res.status != StatusSucceeded {
		sr.fail(fmt.Errorf("workflow %q failed: %w", st.callee.id, res.err))
	}
	return true, nil
}

// callOperation builds and sends the step's request and checks the
// response: validation (WithResponseValidation) and, for a step without
// success criteria, the status code.
func (ru *run) callOperation(ctx context.Context, sr *stepRun, st *step, ops []openapi.ParamValue) (made bool, err error) {
	rec, ex, info := &sr.rec, &sr.ex, sr.info()
	var body openapi.Body // on the stack: BuildRequest does not keep it
	b, err := ru.requestBody(sr, st, &body)
	if err != nil {
		sr.fail(err)
		return false, nil
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
		sr.fail(fmt.Errorf("building request: %w", err))
		return false, stop
	}
	ru.masker.addRequest(req)
	ex.req = req
	rec.Method = req.HTTP.Method
	rec.URL = req.HTTP.URL.String()
	sent, resp, err, stop := ru.sendAuthorized(ctx, rctx, rcancel, info, st, req)
	ex.req = sent
	if stop != nil {
		sr.fail(err)
		return false, stop
	}
	if err != nil {
		sr.fail(err)
		var le *LimitError
		if cerr := ctx.Err(); cerr != nil {
			return false, cerr
		} else if errors.As(err, &le) {
			return false, err
		}
		return false, nil
	}
	ex.resp = resp
	rec.StatusCode = resp.StatusCode
	if cfg.validate {
		ru.validateResponse(ctx, sr, st)
	}
	if len(st.criteria) == 0 && !cfg.statusSuccess(resp.StatusCode) {
		sr.fail(&StatusError{StatusCode: resp.StatusCode})
	}
	return true, nil
}

// requestBody evaluates the step's request body and its replacements into
// b, returning it (nil when the step has no requestBody).
func (ru *run) requestBody(sr *stepRun, st *step, b *openapi.Body) (*openapi.Body, error) {
	if st.body == nil {
		return nil, nil
	}
	b.ContentType = st.body.contentType
	if st.body.hasPayload && st.body.payload != nil {
		v, miss, err := st.body.payload.Eval(&sr.env)
		sr.missing = append(sr.missing, miss...)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		b.Value = v
	}
	for _, rp := range st.body.replacements {
		if rp.value == nil {
			continue
		}
		v, miss, err := rp.value.Eval(&sr.env)
		sr.missing = append(sr.missing, miss...)
		if err != nil {
			return nil, fmt.Errorf("replacement %q: %w", rp.target, err)
		}
		b.Replacements = append(b.Replacements, openapi.Replacement{Target: rp.target, Value: v})
	}
	return b, nil
}

// validateResponse checks the response against the operation: every
// finding is a warning, and fails the step in fail mode.
func (ru *run) validateResponse(ctx context.Context, sr *stepRun, st *step) {
	for _, fnd := range st.op.ValidateResponse(ctx, sr.ex.req, sr.ex.resp) {
		ru.warn(fmt.Sprintf("step %q: response validation: %s", st.id, fnd.Message))
		if ru.r.cfg.validateFail {
			sr.fail(errors.New("response validation: " + fnd.Message))
		}
	}
}

// checkCriteria evaluates every success criterion; each that does not
// pass is a FailedCriteria entry, the first the step's cause. err ends the
// run (see evalCriterion).
func (ru *run) checkCriteria(ctx context.Context, sr *stepRun, st *step) error {
	for i, c := range st.criteria {
		o, err, fatal := ru.evalCriterion(ctx, &sr.env, c)
		sr.missing = append(sr.missing, o.Missing...)
		if fatal != nil {
			sr.rec.Error = fmt.Sprintf("success criterion %q: %v", c.c.Condition, fatal)
			return fatal
		}
		if err == nil && o.Passed {
			continue
		}
		fc := CriterionFailure{Index: i, Condition: c.c.Condition, Type: c.c.Type, Detail: o.Detail}
		if fc.Type == "" {
			fc.Type = "simple"
		}
		if err != nil {
			fc.Detail = err.Error()
		}
		sr.rec.FailedCriteria = append(sr.rec.FailedCriteria, fc)
		sr.fail(&CriterionError{CriterionFailure: fc, Err: err})
	}
	return nil
}

// stepOutputs evaluates the step's outputs, recorded whatever the outcome
// so that actions can read them.
func (ru *run) stepOutputs(sr *stepRun, st *step) {
	outs := make(map[string]any, len(st.outputs))
	for _, o := range st.outputs {
		v, miss, err := o.value.Eval(&sr.env)
		sr.missing = append(sr.missing, miss...)
		if err != nil {
			ru.warn(fmt.Sprintf("step %q output %q: %v", st.id, o.name, err))
			continue
		}
		outs[o.name] = v
	}
	sr.env.f.outputs[st.id] = outs
	sr.ex.outputs = outs
	if len(outs) > 0 {
		sr.rec.Outputs = outs
	}
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
