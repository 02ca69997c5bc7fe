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
	"github.com/weftflow/weft/runtime"
)

// H3: an OAuth2 client-credentials token is fetched once for many calls,
// and a 401 makes the runner refresh it once and resend.
func TestOAuth2TokenCachedAndRefreshedOn401(t *testing.T) {
	var issued atomic.Int32
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
			http.Error(w, "bad grant", 400)
			return
		}
		n := issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, n)
	}))
	defer tokenSrv.Close()
	var revoked atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if auth == "Bearer tok-1" && revoked.Load() || auth == "" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"auth":%q}`, auth)
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
          tokenUrl: ` + tokenSrv.URL + `/token
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
        outputs: {auth: $response.body#/auth}
      - stepId: b
        operationId: me
        outputs: {auth: $response.body#/auth}
    outputs:
      a: $steps.a.outputs.auth
      b: $steps.b.outputs.auth
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
	if issued.Load() != 1 {
		t.Errorf("tokens issued = %d, want 1 for two calls", issued.Load())
	}
	// The token is masked in the outputs read back from the body.
	if res.Outputs["a"] != "Bearer "+runtime.Mask {
		t.Errorf("outputs = %v", res.Outputs)
	}
	revoked.Store(true)
	res, err = r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() {
		t.Fatalf("run after revocation: %v %+v", err, res)
	}
	if issued.Load() != 2 {
		t.Errorf("tokens issued = %d, want exactly one refresh", issued.Load())
	}
	if res.Steps[0].StatusCode != 200 {
		t.Errorf("first step status = %d after refresh", res.Steps[0].StatusCode)
	}
}
