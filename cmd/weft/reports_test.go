package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/reportschema"
	"github.com/weftflow/weft/runtime"
)

const reportDoc = "testdata/report.arazzo.yaml"

// flakyShelter answers the first POST /pets with 503 and the next with
// 201; GET /pets/{id} is 200 for the created pet, 404 otherwise.
func flakyShelter(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	posts := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posts++
		n := posts
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"message":"busy"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":"pet_1","name":"Rex"}`)
	})
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "pet_1" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"pet_1","name":"Rex"}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("report not written: %v", err)
	}
	return b
}

// Item 2: a step that failed and passed on retry is one testcase with a
// flakyFailure, not a failure; a step jumped over by a goto and one never
// reached are skipped; the suite carries the run's properties.
func TestJUnitRetryIsFlakyNotFailure(t *testing.T) {
	srv := flakyShelter(t)
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.json")
	r := weft(t, "", "run", reportDoc, "--server", "shelter="+srv.URL, "--junit", junit, "--json", js)
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	data := readFile(t, junit)
	checkJUnitXSD(t, data)
	var doc junitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Failures != 0 || doc.Errors != 0 || doc.Tests != 4 || doc.Skipped != 2 {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d, want 4/0/0/2\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, data)
	}
	cases := map[string]junitCase{}
	for _, c := range doc.Suites[0].Cases {
		cases[c.Name] = c
	}
	if c := cases["create"]; c.Failure != nil || len(c.Flaky) != 1 || !strings.Contains(c.Flaky[0].Message, "$statusCode == 201") || c.Flaky[0].Type != "criteria" {
		t.Errorf("create: want one flakyFailure (criteria) and no failure: %+v\n%s", c, data)
	}
	if c := cases["jumpedOver"]; c.Skipped == nil || c.Skipped.Message != "skipped by a goto" {
		t.Errorf("jumpedOver: want skipped by a goto: %+v", c)
	}
	if c := cases["never"]; c.Skipped == nil || c.Skipped.Message != "not reached" {
		t.Errorf("never: want skipped, not reached: %+v", c)
	}
	props := map[string]string{}
	for _, p := range doc.Suites[0].Properties {
		props[p.Name] = p.Value
	}
	if props["weft.workflow"] != "flaky" || props["weft.document"] != reportDoc || props["weft.runId"] == "" || props["weft.version"] == "" {
		t.Errorf("properties %v", props)
	}
	rep := decodeReport(t, string(readFile(t, js)))
	steps := rep["steps"].([]any)
	if len(steps) != 3 {
		t.Fatalf("want 3 step executions, got %d", len(steps))
	}
	// Item 4: the step's outputs, start, request and response are in the report.
	s1 := steps[1].(map[string]any)
	if out := s1["outputs"].(map[string]any); out["petId"] != "pet_1" {
		t.Errorf("step outputs %v", out)
	}
	req, _ := s1["request"].(map[string]any)
	resp, _ := s1["response"].(map[string]any)
	if req == nil || resp == nil || req["method"] != "POST" || !strings.Contains(req["bodyExcerpt"].(string), "Rex") ||
		resp["statusCode"] != 201.0 || resp["bodySize"] != float64(len(`{"id":"pet_1","name":"Rex"}`)) {
		t.Errorf("request %v response %v", req, resp)
	}
	if rep["schemaVersion"] != "1" || rep["runId"] == "" || rep["startedAt"] == "" || s1["startedAt"] == "" {
		t.Errorf("report header %v", rep)
	}
}

