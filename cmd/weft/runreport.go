package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/report"
	"github.com/weftflow/weft/runtime"
)

// runReports is what the end of "weft run" needs: where the reports go
// (found in the arguments before they are parsed, so that a usage error
// still writes them) and what each workflow run produced.
type runReports struct {
	json, junit, har string
	document         string
	combined         bool // --all or several --workflow: the JSON report is a list of runs
	started          time.Time
	runs             []runOutcome
	stderr           capBuffer // what the command printed to stderr, for diagnostics
	cur              *report.Recorder
	mu               sync.Mutex
	stop             error // why the runs stopped early (signal), if they did
}

type runOutcome struct {
	res   *runtime.Result
	json  report.JSON
	suite report.Suite
	rec   *report.Recorder
}

// capBuffer keeps the first 64 KiB written to it.
type capBuffer struct{ bytes.Buffer }

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// newRunReports finds --json, --junit and --har in args the way the flag
// package would (-name or --name, "=VALUE" or the next argument; "--" ends
// the flags).
func newRunReports(args []string) *runReports {
	rr := &runReports{started: time.Now()}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		var dst *string
		switch name {
		case "json":
			dst = &rr.json
		case "junit":
			dst = &rr.junit
		case "har":
			dst = &rr.har
		default:
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				continue
			}
			i++
			val = args[i]
		}
		*dst = val
	}
	return rr
}

// observer forwards events to the recorder of the workflow running now.
func (rr *runReports) observer() *runtime.Observer {
	get := func() *report.Recorder {
		rr.mu.Lock()
		defer rr.mu.Unlock()
		if rr.cur == nil {
			rr.cur = &report.Recorder{}
		}
		return rr.cur
	}
	return &runtime.Observer{
		StepStarted:      func(i runtime.StepInfo) { get().Observer().StepStarted(i) },
		StepFinished:     func(s runtime.StepRecord) { get().Observer().StepFinished(s) },
		RequestSent:      func(q runtime.RequestInfo) { get().Observer().RequestSent(q) },
		ResponseReceived: func(p runtime.ResponseInfo) { get().Observer().ResponseReceived(p) },
	}
}

func (rr *runReports) nextRecorder() *report.Recorder {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.cur = &report.Recorder{}
	return rr.cur
}

func (rr *runReports) properties(runID, workflowID string) []report.Property {
	props := []report.Property{{Name: "weft.version", Value: versionString()}, {Name: "weft.document", Value: rr.document}}
	if workflowID != "" {
		props = append(props, report.Property{Name: "weft.workflow", Value: workflowID})
	}
	if runID != "" {
		props = append(props, report.Property{Name: "weft.runId", Value: runID})
	}
	return props
}

// pickWorkflows returns the workflows to run: every one with all, else
// each named one, else the only one.
func pickWorkflows(doc *arazzo.Document, ids []string, all bool) ([]*arazzo.Workflow, error) {
	if all {
		if len(ids) > 0 {
			return nil, usagef("--all and --workflow exclude each other")
		}
		if len(doc.Workflows) == 0 {
			return nil, usagef("the document has no workflows")
		}
		return doc.Workflows, nil
	}
	if len(ids) == 0 {
		wf, err := pickWorkflow(doc, "")
		if err != nil {
			return nil, err
		}
		return []*arazzo.Workflow{wf}, nil
	}
	var wfs []*arazzo.Workflow
	for _, id := range ids {
		wf, err := pickWorkflow(doc, id)
		if err != nil {
			return nil, err
		}
		wfs = append(wfs, wf)
	}
	return wfs, nil
}

func stepLists(doc *arazzo.Document) map[string][]string {
	m := make(map[string][]string, len(doc.Workflows))
	for _, wf := range doc.Workflows {
		for _, st := range wf.Steps {
			m[wf.WorkflowID] = append(m[wf.WorkflowID], st.StepID)
		}
	}
	return m
}

