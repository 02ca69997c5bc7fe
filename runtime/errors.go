package runtime

import (
	"errors"
	"fmt"
	"strings"
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

// maskedError wraps an error so that its message has secrets masked while
// errors.Is/As still see the original.
type maskedError struct {
	err error
	m   *masker
}

func (e maskedError) Error() string { return e.m.mask(e.err.Error()) }

func (e maskedError) Unwrap() error { return e.err }
