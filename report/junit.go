package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/weftflow/weft/runtime"
)

// Suites is the root element of a JUnit XML report, in the shape of the
// XSD that Jenkins and Maven Surefire read: testsuites, testsuite,
// properties, testcase with at most one of skipped, error or failure, then
// Surefire's rerunFailure/rerunError (earlier attempts of a test that
// failed) or flakyFailure/flakyError (earlier attempts of a test that
// passed on retry), then system-out.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr,omitempty"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is a testsuite element.
type Suite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *Properties `xml:"properties,omitempty"`
	Cases      []Case      `xml:"testcase"`
}

// Properties is the properties element of a testsuite.
type Properties struct {
	Property []Property `xml:"property"`
}

// Property is one name and value.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is a testcase element.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
	Error     *Failure `xml:"error,omitempty"`
	Failure   *Failure `xml:"failure,omitempty"`
	// RerunFailures and RerunErrors are earlier failed attempts of a test
	// that failed in the end; FlakyFailures and FlakyErrors those of a
	// test that passed on retry (Surefire's convention: they do not count
	// as failures).
	RerunFailures []Attempt `xml:"rerunFailure,omitempty"`
	RerunErrors   []Attempt `xml:"rerunError,omitempty"`
	FlakyFailures []Attempt `xml:"flakyFailure,omitempty"`
	FlakyErrors   []Attempt `xml:"flakyError,omitempty"`
	SystemOut     string    `xml:"system-out,omitempty"`
}

// Failure is a failure or error element: a one-line message, a type and
// the details.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Skipped is a skipped element.
type Skipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// Attempt is a rerunFailure, rerunError, flakyFailure or flakyError
// element: one earlier failed attempt.
type Attempt struct {
	Message    string `xml:"message,attr"`
	Type       string `xml:"type,attr"`
	StackTrace string `xml:"stackTrace,omitempty"`
	SystemOut  string `xml:"system-out,omitempty"`
}

