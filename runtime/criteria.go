package runtime

import (
	"context"
	"errors"

	"github.com/weftflow/weft/expression"
)

// evalCriterion evaluates one criterion within the run's context and
// criterion budget. fatal is non-nil when the evaluation was stopped (the
// context is done, or a budget was reached: a *LimitError naming the
// Limits field); the run then ends with it. A stopped or failed
// evaluation never passes.
func (ru *run) evalCriterion(ctx context.Context, env *env, c *criterion) (o expression.Outcome, err, fatal error) {
	lim := &ru.r.cfg.limits
	o, err = c.compiled.EvalContext(ctx, env, expression.Budget{
		MaxNodes:      lim.MaxCriterionNodes,
		MaxInputBytes: lim.MaxCriterionInputBytes,
	})
	if err == nil {
		return o, nil, nil
	}
	o.Passed = false
	var be *expression.BudgetError
	switch {
	case errors.As(err, &be):
		name := "MaxCriterionNodes"
		if be.Limit == "MaxInputBytes" {
			name = "MaxCriterionInputBytes"
		}
		return o, err, &LimitError{Limit: name, Value: be.Max}
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		return o, err, ctx.Err()
	}
	return o, err, nil
}
