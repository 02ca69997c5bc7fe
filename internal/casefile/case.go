// Package casefile reads and runs the hermetic workflow cases of
// testdata/conformance (case.yaml; see that directory's README for the
// format) against a loopback mock server. It is shared by arazzotest and
// the weft test command, and imports neither testing nor httptest, so the
// CLI links neither.
package casefile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/weftflow/weft/runtime"
	"gopkg.in/yaml.v3"
)

// caseFileName is the name of the case description in a case directory.
const caseFileName = "case.yaml"

// defaultTimeout bounds one case run by Exec.
const defaultTimeout = 30 * time.Second

// caseSpec is a hermetic workflow test, decoded from case.yaml. See
// testdata/conformance/README.md for the format.
type caseSpec struct {
	// Description says what the case pins down.
	Description string `yaml:"description"`
	// Document is the Arazzo document, relative to the case directory.
	Document string `yaml:"document"`
	// Workflow is the workflow id to run; it may be omitted when the
	// document has exactly one workflow.
	Workflow string `yaml:"workflow"`
	// Inputs are the workflow's inputs.
	Inputs map[string]any `yaml:"inputs"`
	// DependencyInputs gives inputs per workflow id for workflows run
	// through dependsOn.
	DependencyInputs map[string]map[string]any `yaml:"dependencyInputs"`
	// Env holds environment variables for the credentials provider (the
	// process environment is not read or changed).
	Env map[string]string `yaml:"env"`
	// Mocks answer the requests of the run, in order of preference.
	Mocks []Mock `yaml:"mocks"`
	// Limits overrides the run limits.
	Limits *caseLimits `yaml:"limits"`
	// Expect is what the run must produce.
	Expect expectation `yaml:"expect"`
}

// caseLimits mirrors runtime.Limits in case.yaml (durations as Go
// duration strings, "2s").
type caseLimits struct {
	MaxStepExecutions int    `yaml:"maxStepExecutions"`
	MaxDepth          int    `yaml:"maxDepth"`
	RequestTimeout    string `yaml:"requestTimeout"`
	MaxResponseBytes  int64  `yaml:"maxResponseBytes"`
	MaxRetryAfter     string `yaml:"maxRetryAfter"`
}

// expectation is the expected outcome of a case. Unset fields are not checked,
// except Status, which defaults to "succeeded" ("failed" when Error is set).
type expectation struct {
	// Status is "succeeded", "failed", or "invalid" (the document does not
	// load or the runner cannot be built; Error then matches the
	// diagnostics).
	Status string `yaml:"status"`
	// Outputs lists workflow outputs; each listed key must equal its value
	// as JSON (numbers by value). Unlisted outputs are not checked.
	Outputs map[string]any `yaml:"outputs"`
	// Steps is the exact order of step executions: "stepId" for steps of
	// the case's workflow, "workflowId/stepId" for steps of any workflow.
	// A retry is one more entry. nil: not checked; []: no step ran.
	Steps []string `yaml:"steps"`
	// Calls is the number of HTTP requests the mock server received.
	Calls *int `yaml:"calls"`
	// Error must be a substring (case-insensitive) of the run's error.
	Error string `yaml:"error"`
}

// Report is the outcome of one case.
type Report struct {
	// Name is the case directory's base name.
	Name string
	// Dir is the case directory.
	Dir         string
	Description string
	// Passed is true when every expectation held and no request went
	// unmatched.
	Passed bool
	// Problems says what did not match, one entry per expectation.
	Problems []string
	// Result is the run's result (nil when the document did not load or
	// the run could not start).
	Result *runtime.Result
	// Err is the load, preparation or run error, if any.
	Err error
	// Calls are the requests the mock server received.
	Calls []Call
	// Waits are the retry waits the runtime asked for (skipped by Exec).
	Waits    []time.Duration
	Duration time.Duration
}

// String formats the report: the verdict, the problems and the trace.
func (r Report) String() string {
	var b strings.Builder
	verdict := "PASS"
	if !r.Passed {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s %s (%dms)", verdict, r.Name, r.Duration.Milliseconds())
	if r.Description != "" {
		fmt.Fprintf(&b, " — %s", strings.Join(strings.Fields(r.Description), " "))
	}
	b.WriteByte('\n')
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(p, "\n", "\n    "))
	}
	if !r.Passed {
		if r.Result != nil {
			fmt.Fprintf(&b, "  trace:\n%s\n", Indent(Trace(r.Result)))
		}
		if len(r.Calls) > 0 {
			b.WriteString("  requests:\n")
			for _, c := range r.Calls {
				fmt.Fprintf(&b, "    %s\n", c)
			}
		}
	}
	return b.String()
}

