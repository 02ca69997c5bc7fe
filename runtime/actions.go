package runtime

import (
	"context"
	"fmt"

	"github.com/weftflow/weft/arazzo"
)

// execSteps runs the steps of a workflow from the first, following the
// actions (decisions F1–F5). A step that stops the run (err) is named by
// the *StepError err becomes, unless a step of a workflow it called
// already is.
func (ru *run) execSteps(ctx context.Context, f *frame) (*wfResult, error) {
	w := f.w
	i := 0
	for i < len(w.steps) {
		st := w.steps[i]
		out, err := ru.visitStep(ctx, f, st)
		if err != nil {
			err = stepStopped(w, st, err)
			return &wfResult{status: StatusFailed, err: err, failedStep: st.id}, err
		}
		switch out.kind {
		case flowNext:
			i++
		case flowGotoStep:
			i = out.step
		case flowEnd:
			res := &wfResult{status: out.status}
			if out.status == StatusFailed {
				res.err = &StepError{WorkflowID: w.id, StepID: st.id, Cause: out.cause}
				res.failedStep = st.id
			}
			return res, nil
		case flowFail:
			return &wfResult{status: StatusFailed, err: &StepError{WorkflowID: w.id, StepID: st.id, Cause: out.cause}, failedStep: st.id}, nil
		case flowGotoWorkflow:
			// One-way transfer (decisions F4).
			tr, err := ru.runWorkflow(ctx, out.target, out.inputs, f.depth+1)
			if err != nil {
				err = stepStopped(w, st, err)
				return &wfResult{status: StatusFailed, err: err, failedStep: st.id}, err
			}
			res := &wfResult{status: tr.status, err: tr.err, failedStep: tr.failedStep}
			if tr.status != StatusSucceeded && tr.err != nil {
				res.err = fmt.Errorf("workflow %q (reached by goto from step %q) failed: %w", out.target.id, st.id, tr.err)
			}
			return res, nil
		}
	}
	return &wfResult{status: StatusSucceeded}, nil
}

// stepStopped is err, which stopped the run during step st of w, as a
// *StepError naming st, unless it already names a step.
func stepStopped(w *workflow, st *step, err error) error {
	if _, ok := err.(*StepError); ok {
		return err
	}
	return &StepError{WorkflowID: w.id, StepID: st.id, Cause: err}
}

// stopCause is the error that stopped a run, without the *StepError
// naming the step (see stepStopped).
func stopCause(err error) error {
	if se, ok := err.(*StepError); ok {
		return se.Cause
	}
	return err
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
	step   int // index of stepID's step
	target *workflow
	inputs map[string]any
	status Status
	cause  error // why the step failed, for flowFail and a failed flowEnd
}

// visitStep executes a step, with its retries, and decides where to go.
func (ru *run) visitStep(ctx context.Context, f *frame, st *step) (flow, error) {
	retries := map[*action]int{}
	attempt := 0
	for {
		attempt++
		sr, err := ru.execStep(ctx, f, st, attempt)
		if err != nil {
			ru.finish(ctx, sr, "error")
			return flow{}, err
		}
		if sr.cause == nil {
			fl, name, err := ru.chooseSuccess(ctx, f, st, &sr.env)
			if err != nil {
				ru.finish(ctx, sr, "error")
				return flow{}, err
			}
			ru.finishFlow(ctx, sr, fl, name)
			return fl, nil
		}
		chosen, err := ru.chooseFailure(ctx, st, &sr.env, retries)
		if err != nil {
			ru.finish(ctx, sr, "error")
			return flow{}, err
		}
		if chosen == nil {
			ru.finish(ctx, sr, "fail")
			return flow{kind: flowFail, cause: sr.cause}, nil
		}
		sr.rec.ActionName = chosen.name
		switch chosen.typ {
		case arazzo.ActionEnd:
			ru.finish(ctx, sr, "end")
			return flow{kind: flowEnd, status: StatusFailed, cause: sr.cause}, nil
		case arazzo.ActionGoto:
			fl, err := ru.gotoFlow(ctx, f, &sr.env, chosen)
			if err != nil {
				ru.finish(ctx, sr, "error")
				return flow{}, err
			}
			ru.finishFlow(ctx, sr, fl, chosen.name)
			return fl, nil
		case arazzo.ActionRetry:
			retries[chosen]++
			ru.finish(ctx, sr, "retry")
			if err := ru.retry(ctx, f, &sr.env, chosen); err != nil {
				return flow{}, err
			}
		default:
			ru.finish(ctx, sr, "fail")
			return flow{kind: flowFail, cause: sr.cause}, nil
		}
	}
}

// chooseFailure returns the first failure action whose criteria pass (F1),
// skipping retries whose limit is used up (F5); nil when none does.
func (ru *run) chooseFailure(ctx context.Context, st *step, env *env, retries map[*action]int) (*action, error) {
	for _, a := range st.onFail {
		if pass, err := ru.criteriaPass(ctx, env, a.criteria); err != nil {
			return nil, err
		} else if !pass {
			continue
		}
		if a.typ == arazzo.ActionRetry && retries[a] >= a.retryLimit {
			continue
		}
		return a, nil
	}
	return nil, nil
}

// retry waits before retrying the step, then runs the action's step or
// workflow, if it names one.
func (ru *run) retry(ctx context.Context, f *frame, env *env, a *action) error {
	if err := ru.r.cfg.sleep(ctx, ru.retryDelay(a, env.ex)); err != nil {
		return err
	}
	if a.stepID != "" {
		if err := ru.runSideStep(ctx, f, a.step); err != nil {
			return err
		}
	}
	if a.target != nil {
		in, err := ru.actionInputs(env, a)
		if err != nil {
			return err
		}
		if _, err := ru.runWorkflow(ctx, a.target, in, f.depth+1); err != nil {
			return err
		}
	}
	return nil
}

// runSideStep runs the step at index i once (a retry target), recording
// its outputs and ignoring its actions.
func (ru *run) runSideStep(ctx context.Context, f *frame, i int) error {
	st := f.w.steps[i]
	sr, err := ru.execStep(ctx, f, st, 1)
	if err != nil {
		ru.finish(ctx, sr, "error")
		return stepStopped(f.w, st, err)
	}
	ru.finish(ctx, sr, "next")
	return nil
}

// chooseSuccess returns where the first success action whose criteria
// pass goes, and its name; flowNext when none does.
func (ru *run) chooseSuccess(ctx context.Context, f *frame, st *step, env *env) (flow, string, error) {
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
		return flow{kind: flowGotoStep, stepID: a.stepID, step: a.step}, nil
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
