package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/reportschema"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

// weft runs the command line args in-process, through run, with stdin.
func weft(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	return weftEnv(t, nil, stdin, args...)
}

// weftEnv is weft with extra environment variables ("NAME=value") set
// for the call only (with t.Setenv, so never in a parallel test).
func weftEnv(t *testing.T, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(name)
		t.Setenv(name, value)
		if had {
			defer os.Setenv(name, old)
		} else {
			defer os.Unsetenv(name)
		}
	}
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// weftInterrupted runs args in-process under a context cancelled with
// signalCause{sig}, as the first SIGINT or SIGTERM does, once interrupt
// is closed, and returns the result.
func weftInterrupted(t *testing.T, interrupt <-chan struct{}, sig os.Signal, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() { done <- runContext(ctx, args, strings.NewReader(""), &out, &errb) }()
	select {
	case <-interrupt:
	case code := <-done:
		t.Fatalf("weft ended before the interrupt: exit %d\n%s\n%s", code, out.String(), errb.String())
	case <-time.After(5 * time.Second):
		t.Fatal("the interrupt never came")
	}
	cancel(signalCause{sig})
	select {
	case code := <-done:
		return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
	case <-time.After(5 * time.Second):
		t.Fatal("weft did not stop after the interrupt")
	}
	return cliResult{}
}

// syncBuffer is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// shelter is the fake pet shelter API of testdata/pets.openapi.yaml. A pet
// named "ghost" is acknowledged but never stored, so reading it back 404s.
type shelter struct {
	mu      sync.Mutex
	pets    map[string]map[string]any
	created []map[string]any
}

func newShelter(t *testing.T) (*shelter, *httptest.Server) {
	s := &shelter{pets: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /pets", func(w http.ResponseWriter, r *http.Request) {
		var pet map[string]any
		if err := json.NewDecoder(r.Body).Decode(&pet); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		id := fmt.Sprintf("pet_%d", len(s.created)+1)
		s.created = append(s.created, pet)
		pet["id"] = id
		if pet["name"] != "ghost" {
			s.pets[id] = pet
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(pet)
	})
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		pet, ok := s.pets[r.PathValue("id")]
		s.mu.Unlock()
		if !ok {
			http.Error(w, `{"message":"no such pet"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(pet)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return s, srv
}

const petsDoc = "testdata/pets.arazzo.yaml"

func keysOf(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// decodeReport decodes a JSON report after checking it against the
// published schema, docs/report.schema.json, which pins every key.
func decodeReport(t *testing.T, data string) map[string]any {
	t.Helper()
	reportschema.Check(t, []byte(data))
	var rep map[string]any
	if err := json.Unmarshal([]byte(data), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	return rep
}

func TestRunSucceeds(t *testing.T) {
	sh, srv := newShelter(t)
	r := weft(t, "", "run", petsDoc, "--server", "shelter="+srv.URL,
		"--input", "name=Rex", "--input", "age=3", "--input", `tags=["good","dog"]`, "--json", "-")
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	rep := decodeReport(t, r.stdout)
	if rep["status"] != "succeeded" || rep["workflowId"] != "adopt-pet" || rep["error"] != nil {
		t.Errorf("report head = %v %v %v", rep["status"], rep["workflowId"], rep["error"])
	}
	outs, _ := rep["outputs"].(map[string]any)
	if outs["petId"] != "pet_1" || outs["petName"] != "Rex" {
		t.Errorf("outputs = %v", outs)
	}
	steps, _ := rep["steps"].([]any)
	if len(steps) != 2 {
		t.Fatalf("want 2 steps, got %d", len(steps))
	}
	first := steps[0].(map[string]any)
	if first["stepId"] != "createPet" || first["method"] != "POST" || first["statusCode"] != 201.0 ||
		first["status"] != "succeeded" || !strings.HasPrefix(first["url"].(string), srv.URL+"/pets") {
		t.Errorf("steps[0] = %v", first)
	}
	// --input conversion reached the wire: age by schema type, tags as JSON.
	sh.mu.Lock()
	created := sh.created
	sh.mu.Unlock()
	if len(created) != 1 || created[0]["age"] != 3.0 || !reflect.DeepEqual(created[0]["tags"], []any{"good", "dog"}) {
		t.Errorf("server received %v", created)
	}
	// With --json -, progress goes to stderr, a line per step.
	for _, want := range []string{"createPet", "getPet", "POST", "201", "adopt-pet succeeded", "petName"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("progress lacks %q\n%s", want, r)
		}
	}
	if strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("colour written to a pipe:\n%s", r.stderr)
	}
}

func TestRunProgressAndVerbose(t *testing.T) {
	_, srv := newShelter(t)
	r := weft(t, "", "run", petsDoc, "-v", "--input", "name=Bo", "--server", "shelter="+srv.URL)
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	lines := strings.Split(r.stdout, "\n")
	iCreate, iGet := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "✓ createPet") {
			iCreate = i
		}
		if strings.Contains(l, "✓ getPet") {
			iGet = i
		}
	}
	if iCreate < 0 || iGet < iCreate {
		t.Errorf("want step lines in order\n%s", r)
	}
	for _, want := range []string{"→ POST " + srv.URL + "/pets", "← 201", `"name":"Bo"`, "outputs:", `petName = "Bo"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("verbose output lacks %q\n%s", want, r)
		}
	}
}

