package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/report"
	"github.com/weftflow/weft/runtime"
	"gopkg.in/yaml.v3"
)

const runUsage = `run DOC [--workflow ID]... [--all] [--input name=value]... [--inputs FILE|-] [--input-env PREFIX]
    [--server SOURCE=URL]... [--server-var SOURCE.NAME=VALUE]... [--only-servers [--allow-origin URL]...]
    [--validate-responses warn|error] [--max-steps N] [--request-timeout DURATION]
    [--cert FILE --key FILE] [--cacert FILE]
    [--json FILE|-] [--junit FILE|-] [--har FILE|-] [--timeout DURATION] [-v]
` + loaderFlagsUsage

// runCmd runs "weft run": runBody does the work and endRun writes the
// requested reports whatever happened, so that an error before the run
// (usage, document, inputs) still leaves a report with status error.
func (e *env) runCmd(args []string) error {
	rr := newRunReports(args)
	sub := *e
	sub.stderr = io.MultiWriter(e.stderr, &rr.stderr)
	err := sub.runBody(args, rr)
	return e.endRun(rr, err)
}

func (e *env) runBody(args []string, rr *runReports) error {
	fs := newFlagSet("run", runUsage, e.stderr)
	var workflowIDs multiFlag
	fs.Var(&workflowIDs, "workflow", "`ID` of the workflow to run (required when the document has several); repeatable: one combined report")
	var (
		allWorkflows = fs.Bool("all", false, "run every workflow of the document, in order, with one combined report")
		inputFlags   multiFlag
		inputsFile   = fs.String("inputs", "", "read inputs from a JSON or YAML object in `FILE` (- for stdin); --input-env and --input win")
		inputEnv     = fs.String("input-env", "", "read input NAME from environment variable `PREFIX`NAME (converted like --input); --input wins")
		serverFlag   multiFlag
		varFlag      multiFlag
		alsoAllow    multiFlag
		onlySrv      = fs.Bool("only-servers", false, "refuse every request (API calls, token requests, redirects) to an origin not given with --server")
		validate     = fs.String("validate-responses", "", "check responses against the OpenAPI description: `MODE` warn (report findings) or error (findings fail the step)")
		maxSteps     = fs.Int("max-steps", 0, "stop after `N` step executions, retries and sub-workflows included (0: 1000)")
		reqTimeout   = fs.Duration("request-timeout", 0, "give each HTTP request at most `DURATION` (0: 30s)")
		jsonOut      = fs.String("json", "", "write the JSON report to `FILE` (- for stdout)")
		junitOut     = fs.String("junit", "", "write a JUnit XML report to `FILE` (- for stdout): a test suite per workflow, a test case per step visit")
		harOut       = fs.String("har", "", "write every HTTP exchange, masked, as a HAR 1.2 file to `FILE` (- for stdout)")
		timeout      = fs.Duration("timeout", 0, "stop the run after `DURATION` (0: no limit)")
		verbose      = fs.Bool("v", false, "print requests and responses (secrets masked)")
	)
	fs.Var(&inputFlags, "input", "set input `name=value` (converted by the input schema's type, else JSON, else string); repeatable")
	fs.Var(&serverFlag, "server", "use `SOURCE=URL` as the base URL of every operation of a source; repeatable")
	fs.Var(&alsoAllow, "allow-origin", "with --only-servers, also allow requests to the origin of `URL` (e.g. an OAuth2 token endpoint); repeatable")
	lf := addLoaderFlags(fs)
	tf := addTLSFlags(fs)
	fs.Var(&varFlag, "server-var", "set server variable `SOURCE.NAME=VALUE`; repeatable")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usagef("run: want exactly one document, got %d", len(pos))
	}
	var opts []runtime.Option
	var serverNames, serverURLs []string
	for _, s := range serverFlag {
		name, u, ok := strings.Cut(s, "=")
		if !ok || name == "" || u == "" {
			return usagef("--server %q: want SOURCE=URL", redactURLArg(s))
		}
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" {
			return usagef("--server %s: want an absolute URL", redactURLArg(s))
		}
		serverNames = append(serverNames, name)
		serverURLs = append(serverURLs, u)
		opts = append(opts, runtime.WithServer(name, u))
	}
	var serverVars [][2]string
	for _, s := range varFlag {
		key, val, ok := strings.Cut(s, "=")
		src, name, ok2 := strings.Cut(key, ".")
		if !ok || !ok2 || src == "" || name == "" {
			return usagef("--server-var %q: want SOURCE.NAME=VALUE", s)
		}
		serverVars = append(serverVars, [2]string{src, name})
		opts = append(opts, runtime.WithServerVariable(src, name, val))
	}
	if len(alsoAllow) > 0 && !*onlySrv {
		return usagef("--allow-origin goes with --only-servers")
	}
	for _, u := range alsoAllow {
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" {
			return usagef("--allow-origin %s: want an absolute URL", redactURLArg(u))
		}
	}
	if *onlySrv {
		if len(serverURLs) == 0 {
			return usagef("--only-servers needs at least one --server SOURCE=URL (the origins it allows)")
		}
		opts = append(opts, runtime.WithAllowedOrigins("--only-servers", append(serverURLs, alsoAllow...)...))
	}
	switch *validate {
	case "":
	case "warn":
		opts = append(opts, runtime.WithResponseValidation(false))
	case "error":
		opts = append(opts, runtime.WithResponseValidation(true))
	default:
		return usagef("--validate-responses %q: want warn or error", *validate)
	}
	if *maxSteps < 0 {
		return usagef("--max-steps %d: want 0 or more", *maxSteps)
	}
	if *reqTimeout < 0 {
		return usagef("--request-timeout %s: want 0 or more", *reqTimeout)
	}
	if *maxSteps > 0 || *reqTimeout > 0 {
		opts = append(opts, runtime.WithLimits(runtime.Limits{MaxStepExecutions: *maxSteps, RequestTimeout: *reqTimeout}))
	}
	client, err := tf.client()
	if err != nil {
		return err
	}
	if client != nil {
		opts = append(opts, runtime.WithHTTPClient(client))
	}
	// Read the inputs file before loading so that usage errors come first.
	var fileInputs map[string]any
	if *inputsFile != "" {
		fileInputs, err = readInputsFile(*inputsFile, e.stdin)
		if err != nil {
			return usagef("--inputs: %v", err)
		}
	}

	rr.document = pos[0]
	ctx := e.context()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, *timeout, timeoutCause{*timeout})
		defer cancel()
	}
	doc, err := e.loadForUse(ctx, pos[0], lf)
	if err != nil {
		return err
	}
	if err := checkServerFlags(ctx, doc, serverNames, serverVars); err != nil {
		return err
	}
	if err := checkCredentialEnv(doc, environ()); err != nil {
		return err
	}
	wfs, err := pickWorkflows(doc, workflowIDs, *allWorkflows)
	if err != nil {
		return err
	}
	wf := wfs[0]
	rr.combined = *allWorkflows || len(wfs) > 1
	inputsFor := func(wf *arazzo.Workflow) (map[string]any, error) {
		return gatherInputs(doc, wf, fileInputs, *inputEnv, inputFlags)
	}
	if _, err := inputsFor(wf); err != nil {
		return err
	}

	// Progress goes to stdout unless a report does.
	out := e.stdout
	if *jsonOut == "-" || *junitOut == "-" || *harOut == "-" {
		out = e.stderr
	}
	printer := &report.Printer{W: out, Verbose: *verbose, Workflow: wf.WorkflowID}
	if f, ok := out.(*os.File); ok {
		printer.Color = report.UseColor(f)
	}
	opts = append(opts, runtime.WithObserver(report.Observers(stopAware(ctx, printer.Observer()), rr.observer())))
	if c := defaultCredentials(); c != nil {
		opts = append(opts, runtime.WithCredentials(c))
	}

	runner, err := runtime.NewContext(ctx, doc, opts...)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	return e.runWorkflows(ctx, rr, runner, doc, wfs, inputsFor, printer, out)
}

