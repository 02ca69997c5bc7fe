package runtime

import (
	"context"
	"fmt"

	"github.com/weftflow/weft/arazzo"
)

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
			if a.typ == arazzo.ActionRetry && retries[a] >= a.retryLimit {
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
		case arazzo.ActionEnd:
			rec.Action = "end"
			ru.emit(rec)
			return flow{kind: flowEnd, status: StatusFailed, reason: reason}, nil
		case arazzo.ActionGoto:
			fl, err := ru.gotoFlow(ctx, f, env, chosen)
			if err != nil {
				rec.Action = "error"
				ru.emit(rec)
				return flow{}, err
			}
			ru.finishFlow(rec, fl, chosen.name)
			return fl, nil
		case arazzo.ActionRetry:
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
		case arazzo.ActionEnd:
			return flow{kind: flowEnd, status: StatusSucceeded}, a.name, nil
		case arazzo.ActionGoto:
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
