package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/store"
)

// The admin API client of weft trigger and weft runs.
const (
	// envServer names the admin API's base URL (--server overrides it).
	envServer = "WEFT_SERVER"
	// envAdminToken holds the admin API's bearer token. It is never a
	// flag: a token on a command line is seen by ps and kept by shell
	// history.
	envAdminToken = "WEFT_ADMIN_TOKEN"
	defaultServer = "http://127.0.0.1:8080"
	// adminTimeout bounds one admin API call.
	adminTimeout = 30 * time.Second
	// maxAdminAnswer caps the bytes of one admin API answer read.
	maxAdminAnswer = 64 << 20
)

// adminClient calls the admin API of a weft serve.
type adminClient struct {
	base  *url.URL
	token string
	hc    *http.Client
}

// addServerFlag adds --server to fs.
func addServerFlag(fs *flag.FlagSet) *string {
	return fs.String("server", "", "the weft serve to talk to, as a base `URL` (default $"+envServer+", else "+defaultServer+"); the bearer token is read from $"+envAdminToken)
}

// newAdminClient returns the client for --server (flag), $WEFT_SERVER or
// the default, with the token of $WEFT_ADMIN_TOKEN.
func newAdminClient(flagValue string) (*adminClient, error) {
	raw := firstNonEmpty(flagValue, os.Getenv(envServer), defaultServer)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--server %q: want an http(s) base URL such as %s", raw, defaultServer)
	}
	if u.User != nil {
		return nil, usagef("--server: the URL must not carry credentials; the token is read from $%s", envAdminToken)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &adminClient{base: u, token: os.Getenv(envAdminToken), hc: &http.Client{Timeout: adminTimeout}}, nil
}

// adminError is an admin API call that did not succeed.
type adminError struct {
	status int    // 0: no answer
	msg    string // what to tell the user
}

func (e *adminError) Error() string { return e.msg }

// call sends method path (with query q and JSON body in, when not nil) and
// decodes a 2xx answer into out. The answer's status is returned; a status
// in accept is decoded into out too (a 422 failed start carries its run).
func (c *adminClient) call(ctx context.Context, method, path string, q url.Values, in, out any, accept ...int) (int, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return 0, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, &adminError{msg: fmt.Sprintf("cannot reach the weft serve at %s: %v (is it running? set --server or $%s)", c.base, err, envServer)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAdminAnswer+1))
	if err != nil {
		return resp.StatusCode, &adminError{status: resp.StatusCode, msg: fmt.Sprintf("%s %s: reading the answer: %v", method, path, err)}
	}
	if len(data) > maxAdminAnswer {
		return resp.StatusCode, &adminError{status: resp.StatusCode, msg: fmt.Sprintf("%s %s: the answer is over %d bytes", method, path, maxAdminAnswer)}
	}
	ok := resp.StatusCode/100 == 2
	for _, a := range accept {
		ok = ok || resp.StatusCode == a
	}
	if !ok {
		return resp.StatusCode, c.statusError(resp.StatusCode, data)
	}
	if out != nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return resp.StatusCode, &adminError{status: resp.StatusCode, msg: fmt.Sprintf("%s %s: the answer is not the admin API's JSON: %v", method, path, err)}
		}
	}
	return resp.StatusCode, nil
}

// statusError says what a non-2xx answer means.
func (c *adminClient) statusError(code int, data []byte) error {
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(data, &answer)
	said := answer.Error
	if said == "" {
		said = strings.TrimSpace(string(data))
		if len(said) > 200 {
			said = said[:200] + "…"
		}
	}
	var msg string
	switch code {
	case http.StatusUnauthorized:
		if c.token == "" {
			msg = fmt.Sprintf("401 Unauthorized: the admin API needs a bearer token and $%s is not set (%s)", envAdminToken, said)
		} else {
			msg = fmt.Sprintf("401 Unauthorized: the server refused the token in $%s (%s)", envAdminToken, said)
		}
	case http.StatusNotFound:
		msg = "404 Not Found: " + said
	case http.StatusConflict:
		msg = "409 Conflict: " + said
	default:
		msg = fmt.Sprintf("%d %s: %s", code, http.StatusText(code), said)
	}
	return &adminError{status: code, msg: msg}
}