// redactURLArg hides the password of a URL in a flag value ("URL" or
// "NAME=URL") for a message.
func redactURLArg(s string) string {
	for _, cand := range []string{s, s[strings.IndexByte(s, '=')+1:]} {
		if u, err := url.Parse(cand); err == nil && u.User != nil {
			return s[:len(s)-len(cand)] + u.Redacted()
		}
	}
	return s
}

// writeTo writes with fn to stdout for "-" or to the named file.
func writeTo(name string, stdout io.Writer, fn func(io.Writer) error) error {
	if name == "-" {
		return fn(stdout)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pickWorkflow returns the workflow to run: the named one, or the only one.
func pickWorkflow(doc *arazzo.Document, id string) (*arazzo.Workflow, error) {
	ids := make([]string, 0, len(doc.Workflows))
	for _, wf := range doc.Workflows {
		if id != "" && wf.WorkflowID == id {
			return wf, nil
		}
		ids = append(ids, wf.WorkflowID)
	}
	switch {
	case id != "":
		return nil, usagef("no workflow %q in the document; it has: %s", id, strings.Join(ids, ", "))
	case len(doc.Workflows) == 1:
		return doc.Workflows[0], nil
	case len(doc.Workflows) == 0:
		return nil, usagef("the document has no workflows")
	default:
		return nil, usagef("the document has %d workflows; choose one with --workflow: %s", len(ids), strings.Join(ids, ", "))
	}
}

// readInputsFile reads a JSON or YAML object of inputs from name ("-":
// stdin).
func readInputsFile(name string, stdin io.Reader) (map[string]any, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	return parseInputs(data)
}

// parseInputs decodes a JSON or YAML object; numbers become json.Number.
func parseInputs(data []byte) (map[string]any, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		var y any
		if yerr := yaml.Unmarshal(data, &y); yerr != nil {
			return nil, fmt.Errorf("neither JSON nor YAML: %v", yerr)
		}
		b, err := json.Marshal(y)
		if err != nil {
			return nil, fmt.Errorf("YAML with non-JSON values: %v", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	}
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("want an object of input names to values")
	}
	return m, nil
}

// convertInput converts a --input value: by the declared types of its
// property (string, integer, number, boolean, array, object, null; a list
// of types is tried in order), else as JSON when it parses, else as a
// string.
func convertInput(types []string, raw string) (any, error) {
	if len(types) == 0 {
		if v, err := parseJSONValue(raw); err == nil {
			return v, nil
		}
		return raw, nil
	}
	var errs []string
	for _, t := range types {
		v, err := convertAs(t, raw)
		if err == nil {
			return v, nil
		}
		errs = append(errs, err.Error())
	}
	// The value is not echoed: it may be a secret.
	return nil, fmt.Errorf("the value is not %s", strings.Join(types, " or "))
}

func convertAs(t, raw string) (any, error) {
	switch t {
	case "string":
		return raw, nil
	case "integer":
		s := strings.TrimSpace(raw)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.Number(s), nil
		}
		// Allow 1e3 and 2.0, which are integers in JSON Schema.
		if f, err := strconv.ParseFloat(s, 64); err == nil && f == float64(int64(f)) {
			return json.Number(strconv.FormatInt(int64(f), 10)), nil
		}
		return nil, errors.New("not an integer")
	case "number":
		s := strings.TrimSpace(raw)
		if _, err := strconv.ParseFloat(s, 64); err != nil || !json.Valid([]byte(s)) {
			return nil, errors.New("not a number")
		}
		return json.Number(s), nil
	case "boolean":
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return nil, errors.New("not a boolean")
		}
		return b, nil
	case "null":
		if strings.TrimSpace(raw) == "null" || raw == "" {
			return nil, nil
		}
		return nil, errors.New("not null")
	case "array", "object":
		v, err := parseJSONValue(raw)
		if err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		_, isArr := v.([]any)
		_, isObj := v.(map[string]any)
		if (t == "array" && !isArr) || (t == "object" && !isObj) {
			return nil, fmt.Errorf("not a JSON %s", t)
		}
		return v, nil
	}
	// An unknown type name: keep the string.
	return raw, nil
}

func parseJSONValue(raw string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}
