package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/weftflow/weft/runtime"
)

// Suites is the root element of a JUnit XML report, in the common shape
// that CI systems read (testsuites/testsuite/testcase/failure).
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr,omitempty"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is a testsuite element.
type Suite struct {
	Name      string `xml:"name,attr"`
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Errors    int    `xml:"errors,attr"`
	Skipped   int    `xml:"skipped,attr"`
	Time      string `xml:"time,attr"`
	Timestamp string `xml:"timestamp,attr,omitempty"`
	Cases     []Case `xml:"testcase"`
}

// Case is a testcase element.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Failure `xml:"failure,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Failure is a failure element: a one-line message and the details.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Seconds formats a duration as JUnit's decimal seconds.
func Seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// Add appends a suite and updates the totals.
func (s *Suites) Add(suite Suite) {
	suite.Tests = len(suite.Cases)
	suite.Failures = 0
	for _, c := range suite.Cases {
		if c.Failure != nil {
			suite.Failures++
		}
	}
	s.Suites = append(s.Suites, suite)
	s.Tests += suite.Tests
	s.Failures += suite.Failures
	s.Errors += suite.Errors
}

// SuiteFromResult builds a testsuite for one run: a testcase per step
// execution (named "stepId" or "stepId (attempt n)", classed by workflow
// id), with a failure element for each failed execution. When the
// workflow failed without any failed step execution (an error before or
// between steps), one more testcase named "workflow <id>" carries the error.
func SuiteFromResult(res *runtime.Result, started time.Time) Suite {
	suite := Suite{Name: "weft"}
	if !started.IsZero() {
		suite.Timestamp = started.UTC().Format("2006-01-02T15:04:05")
	}
	if res == nil {
		suite.Cases = append(suite.Cases, Case{Name: "workflow", Classname: "weft", Time: Seconds(0),
			Failure: &Failure{Message: "no result", Type: "error"}})
		return suite
	}
	suite.Name = res.WorkflowID
	suite.Time = Seconds(res.Duration)
	failedSteps := 0
	for _, s := range res.Steps {
		name := s.StepID
		if s.Attempt > 1 {
			name = fmt.Sprintf("%s (attempt %d)", s.StepID, s.Attempt)
		}
		c := Case{Name: name, Classname: s.WorkflowID, Time: Seconds(s.Duration)}
		if s.Method != "" {
			c.SystemOut = fmt.Sprintf("%s %s -> %d", s.Method, s.URL, s.StatusCode)
		}
		if s.Status != runtime.StatusSucceeded {
			failedSteps++
			c.Failure = &Failure{Message: StepFailureMessage(s), Type: failureType(s), Text: StepFailureDetail(s)}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if !res.Succeeded() && failedSteps == 0 {
		suite.Cases = append(suite.Cases, Case{
			Name: "workflow " + res.WorkflowID, Classname: res.WorkflowID, Time: Seconds(res.Duration),
			Failure: &Failure{Message: firstLine(res.Error), Type: "error", Text: res.Error},
		})
	}
	return suite
}

func failureType(s runtime.StepRecord) string {
	if s.Error != "" {
		return "error"
	}
	return "criteria"
}

// StepFailureMessage is a one-line summary of why a step execution failed.
func StepFailureMessage(s runtime.StepRecord) string {
	switch {
	case s.Error != "":
		return firstLine(s.Error)
	case len(s.FailedCriteria) > 0:
		conds := make([]string, len(s.FailedCriteria))
		for i, c := range s.FailedCriteria {
			conds[i] = c.Condition
		}
		return "failed criteria: " + strings.Join(conds, "; ")
	case s.StatusCode != 0:
		return fmt.Sprintf("status %d", s.StatusCode)
	default:
		return "step failed"
	}
}

// StepFailureDetail lists everything known about a failed step execution.
func StepFailureDetail(s runtime.StepRecord) string {
	var b strings.Builder
	if s.Method != "" {
		fmt.Fprintf(&b, "%s %s -> %d\n", s.Method, s.URL, s.StatusCode)
	}
	for _, c := range s.FailedCriteria {
		fmt.Fprintf(&b, "criterion %d failed: %s", c.Index, c.Condition)
		if c.Type != "" && c.Type != "simple" {
			fmt.Fprintf(&b, " [%s]", c.Type)
		}
		if c.Detail != "" {
			fmt.Fprintf(&b, " (%s)", c.Detail)
		}
		b.WriteByte('\n')
	}
	if s.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", s.Error)
	}
	if len(s.Missing) > 0 {
		fmt.Fprintf(&b, "missing: %s\n", strings.Join(s.Missing, ", "))
	}
	if s.Action != "" {
		fmt.Fprintf(&b, "action: %s\n", s.Action)
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// WriteJUnit writes the report as indented XML with a declaration.
func WriteJUnit(w io.Writer, s *Suites) error {
	if s.Time == "" {
		var total float64
		for _, su := range s.Suites {
			var f float64
			fmt.Sscanf(su.Time, "%g", &f)
			total += f
		}
		s.Time = fmt.Sprintf("%.3f", total)
	}
	for i := range s.Suites {
		if s.Suites[i].Time == "" {
			s.Suites[i].Time = Seconds(0)
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
