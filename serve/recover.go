package serve

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/store"
)

// Interrupted-run policies (definition.Retry.Interrupted).
const (
	// PolicyRetry starts an interrupted run again as a new attempt, even
	// when a request of the interrupted attempt may have been sent.
	PolicyRetry = "retry"
	// PolicyResumeSafe starts an interrupted run again only when no
	// request of the interrupted attempt may have been sent, and
	// dead-letters it otherwise (replay it by hand once checked).
	PolicyResumeSafe = "resume-safe"
)

// recover resumes what the store holds: queued runs are queued, retrying
// runs re-armed for their NextAttemptAt, and runs that were running when
// the process stopped are marked interrupted, then handled by their flow's
// policy. weft cannot resume a workflow in the middle (the runner keeps
// its state in memory), so "resume" means a new attempt from the first
// step: that is safe only when nothing was sent, hence the default.
func (s *Server) recover(ctx context.Context) error {
	pending, err := s.st.Pending(ctx)
	if err != nil {
		return fmt.Errorf("serve: reading the runs to resume: %w", err)
	}
	for _, run := range pending {
		f := s.flows[run.Flow]
		if f == nil {
			s.log.Warn("a pending run's flow is not in the definition; left as it is",
				slog.String(LogKeyFlow, run.Flow), slog.String(runtime.LogKeyRunID, run.ID))
			continue
		}
		if run.Trigger == store.TriggerSchedule {
			f.scheduled.Add(1)
		}
		switch run.Status {
		case store.StatusQueued:
			f.queue.push(run.ID)
		case store.StatusRetrying:
			s.arm(f, run.ID, run.NextAttemptAt.Sub(s.opts.now()))
		case store.StatusRunning, store.StatusInterrupted:
			if err := s.resumeInterrupted(ctx, f, run); err != nil {
				return err
			}
		}
	}
	return nil
}

// resumeInterrupted applies f's policy to a run that was running when the
// process stopped (or was recorded as interrupted by a drain).
func (s *Server) resumeInterrupted(ctx context.Context, f *flow, run *store.Run) error {
	atts, err := s.st.Attempts(ctx, run.ID)
	if err != nil {
		return fmt.Errorf("serve: run %s: %w", run.ID, err)
	}
	sent := false
	if len(atts) > 0 {
		sent = atts[len(atts)-1].RequestSent
	}
	if run.Status == store.StatusRunning {
		reason := fmt.Sprintf("the process stopped during attempt %d", run.Attempt)
		if err := s.st.Finish(ctx, run.ID, store.Update{Status: store.StatusInterrupted, Reason: reason,
			AttemptStatus: store.StatusInterrupted, AttemptError: reason}, s.opts.now()); err != nil {
			return fmt.Errorf("serve: run %s: %w", run.ID, err)
		}
		run.Status, run.Reason = store.StatusInterrupted, reason
	}
	policy := f.def.Retry.Interrupted
	attrs := []slog.Attr{slog.String(LogKeyFlow, f.def.Name), slog.String(runtime.LogKeyRunID, run.ID), slog.Bool("request_sent", sent)}
	switch {
	case sent && policy != PolicyRetry:
		reason := fmt.Sprintf("interrupted during attempt %d after a request may have been sent; policy %s does not send it again: replay the run once checked", run.Attempt, policy)
		s.log.LogAttrs(ctx, slog.LevelWarn, "interrupted run dead-lettered", attrs...)
		s.finalize(f, run, store.Update{Status: store.StatusDead, Reason: reason}, nil)
	case sent && run.Attempt >= f.def.Retry.Attempts:
		reason := fmt.Sprintf("interrupted during its last attempt (%d of %d)", run.Attempt, f.def.Retry.Attempts)
		s.finalize(f, run, store.Update{Status: store.StatusDead, Reason: reason}, nil)
	default:
		// Nothing sent, or the policy allows sending again.
		s.log.LogAttrs(ctx, slog.LevelInfo, "interrupted run started again", attrs...)
		f.queue.push(run.ID)
	}
	return nil
}
