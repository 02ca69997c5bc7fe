package runtime

import (
	"context"
	"log/slog"
)

func (ru *run) warn(s string) {
	ru.result.Warnings = append(ru.result.Warnings, ru.masker.mask(s))
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
