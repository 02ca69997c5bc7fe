package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
	"github.com/weftflow/weft/runtime"
)

// A relative OAuth2 tokenUrl resolves against the server the call goes to:
// with runtime.WithServer the token request goes to the override's origin,
// not to the description's server; the 401 refresh goes there too.
func TestRelativeTokenURLFollowsWithServer(t *testing.T) {
	var declaredHits atomic.Int32
	declared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		declaredHits.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer declared.Close()
	tokens := oauthfake.NewHandler()
	tokens.ClientID, tokens.ClientSecret, tokens.ExpiresIn = "id", "client-secret-value", "3600"
	var calls atomic.Int32
	override := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			tokens.ServeHTTP(w, r)
			return
		}
		// The first API call answers 401, so the runner refreshes once.
		if calls.Add(1) == 1 || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tok-") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer override.Close()

	dir := writeFiles(t, map[string]string{
		"api.yaml": `openapi: 3.1.0
info: {title: o, version: "1"}
servers: [{url: ` + declared.URL + `/v1}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: /oauth/token
          scopes: {}
security: [{cc: []}]
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`,
		"flow.arazzo.yaml": doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: me
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {path: $response.body#/path}
    outputs:
      path: $steps.a.outputs.path
`),
	})
	r := runnerFor(t, dir, runtime.WithServer("api", override.URL+"/v2"),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "client-secret-value"}}))
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() {
		t.Fatalf("run: %v %+v", err, res)
	}
	if res.Outputs["path"] != "/v2/me" {
		t.Errorf("outputs = %v", res.Outputs)
	}
	reqs := tokens.Requests()
	if len(reqs) != 2 || tokens.Issued() != 2 || reqs[0].Path != "/oauth/token" || reqs[1].Path != "/oauth/token" {
		t.Errorf("token requests at the override: %+v; want 2 (first and refresh) at /oauth/token", reqs)
	}
	if n := declaredHits.Load(); n != 0 {
		t.Errorf("the description's server got %d requests, want none", n)
	}
}
