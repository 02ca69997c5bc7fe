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

// Error implements the error interface.
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

// Error implements the error interface.
func (e *InputError) Error() string {
	return fmt.Sprintf("invalid inputs for workflow %q:\n  %s", e.WorkflowID, strings.Join(e.Problems, "\n  "))
}

// StepError reports why a workflow failed at one of its steps. It is the
// Err of a Result whose workflow failed at a step, and, when a run was
// stopped (a limit reached, the context done), it names the step that was
// executing. Cause says why: a *CriterionError, a *StatusError, a
// *TransportError, a *LimitError, a context error, the *StepError of a
// called workflow (wrapped with its name), or an error evaluating the
// step's parameters, body or request.
type StepError struct {
	WorkflowID string
	StepID     string
	Cause      error
}

// Error implements the error interface.
func (e *StepError) Error() string { return fmt.Sprintf("step %q: %v", e.StepID, e.Cause) }

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Cause }

// CriterionError reports that a success criterion of a step did not pass:
// the first of the step's StepRecord.FailedCriteria.
type CriterionError struct {
	CriterionFailure
	// Err is the error evaluating the criterion, if it could not be
	// evaluated (Detail is then its text).
	Err error
}

// Error implements the error interface.
func (e *CriterionError) Error() string {
	msg := fmt.Sprintf("success criterion %q failed", e.Condition)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the evaluation error, if any.
func (e *CriterionError) Unwrap() error { return e.Err }

// StatusError reports that a step without success criteria received a
// status code that is not a success (see WithStatusSuccess).
type StatusError struct {
	StatusCode int
}

// Error implements the error interface.
func (e *StatusError) Error() string { return fmt.Sprintf("unexpected status %d", e.StatusCode) }

// TransportError reports that a step's request got no response: the
// connection failed, a redirect was refused, the origin is not allowed.
type TransportError struct {
	Method string
	// URL is the request URL, its password and known secrets masked.
	URL string
	Err error
}

// Error implements the error interface.
func (e *TransportError) Error() string { return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err) }

// Unwrap returns the error of the HTTP client, unwrapped from *url.Error.
func (e *TransportError) Unwrap() error { return e.Err }

// maskError returns err with the secrets m knows masked in its text and in
// the text of every error it wraps, keeping the types errors.Is and
// errors.As look for: the runtime's own errors become masked copies, an
// error whose text has no secret and wraps nothing is kept as it is, and
// any other error becomes a maskedError.
func (m *masker) maskError(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case maskedError, *LimitError, *StatusError:
		return err
	case *StepError:
		c := *e
		c.Cause = m.maskError(e.Cause)
		return &c
	case *CriterionError:
		c := *e
		c.Condition, c.Detail, c.Err = m.mask(e.Condition), m.mask(e.Detail), m.maskError(e.Err)
		return &c
	case *TransportError:
		c := *e
		c.URL, c.Err = m.url(e.URL), m.maskError(e.Err)
		return &c
	case *InputError:
		c := *e
		c.Problems = make([]string, len(e.Problems))
		for i, p := range e.Problems {
			c.Problems[i] = m.mask(p)
		}
		return &c
	}
	if s := err.Error(); m.mask(s) == s && len(wrapped(err)) == 0 {
		return err
	}
	return maskedError{err, m}
}

// wrapped lists the errors err wraps.
func wrapped(err error) []error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return []error{inner}
		}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

// maskedError is an error of a type the runtime does not know, its message
// with secrets masked; the errors it wraps are masked in turn.
type maskedError struct {
	err error
	m   *masker
}

func (e maskedError) Error() string { return e.m.mask(e.err.Error()) }

// Unwrap returns the errors e wraps, masked.
func (e maskedError) Unwrap() []error {
	ws := wrapped(e.err)
	out := make([]error, len(ws))
	for i, w := range ws {
		out[i] = e.m.maskError(w)
	}
	return out
}
