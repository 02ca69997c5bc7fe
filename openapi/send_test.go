package openapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
)

const sendYAML = `openapi: 3.0.3
paths:
  /items:
    post:
      operationId: create
      security: [{cc: [write]}]
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
    get:
      operationId: list
      security: [{cc: [read]}]
      responses: {"200": {description: ok}}
  /keyed:
    get:
      operationId: keyed
      security: [{key: []}]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: TOKEN_URL
          scopes: {read: r, write: w}
`

// sendFixture is a token endpoint, an API that accepts its tokens (and
// records the bodies and Authorization headers it got), and an Authorizer.
type sendFixture struct {
	tokens *oauthfake.Server
	api    *httptest.Server
	d      *Description
	auth   *Authorizer
	calls  atomic.Int32
	refuse atomic.Bool // answer 401 to everything
	mu     sync.Mutex
	bodies []string
}

func newSendFixture(t *testing.T) *sendFixture {
	f := &sendFixture{tokens: oauthfake.New(t)}
	f.tokens.ClientID, f.tokens.ClientSecret = "cid", "s3cr3t-client"
	f.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies = append(f.bodies, string(b))
		f.mu.Unlock()
		scope := "read"
		if r.Method == http.MethodPost {
			scope = "write"
		}
		if f.refuse.Load() || r.URL.Path == "/keyed" || !f.tokens.Valid(r.Header.Get("Authorization"), scope) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(f.api.Close)
	f.d = mustParse(t, strings.Replace(sendYAML, "TOKEN_URL", f.tokens.TokenURL(), 1), "")
	env := map[string]string{"WEFT_SRC_CC_CLIENT_ID": "cid", "WEFT_SRC_CC_CLIENT_SECRET": "s3cr3t-client", "WEFT_SRC_KEY_API_KEY": "k-123"}
	f.auth = &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	return f
}

// send builds a request for op and sends it with Authorizer.Send.
func (f *sendFixture) send(t *testing.T, op string, body *Body) (*Request, *Response) {
	t.Helper()
	ctx := context.Background()
	req, err := f.d.OperationByID(op).BuildRequest(ctx, nil, body, RequestOptions{Source: "src", Auth: f.auth, BaseURL: f.api.URL})
	if err != nil {
		t.Fatal(err)
	}
	sent, resp, err := f.auth.Send(ctx, req, func(r *Request) (*Response, error) {
		hr, err := http.DefaultClient.Do(r.HTTP)
		if err != nil {
			return nil, err
		}
		return ReadResponse(hr, 1<<20)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sent, resp
}

// H3: a 401 to a request carrying a client-credentials token makes Send
// fetch a fresh token and resend once, with the same body; the resent
// request reports the new token for masking.
func TestSendResendsOnceAfter401(t *testing.T) {
	f := newSendFixture(t)
	body := &Body{Value: map[string]any{"name": "x"}}
	if _, resp := f.send(t, "create", body); resp.StatusCode != 200 {
		t.Fatalf("first call: %d", resp.StatusCode)
	}
	f.tokens.Revoke()
	sent, resp := f.send(t, "create", body)
	if resp.StatusCode != 200 || f.calls.Load() != 3 || f.tokens.Issued() != 2 {
		t.Fatalf("after revocation: status %d, %d API calls, %d tokens; want 200, 3, 2", resp.StatusCode, f.calls.Load(), f.tokens.Issued())
	}
	f.mu.Lock()
	if f.bodies[1] != `{"name":"x"}` || f.bodies[2] != f.bodies[1] {
		t.Errorf("bodies = %q, want the payload replayed", f.bodies)
	}
	f.mu.Unlock()
	if got := sent.HTTP.Header.Get("Authorization"); got != "Bearer tok-2-write" || !contains(sent.Secrets, "tok-2-write") {
		t.Errorf("resent request: Authorization %q, secrets %v", got, sent.Secrets)
	}
	// An API that keeps refusing gets one resend, no more.
	f.refuse.Store(true)
	before := f.calls.Load()
	if _, resp := f.send(t, "create", body); resp.StatusCode != 401 || f.calls.Load()-before != 2 {
		t.Errorf("refusing API: status %d after %d sends, want 401 after 2", resp.StatusCode, f.calls.Load()-before)
	}
}

// Only OAuth2 credentials are refreshed: a 401 to an API key is the answer.
func TestSendNoResendForAPIKey(t *testing.T) {
	f := newSendFixture(t)
	if _, resp := f.send(t, "keyed", nil); resp.StatusCode != 401 || f.calls.Load() != 1 {
		t.Errorf("apiKey: status %d after %d sends, want 401 after 1", resp.StatusCode, f.calls.Load())
	}
}

// The token cache is keyed by scopes: two operations needing different
// scopes of one scheme get a token each, and each keeps its own.
func TestTokenCacheKeyedByScopes(t *testing.T) {
	f := newSendFixture(t)
	for i := 0; i < 2; i++ {
		if _, resp := f.send(t, "list", nil); resp.StatusCode != 200 {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		if _, resp := f.send(t, "create", &Body{Value: map[string]any{}}); resp.StatusCode != 200 {
			t.Fatalf("create: %d", resp.StatusCode)
		}
	}
	if n := f.tokens.Issued(); n != 2 {
		t.Errorf("tokens issued = %d, want one per scope set", n)
	}
	if f.calls.Load() != 4 {
		t.Errorf("API calls = %d, want 4 (no 401 and resend)", f.calls.Load())
	}
	if got := f.tokens.Requests()[1].Form.Get("scope"); got != "write" {
		t.Errorf("second token request scope = %q", got)
	}
}