// Seconds formats a duration as JUnit's decimal seconds.
func Seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// Add appends a suite and updates the totals, counting the suite's
// failure, error and skipped test cases.
func (s *Suites) Add(suite Suite) {
	suite.Tests = len(suite.Cases)
	suite.Failures, suite.Errors, suite.Skipped = 0, 0, 0
	for _, c := range suite.Cases {
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Error != nil:
			suite.Errors++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	s.Suites = append(s.Suites, suite)
	s.Tests += suite.Tests
	s.Failures += suite.Failures
	s.Errors += suite.Errors
	s.Skipped += suite.Skipped
}

// SuiteOptions says what a testsuite reports beyond the Result.
type SuiteOptions struct {
	// Started is the run's start (the timestamp attribute).
	Started time.Time
	// Steps lists the step ids of each workflow in document order; steps
	// of a workflow that ran but were never executed become skipped test
	// cases ("not reached", or "skipped by a goto" when a later step ran).
	Steps map[string][]string
	// Properties become the suite's properties element.
	Properties []Property
}

// SuiteFromResult builds a testsuite for one run; see Suite.
func SuiteFromResult(res *runtime.Result, started time.Time) Suite {
	return NewSuite(res, SuiteOptions{Started: started})
}

type visit struct {
	recs []runtime.StepRecord
}

// NewSuite builds a testsuite for one run: a testcase per step visit
// (named "stepId", "stepId (visit n)" for the n-th visit, classed by
// workflow id). The last execution of a visit decides the outcome: a
// failure for failed criteria or status, an error for a transport error,
// a timeout or a stop; earlier attempts are rerunFailure/rerunError when
// the visit failed and flakyFailure/flakyError when it passed. When the
// workflow failed without any failed step (a limit, an error between
// steps), one more testcase named "workflow <id>" carries the error.
func NewSuite(res *runtime.Result, o SuiteOptions) Suite {
	suite := Suite{Name: "weft"}
	if !o.Started.IsZero() {
		suite.Timestamp = o.Started.UTC().Format("2006-01-02T15:04:05")
	}
	if len(o.Properties) > 0 {
		suite.Properties = &Properties{Property: o.Properties}
	}
	if res == nil {
		suite.Time = Seconds(0)
		suite.Cases = append(suite.Cases, Case{Name: "workflow", Classname: "weft", Time: Seconds(0),
			Error: &Failure{Message: "no result", Type: "error"}})
		return suite
	}
	suite.Name = res.WorkflowID
	suite.Time = Seconds(res.Duration)
	type key struct{ wf, step string }
	var visits []*visit
	open := map[key]*visit{}
	seen := map[key]int{}
	for _, s := range res.Steps {
		k := key{s.WorkflowID, s.StepID}
		v := open[k]
		if v == nil {
			v = &visit{}
			visits = append(visits, v)
		}
		v.recs = append(v.recs, s)
		if s.Action == "retry" {
			open[k] = v
		} else {
			delete(open, k)
		}
	}
	failedSteps := 0
	for _, v := range visits {
		last := v.recs[len(v.recs)-1]
		k := key{last.WorkflowID, last.StepID}
		seen[k]++
		name := last.StepID
		if seen[k] > 1 {
			name = fmt.Sprintf("%s (visit %d)", last.StepID, seen[k])
		}
		var d time.Duration
		for _, r := range v.recs {
			d += r.Duration
		}
		c := Case{Name: name, Classname: last.WorkflowID, Time: Seconds(d)}
		var out []string
		for _, r := range v.recs {
			if r.Method != "" {
				out = append(out, fmt.Sprintf("attempt %d: %s %s -> %d", r.Attempt, r.Method, r.URL, r.StatusCode))
			}
		}
		c.SystemOut = strings.Join(out, "\n")
		passed := last.Status == runtime.StatusSucceeded
		for _, r := range v.recs[:len(v.recs)-1] {
			a := Attempt{Message: StepFailureMessage(r), Type: failureType(r), StackTrace: StepFailureDetail(r)}
			switch {
			case passed && r.Error == "":
				c.FlakyFailures = append(c.FlakyFailures, a)
			case passed:
				c.FlakyErrors = append(c.FlakyErrors, a)
			case r.Error == "":
				c.RerunFailures = append(c.RerunFailures, a)
			default:
				c.RerunErrors = append(c.RerunErrors, a)
			}
		}
		if !passed {
			failedSteps++
			f := &Failure{Message: StepFailureMessage(last), Type: failureType(last), Text: StepFailureDetail(last)}
			if last.Error != "" {
				c.Error = f
			} else {
				c.Failure = f
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	// Steps never executed.
	ran := map[string]bool{res.WorkflowID: true}
	for _, s := range res.Steps {
		ran[s.WorkflowID] = true
	}
	var wfs []string
	for wf := range o.Steps {
		if ran[wf] {
			wfs = append(wfs, wf)
		}
	}
	sort.Strings(wfs)
	for _, wf := range wfs {
		ids := o.Steps[wf]
		lastRan := -1
		for i, id := range ids {
			if seen[key{wf, id}] > 0 {
				lastRan = i
			}
		}
		for i, id := range ids {
			if seen[key{wf, id}] > 0 {
				continue
			}
			msg := "not reached"
			if i < lastRan {
				msg = "skipped by a goto"
			}
			suite.Cases = append(suite.Cases, Case{Name: id, Classname: wf, Time: Seconds(0), Skipped: &Skipped{Message: msg}})
		}
	}
	if !res.Succeeded() && failedSteps == 0 {
		suite.Cases = append(suite.Cases, Case{
			Name: "workflow " + res.WorkflowID, Classname: res.WorkflowID, Time: Seconds(res.Duration),
			Error: &Failure{Message: firstLine(res.Error), Type: errorType(res.Error), Text: res.Error},
		})
	}
	return suite
}

// ErrorSuite is the testsuite of a run that could not start (a usage,
// document or input error): one testcase with an error element.
func ErrorSuite(name string, diagnostics []string, o SuiteOptions) Suite {
	suite := Suite{Name: name, Time: Seconds(0)}
	if !o.Started.IsZero() {
		suite.Timestamp = o.Started.UTC().Format("2006-01-02T15:04:05")
	}
	if len(o.Properties) > 0 {
		suite.Properties = &Properties{Property: o.Properties}
	}
	msg := "error"
	if len(diagnostics) > 0 {
		msg = firstLine(diagnostics[0])
	}
	suite.Cases = []Case{{Name: name, Classname: "weft", Time: Seconds(0),
		Error: &Failure{Message: msg, Type: "error", Text: strings.Join(diagnostics, "\n")}}}
	return suite
}

func errorType(msg string) string {
	switch {
	case strings.Contains(msg, "timed out") || strings.Contains(msg, "--timeout"):
		return "timeout"
	case strings.Contains(msg, "cancelled by"):
		return "cancelled"
	case strings.HasPrefix(msg, "limit "):
		return "limit"
	}
	return "error"
}

func failureType(s runtime.StepRecord) string {
	if s.Error != "" {
		return errorType(s.Error)
	}
	if len(s.FailedCriteria) > 0 {
		return "criteria"
	}
	return "status"
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