func TestRunFailedCriterion(t *testing.T) {
	_, srv := newShelter(t)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	jsonFile := filepath.Join(t.TempDir(), "report.json")
	r := weft(t, "", "run", petsDoc, "--server", "shelter="+srv.URL, "--input", "name=ghost",
		"--json", jsonFile, "--junit", junit)
	if r.code != 1 {
		t.Fatalf("want exit 1\n%s", r)
	}
	if !strings.Contains(r.stdout, "✗ getPet") || !strings.Contains(r.stdout, "$statusCode == 200") {
		t.Errorf("progress should show the failed step and criterion\n%s", r)
	}
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	rep := decodeReport(t, string(data))
	if rep["status"] != "failed" {
		t.Errorf("status = %v", rep["status"])
	}
	if e, _ := rep["error"].(string); e == "" {
		t.Errorf("error should say why, got %v", rep["error"])
	}
	steps, _ := rep["steps"].([]any)
	if len(steps) != 2 {
		t.Fatalf("want 2 steps, got %v", steps)
	}
	last := steps[1].(map[string]any)
	fc, _ := last["failedCriteria"].([]any)
	if last["status"] != "failed" || last["statusCode"] != 404.0 || len(fc) != 1 {
		t.Errorf("steps[1] = %v", last)
	}
	checkJUnit(t, junit, 2, 1)
}

// checkJUnit checks the common JUnit shape: testsuites > testsuite >
// testcase (> failure), with consistent counts.
func checkJUnit(t *testing.T, path string, wantCases, wantFailures int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkJUnitXSD(t, data)
	var doc struct {
		XMLName  xml.Name
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Time     string `xml:"time,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Time     string `xml:"time,attr"`
			Cases    []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Time      string `xml:"time,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit is not XML: %v\n%s", err, data)
	}
	if doc.XMLName.Local != "testsuites" || len(doc.Suites) != 1 {
		t.Fatalf("want <testsuites> with one <testsuite>:\n%s", data)
	}
	s := doc.Suites[0]
	failures := 0
	for _, c := range s.Cases {
		if c.Name == "" || c.Classname == "" || c.Time == "" {
			t.Errorf("testcase lacks name, classname or time: %+v", c)
		}
		if c.Failure != nil {
			failures++
			if c.Failure.Message == "" {
				t.Errorf("failure without message in %s", c.Name)
			}
		}
	}
	if len(s.Cases) != wantCases || failures != wantFailures || s.Tests != wantCases || s.Failures != wantFailures ||
		doc.Tests != wantCases || doc.Failures != wantFailures || s.Time == "" || doc.Time == "" {
		t.Errorf("JUnit counts: cases %d failures %d (attrs %d/%d, %d/%d), want %d/%d\n%s",
			len(s.Cases), failures, s.Tests, s.Failures, doc.Tests, doc.Failures, wantCases, wantFailures, data)
	}
}

func TestUsageErrors(t *testing.T) {
	_, srv := newShelter(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"run without document", []string{"run"}, "exactly one document"},
		{"unknown flag", []string{"run", petsDoc, "--bogus"}, "bogus"},
		{"bad --server", []string{"run", petsDoc, "--server", "shelter"}, "SOURCE=URL"},
		{"bad --server-var", []string{"run", petsDoc, "--server-var", "shelter=x"}, "SOURCE.NAME=VALUE"},
		{"bad --inputs file", []string{"run", petsDoc, "--inputs", "testdata/no-such-file.json"}, "no-such-file"},
		{"bad --input", []string{"run", petsDoc, "--input", "name"}, "name=value"},
		{"input of wrong type", []string{"run", petsDoc, "--server", "shelter=" + srv.URL, "--input", "name=x", "--input", "age=old"}, "integer"},
		{"several workflows", []string{"run", "testdata/two-workflows.arazzo.yaml"}, "first, second"},
		{"unknown workflow", []string{"run", petsDoc, "--workflow", "nope"}, "adopt-pet"},
		{"validate nothing", []string{"validate"}, "no documents"},
		{"test nothing", []string{"test"}, "no case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := weft(t, "", tt.args...)
			if r.code != 2 {
				t.Errorf("want exit 2\n%s", r)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q\n%s", tt.want, r)
			}
		})
	}
}

