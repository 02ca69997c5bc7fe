// Package report turns runtime results into the reports the weft command
// writes: the JSON report of "weft run --json" (whose JSON Schema is
// docs/report.schema.json), JUnit XML, HAR 1.2 and the progress lines
// printed as steps complete. Go programs that run workflows with the
// runtime package can write the same reports.
package report

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/weftflow/weft/runtime"
)

// SchemaVersion is the version of the JSON report's shape (the
// schemaVersion key). Adding keys keeps it; renaming or removing one, or
// changing a key's type, changes it.
const SchemaVersion = "1"

// Run statuses of the JSON report beyond the runtime's succeeded and
// failed.
const (
	// StatusCancelled is a run stopped by a signal (Ctrl-C, SIGTERM).
	StatusCancelled = "cancelled"
	// StatusError is a run that could not start: a usage, document or
	// input error. Diagnostics says why.
	StatusError = "error"
)

// MaxExcerpt caps the bytes of a request or response body kept in the
// JSON report (cut at a UTF-8 boundary).
const MaxExcerpt = 2048

// JSON is the report of one run written by "weft run --json". Its keys are
// part of weft's public interface; do not rename them.
type JSON struct {
	SchemaVersion string `json:"schemaVersion"`
	WeftVersion   string `json:"weftVersion"`
	RunID         string `json:"runId"`
	// Document is the location of the Arazzo document as given.
	Document   string `json:"document"`
	WorkflowID string `json:"workflowId"`
	// Status is succeeded, failed, cancelled or error.
	Status  string         `json:"status"`
	Outputs map[string]any `json:"outputs"`
	// Error is null when the workflow succeeded.
	Error *string `json:"error"`
	// StartedAt is when the run started (RFC 3339, UTC); "" when it did
	// not start.
	StartedAt  string `json:"startedAt"`
	DurationMs int64  `json:"durationMs"`
	// Diagnostics are the usage, document or input problems of a run
	// whose status is error.
	Diagnostics []string   `json:"diagnostics"`
	Warnings    []string   `json:"warnings"`
	Steps       []JSONStep `json:"steps"`
}

// JSONRuns is the combined report of several workflows run by one command
// (--all, several --workflow).
type JSONRuns struct {
	SchemaVersion string `json:"schemaVersion"`
	WeftVersion   string `json:"weftVersion"`
	Document      string `json:"document"`
	// Status is failed when any run did not succeed, else succeeded.
	Status string `json:"status"`
	Runs   []JSON `json:"runs"`
}

// JSONStep is one step execution in the JSON report.
type JSONStep struct {
	WorkflowID     string              `json:"workflowId"`
	StepID         string              `json:"stepId"`
	Attempt        int                 `json:"attempt"`
	Status         string              `json:"status"`
	StatusCode     int                 `json:"statusCode"`
	Method         string              `json:"method"`
	URL            string              `json:"url"`
	StartedAt      string              `json:"startedAt"`
	DurationMs     int64               `json:"durationMs"`
	FailedCriteria []JSONCriterionFail `json:"failedCriteria"`
	Action         string              `json:"action"`
	// Error is the transport or evaluation error, null when none.
	Error *string `json:"error"`
	// Missing lists the references that evaluated to null.
	Missing []string       `json:"missing"`
	Outputs map[string]any `json:"outputs"`
	// Request and Response are null for workflow steps and when nothing
	// was sent or received.
	Request  *JSONRequest  `json:"request"`
	Response *JSONResponse `json:"response"`
}

// JSONRequest is the request of a step execution, as sent (masked).
type JSONRequest struct {
	Method      string              `json:"method"`
	URL         string              `json:"url"`
	Headers     map[string][]string `json:"headers"`
	BodySize    int                 `json:"bodySize"`
	BodyExcerpt string              `json:"bodyExcerpt"`
}

// JSONResponse is the response of a step execution, as received (masked).
type JSONResponse struct {
	StatusCode  int                 `json:"statusCode"`
	Headers     map[string][]string `json:"headers"`
	BodySize    int                 `json:"bodySize"`
	BodyExcerpt string              `json:"bodyExcerpt"`
}