// Item 2: a run stopped by --timeout is an <error> whose message says so,
// not a criteria failure.
func TestJUnitTimeoutIsError(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	junit := filepath.Join(t.TempDir(), "r.xml")
	r := weft(t, "", "run", petsDoc, "--input", "name=Slow", "--server", "shelter="+srv.URL, "--timeout", "300ms", "--junit", junit)
	if r.code != 1 {
		t.Fatalf("want exit 1\n%s", r)
	}
	data := readFile(t, junit)
	checkJUnitXSD(t, data)
	var doc junitDoc
	xml.Unmarshal(data, &doc)
	c := doc.Suites[0].Cases[0]
	if c.Error == nil || c.Error.Type != "timeout" || c.Error.Message != "stopped by --timeout 300ms" || c.Failure != nil {
		t.Errorf("want <error type=timeout> stopped by --timeout 300ms: %+v\n%s", c, data)
	}
	if c := doc.Suites[0].Cases[1]; c.Name != "getPet" || c.Skipped == nil {
		t.Errorf("the step after the timeout is skipped: %+v", c)
	}
	if !strings.Contains(r.stdout, "failed at step createPet") || !strings.Contains(r.stdout, "    error: stopped by --timeout 300ms") {
		t.Errorf("summary\n%s", r)
	}
}

// Item 3: usage, document and input errors still write the requested
// reports, with status error and the diagnostics.
func TestErrorsBeforeTheRunWriteReports(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		diag string
	}{
		{"unknown flag", []string{"run", petsDoc, "--bogus"}, "flag provided but not defined: -bogus"},
		{"bad timeout", []string{"run", petsDoc, "--timeout", "soon"}, "invalid value"},
		{"two documents", []string{"run", petsDoc, petsDoc}, "want exactly one document"},
		{"invalid document", []string{"run", "testdata/invalid.arazzo.yaml"}, "document has errors"},
		{"missing document", []string{"run", "testdata/nope.arazzo.yaml"}, "nope.arazzo.yaml"},
		{"unknown workflow", []string{"run", petsDoc, "--workflow", "nope"}, `no workflow "nope"`},
		{"missing input", []string{"run", petsDoc, "--server", "shelter=http://127.0.0.1:1"}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			js, junit, har := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.har")
			r := weft(t, "", append(tc.args, "--json="+js, "--junit", junit, "-har", har)...)
			if r.code != 2 {
				t.Fatalf("want exit 2\n%s", r)
			}
			rep := decodeReport(t, string(readFile(t, js)))
			diags, _ := rep["diagnostics"].([]any)
			if rep["status"] != "error" || len(diags) == 0 || !strings.Contains(fmt.Sprint(diags), tc.diag) {
				t.Errorf("want status error with a diagnostic containing %q: %v", tc.diag, rep)
			}
			data := readFile(t, junit)
			checkJUnitXSD(t, data)
			if !strings.Contains(string(data), `errors="1"`) {
				t.Errorf("JUnit should hold one error:\n%s", data)
			}
			checkHAR(t, readFile(t, har))
		})
	}
}

// Item 5: --har holds every exchange, retries included, in HAR 1.2.
func TestHARHasEveryExchange(t *testing.T) {
	srv := flakyShelter(t)
	har := filepath.Join(t.TempDir(), "r.har")
	r := weft(t, "", "run", reportDoc, "--server", "shelter="+srv.URL, "--har", har)
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	h := checkHAR(t, readFile(t, har))
	var got []string
	for _, e := range h.Log.Entries {
		got = append(got, fmt.Sprintf("%s %d", e.Request.Method, e.Response.Status))
	}
	if want := "POST 503,POST 201,GET 200"; strings.Join(got, ",") != want {
		t.Errorf("entries %v, want %s", got, want)
	}
	if e := h.Log.Entries[1]; e.Request.PostData == nil || !strings.Contains(e.Request.PostData.Text, "Rex") ||
		e.Response.Content.MimeType != "application/json" || !strings.Contains(e.Response.Content.Text, "pet_1") {
		t.Errorf("entry 1 %+v", e)
	}
}

