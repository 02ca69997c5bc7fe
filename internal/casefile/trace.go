package casefile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// Load calls arazzo.Load, turning a nil document and error diagnostics
// into an error.
func Load(ctx context.Context, path string, opts ...arazzo.Option) (*arazzo.Document, error) {
	doc, err := arazzo.Load(ctx, path, opts...)
	if err == nil && doc == nil {
		err = errors.New("no document")
	}
	if err == nil && doc.Diagnostics.HasErrors() {
		err = doc.Diagnostics
	}
	return doc, err
}

// ServeAll returns a runtime.WithServer option per source description of
// doc, and of every Arazzo document it references, pointing each at
// baseURL (the URL of a test server, say). Operation paths are then
// requested relative to baseURL.
func ServeAll(doc *arazzo.Document, baseURL string) []runtime.Option {
	var opts []runtime.Option
	for _, name := range doc.OpenAPISourceNames() {
		opts = append(opts, runtime.WithServer(name, baseURL))
	}
	return opts
}

// Trace formats the step executions of a result, one line per execution
// with the reasons of failures indented below, then the outcome.
func Trace(res *runtime.Result) string {
	if res == nil {
		return "(no result)\n"
	}
	var b strings.Builder
	for i, s := range res.Steps {
		name := s.StepID
		if s.WorkflowID != res.WorkflowID {
			name = s.WorkflowID + "/" + s.StepID
		}
		if s.Attempt > 1 {
			name += fmt.Sprintf(" (attempt %d)", s.Attempt)
		}
		fmt.Fprintf(&b, "%2d. %-9s %s", i+1, s.Status, name)
		if s.Method != "" {
			fmt.Fprintf(&b, ": %s %s -> %d", s.Method, s.URL, s.StatusCode)
		}
		fmt.Fprintf(&b, " [%dms]", s.Duration.Milliseconds())
		if s.Action != "" {
			fmt.Fprintf(&b, " then %s", s.Action)
			if s.ActionName != "" {
				fmt.Fprintf(&b, " (%s)", s.ActionName)
			}
		}
		b.WriteByte('\n')
		for _, c := range s.FailedCriteria {
			fmt.Fprintf(&b, "      criterion %d failed: %s", c.Index, c.Condition)
			if c.Detail != "" {
				fmt.Fprintf(&b, " (%s)", c.Detail)
			}
			b.WriteByte('\n')
		}
		if s.Error != "" {
			fmt.Fprintf(&b, "      error: %s\n", s.Error)
		}
		if len(s.Missing) > 0 {
			fmt.Fprintf(&b, "      missing: %s\n", strings.Join(s.Missing, ", "))
		}
	}
	fmt.Fprintf(&b, "workflow %s %s", res.WorkflowID, res.Status)
	if res.FailedStep != "" {
		fmt.Fprintf(&b, " at step %s", res.FailedStep)
	}
	if res.Error != "" {
		fmt.Fprintf(&b, ": %s", res.Error)
	}
	b.WriteByte('\n')
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

// Indent indents every line of s by four spaces, for a trace or a list of
// diagnostics under a message; a trailing newline is dropped.
func Indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}
