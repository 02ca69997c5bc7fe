package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := runtime.New(d, runtime.WithServer("api", api.URL),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "client-secret-value"}}))
	if err != nil {
		t.Fatal(err)
	}
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
