package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
	"github.com/weftflow/weft/runtime"
)

// H3: an OAuth2 client-credentials token is fetched once for many calls,
// and a 401 makes the runner refresh it once and resend.
func TestOAuth2TokenCachedAndRefreshedOn401(t *testing.T) {
	tokens := oauthfake.New(t)
	tokens.ExpiresIn = "3600"
	api := httptest.NewServer(tokens.API(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
      flows:
        clientCredentials:
          tokenUrl: ` + tokens.TokenURL() + `
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
	r := runnerFor(t, dir, runtime.WithServer("api", api.URL),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "client-secret-value"}}))
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() {
		t.Fatalf("run: %v %+v", err, res)
	}
	if tokens.Issued() != 1 {
		t.Errorf("tokens issued = %d, want 1 for two calls", tokens.Issued())
	}
	// The token is masked in the outputs read back from the body.
	if res.Outputs["a"] != "Bearer "+runtime.Mask {
		t.Errorf("outputs = %v", res.Outputs)
	}
	tokens.Revoke()
	res, err = r.Run(context.Background(), "w", nil)
	if err != nil || !res.Succeeded() {
		t.Fatalf("run after revocation: %v %+v", err, res)
	}
	if tokens.Issued() != 2 {
		t.Errorf("tokens issued = %d, want exactly one refresh", tokens.Issued())
	}
	if res.Steps[0].StatusCode != 200 {
		t.Errorf("first step status = %d after refresh", res.Steps[0].StatusCode)
	}
}