// asExit turns an admin API error into the command's exit error (1).
func asExit(err error) error {
	var ae *adminError
	if errors.As(err, &ae) {
		return exitError{code: exitFailed, msg: ae.msg}
	}
	return err
}

const runsUsage = `runs list [--flow F] [--status S] [--since T] [--limit N] [--before ID] [--json] [--server URL]
       weft runs show ID [--json] [--server URL]
       weft runs replay ID [--server URL]

Lists the runs of a weft serve (newest first), shows one run's trace (attempts, steps, status codes,
reasons, notifications), or replays a failed, dead-lettered or interrupted run with its original
inputs (the new run links to the original). They call the admin API at --server (default
$WEFT_SERVER, else http://127.0.0.1:8080) with the bearer token in $WEFT_ADMIN_TOKEN (never a flag:
command lines are seen by ps and kept by shell history). Exit status: 0 done, 1 the server said no
(401 token missing or wrong, 404 unknown run, 409 not replayable) or could not be reached, 2 usage.`

func (e *env) runsCmd(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintf(e.stderr, "Usage: weft %s\n", runsUsage)
		if len(args) == 0 {
			return usagef("runs: want list, show or replay")
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "list":
		return e.runsList(args[1:])
	case "show":
		return e.runsShow(args[1:])
	case "replay":
		return e.runsReplay(args[1:])
	}
	fmt.Fprintf(e.stderr, "Usage: weft %s\n", runsUsage)
	return usagef("runs: unknown subcommand %q (want list, show or replay)", args[0])
}

func (e *env) runsList(args []string) error {
	fs := newFlagSet("runs list", "runs list [--flow F] [--status S] [--since T] [--limit N] [--before ID] [--json] [--server URL]", e.stderr)
	flowName := fs.String("flow", "", "only the runs of flow `F`")
	status := fs.String("status", "", "only the runs whose status is `S`: queued, running, retrying, succeeded, failed, dead or interrupted")
	since := fs.String("since", "", "only the runs created at or after `T`: an RFC 3339 time (2026-12-02T10:00:00Z) or a duration before now (1h30m)")
	limit := fs.Int("limit", 0, "at most `N` runs, 1 to 1000 (default 100)")
	before := fs.String("before", "", "only the runs created before run `ID` (the next page: the last ID of a listing)")
	asJSON := fs.Bool("json", false, "print the runs as a JSON array")
	server := addServerFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("runs list: unexpected arguments %q", pos)
	}
	q := url.Values{}
	if *flowName != "" {
		q.Set("flow", *flowName)
	}
	if *status != "" {
		switch s := store.Status(*status); s {
		case store.StatusQueued, store.StatusRunning, store.StatusRetrying, store.StatusSucceeded,
			store.StatusFailed, store.StatusDead, store.StatusInterrupted:
			q.Set("status", *status)
		default:
			return usagef("runs list: --status %q: want queued, running, retrying, succeeded, failed, dead or interrupted", *status)
		}
	}
	if *since != "" {
		t, err := parseSince(*since, time.Now())
		if err != nil {
			return usagef("runs list: --since %q: %v", *since, err)
		}
		q.Set("since", t.UTC().Format(time.RFC3339))
	}
	if *limit != 0 {
		if *limit < 1 || *limit > 1000 {
			return usagef("runs list: --limit %d: want 1 to 1000", *limit)
		}
		q.Set("limit", strconv.Itoa(*limit))
	}
	if *before != "" {
		q.Set("before", *before)
	}
	c, err := newAdminClient(*server)
	if err != nil {
		return err
	}
	var answer struct {
		Runs []json.RawMessage `json:"runs"`
	}
	if _, err := c.call(e.context(), http.MethodGet, "/admin/runs", q, nil, &answer); err != nil {
		return asExit(err)
	}
	if *asJSON {
		if answer.Runs == nil {
			answer.Runs = []json.RawMessage{}
		}
		return printJSON(e.stdout, answer.Runs)
	}
	if len(answer.Runs) == 0 {
		fmt.Fprintln(e.stderr, "no runs")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFLOW\tSTATUS\tATTEMPTS\tTRIGGER\tCREATED\tREASON")
	for _, raw := range answer.Runs {
		var r store.Run
		if err := json.Unmarshal(raw, &r); err != nil {
			return exitError{code: exitFailed, msg: "runs list: a run in the answer does not decode: " + err.Error()}
		}
		trig := r.Trigger
		if r.ReplayOf != "" {
			trig += " of " + r.ReplayOf
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.Flow, r.Status, r.Attempt, trig,
			r.CreatedAt.Local().Format("2006-01-02 15:04:05"), cutLine(r.Reason, 80))
	}
	return tw.Flush()
}

