package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// testAPI is the OpenAPI description shared by the runtime tests.
const testAPI = `openapi: 3.0.3
info: {title: Items, version: "1"}
servers:
  - url: https://items.example.invalid/v1
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
paths:
  /items:
    post:
      operationId: createItem
      requestBody:
        content:
          application/json:
            schema: {type: object}
      responses:
        "201": {description: created}
    get:
      operationId: listItems
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok}
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
  /poll:
    get:
      operationId: poll
      responses:
        "200": {description: ok}
  /flaky:
    get:
      operationId: flaky
      responses:
        "200": {description: ok}
  /reset:
    post:
      operationId: reset
      responses:
        "200": {description: ok}
  /typed:
    get:
      operationId: typed
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
  /secure:
    get:
      operationId: secure
      security:
        - bearer: []
      responses:
        "200": {description: ok}
`

// reply is one scripted response.
type reply struct {
	status int
	body   string
	header map[string]string
}

// scripted is a real HTTP handler that answers each "METHOD /path" from a
// script: replies are used in order, and the last one repeats.
type scripted struct {
	mu     sync.Mutex
	script map[string][]reply
	calls  []string
	bodies []string
	auth   []string
	hook   http.HandlerFunc
}

// setHook makes h answer every request instead of the script.
func (s *scripted) setHook(h http.HandlerFunc) {
	s.mu.Lock()
	s.hook = h
	s.mu.Unlock()
}

func newScripted(script map[string][]reply) *scripted {
	return &scripted{script: script}
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	key := r.Method + " " + r.URL.Path
	s.mu.Lock()
	s.calls = append(s.calls, key)
	s.bodies = append(s.bodies, string(b))
	s.auth = append(s.auth, r.Header.Get("Authorization"))
	if h := s.hook; h != nil {
		s.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h(w, r)
		return
	}
	rs := s.script[key]
	var rep reply
	switch {
	case len(rs) == 0:
		rep = reply{status: 501, body: `{"error":"unscripted ` + key + `"}`}
	case len(rs) == 1:
		rep = rs[0]
	default:
		rep = rs[0]
		s.script[key] = rs[1:]
	}
	s.mu.Unlock()
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	if rep.status == 0 {
		rep.status = 200
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (s *scripted) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// writeFiles writes name → content into a fresh directory.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// doc builds an Arazzo document around the given workflows YAML (indented
// as list items under "workflows:") with the test API as source "api".
func doc(workflows string) string {
	return `arazzo: 1.0.1
info: {title: test, version: "1"}
sourceDescriptions:
  - name: api
    url: ./api.yaml
    type: openapi
workflows:
` + workflows
}

type fixture struct {
	t      testing.TB
	srv    *httptest.Server
	api    *scripted
	runner *runtime.Runner
	doc    *arazzo.Document
	mu     sync.Mutex
	waits  []time.Duration
}

// setup loads arazzoDoc (with api.yaml beside it, plus extra files), points
// source "api" at a loopback server answering from script, and builds a
// runner with opts.
func setup(t testing.TB, arazzoDoc string, script map[string][]reply, extra map[string]string, opts ...runtime.Option) *fixture {
	t.Helper()
	files := map[string]string{"api.yaml": testAPI, "flow.arazzo.yaml": arazzoDoc}
	for k, v := range extra {
		files[k] = v
	}
	dir := writeFiles(t, files)
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	api := newScripted(script)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	f := &fixture{t: t, srv: srv, api: api, doc: d}
	r, err := runtime.New(d, append([]runtime.Option{
		runtime.WithHTTPClient(srv.Client()),
		runtime.WithServer("api", srv.URL+"/v1"),
		runtime.WithSleep(func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			f.waits = append(f.waits, d)
			f.mu.Unlock()
			return ctx.Err()
		}),
	}, opts...)...)
	if err != nil {
		t.Fatalf("runtime.New: %v", err)
	}
	f.runner = r
	return f
}

func (f *fixture) run(workflowID string, inputs map[string]any) *runtime.Result {
	f.t.Helper()
	res, err := f.runner.Run(context.Background(), workflowID, inputs)
	if err != nil {
		f.t.Fatalf("Run: %v", err)
	}
	return res
}

// trace renders the step executions as "stepId#attempt:action".
func trace(res *runtime.Result) string {
	var parts []string
	for _, s := range res.Steps {
		parts = append(parts, fmt.Sprintf("%s#%d:%s", s.StepID, s.Attempt, s.Action))
	}
	return strings.Join(parts, " ")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// runnerFor loads dir/flow.arazzo.yaml and builds a runner with opts,
// failing the test on either error.
func runnerFor(t testing.TB, dir string, opts ...runtime.Option) *runtime.Runner {
	t.Helper()
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(d, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