// Item 6: --all runs every workflow with one combined report; several
// --workflow do the same for the named ones.
func TestSeveralWorkflowsOneReport(t *testing.T) {
	_, srv := newShelter(t)
	dir := t.TempDir()
	js, junit := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	r := weft(t, "", "run", "testdata/two-workflows.arazzo.yaml", "--all", "--server", "shelter="+srv.URL, "--input", "petId=p2", "--json", js, "--junit", junit)
	if r.code != 1 {
		t.Fatalf("want exit 1 (no pet exists)\n%s", r)
	}
	data := readFile(t, js)
	reportschema.Check(t, data)
	var runs struct {
		Status string
		Runs   []struct{ WorkflowID, Status string }
	}
	json.Unmarshal(data, &runs)
	if runs.Status != "failed" || len(runs.Runs) != 2 || runs.Runs[0].WorkflowID != "first" || runs.Runs[1].WorkflowID != "second" {
		t.Errorf("combined report %+v", runs)
	}
	x := readFile(t, junit)
	checkJUnitXSD(t, x)
	if n := strings.Count(string(x), "<testsuite "); n != 2 {
		t.Errorf("want 2 testsuites, got %d\n%s", n, x)
	}
	for _, sum := range []string{"workflow first failed", "workflow second failed"} {
		if !strings.Contains(r.stdout, sum) {
			t.Errorf("summary lacks %q\n%s", sum, r)
		}
	}
	r = weft(t, "", "run", "testdata/two-workflows.arazzo.yaml", "--workflow", "second", "--workflow", "first", "--server", "shelter="+srv.URL, "--json", js)
	json.Unmarshal(readFile(t, js), &runs)
	if r.code != 1 || len(runs.Runs) != 2 || runs.Runs[0].WorkflowID != "second" {
		t.Errorf("two --workflow: %+v\n%s", runs, r)
	}
	if r := weft(t, "", "run", "testdata/two-workflows.arazzo.yaml", "--all", "--workflow", "first"); r.code != 2 {
		t.Errorf("--all with --workflow: want exit 2\n%s", r)
	}
}

// Item 1: SIGINT and SIGTERM stop the run, write every report with status
// cancelled, print the summary and exit 130 / 143. The run's context is
// cancelled with the signal's cause, as notifyContext does on the first
// signal (TestSecondSignalExitsAtOnce delivers real ones), while a server
// holds the request until the client gives up.
func TestSignalsWriteReports(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(tc.name, func(t *testing.T) {
			arrived, release := make(chan struct{}, 1), make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}))
			defer srv.Close()
			defer close(release)
			dir := t.TempDir()
			js, junit, har := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "r.har")
			r := weftInterrupted(t, arrived, tc.sig, "run", petsDoc, "--input", "name=Rex", "--server", "shelter="+srv.URL,
				"--json", js, "--junit", junit, "--har", har)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tc.code, r)
			}
			if want := "workflow adopt-pet cancelled at step createPet"; !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "cancelled by "+tc.name) {
				t.Errorf("summary lacks %q:\n%s", want, r.stdout)
			}
			rep := decodeReport(t, string(readFile(t, js)))
			if rep["status"] != "cancelled" || rep["error"] != "cancelled by "+tc.name {
				t.Errorf("report status %v error %v", rep["status"], rep["error"])
			}
			x := readFile(t, junit)
			checkJUnitXSD(t, x)
			if !strings.Contains(string(x), `type="cancelled"`) {
				t.Errorf("JUnit lacks the cancelled error:\n%s", x)
			}
			if h := checkHAR(t, readFile(t, har)); len(h.Log.Entries) != 1 || h.Log.Entries[0].Response.Status != 0 {
				t.Errorf("HAR: want the one unanswered request: %+v", h.Log.Entries)
			}
		})
	}
}

// JUnit documents as decoded by the tests.
type junitDoc struct {
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string `xml:"name,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []junitCase `xml:"testcase"`
}

type junitMsg struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}

type junitCase struct {
	Name    string    `xml:"name,attr"`
	Failure *junitMsg `xml:"failure"`
	Error   *junitMsg `xml:"error"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	Flaky []junitMsg `xml:"flakyFailure"`
}