// parseSince reads --since: an RFC 3339 time, or a duration before now.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, errors.New("want an RFC 3339 time (2026-12-02T10:00:00Z) or a duration before now (1h30m)")
}

// oneID reads the one ID argument of show and replay.
func oneID(cmd string, pos []string) (string, error) {
	if len(pos) != 1 || pos[0] == "" {
		return "", usagef("runs %s: want exactly one run id, got %d arguments", cmd, len(pos))
	}
	return pos[0], nil
}

func (e *env) runsShow(args []string) error {
	fs := newFlagSet("runs show", "runs show ID [--json] [--server URL]", e.stderr)
	asJSON := fs.Bool("json", false, "print the admin API's answer (run, attempts with their steps, notifications) as JSON")
	server := addServerFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("show", pos)
	if err != nil {
		return err
	}
	c, err := newAdminClient(*server)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if _, err := c.call(e.context(), http.MethodGet, "/admin/runs/"+url.PathEscape(id), nil, nil, &raw); err != nil {
		return asExit(err)
	}
	if *asJSON {
		return printJSON(e.stdout, raw)
	}
	if err := renderRun(e.stdout, raw); err != nil {
		return exitError{code: exitFailed, msg: "runs show: " + err.Error()}
	}
	return nil
}

// renderRun decodes the admin API's answer for one run (at most
// maxAdminAnswer bytes, as read) and writes its trace.
func renderRun(w io.Writer, raw []byte) error {
	var d serve.RunDetail
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("the answer is not a run: %v", err)
	}
	if d.Run == nil {
		return errors.New("the answer is not a run: it has no \"run\"")
	}
	writeTrace(w, &d)
	return nil
}

// stepView is the part of a stored step record (runtime.StepRecord's
// JSON) a trace shows.
type stepView struct {
	StepID         string
	Attempt        int
	Status         string
	Method, URL    string
	StatusCode     int
	Duration       time.Duration
	Action         string
	Error          string
	FailedCriteria []struct{ Condition, Detail string }
}

