package runtime

import (
	"net/http"
	"time"
)

// Status is the outcome of a workflow run or a step execution.
type Status string

// Statuses.
const (
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
)

// Result is what a workflow run produced: its status, its outputs and the
// trace of every step execution. Secrets are masked throughout.
type Result struct {
	RunID      string
	WorkflowID string
	Status     Status
	// Outputs are the workflow's outputs, evaluated as far as they resolve,
	// with known secret values masked.
	Outputs map[string]any
	// Error says why the workflow failed ("" when it succeeded), secrets
	// masked: the text reports show.
	Error string
	// Err is why the workflow failed, for a Go caller to inspect with
	// errors.Is and errors.As (nil when it succeeded). When the workflow
	// failed at a step, or a run was stopped during one, it is a
	// *StepError naming the step, whose Cause is a *CriterionError, a
	// *StatusError, a *TransportError, a *LimitError (errors.Is(err,
	// ErrMaxSteps)), a context error, or the failure of a called workflow
	// wrapping that workflow's *StepError; a failed dependency wraps the
	// dependency's error. Its text, and the text of every error it wraps,
	// has secrets masked. Err.Error() may differ from Error: a stopped run
	// reports the cause alone in Error.
	Err error `json:"-"`
	// FailedStep is the step id the workflow failed at, if any.
	FailedStep string
	Duration   time.Duration
	// Steps lists every step execution in order, nested workflows included.
	Steps []StepRecord
	// Warnings lists non-fatal findings (missing references, response
	// validation findings in warn mode).
	Warnings []string
}

// Succeeded reports whether the workflow succeeded.
func (r *Result) Succeeded() bool { return r != nil && r.Status == StatusSucceeded }

// StepRecord is one execution of one step (a retry is a new record).
type StepRecord struct {
	WorkflowID string
	StepID     string
	// Attempt counts executions of this step within one visit, from 1.
	Attempt int
	Status  Status
	// Method and URL of the HTTP request (empty for workflow steps); the
	// URL has secrets masked.
	Method     string
	URL        string
	StatusCode int
	// Started is when the execution started (the clock of the process).
	Started  time.Time
	Duration time.Duration
	// Outputs are the step's outputs as evaluated by this execution,
	// with known secret values masked (nil when the step has none). The
	// map may be the one later steps read: treat it as read-only.
	Outputs map[string]any
	// FailedCriteria names the success criteria that did not pass.
	FailedCriteria []CriterionFailure
	// Action is the action taken after the step: "next", "end",
	// "goto step <id>", "goto workflow <id>", "retry", "fail", or "error"
	// when the step could not be executed or evaluated (Error says why).
	Action string
	// ActionName is the name of the matched action, if any.
	ActionName string
	// Error is a transport or evaluation error, if any.
	Error string
	// Missing lists references that evaluated to null.
	Missing []string
}

// CriterionFailure names one criterion that did not pass and why.
type CriterionFailure struct {
	Index     int
	Condition string
	Type      string
	Detail    string
}

// StepInfo identifies a step execution for Observer callbacks.
type StepInfo struct {
	RunID      string
	WorkflowID string
	StepID     string
	Attempt    int
}

// KindToken is the Kind of the RequestInfo and ResponseInfo of an OAuth2
// token request.
const KindToken = "token"

// RequestInfo describes a request about to be sent (secrets masked).
type RequestInfo struct {
	StepInfo
	// Kind is "" for the step's own request and [KindToken] for an OAuth2
	// client-credentials token request its security needed (StepInfo is
	// then the step that triggered the fetch). A token request is reported
	// once it has ended, just before its ResponseInfo (none when no
	// response arrived), and before the step's own request; a cached token
	// sends no request and is not reported.
	Kind   string
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// ResponseInfo describes a response received (secrets masked).
type ResponseInfo struct {
	StepInfo
	// Kind is the Kind of the request this answers.
	Kind       string
	StatusCode int
	Header     http.Header
	Body       []byte
	Duration   time.Duration
}

// Observer receives events during a run, in the manner of
// net/http/httptrace.ClientTrace: any nil field is skipped. Callbacks run on
// the goroutine executing the workflow and must not block for long.
type Observer struct {
	StepStarted      func(StepInfo)
	StepFinished     func(StepRecord)
	RequestSent      func(RequestInfo)
	ResponseReceived func(ResponseInfo)
}

// Limits bounds a run (decisions F8). Zero fields take the defaults.
// Reaching MaxStepExecutions, MaxDepth, RequestTimeout or MaxResponseBytes
// ends the run with a *LimitError whose Limit is the field's name: no
// failure action runs, and the partial Result reports the trace and the
// workflow outputs as far as the completed steps resolve them.
type Limits struct {
	// MaxStepExecutions caps step executions per run (default 1000).
	MaxStepExecutions int
	// MaxDepth caps nested workflow calls (default 32).
	MaxDepth int
	// RequestTimeout caps each HTTP exchange, from sending the request to
	// the last byte of the body, OAuth2 token requests included
	// (default 30s).
	RequestTimeout time.Duration
	// MaxResponseBytes caps the body kept per response, OAuth2 token
	// responses included (default 10 MiB). Memory follows the bytes
	// received, not the declared Content-Length.
	MaxResponseBytes int64
	// MaxRetryAfter caps each wait before a retry, from retryAfter or a
	// Retry-After header (default 5m). Larger values, however large,
	// saturate at the cap; a NaN or negative Retry-After is ignored.
	MaxRetryAfter time.Duration
	// MaxCriterionNodes caps the work of one JSONPath or XPath criterion
	// evaluation, in nodes visited and produced (default 1,000,000).
	MaxCriterionNodes int
	// MaxCriterionInputBytes caps the context text one regex, JSONPath or
	// XPath criterion scans or parses (default 10 MiB).
	MaxCriterionInputBytes int
	// MaxSchemaDepth caps the nesting of a workflow's inputs schema (and of
	// the components inputs it may reference), counted in JSON objects and
	// arrays (default 64); New fails beyond it.
	MaxSchemaDepth int
}
