package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
	"github.com/weftflow/weft/webhook"
)

const (
	hookdeckDoc  = "../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"
	hookPath     = "/hooks/attach"
	adminToken   = "admin-token-s3cr3t-value"
	webhookKey   = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	notifyKey    = "whsec_c2VjcmV0LW5vdGlmeS1rZXktMTIzNDU2"
	configSecret = "config-secret-label-9f2e"
)

// harness is a weft serve Server over a real SQLite file, in front of the
// Hookdeck fake on loopback, with its handler on loopback too.
type harness struct {
	t       testing.TB
	fake    *hookdeckfake.Server
	api     *httptest.Server
	dbPath  string
	st      *sqlite.Store
	srv     *serve.Server
	http    *httptest.Server
	def     *definition.File
	logs    *syncBuffer
	started bool
	gateMu  sync.Mutex
	gate    func(r *http.Request)
}

// setGate makes g run before the fake answers each request (nil: none).
func (h *harness) setGate(g func(r *http.Request)) {
	h.gateMu.Lock()
	h.gate = g
	h.gateMu.Unlock()
}

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

// attachFlow is the reference flow: a Standard-Webhooks-signed event runs
// attach-integration-to-source with the event's data.name and data.label.
func attachFlow(apiURL string) *definition.Flow {
	tok := map[string]map[string]definition.Value{"bearerAuth": {"token": {Text: hookdeckfake.DefaultAPIKey, Secret: true}}}
	return &definition.Flow{
		Name: "attach", Document: hookdeckDoc, Workflow: "attach-integration-to-source",
		Servers:     map[string]definition.Value{"sourcesApi": {Text: apiURL}, "integrationsApi": {Text: apiURL}},
		Credentials: map[string]map[string]map[string]definition.Value{"sourcesApi": tok, "integrationsApi": tok},
		Trigger: definition.Trigger{Webhook: &definition.Webhook{Path: hookPath, MaxBodyBytes: 4096,
			Verify: &definition.Verify{Preset: "standard-webhooks", Secrets: []definition.Value{{Text: webhookKey, Secret: true}}, Tolerance: 5 * time.Minute}}},
		Inputs: []definition.Input{
			{Name: "sourceName", Expr: "$request.body#/data/name"},
			{Name: "integrationLabel", Expr: "$request.body#/data/label"},
			{Name: "provider", Expr: "HMAC"},
		},
		Dedup:       definition.Dedup{Window: 24 * time.Hour},
		Concurrency: 4,
		Retry:       definition.Retry{Attempts: 3, Initial: 5 * time.Millisecond, Max: 20 * time.Millisecond, Interrupted: serve.PolicyResumeSafe},
		KeepBody:    true,
	}
}

// newHarness builds the server; edit changes the definition first.
func newHarness(t testing.TB, edit func(h *harness)) *harness {
	t.Helper()
	fake, err := hookdeckfake.New(hookdeckfake.WithSpecDir("../testdata/hookdeck/openapi"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, fake: fake, logs: &syncBuffer{}}
	h.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.gateMu.Lock()
		g := h.gate
		h.gateMu.Unlock()
		if g != nil {
			// Read the body first: net/http notices a client gone (and
			// cancels r's context) only once the body is consumed.
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			g(r)
		}
		if r.Context().Err() != nil {
			// The client is gone: the request is never processed.
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(h.api.Close)
	dir := t.TempDir()
	h.dbPath = filepath.Join(dir, "weft.db")
	h.def = &definition.File{
		Path:       filepath.Join(dir, "serve.yaml"),
		AdminToken: definition.Value{Text: adminToken, Secret: true},
		Vars: []*definition.Var{
			{Name: "ADMIN_TOKEN", Secret: true, Value: adminToken},
			{Name: "WEBHOOK_SECRET", Secret: true, Value: webhookKey},
			{Name: "LABEL", Secret: true, Value: configSecret},
		},
		DrainTimeout: 5 * time.Second,
		Flows:        []*definition.Flow{attachFlow(h.api.URL + hookdeckfake.BasePath)},
	}
	if edit != nil {
		edit(h)
	}
	h.open()
	return h
}

// open opens the store and builds and starts a server on it.
func (h *harness) open() {
	t := h.t
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	h.st = st
	srv, err := serve.New(ctx, h.def, st,
		serve.WithLoadOptions(arazzo.WithPolicy(arazzo.Policy{LocalRoot: "../testdata/hookdeck"})),
		serve.WithLogger(slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		serve.WithLookupEnv(func(string) (string, bool) { return "", false }),
	)
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.http = httptest.NewServer(srv.Handler())
	h.started = true
	t.Cleanup(h.stop)
}

// stop drains the server and closes the store.
func (h *harness) stop() {
	if !h.started {
		return
	}
	h.started = false
	h.http.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = h.srv.Shutdown(ctx)
	_ = h.st.Close()
}

// signed returns a Standard-Webhooks-signed request of body with id.
func signed(t testing.TB, url, id string, ts time.Time, body string, key string) *http.Request {
	t.Helper()
	hdr, err := webhook.Signer{Secret: key}.Sign(id, ts, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func eventBody(name string) string {
	return fmt.Sprintf(`{"type":"source.requested","data":{"name":%q,"label":"Label %s"}}`, name, name)
}

// answer is a decoded webhook or admin answer.
type answer struct {
	Code      int
	RunID     string `json:"runId"`
	Status    string `json:"status"`
	Duplicate bool   `json:"duplicate"`
	Error     string `json:"error"`
	ReplayOf  string `json:"replayOf"`
	raw       string
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{Code: resp.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &a)
	return a
}

// deliver sends a signed event and returns the answer.
func (h *harness) deliver(id, body string) answer {
	h.t.Helper()
	return do(h.t, signed(h.t, h.http.URL+hookPath, id, time.Now(), body, webhookKey))
}

// admin calls the admin API with the token.
func (h *harness) admin(method, path string, body any) answer {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.http.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	return do(h.t, req)
}

// wait polls run id until its status is final (or want, when given).
func (h *harness) wait(id string, want ...store.Status) *store.Run {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r, err := h.st.Get(context.Background(), id)
		if err != nil {
			h.t.Fatal(err)
		}
		done := r.Status.Final()
		if len(want) > 0 {
			done = r.Status == want[0]
		}
		if done {
			return r
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("run %s still %s (reason %q); logs:\n%s", id, r.Status, r.Reason, h.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// calls counts the fake's calls of an operation.
func (h *harness) calls(op string) int {
	n := 0
	for _, c := range h.fake.Calls() {
		if c.OperationID == op {
			n++
		}
	}
	return n
}
