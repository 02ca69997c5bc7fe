package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

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
// Result whose Status is StatusFailed, with Error saying why and Err the
// *StepError to inspect. When an error is returned after steps ran, the
// partial Result is returned too, its Err naming the step that was
// executing.
func (r *Runner) Run(ctx context.Context, workflowID string, inputs map[string]any) (*Result, error) {
	w := r.entry[workflowID]
	if w == nil {
		return nil, fmt.Errorf("unknown workflow %q (the document has: %s)", workflowID, strings.Join(r.Workflows(), ", "))
	}
	ru := &run{
		r:         r,
		id:        runID(ctx),
		observer:  r.runObserver(ctx),
		start:     r.cfg.now(),
		wfInputs:  map[*workflow]map[string]any{},
		wfOutputs: map[*workflow]map[string]any{},
		masker:    masker{cache: r.cfg.masks},
		stepsHint: len(w.steps),
	}
	for _, u := range r.cfg.servers {
		ru.masker.addServerURL(u)
	}
	if len(r.cfg.secrets) > 0 {
		ru.masker.add(r.cfg.secrets...)
	}
	ru.log = r.cfg.logger
	if ru.log.Handler() != slog.DiscardHandler {
		ru.log = ru.log.With(LogKeyRunID, ru.id)
	}
	ru.result = &Result{RunID: ru.id, WorkflowID: workflowID}
	ru.log.LogAttrs(ctx, slog.LevelInfo, "run started", slog.String(LogKeyWorkflow, workflowID))
	res, err := ru.runWorkflow(ctx, w, inputs, 0)
	ru.endRequests()
	out := ru.result
	out.Duration = time.Since(ru.start)
	if res != nil {
		out.Status = res.status
		out.Outputs = ru.masker.maskValue(res.outputs).(map[string]any)
		out.FailedStep = res.failedStep
	}
	if err != nil {
		cause := stopCause(err)
		out.Status = StatusFailed
		out.Err = ru.masker.maskError(err)
		out.Error = ru.masker.mask(cause.Error())
		ru.log.LogAttrs(ctx, slog.LevelError, "run aborted", slog.String(LogKeyWorkflow, workflowID), slog.String(LogKeyError, out.Error))
		var ie *InputError
		if errors.As(cause, &ie) && len(out.Steps) == 0 {
			return nil, cause
		}
		return out, ru.masker.maskError(cause)
	}
	if res.err != nil {
		out.Err = ru.masker.maskError(res.err)
		out.Error = ru.masker.mask(res.err.Error())
	}
	ru.log.LogAttrs(ctx, slog.LevelInfo, "run finished", slog.String(LogKeyWorkflow, workflowID), slog.String(LogKeyStatus, string(out.Status)))
	return out, nil
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// run is the state of one Run call.
type run struct {
	r          *Runner
	id         string
	observer   *Observer // the Runner's and the context's (runObserver)
	start      time.Time
	log        *slog.Logger
	result     *Result
	executions int
	wfInputs   map[*workflow]map[string]any // by workflow, not id: ids repeat across documents
	wfOutputs  map[*workflow]map[string]any
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
	status  Status
	outputs map[string]any
	// err says why the workflow failed (nil when it succeeded): a
	// *StepError, or an error wrapping one.
	err        error
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
				dr = &wfResult{status: StatusFailed, err: stopCause(err)}
			}
			if ru.deps == nil {
				ru.deps = map[*workflow]*wfResult{}
			}
			ru.deps[d] = dr
		}
		if dr.status != StatusSucceeded {
			return &wfResult{status: StatusFailed, err: fmt.Errorf("dependency %q failed: %w", d.id, dr.err)}, nil
		}
	}
	in, err := ru.prepareInputs(w, inputs)
	if err != nil {
		return nil, err
	}
	ru.wfInputs[w] = in
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
	ru.wfOutputs[w] = res.outputs
	return res, nil
}
