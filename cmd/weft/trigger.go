package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/store"
)

const triggerUsage = `trigger FLOW [--input name=value]... [--inputs FILE|-] [--wait] [--server URL]

Starts a run of FLOW on a weft serve now (a manual start, through the admin API) and prints its id.
The inputs overlay the flow's mapping; a value that reads as JSON is sent as JSON (42, true,
{"a":1}), anything else as a string (quote it to force a string: --input 'id="42"'); --inputs reads
a JSON or YAML object, --input wins over it. The server validates them against the workflow's inputs
schema: a start that does not validate is recorded as failed and exits 1. --wait waits for the run to
end (retries included), prints its trace and exits 0 when it succeeded, 1 otherwise. The server and token are
those of weft runs: --server (default $WEFT_SERVER, else http://127.0.0.1:8080), $WEFT_ADMIN_TOKEN.`

// maxInputsFile caps the --inputs file of weft trigger (the admin API
// takes at most 1 MiB).
const maxInputsFile = 1 << 20

func (e *env) triggerCmd(args []string) error {
	fs := newFlagSet("trigger", triggerUsage, e.stderr)
	var inputs multiFlag
	fs.Var(&inputs, "input", "an input as `name=value` (repeatable)")
	inputsFile := fs.String("inputs", "", "read inputs from the JSON or YAML object in `FILE` (- for stdin)")
	wait := fs.Bool("wait", false, "wait for the run to end, print its trace, and exit 0 only when it succeeded")
	server := addServerFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] == "" {
		fs.Usage()
		return usagef("trigger: want exactly one flow name, got %d arguments", len(pos))
	}
	in := map[string]any{}
	if *inputsFile != "" {
		if in, err = e.readInputsObject(*inputsFile); err != nil {
			return err
		}
	}
	for _, s := range inputs {
		name, raw, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return usagef("--input %q: want name=value", s)
		}
		v, err := convertInput(nil, raw)
		if err != nil {
			return usagef("--input %s: %v", name, err)
		}
		in[name] = v
	}
	c, err := newAdminClient(*server)
	if err != nil {
		return err
	}
	var acc serve.Accepted
	code, err := c.call(e.context(), http.MethodPost, "/admin/flows/"+url.PathEscape(pos[0])+"/runs", nil,
		serve.TriggerRequest{Inputs: in}, &acc, http.StatusUnprocessableEntity)
	if err != nil {
		return asExit(err)
	}
	if err := e.reportStart(code, acc, "manual start of "+pos[0]); err != nil || !*wait {
		return err
	}
	return e.waitRun(c, acc.RunID)
}

// waitPoll is how often weft trigger --wait asks for the run.
const waitPoll = 100 * time.Millisecond

// waitRun polls run id until it is final, prints its trace, and fails
// (exit 1) unless it succeeded. SIGINT stops the wait, not the run.
func (e *env) waitRun(c *adminClient, id string) error {
	ctx := e.context()
	for {
		var d serve.RunDetail
		if _, err := c.call(ctx, http.MethodGet, "/admin/runs/"+url.PathEscape(id), nil, nil, &d); err != nil {
			if ctx.Err() != nil {
				return exitError{code: exitFailed, msg: fmt.Sprintf("stopped waiting for run %s (it goes on: weft runs show %s)", id, id)}
			}
			return asExit(err)
		}
		if d.Run != nil && d.Run.Status.Final() {
			writeTrace(e.stdout, &d)
			if d.Run.Status != store.StatusSucceeded {
				return exitError{code: exitFailed, msg: fmt.Sprintf("run %s %s: %s", id, d.Run.Status, d.Run.Reason)}
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return exitError{code: exitFailed, msg: fmt.Sprintf("stopped waiting for run %s (it goes on: weft runs show %s)", id, id)}
		case <-time.After(waitPoll):
		}
	}
}

// readInputsObject reads the JSON object of --inputs FILE (- for stdin).
func (e *env) readInputsObject(name string) (map[string]any, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("--inputs: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputsFile+1))
	if err != nil {
		return nil, usagef("--inputs %s: %v", name, err)
	}
	if len(data) > maxInputsFile {
		return nil, usagef("--inputs %s: over %d bytes", name, maxInputsFile)
	}
	m, err := parseInputs(data)
	if err != nil {
		return nil, usagef("--inputs %s: %v", name, err)
	}
	return m, nil
}
