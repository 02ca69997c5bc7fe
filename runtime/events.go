package runtime

import (
	"context"
	"log/slog"
)

// Attribute keys of the records a Runner logs (see WithLogger). Every
// record of a run carries LogKeyRunID; step records carry LogKeyWorkflow,
// LogKeyStep and LogKeyAttempt, and a finished step LogKeyStatus,
// LogKeyStatusCode, LogKeyAction and LogKeyDuration as its StepRecord
// reports them.
const (
	// LogKeyRunID is the run's id (Result.RunID).
	LogKeyRunID = "run_id"
	// LogKeyWorkflow is a workflow id.
	LogKeyWorkflow = "workflow_id"
	// LogKeyStep is a step id.
	LogKeyStep = "step_id"
	// LogKeyAttempt is StepRecord.Attempt.
	LogKeyAttempt = "attempt"
	// LogKeyStatus is the Status of a step or a run.
	LogKeyStatus = "status"
	// LogKeyStatusCode is the HTTP status code of a step's response (0
	// when there was none).
	LogKeyStatusCode = "status_code"
	// LogKeyAction is StepRecord.Action.
	LogKeyAction = "action"
	// LogKeyDuration is StepRecord.Duration.
	LogKeyDuration = "duration"
	// LogKeyError is the error that aborted a run, secrets masked.
	LogKeyError = "error"
)

// stepEvent is one step event, built once and handed to every sink in
// turn (the trace, the logger, the observer), the way one slog.Record goes
// to every handler.
type stepEvent struct {
	// info is the execution that started; rec is nil then.
	info StepInfo
	// rec is the finished execution, secrets masked.
	rec *StepRecord
}

// publish hands ev to every sink.
func (ru *run) publish(ctx context.Context, ev stepEvent) {
	ru.traceStep(ev)
	ru.logStep(ctx, ev)
	ru.observeStep(ev)
}

// traceStep appends a finished execution to the Result's trace.
func (ru *run) traceStep(ev stepEvent) {
	if ev.rec == nil {
		return
	}
	if ru.result.Steps == nil {
		ru.result.Steps = make([]StepRecord, 0, ru.stepsHint)
	}
	ru.result.Steps = append(ru.result.Steps, *ev.rec)
}

// logStep logs a started execution at debug level and a finished one at
// info level, or warn when it failed.
func (ru *run) logStep(ctx context.Context, ev stepEvent) {
	rec := ev.rec
	if rec == nil {
		if ru.log.Enabled(ctx, slog.LevelDebug) {
			ru.log.LogAttrs(ctx, slog.LevelDebug, "step started", slog.String(LogKeyWorkflow, ev.info.WorkflowID),
				slog.String(LogKeyStep, ev.info.StepID), slog.Int(LogKeyAttempt, ev.info.Attempt))
		}
		return
	}
	lvl := slog.LevelInfo
	if rec.Status != StatusSucceeded {
		lvl = slog.LevelWarn
	}
	if !ru.log.Enabled(ctx, lvl) {
		return
	}
	ru.log.LogAttrs(ctx, lvl, "step finished",
		slog.String(LogKeyWorkflow, rec.WorkflowID), slog.String(LogKeyStep, rec.StepID),
		slog.Int(LogKeyAttempt, rec.Attempt), slog.String(LogKeyStatus, string(rec.Status)),
		slog.Int(LogKeyStatusCode, rec.StatusCode), slog.String(LogKeyAction, rec.Action),
		slog.Duration(LogKeyDuration, rec.Duration))
}

// observeStep tells the Observer.
func (ru *run) observeStep(ev stepEvent) {
	o := ru.observer
	switch {
	case o == nil:
	case ev.rec == nil && o.StepStarted != nil:
		o.StepStarted(ev.info)
	case ev.rec != nil && o.StepFinished != nil:
		o.StepFinished(*ev.rec)
	}
}

func (ru *run) warn(s string) {
	ru.result.Warnings = append(ru.result.Warnings, ru.masker.mask(s))
}

// finishFlow finishes the execution with the action that goes where fl
// does.
func (ru *run) finishFlow(ctx context.Context, sr *stepRun, fl flow, name string) {
	sr.rec.ActionName = name
	action := ""
	switch fl.kind {
	case flowNext:
		action = "next"
	case flowGotoStep:
		action = "goto step " + fl.stepID
	case flowGotoWorkflow:
		action = "goto workflow " + fl.target.id
	case flowEnd:
		action = "end"
	case flowFail:
		action = "fail"
	}
	ru.finish(ctx, sr, action)
}

// finish records the action taken after the execution (StepRecord.Action)
// and publishes it, secrets masked. A nil sr (a step refused before it
// started) has nothing to publish.
func (ru *run) finish(ctx context.Context, sr *stepRun, action string) {
	if sr == nil {
		return
	}
	rec := &sr.rec
	rec.Action = action
	rec.URL = ru.masker.url(rec.URL)
	rec.Error = ru.masker.mask(rec.Error)
	if rec.Outputs != nil {
		// A copy: the unmasked map stays the one actions and later steps read.
		rec.Outputs, _ = ru.masker.maskValue(rec.Outputs).(map[string]any)
	}
	for i := range rec.FailedCriteria {
		rec.FailedCriteria[i].Detail = ru.masker.mask(rec.FailedCriteria[i].Detail)
	}
	ru.publish(ctx, stepEvent{info: sr.info(), rec: rec})
}