// runWorkflows runs each workflow in turn, printing its summary and
// keeping its outcome for the reports. A signal stops the runs; the one
// it interrupted is reported cancelled.
func (e *env) runWorkflows(ctx context.Context, rr *runReports, runner *runtime.Runner, doc *arazzo.Document,
	wfs []*arazzo.Workflow, inputsFor func(*arazzo.Workflow) (map[string]any, error), printer *report.Printer, out io.Writer) error {
	steps := stepLists(doc)
	code := exitOK
	for _, wf := range wfs {
		if rr.stop != nil {
			break
		}
		printer.Workflow = wf.WorkflowID
		rec := rr.nextRecorder()
		started := time.Now()
		inputs, err := inputsFor(wf)
		var res *runtime.Result
		var runErr error
		if err == nil {
			res, runErr = runner.Run(ctx, wf.WorkflowID, inputs)
		} else {
			runErr = err
		}
		meta := report.Meta{WeftVersion: versionString(), Document: rr.document, Started: started, Recorder: rec}
		if runErr != nil && res == nil {
			// Nothing ran: invalid inputs.
			fmt.Fprintf(e.stderr, "weft: %s\n", runErr)
			meta.Status, meta.Diagnostics = report.StatusError, []string{runErr.Error()}
			j := report.Build(&runtime.Result{WorkflowID: wf.WorkflowID}, meta)
			rr.runs = append(rr.runs, runOutcome{json: j, rec: rec,
				suite: report.ErrorSuite(wf.WorkflowID, meta.Diagnostics, report.SuiteOptions{Started: started, Properties: rr.properties("", wf.WorkflowID)})})
			if code == exitOK || code == exitFailed {
				code = exitUsage
			}
			continue
		}
		status := string(res.Status)
		if runErr != nil {
			res.Status = runtime.StatusFailed
			status = string(runtime.StatusFailed)
			reason := stopReason(ctx, runErr)
			var sc signalCause
			if errors.As(context.Cause(ctx), &sc) && errors.Is(runErr, context.Canceled) {
				status = report.StatusCancelled
				rr.stop = sc
			}
			res.Error = reason
			if n := len(res.Steps); n > 0 && res.Steps[n-1].Action == "error" {
				res.Steps[n-1].Error = reason
			}
		}
		meta.Status = status
		printSummary(out, res, status, printer.Color)
		rr.runs = append(rr.runs, runOutcome{res: res, json: report.Build(res, meta), rec: rec,
			suite: report.NewSuite(res, report.SuiteOptions{Started: started, Steps: steps, Properties: rr.properties(res.RunID, res.WorkflowID)})})
		if !res.Succeeded() && code == exitOK {
			code = exitFailed
		}
	}
	if sc, ok := rr.stop.(signalCause); ok {
		return exitError{code: sc.exitCode()}
	}
	if code != exitOK {
		return exitError{code: code}
	}
	return nil
}

// stopReason says in words why a run stopped with err: a signal, --timeout,
// the request timeout, or err itself.
func stopReason(ctx context.Context, err error) string {
	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return cause.Error()
	}
	var le *runtime.LimitError
	if errors.As(err, &le) && le.Limit == "RequestTimeout" {
		return fmt.Sprintf("request timed out after %v (limit RequestTimeout)", le.Value)
	}
	return err.Error()
}

// endRun writes every requested report. When err ended the command before
// any workflow ran, the reports say so with status error and the
// diagnostics the command printed (status cancelled, and exit 130/143,
// when a signal stopped it, e.g. while loading).
func (e *env) endRun(rr *runReports, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	var sc signalCause
	cancelled := len(rr.runs) == 0 && err != nil && errors.As(context.Cause(e.context()), &sc)
	if cancelled {
		fmt.Fprintf(e.stderr, "weft: %s\n", err)
		err = exitError{code: sc.exitCode(), msg: sc.Error()}
	}
	if rr.json == "" && rr.junit == "" && rr.har == "" {
		return err
	}
	if len(rr.runs) == 0 && err != nil {
		diags := rr.diagnostics(err)
		meta := report.Meta{WeftVersion: versionString(), Document: rr.document, Status: report.StatusError, Diagnostics: diags}
		if cancelled {
			meta.Status = report.StatusCancelled
		}
		name := "weft run"
		if rr.document != "" {
			name += " " + rr.document
		}
		rr.runs = append(rr.runs, runOutcome{json: report.Build(nil, meta),
			suite: report.ErrorSuite(name, diags, report.SuiteOptions{Started: rr.started, Properties: rr.properties("", "")})})
	}
	if werr := rr.write(e.stdout); werr != nil {
		return exitError{code: exitUsage, msg: werr.Error()}
	}
	return err
}