// checkJUnitXSD checks data against the rules of the JUnit XSD that
// Jenkins and Maven Surefire read (surefire-test-report.xsd and Jenkins'
// junit-10.xsd): the element tree and order, the required attributes, the
// allowed children, numeric counts and times, and counts that agree with
// the test cases.
func checkJUnitXSD(t *testing.T, data []byte) {
	t.Helper()
	type node struct {
		XMLName  xml.Name
		Attrs    []xml.Attr `xml:",any,attr"`
		Children []node     `xml:",any"`
		Text     string     `xml:",chardata"`
	}
	var root node
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	attr := func(n node, name string) (string, bool) {
		for _, a := range n.Attrs {
			if a.Name.Local == name {
				return a.Value, true
			}
		}
		return "", false
	}
	errf := func(format string, args ...any) { t.Errorf("JUnit XSD: "+format+"\n%s", append(args, data)...) }
	allowedAttrs := func(n node, allowed ...string) {
		for _, a := range n.Attrs {
			ok := false
			for _, al := range allowed {
				ok = ok || a.Name.Local == al
			}
			if !ok {
				errf("<%s> has attribute %q, not in the XSD", n.XMLName.Local, a.Name.Local)
			}
		}
	}
	required := func(n node, names ...string) {
		for _, name := range names {
			if _, ok := attr(n, name); !ok {
				errf("<%s> lacks required attribute %q", n.XMLName.Local, name)
			}
		}
	}
	integer := func(n node, name string) int {
		v, ok := attr(n, name)
		if !ok {
			return 0
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			errf("<%s %s=%q> is not a non-negative integer", n.XMLName.Local, name, v)
		}
		return i
	}
	decimal := func(n node, name string) {
		if v, ok := attr(n, name); ok {
			if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 || strings.ContainsAny(v, "eE,") {
				errf("<%s %s=%q> is not an xs:decimal >= 0", n.XMLName.Local, name, v)
			}
		}
	}
	// order checks that children appear in the order of groups, each
	// child's name in one group; max1 groups may appear once.
	order := func(n node, groups [][]string, max1 map[string]bool) {
		pos, count := 0, map[string]int{}
		for _, c := range n.Children {
			name := c.XMLName.Local
			found := -1
			for i := pos; i < len(groups); i++ {
				for _, g := range groups[i] {
					if g == name {
						found = i
					}
				}
				if found >= 0 {
					break
				}
			}
			if found < 0 {
				errf("<%s> may not contain <%s> here", n.XMLName.Local, name)
				continue
			}
			pos = found
			count[name]++
			if max1[name] && count[name] > 1 {
				errf("<%s> contains <%s> more than once", n.XMLName.Local, name)
			}
		}
	}
	if root.XMLName.Local != "testsuites" {
		errf("root is <%s>, want <testsuites>", root.XMLName.Local)
	}
	allowedAttrs(root, "name", "tests", "failures", "errors", "skipped", "disabled", "time")
	order(root, [][]string{{"testsuite"}}, nil)
	var tTests, tFail, tErr, tSkip int
	for _, s := range root.Children {
		allowedAttrs(s, "name", "tests", "failures", "errors", "skipped", "disabled", "time", "timestamp", "hostname", "id", "package", "group")
		required(s, "name", "tests")
		decimal(s, "time")
		if ts, ok := attr(s, "timestamp"); ok {
			if _, err := time.Parse("2006-01-02T15:04:05", ts); err != nil {
				errf("timestamp %q is not an ISO 8601 date-time without zone", ts)
			}
		}
		order(s, [][]string{{"properties"}, {"testcase"}, {"system-out"}, {"system-err"}}, map[string]bool{"properties": true, "system-out": true, "system-err": true})
		var cases, fails, errs, skips int
		for _, c := range s.Children {
			switch c.XMLName.Local {
			case "properties":
				order(c, [][]string{{"property"}}, nil)
				for _, p := range c.Children {
					required(p, "name", "value")
					allowedAttrs(p, "name", "value")
				}
			case "testcase":
				cases++
				required(c, "name")
				allowedAttrs(c, "name", "classname", "time", "group", "assertions", "status")
				decimal(c, "time")
				order(c, [][]string{{"skipped", "error", "failure"}, {"rerunFailure", "rerunError", "flakyFailure", "flakyError"}, {"system-out"}, {"system-err"}},
					map[string]bool{"system-out": true, "system-err": true})
				outcome := 0
				for _, o := range c.Children {
					switch o.XMLName.Local {
					case "failure", "error":
						outcome++
						allowedAttrs(o, "message", "type")
						if o.XMLName.Local == "failure" {
							fails++
						} else {
							errs++
						}
					case "skipped":
						outcome++
						skips++
						allowedAttrs(o, "message")
					case "rerunFailure", "rerunError", "flakyFailure", "flakyError":
						required(o, "type")
						allowedAttrs(o, "message", "type")
						order(o, [][]string{{"stackTrace"}, {"system-out"}, {"system-err"}}, map[string]bool{"stackTrace": true, "system-out": true, "system-err": true})
					}
				}
				if outcome > 1 {
					errf("testcase %v has more than one of skipped, error, failure", c.Attrs)
				}
			}
		}
		if integer(s, "tests") != cases || integer(s, "failures") != fails || integer(s, "errors") != errs || integer(s, "skipped") != skips {
			errf("testsuite counts %v disagree with its testcases (tests %d failures %d errors %d skipped %d)", s.Attrs, cases, fails, errs, skips)
		}
		tTests, tFail, tErr, tSkip = tTests+cases, tFail+fails, tErr+errs, tSkip+skips
	}
	if integer(root, "tests") != tTests || integer(root, "failures") != tFail || integer(root, "errors") != tErr || integer(root, "skipped") != tSkip {
		errf("testsuites counts %v disagree with the suites", root.Attrs)
	}
	decimal(root, "time")
}