// writeTrace writes run d as a readable trace.
func writeTrace(w io.Writer, d *serve.RunDetail) {
	r := d.Run
	fmt.Fprintf(w, "run %s  flow %s  workflow %s\n", r.ID, r.Flow, r.Workflow)
	fmt.Fprintf(w, "  status   %s", r.Status)
	if r.Attempt > 0 {
		fmt.Fprintf(w, " after %d attempt(s)", r.Attempt)
	}
	fmt.Fprintln(w)
	trig := r.Trigger
	if r.DedupKey != "" {
		trig += ", event " + r.DedupKey
	}
	fmt.Fprintf(w, "  trigger  %s\n", trig)
	if r.ReplayOf != "" {
		fmt.Fprintf(w, "  replays  %s\n", r.ReplayOf)
	}
	fmt.Fprintf(w, "  created  %s\n", r.CreatedAt.Format(time.RFC3339Nano))
	if !r.FinishedAt.IsZero() {
		fmt.Fprintf(w, "  finished %s (%s after creation)\n", r.FinishedAt.Format(time.RFC3339Nano), r.FinishedAt.Sub(r.CreatedAt).Round(time.Millisecond))
	}
	if !r.NextAttemptAt.IsZero() {
		fmt.Fprintf(w, "  next attempt at %s\n", r.NextAttemptAt.Format(time.RFC3339))
	}
	if r.Reason != "" {
		fmt.Fprintf(w, "  reason   %s\n", r.Reason)
	}
	if len(r.Inputs) > 0 {
		fmt.Fprintf(w, "  inputs   %s\n", compactJSON(r.Inputs))
	}
	if len(r.Outputs) > 0 && string(r.Outputs) != "null" {
		fmt.Fprintf(w, "  outputs  %s\n", compactJSON(r.Outputs))
	}
	for _, a := range d.Attempts {
		fmt.Fprintf(w, "attempt %d: %s", a.N, a.Status)
		if !a.Finished.IsZero() {
			fmt.Fprintf(w, " in %s", a.Finished.Sub(a.Started).Round(time.Millisecond))
		}
		if a.RequestSent {
			fmt.Fprint(w, " (requests sent)")
		}
		fmt.Fprintln(w)
		if a.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", a.Error)
		}
		for _, raw := range a.Steps {
			var s stepView
			if err := json.Unmarshal(raw, &s); err != nil {
				fmt.Fprintf(w, "  (a step record that does not decode: %v)\n", err)
				continue
			}
			line := "  " + s.StepID
			if s.Attempt > 1 {
				line += " (try " + strconv.Itoa(s.Attempt) + ")"
			}
			if s.Method != "" {
				line += "  " + s.Method + " " + s.URL
			}
			if s.StatusCode != 0 {
				line += " → " + strconv.Itoa(s.StatusCode)
			}
			line += "  " + s.Status
			if s.Duration > 0 {
				line += " " + s.Duration.Round(time.Millisecond/10).String()
			}
			if s.Action != "" && s.Action != "next" {
				line += "  [" + s.Action + "]"
			}
			fmt.Fprintln(w, line)
			for _, fc := range s.FailedCriteria {
				fmt.Fprintf(w, "      failed: %s", fc.Condition)
				if fc.Detail != "" {
					fmt.Fprintf(w, " (%s)", fc.Detail)
				}
				fmt.Fprintln(w)
			}
			if s.Error != "" {
				fmt.Fprintf(w, "      error: %s\n", s.Error)
			}
		}
	}
	if len(d.Attempts) == 0 {
		fmt.Fprintln(w, "no attempts")
	}
	for _, n := range d.Notifications {
		fmt.Fprintf(w, "notification %s to %s: %s after %d attempt(s)\n", n.ID, n.Target, n.Status, n.Attempts)
		for _, dl := range n.Deliveries {
			fmt.Fprintf(w, "  %d at %s", dl.N, dl.At.Format(time.RFC3339))
			if dl.StatusCode != 0 {
				fmt.Fprintf(w, " → %d", dl.StatusCode)
			}
			if dl.Error != "" {
				fmt.Fprintf(w, "  %s", dl.Error)
			}
			fmt.Fprintf(w, "  %s\n", dl.Duration.Round(time.Millisecond/10))
		}
	}
}

func (e *env) runsReplay(args []string) error {
	fs := newFlagSet("runs replay", "runs replay ID [--server URL]", e.stderr)
	server := addServerFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := oneID("replay", pos)
	if err != nil {
		return err
	}
	c, err := newAdminClient(*server)
	if err != nil {
		return err
	}
	var acc serve.Accepted
	code, err := c.call(e.context(), http.MethodPost, "/admin/runs/"+url.PathEscape(id)+"/replay", nil, nil, &acc, http.StatusUnprocessableEntity)
	if err != nil {
		return asExit(err)
	}
	return e.reportStart(code, acc, "replay of "+id)
}

// reportStart prints the run a trigger or replay started; a start that
// failed (422: its inputs did not map or validate) exits 1.
func (e *env) reportStart(code int, acc serve.Accepted, what string) error {
	if code == http.StatusUnprocessableEntity || acc.Status == store.StatusFailed {
		fmt.Fprintf(e.stdout, "%s\n", acc.RunID)
		return exitError{code: exitFailed, msg: fmt.Sprintf("run %s (%s) failed to start: %s", acc.RunID, what, acc.Error)}
	}
	fmt.Fprintln(e.stdout, acc.RunID)
	fmt.Fprintf(e.stderr, "run %s %s (%s); see it with: weft runs show %s\n", acc.RunID, acc.Status, what, acc.RunID)
	return nil
}

// printJSON writes v indented.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

// cutLine returns s on one line, cut at n runes.
func cutLine(s string, n int) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