// JSONCriterionFail describes one success criterion that did not pass.
type JSONCriterionFail struct {
	Index     int    `json:"index"`
	Condition string `json:"condition"`
	Type      string `json:"type,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// Meta is what a report says about a run beyond its Result.
type Meta struct {
	WeftVersion string
	Document    string
	// Status overrides the Result's status (cancelled, error) when set.
	Status string
	// Started is when the run started (else the first step's start).
	Started time.Time
	// Diagnostics are copied to the report (for status error).
	Diagnostics []string
	// Recorder, when set, gives the request and response of each step.
	Recorder *Recorder
}

// FromResult builds the JSON report of a run. A nil result gives a failed
// report with no steps. Values are copied from the result, whose secrets
// the runtime has already masked.
func FromResult(res *runtime.Result) JSON { return Build(res, Meta{}) }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Build builds the JSON report of a run with m. res may be nil (a run that
// did not start). Everything comes from the Result and the Recorder's
// observer events, which the runtime has masked.
func Build(res *runtime.Result, m Meta) JSON {
	r := JSON{
		SchemaVersion: SchemaVersion, WeftVersion: m.WeftVersion, Document: m.Document,
		Status: string(runtime.StatusFailed), Outputs: map[string]any{}, Steps: []JSONStep{},
		Diagnostics: append([]string{}, m.Diagnostics...), Warnings: []string{},
		StartedAt: stamp(m.Started),
	}
	if res != nil {
		r.RunID = res.RunID
		r.WorkflowID = res.WorkflowID
		if res.Status != "" {
			r.Status = string(res.Status)
		}
		if res.Outputs != nil {
			r.Outputs = res.Outputs
		}
		r.DurationMs = res.Duration.Milliseconds()
		if res.Error != "" {
			e := res.Error
			r.Error = &e
		}
		r.Warnings = append(r.Warnings, res.Warnings...)
		for i, s := range res.Steps {
			if i == 0 && r.StartedAt == "" {
				r.StartedAt = stamp(s.Started)
			}
			r.Steps = append(r.Steps, buildStep(s, i, m.Recorder))
		}
	}
	if m.Status != "" {
		r.Status = m.Status
	}
	if r.Status != string(runtime.StatusSucceeded) && r.Error == nil && len(r.Diagnostics) > 0 {
		e := r.Diagnostics[0]
		r.Error = &e
	}
	return r
}

func buildStep(s runtime.StepRecord, i int, rec *Recorder) JSONStep {
	js := JSONStep{
		WorkflowID:     s.WorkflowID,
		StepID:         s.StepID,
		Attempt:        s.Attempt,
		Status:         string(s.Status),
		StatusCode:     s.StatusCode,
		Method:         s.Method,
		URL:            s.URL,
		StartedAt:      stamp(s.Started),
		DurationMs:     s.Duration.Milliseconds(),
		FailedCriteria: make([]JSONCriterionFail, 0, len(s.FailedCriteria)),
		Action:         s.Action,
		Missing:        append([]string{}, s.Missing...),
		Outputs:        s.Outputs,
	}
	if js.Outputs == nil {
		js.Outputs = map[string]any{}
	}
	if s.Error != "" {
		e := s.Error
		js.Error = &e
	}
	for _, c := range s.FailedCriteria {
		js.FailedCriteria = append(js.FailedCriteria, JSONCriterionFail{
			Index: c.Index, Condition: c.Condition, Type: c.Type, Detail: c.Detail,
		})
	}
	if ex, ok := rec.StepExchange(i); ok {
		js.Request = &JSONRequest{Method: ex.Request.Method, URL: ex.Request.URL, Headers: headerMap(ex.Request.Header),
			BodySize: len(ex.Request.Body), BodyExcerpt: Excerpt(ex.Request.Body, MaxExcerpt)}
		if p := ex.Response; p != nil {
			js.Response = &JSONResponse{StatusCode: p.StatusCode, Headers: headerMap(p.Header),
				BodySize: len(p.Body), BodyExcerpt: Excerpt(p.Body, MaxExcerpt)}
		}
	}
	return js
}

func headerMap(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		out[k] = append([]string{}, v...)
	}
	return out
}

// Excerpt returns at most max bytes of b as text, cut at a UTF-8 boundary;
// bytes that are not UTF-8 become U+FFFD.
func Excerpt(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
		for len(b) > 0 && !utf8.Valid(b) && len(b) > max-utf8.UTFMax {
			b = b[:len(b)-1]
		}
	}
	return string([]rune(string(b)))
}

// Combine builds the combined report of several runs.
func Combine(runs []JSON, weftVersion, document string) JSONRuns {
	c := JSONRuns{SchemaVersion: SchemaVersion, WeftVersion: weftVersion, Document: document,
		Status: string(runtime.StatusSucceeded), Runs: append([]JSON{}, runs...)}
	for _, r := range runs {
		if r.Status != string(runtime.StatusSucceeded) {
			c.Status = string(runtime.StatusFailed)
		}
	}
	return c
}

// WriteJSON writes the JSON report of res to w, indented, with a final
// newline.
func WriteJSON(w io.Writer, res *runtime.Result) error { return Encode(w, FromResult(res)) }

// Encode writes v (a JSON or JSONRuns) indented, with a final newline.
func Encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// sortedKeys returns the keys of h in order.
func sortedKeys(h http.Header) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