type harDoc struct {
	Log struct {
		Version string
		Creator struct{ Name, Version string }
		Entries []struct {
			Request struct {
				Method, URL string
				PostData    *struct{ MimeType, Text string }
			}
			Response struct {
				Status  int
				Content struct {
					Size     int
					MimeType string
					Text     string
				}
			}
		}
	}
}

// checkHAR checks the fields HAR 1.2 requires (that browsers' developer
// tools need to load the file) and returns the HAR.
func checkHAR(t *testing.T, data []byte) harDoc {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("HAR is not JSON: %v", err)
	}
	need := func(m any, where string, keys ...string) map[string]any {
		mm, ok := m.(map[string]any)
		if !ok {
			t.Errorf("HAR: %s is not an object", where)
			return nil
		}
		for _, k := range keys {
			if _, ok := mm[k]; !ok {
				t.Errorf("HAR: %s lacks %q", where, k)
			}
		}
		return mm
	}
	log := need(raw["log"], "log", "version", "creator", "entries")
	if log == nil {
		return harDoc{}
	}
	need(log["creator"], "log.creator", "name", "version")
	entries, _ := log["entries"].([]any)
	for i, e := range entries {
		w := fmt.Sprintf("entries[%d]", i)
		em := need(e, w, "startedDateTime", "time", "request", "response", "cache", "timings")
		if em == nil {
			continue
		}
		if s, _ := em["startedDateTime"].(string); s == "" {
			t.Errorf("HAR: %s.startedDateTime empty", w)
		} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			t.Errorf("HAR: %s.startedDateTime %q: %v", w, s, err)
		}
		need(em["request"], w+".request", "method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize")
		resp := need(em["response"], w+".response", "status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize")
		if resp != nil {
			need(resp["content"], w+".response.content", "size", "mimeType")
		}
		need(em["timings"], w+".timings", "send", "wait", "receive")
	}
	var h harDoc
	json.Unmarshal(data, &h)
	if h.Log.Version != "1.2" || h.Log.Creator.Name != "weft" {
		t.Errorf("HAR log %+v", h.Log)
	}
	return h
}

// The request timeout is named in words, not as a bare limit.
func TestStopReasonRequestTimeout(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &runtime.LimitError{Limit: "RequestTimeout", Value: 30 * time.Second})
	if got := stopReason(context.Background(), err); got != "request timed out after 30s (limit RequestTimeout)" {
		t.Errorf("stopReason = %q", got)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(signalCause{syscall.SIGTERM})
	if got := stopReason(ctx, context.Canceled); got != "cancelled by SIGTERM" {
		t.Errorf("stopReason = %q", got)
	}
}

