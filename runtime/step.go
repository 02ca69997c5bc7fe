package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
		sent, resp, err, stop := ru.sendAuthorized(ctx, rctx, rcancel, info, st, req)
		ex.req, req = sent, sent
		if stop != nil {
			rec.Error = err.Error()
			return rec, ex, false, stop
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