// readCase reads and checks dir/case.yaml; unknown fields are errors.
func readCase(dir string) (*caseSpec, error) {
	data, err := os.ReadFile(filepath.Join(dir, caseFileName))
	if err != nil {
		return nil, err
	}
	var c caseSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, caseFileName), err)
	}
	if c.Document == "" {
		return nil, fmt.Errorf("%s: no document", filepath.Join(dir, caseFileName))
	}
	switch c.Expect.Status {
	case "", string(runtime.StatusSucceeded), string(runtime.StatusFailed), "invalid":
	default:
		return nil, fmt.Errorf("%s: expect.status %q: want succeeded, failed or invalid", filepath.Join(dir, caseFileName), c.Expect.Status)
	}
	for i, m := range c.Mocks {
		if m.Response.Body != nil && m.Response.BodyText != nil {
			return nil, fmt.Errorf("%s: mocks[%d]: body and bodyText are exclusive", filepath.Join(dir, caseFileName), i)
		}
		if m.Times < 0 {
			return nil, fmt.Errorf("%s: mocks[%d]: negative times", filepath.Join(dir, caseFileName), i)
		}
	}
	return &c, nil
}

// Exec runs the case in dir: it loads the document, serves the mocks
// on a loopback server every source points at, runs the workflow (retry
// waits are recorded, not slept) and checks the expectations. The error
// is for a case that cannot be read; a case whose expectations fail is a
// report with Passed false.
func Exec(ctx context.Context, dir string) (Report, error) {
	start := time.Now()
	rep, err := execCase(ctx, dir)
	rep.Duration = time.Since(start)
	return rep, err
}

func execCase(ctx context.Context, dir string) (Report, error) {
	rep := Report{Name: filepath.Base(dir), Dir: dir}
	c, err := readCase(dir)
	if err != nil {
		return rep, err
	}
	rep.Description = c.Description
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	want := c.Expect.Status
	if want == "" {
		want = string(runtime.StatusSucceeded)
		if c.Expect.Error != "" {
			want = string(runtime.StatusFailed)
		}
	}
	fail := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }

	doc, err := Load(ctx, filepath.Join(dir, filepath.FromSlash(c.Document)))
	if err != nil {
		rep.Err = err
		checkInvalid(&rep, c, want, err, fail)
		return rep, nil
	}

	mock := NewMockServer(c.Mocks)
	baseURL, client, stop, err := serve(mock)
	if err != nil {
		return rep, err
	}
	defer stop()

	opts := ServeAll(doc, baseURL)
	opts = append(opts, runtime.WithHTTPClient(client))
	var waitMu sync.Mutex
	opts = append(opts, runtime.WithSleep(func(ctx context.Context, d time.Duration) error {
		waitMu.Lock()
		rep.Waits = append(rep.Waits, d)
		waitMu.Unlock()
		return ctx.Err()
	}))
	opts = append(opts, runtime.WithCredentials(envCredentials(c.Env)))
	for id, in := range c.DependencyInputs {
		opts = append(opts, runtime.WithDependencyInputs(id, in))
	}
	if c.Limits != nil {
		l, err := c.Limits.limits()
		if err != nil {
			return rep, fmt.Errorf("%s: limits: %v", filepath.Join(dir, caseFileName), err)
		}
		opts = append(opts, runtime.WithLimits(l))
	}

	workflow := c.Workflow
	if workflow == "" && len(doc.Workflows) == 1 {
		workflow = doc.Workflows[0].WorkflowID
	}
	var runner *runtime.Runner
	runner, err = runtime.NewContext(ctx, doc, opts...)
	if err != nil {
		rep.Err = err
		checkInvalid(&rep, c, want, err, fail)
		rep.Calls = mock.Calls()
		return rep, nil
	}
	res, err := runner.Run(ctx, workflow, c.Inputs)
	rep.Result, rep.Err = res, err
	rep.Calls = mock.Calls()

	got := ""
	switch {
	case res != nil && err == nil:
		got = string(res.Status)
	case err != nil:
		got = string(runtime.StatusFailed)
	}
	if want == "invalid" {
		fail("status: got %s (the document loaded and the runner was built), want invalid", got)
	} else if got != want {
		msg := fmt.Sprintf("status: got %s, want %s", got, want)
		if e := runError(res, err); e != "" {
			msg += ": " + e
		}
		fail("%s", msg)
	}
	if c.Expect.Error != "" {
		e := runError(res, err)
		if !strings.Contains(strings.ToLower(e), strings.ToLower(c.Expect.Error)) {
			fail("error: %q does not contain %q", e, c.Expect.Error)
		}
	}
	if c.Expect.Outputs != nil {
		var outs map[string]any
		if res != nil {
			outs = res.Outputs
		}
		keys := make([]string, 0, len(c.Expect.Outputs))
		for k := range c.Expect.Outputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := outs[k]
			if !ok {
				fail("outputs.%s: missing, want %s", k, toJSON(c.Expect.Outputs[k]))
				continue
			}
			if !jsonEqual(gv, c.Expect.Outputs[k]) {
				fail("outputs.%s: got %s, want %s", k, toJSON(gv), toJSON(c.Expect.Outputs[k]))
			}
		}
	}
	if c.Expect.Steps != nil {
		gotSteps := StepSequence(res, workflow)
		wantSteps := make([]string, len(c.Expect.Steps))
		for i, s := range c.Expect.Steps {
			wantSteps[i] = strings.TrimPrefix(s, workflow+"/")
		}
		if strings.Join(gotSteps, ",") != strings.Join(wantSteps, ",") {
			fail("steps: got [%s], want [%s]", strings.Join(gotSteps, ", "), strings.Join(wantSteps, ", "))
		}
	}
	if c.Expect.Calls != nil && len(rep.Calls) != *c.Expect.Calls {
		fail("calls: got %d requests, want %d", len(rep.Calls), *c.Expect.Calls)
	}
	for _, u := range mock.Unmatched() {
		fail("unmatched request: %s %s", u.Method, u.URL)
	}
	rep.Passed = len(rep.Problems) == 0
	return rep, nil
}

