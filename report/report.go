// Package report turns runtime results into the reports the weft command
// writes: the JSON report of "weft run --json" (whose JSON Schema is
// docs/report.schema.json), JUnit XML, HAR 1.2 and the progress lines
// printed as steps complete. Go programs that run workflows with the
// runtime package can write the same reports.
package report

import (
	"encoding/json"
	"io"

	"github.com/weftflow/weft/runtime"
)

// JSON is the report written by "weft run --json". Its keys are part of
// weft's public interface; do not rename them.
type JSON struct {
	WorkflowID string         `json:"workflowId"`
	Status     string         `json:"status"`
	Outputs    map[string]any `json:"outputs"`
	// Error is null when the workflow succeeded.
	Error      *string    `json:"error"`
	DurationMs int64      `json:"durationMs"`
	Steps      []JSONStep `json:"steps"`
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
	DurationMs     int64               `json:"durationMs"`
	FailedCriteria []JSONCriterionFail `json:"failedCriteria"`
	Action         string              `json:"action"`
}

// JSONCriterionFail describes one success criterion that did not pass.
type JSONCriterionFail struct {
	Index     int    `json:"index"`
	Condition string `json:"condition"`
	Type      string `json:"type,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// FromResult builds the JSON report of a run. A nil result gives a failed
// report with no steps. Values are copied from the result, whose secrets
// the runtime has already masked.
func FromResult(res *runtime.Result) JSON {
	if res == nil {
		return JSON{Status: string(runtime.StatusFailed), Outputs: map[string]any{}, Steps: []JSONStep{}}
	}
	r := JSON{
		WorkflowID: res.WorkflowID,
		Status:     string(res.Status),
		Outputs:    res.Outputs,
		DurationMs: res.Duration.Milliseconds(),
		Steps:      make([]JSONStep, 0, len(res.Steps)),
	}
	if r.Status == "" {
		r.Status = string(runtime.StatusFailed)
	}
	if r.Outputs == nil {
		r.Outputs = map[string]any{}
	}
	if res.Error != "" {
		e := res.Error
		r.Error = &e
	}
	for _, s := range res.Steps {
		js := JSONStep{
			WorkflowID:     s.WorkflowID,
			StepID:         s.StepID,
			Attempt:        s.Attempt,
			Status:         string(s.Status),
			StatusCode:     s.StatusCode,
			Method:         s.Method,
			URL:            s.URL,
			DurationMs:     s.Duration.Milliseconds(),
			FailedCriteria: make([]JSONCriterionFail, 0, len(s.FailedCriteria)),
			Action:         s.Action,
		}
		for _, c := range s.FailedCriteria {
			js.FailedCriteria = append(js.FailedCriteria, JSONCriterionFail{
				Index: c.Index, Condition: c.Condition, Type: c.Type, Detail: c.Detail,
			})
		}
		r.Steps = append(r.Steps, js)
	}
	return r
}

// WriteJSON writes the JSON report of res to w, indented, with a final
// newline.
func WriteJSON(w io.Writer, res *runtime.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(FromResult(res))
}
