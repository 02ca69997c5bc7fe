package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/oauthfake"
	"github.com/weftflow/weft/runtime"
)

// Two steps whose operations need different scopes of one scheme each get
// a token for their own scopes, and keep it: no 401, no resend.
func TestOAuth2TokensPerScope(t *testing.T) {
	tokens := oauthfake.New(t)
	tokens.ClientID, tokens.ClientSecret = "id", "client-secret-value"
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		scope := map[string]string{"/read": "read", "/write": "write"}[r.URL.Path]
		if !tokens.Valid(r.Header.Get("Authorization"), scope) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer api.Close()
	dir := writeFiles(t, map[string]string{
		"api.yaml": `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: https://o.example.invalid}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: ` + tokens.TokenURL() + `
          scopes: {read: r, write: w}
paths:
  /read:
    get:
      operationId: read
      security: [{cc: [read]}]
      responses: {"200": {description: ok}}
  /write:
    post:
      operationId: write
      security: [{cc: [write]}]
      responses: {"200": {description: ok}}
`,
		"flow.arazzo.yaml": doc(`
  - workflowId: w
    steps:
      - {stepId: r1, operationId: read}
      - {stepId: w1, operationId: write}
      - {stepId: r2, operationId: read}
      - {stepId: w2, operationId: write}
`),
	})
	r := runnerFor(t, dir, runtime.WithServer("api", api.URL),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "client-secret-value"}}))
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() {
		t.Fatalf("run: %v %+v", err, res)
	}
	if n := tokens.Issued(); n != 2 {
		t.Errorf("tokens issued = %d, want one per scope set", n)
	}
	if calls.Load() != 4 {
		t.Errorf("API calls = %d, want 4 (no 401 and resend)", calls.Load())
	}
}

// H3 through the runner: a 401 to a POST whose token was revoked is
// followed by one token request and one resend of the same body, each an
// observer event of the step; neither the old nor the new token shows in
// any event. When the fresh token cannot be had the step keeps the 401.
func TestOAuth2ResendAfter401Observed(t *testing.T) {
	tokens := oauthfake.New(t)
	tokens.ClientID, tokens.ClientSecret, tokens.ExpiresIn = "id", "client-secret-value", "3600"
	var mu sync.Mutex
	var bodies []string
	api := httptest.NewServer(tokens.API(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"auth":%q}`, r.Header.Get("Authorization"))
	})))
	defer api.Close()
	dir := writeFiles(t, map[string]string{
		"api.yaml": `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: https://o.example.invalid}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: ` + tokens.TokenURL() + `, scopes: {}}}
security: [{cc: []}]
paths:
  /items:
    post:
      operationId: create
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
`,
		"flow.arazzo.yaml": doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: create
        requestBody: {payload: {name: x}}
`),
	})
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var got, raw []string
	strip := func(u string) string {
		return strings.TrimPrefix(strings.TrimPrefix(u, tokens.URL), api.URL)
	}
	r, err := runtime.New(d, runtime.WithServer("api", api.URL),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "client-secret-value"}}),
		runtime.WithObserver(&runtime.Observer{
			RequestSent: func(q runtime.RequestInfo) {
				got = append(got, fmt.Sprintf("request %s/%s %s %s", q.StepID, q.Kind, q.Method, strip(q.URL)))
				j, _ := json.Marshal(q)
				raw = append(raw, string(j))
			},
			ResponseReceived: func(p runtime.ResponseInfo) {
				got = append(got, fmt.Sprintf("response %s/%s %d", p.StepID, p.Kind, p.StatusCode))
				j, _ := json.Marshal(p)
				raw = append(raw, string(j))
			},
		}))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := r.Run(context.Background(), "w", nil); err != nil || !res.Succeeded() {
		t.Fatalf("first run: %v %+v", err, res)
	}
	tokens.Revoke()
	got, raw = nil, nil
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() || res.Steps[0].StatusCode != 200 {
		t.Fatalf("run after revocation: %v %+v", err, res)
	}
	want := []string{"request a/ POST /items", "response a/ 401", "request a/token POST /token", "response a/token 200",
		"request a/ POST /items", "response a/ 200"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, e := range raw {
		if strings.Contains(e, "tok-1") || strings.Contains(e, "tok-2") || strings.Contains(e, "client-secret-value") {
			t.Errorf("an event shows a secret: %s", e)
		}
	}
	mu.Lock()
	// (The API records the bodies it accepted.)
	if len(bodies) != 2 || bodies[1] != `{"name":"x"}` {
		t.Errorf("bodies = %q, want the payload resent", bodies)
	}
	mu.Unlock()

	// The token endpoint now refuses: the step has the 401, one token
	// request was tried, nothing was resent.
	tokens.Revoke()
	tokens.Fail(http.StatusBadRequest, `{"error":"invalid_client"}`)
	got = nil
	res, err = r.Run(context.Background(), "w", nil)
	if err != nil || res.Succeeded() || res.Steps[0].StatusCode != 401 {
		t.Fatalf("refused refresh: %v %+v", err, res)
	}
	want = []string{"request a/ POST /items", "response a/ 401", "request a/token POST /token", "response a/token 400"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