func TestInvalidDocument(t *testing.T) {
	doc := "testdata/invalid.arazzo.yaml"
	r := weft(t, "", "validate", doc)
	if r.code != 1 {
		t.Errorf("validate: want exit 1\n%s", r)
	}
	if !strings.Contains(r.stdout, "invalid.arazzo.yaml:") || !strings.Contains(r.stdout, ": error: ") {
		t.Errorf("validate: want file:line:col: error: diagnostics\n%s", r)
	}
	if !strings.Contains(r.stdout, "noSuchOperation") {
		t.Errorf("validate: want the unknown operation named\n%s", r)
	}
	r = weft(t, "", "run", doc)
	if r.code != 2 || !strings.Contains(r.stderr, ": error: ") {
		t.Errorf("run: want exit 2 with diagnostics\n%s", r)
	}
}

func TestValidateAndList(t *testing.T) {
	r := weft(t, "", "validate", petsDoc, "testdata/two-workflows.arazzo.yaml")
	if r.code != 0 || strings.Contains(r.stdout, "error") {
		t.Errorf("validate: want exit 0 and no errors\n%s", r)
	}
	r = weft(t, "", "list", petsDoc)
	if r.code != 0 {
		t.Fatalf("list: want exit 0\n%s", r)
	}
	r2 := weft(t, "", "list", "testdata/two-workflows.arazzo.yaml")
	if !strings.Contains(r2.stdout, "workflow second") || !strings.Contains(r2.stdout, "petId") || !strings.Contains(r2.stdout, "Which pet to read.") {
		t.Errorf("list should resolve inputs through components.inputs\n%s", r2)
	}
	for _, want := range []string{"workflow adopt-pet", "name", "string (required)", "age", "integer", "petName", "1. createPet", "POST /pets", "2. getPet"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list lacks %q\n%s", want, r)
		}
	}
}

func TestEnv(t *testing.T) {
	r := weft(t, "", "env", petsDoc)
	if r.code != 0 {
		t.Fatalf("env: want exit 0\n%s", r)
	}
	if !strings.Contains(strings.ToUpper(r.stdout), "SHELTER") {
		t.Errorf("env should name a variable for the shelter source\n%s", r)
	}
}

func TestVersion(t *testing.T) {
	r := weft(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "weft ") {
		t.Errorf("version\n%s", r)
	}
}

func TestInputsFileAndFlagOrder(t *testing.T) {
	sh, srv := newShelter(t)
	// Flags before the document, inputs from stdin, --input overrides.
	r := weft(t, `{"name": "Fido", "age": 2}`, "run", "--inputs", "-", "--server", "shelter="+srv.URL, petsDoc, "--input", "age=5")
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.created) != 1 || sh.created[0]["name"] != "Fido" || sh.created[0]["age"] != 5.0 {
		t.Errorf("server received %v", sh.created)
	}
}

func TestTestCommand(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "cases.xml")
	r := weft(t, "", "test", "--junit", junit, "testdata/cases")
	if r.code != 1 {
		t.Fatalf("want exit 1 (one case fails on purpose)\n%s", r)
	}
	if !strings.Contains(r.stdout, "2 cases: 1 passed, 1 failed") || !strings.Contains(r.stdout, "FAIL wrong-output") {
		t.Errorf("summary\n%s", r)
	}
	checkJUnit(t, junit, 2, 1)
	r = weft(t, "", "test", "--run", "^adopt$", "testdata/cases")
	if r.code != 0 || !strings.Contains(r.stdout, "1 cases: 1 passed, 0 failed") {
		t.Errorf("--run adopt: want exit 0\n%s", r)
	}
}

func TestRunTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	r := weft(t, "", "run", petsDoc, "--input", "name=Slow", "--server", "shelter="+srv.URL, "--timeout", "300ms", "--json", "-")
	if r.code != 1 {
		t.Fatalf("want exit 1\n%s", r)
	}
	rep := decodeReport(t, r.stdout)
	if e, _ := rep["error"].(string); !strings.Contains(e, "deadline") && !strings.Contains(e, "timeout") && !strings.Contains(e, "cancel") {
		t.Errorf("error should say the run timed out: %q", e)
	}
	if r := weft(t, "", "run", petsDoc, "--timeout", "soon"); r.code != 2 {
		t.Errorf("bad --timeout: want exit 2\n%s", r)
	}
}

func TestRunServerVariables(t *testing.T) {
	var mu sync.Mutex
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.URL.Path
		mu.Unlock()
	}))
	defer srv.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	r := weft(t, "", "run", "testdata/vars.arazzo.yaml", "--server-var", "pinger.port="+port, "--server-var", "pinger.base=v9")
	mu.Lock()
	defer mu.Unlock()
	if r.code != 0 || got != "/v9/ping" {
		t.Errorf("want exit 0 and a request to /v9/ping, got %q\n%s", got, r)
	}
}