func checkInvalid(rep *Report, c *caseSpec, want string, err error, fail func(string, ...any)) {
	if want != "invalid" {
		fail("status: got invalid, want %s: %s", want, err)
	} else if c.Expect.Error != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.Expect.Error)) {
		fail("error: %q does not contain %q", err.Error(), c.Expect.Error)
	}
	rep.Passed = len(rep.Problems) == 0
}

func runError(res *runtime.Result, err error) string {
	var parts []string
	if res != nil && res.Error != "" {
		parts = append(parts, res.Error)
	}
	if err != nil && (res == nil || !strings.Contains(res.Error, err.Error())) {
		parts = append(parts, err.Error())
	}
	return strings.Join(parts, "; ")
}

func (l *caseLimits) limits() (runtime.Limits, error) {
	out := runtime.Limits{
		MaxStepExecutions: l.MaxStepExecutions,
		MaxDepth:          l.MaxDepth,
		MaxResponseBytes:  l.MaxResponseBytes,
	}
	var err error
	if l.RequestTimeout != "" {
		if out.RequestTimeout, err = time.ParseDuration(l.RequestTimeout); err != nil {
			return out, err
		}
	}
	if l.MaxRetryAfter != "" {
		if out.MaxRetryAfter, err = time.ParseDuration(l.MaxRetryAfter); err != nil {
			return out, err
		}
	}
	return out, nil
}

// StepSequence lists the step executions of res as the case format names
// them: "stepId" for steps of workflow, "workflowId/stepId" for others.
func StepSequence(res *runtime.Result, workflow string) []string {
	out := []string{}
	if res == nil {
		return out
	}
	for _, s := range res.Steps {
		if s.WorkflowID == workflow {
			out = append(out, s.StepID)
		} else {
			out = append(out, s.WorkflowID+"/"+s.StepID)
		}
	}
	return out
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Find returns the case directories under each of dirs: a directory
// holding case.yaml is a case; any other directory is searched
// recursively. The result is sorted within each argument.
func Find(dirs ...string) ([]string, error) {
	var out []string
	for _, root := range dirs {
		if _, err := os.Stat(filepath.Join(root, caseFileName)); err == nil {
			out = append(out, root)
			continue
		}
		var found []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == caseFileName {
				found = append(found, filepath.Dir(p))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no %s found", root, caseFileName)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