// --all on a document with one workflow still writes the combined shape,
// so a pipeline using --all always reads a list of runs.
func TestAllWithOneWorkflowIsCombined(t *testing.T) {
	_, srv := newShelter(t)
	js := filepath.Join(t.TempDir(), "r.json")
	r := weft(t, "", "run", petsDoc, "--all", "--input", "name=Rex", "--server", "shelter="+srv.URL, "--json", js)
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	data := readFile(t, js)
	reportschema.Check(t, data)
	var runs struct{ Runs []struct{ Status string } }
	if json.Unmarshal(data, &runs); len(runs.Runs) != 1 || runs.Runs[0].Status != "succeeded" {
		t.Errorf("want a list of one succeeded run:\n%s", data)
	}
}

// Item 1: a signal while the document is still loading (here from a server
// that holds the request) also writes the reports, status cancelled, and
// exits 143.
func TestSignalWhileLoading(t *testing.T) {
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	dir := t.TempDir()
	js, junit := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	r := weftInterrupted(t, arrived, syscall.SIGTERM, "run", srv.URL+"/flow.arazzo.yaml", "--allow-private", "--json", js, "--junit", junit)
	if r.code != 143 {
		t.Errorf("exit %d, want 143\n%s", r.code, r)
	}
	rep := decodeReport(t, string(readFile(t, js)))
	if rep["status"] != "cancelled" {
		t.Errorf("status %v, want cancelled: %v", rep["status"], rep)
	}
	checkJUnitXSD(t, readFile(t, junit))
}

// Issue 11: "weft run --har" holds the OAuth2 client-credentials token
// request, as a well-formed entry before the API request that needed it,
// with the client's basic credentials and the issued token masked.
func TestHARHasTokenRequest(t *testing.T) {
	const secret, issued = "cs-Har Sesame&1", "at-Har<Issued>2"
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, issued)
	}))
	defer tokenSrv.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"auth":%q}`, r.Header.Get("Authorization"))
	}))
	defer api.Close()
	dir := t.TempDir()
	files := map[string]string{
		"api.yaml": `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: ` + api.URL + `}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "` + tokenSrv.URL + `/token", scopes: {}}}
security: [{cc: []}]
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`,
		"flow.arazzo.yaml": `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions: [{name: api, url: ./api.yaml, type: openapi}]
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: me
      - stepId: b
        operationId: me
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("WEFT_API_CC_CLIENT_ID", "cid")
	t.Setenv("WEFT_API_CC_CLIENT_SECRET", secret)
	harFile := filepath.Join(dir, "run.har")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"run", filepath.Join(dir, "flow.arazzo.yaml"), "--har", harFile}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	data, err := os.ReadFile(harFile)
	if err != nil {
		t.Fatal(err)
	}
	h := checkHAR(t, data)
	var got []string
	for _, e := range h.Log.Entries {
		got = append(got, fmt.Sprintf("%s %s %d", e.Request.Method, e.Request.URL, e.Response.Status))
	}
	want := []string{"POST " + tokenSrv.URL + "/token 200", "GET " + api.URL + "/me 200", "GET " + api.URL + "/me 200"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("HAR entries:\n  %s\nwant (one token fetch, then the cached token):\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(h.Log.Entries) > 0 {
		e := h.Log.Entries[0]
		if e.Request.PostData == nil || e.Request.PostData.Text != "grant_type=client_credentials" ||
			e.Request.PostData.MimeType != "application/x-www-form-urlencoded" || e.Response.Content.Text != `{"access_token":"****","token_type":"Bearer","expires_in":3600}` {
			t.Errorf("token entry %+v", e)
		}
	}
	text := string(data)
	if !strings.Contains(text, `"comment": "w/a (OAuth2 token request)"`) && !strings.Contains(text, `"comment":"w/a (OAuth2 token request)"`) {
		t.Errorf("token entry not marked as such:\n%s", text)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("cid:" + url.QueryEscape(secret)))
	for _, s := range []string{secret, url.QueryEscape(secret), issued, basic, `Har<Issued`, `Har\u003cIssued`} {
		if strings.Contains(text, s) {
			t.Errorf("HAR leaks %q:\n%s", s, text)
		}
	}
}