// diagnostics are the lines that explain err: the usage message, or what
// the command printed to stderr before its usage text (document
// diagnostics, flag errors) followed by err's own message.
func (rr *runReports) diagnostics(err error) []string {
	var ue usageError
	if errors.As(err, &ue) {
		return []string{ue.msg}
	}
	var out []string
	for _, line := range strings.Split(rr.stderr.String(), "\n") {
		if strings.HasPrefix(line, "Usage:") {
			break
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if msg := err.Error(); msg != "" {
		out = append(out, msg)
	}
	if len(out) == 0 {
		out = []string{"weft run did not start"}
	}
	return out
}

func (rr *runReports) write(stdout io.Writer) error {
	if rr.json != "" {
		var v any
		if !rr.combined && len(rr.runs) == 1 {
			v = rr.runs[0].json
		} else {
			js := make([]report.JSON, len(rr.runs))
			for i, r := range rr.runs {
				js[i] = r.json
			}
			v = report.Combine(js, versionString(), rr.document)
		}
		if err := writeTo(rr.json, stdout, func(w io.Writer) error { return report.Encode(w, v) }); err != nil {
			return fmt.Errorf("--json: %v", err)
		}
	}
	if rr.junit != "" {
		suites := &report.Suites{Name: "weft run " + rr.document}
		for _, r := range rr.runs {
			suites.Add(r.suite)
		}
		if err := writeTo(rr.junit, stdout, func(w io.Writer) error { return report.WriteJUnit(w, suites) }); err != nil {
			return fmt.Errorf("--junit: %v", err)
		}
	}
	if rr.har != "" {
		var exs []report.Exchange
		for _, r := range rr.runs {
			if r.rec != nil {
				exs = append(exs, r.rec.Exchanges()...)
			}
		}
		sort.SliceStable(exs, func(i, j int) bool { return exs[i].Started.Before(exs[j].Started) })
		if err := writeTo(rr.har, stdout, func(w io.Writer) error { return report.WriteHAR(w, exs, versionString()) }); err != nil {
			return fmt.Errorf("--har: %v", err)
		}
	}
	return nil
}

func printSummary(w io.Writer, res *runtime.Result, status string, color bool) {
	ms := res.Duration.Milliseconds()
	label := status
	if color {
		code := "\x1b[31m"
		if status == string(runtime.StatusSucceeded) {
			code = "\x1b[32m"
		}
		label = code + status + "\x1b[0m"
	}
	if status == string(runtime.StatusSucceeded) {
		fmt.Fprintf(w, "workflow %s %s in %dms\n", res.WorkflowID, label, ms)
	} else {
		at := ""
		if res.FailedStep != "" {
			at = " at step " + res.FailedStep
		}
		fmt.Fprintf(w, "workflow %s %s%s in %dms", res.WorkflowID, label, at, ms)
		if res.Error != "" {
			fmt.Fprintf(w, ": %s", res.Error)
		}
		fmt.Fprintln(w)
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	if len(res.Outputs) > 0 {
		fmt.Fprintln(w, "outputs:")
		names := make([]string, 0, len(res.Outputs))
		for k := range res.Outputs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(w, "  %s = %s\n", k, mustJSON(res.Outputs[k]))
		}
	}
}

// stopAware makes o's StepFinished see why the run stopped (a signal,
// --timeout) instead of the bare "context canceled" of the step the stop
// interrupted.
func stopAware(ctx context.Context, o *runtime.Observer) *runtime.Observer {
	if o == nil || o.StepFinished == nil {
		return o
	}
	c := *o
	c.StepFinished = func(s runtime.StepRecord) {
		if s.Action == "error" && ctx.Err() != nil {
			if cause := context.Cause(ctx); cause != nil {
				s.Error = cause.Error()
			}
		}
		o.StepFinished(s)
	}
	return &c
}
