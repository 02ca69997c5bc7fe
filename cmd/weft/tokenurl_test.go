package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// `weft run --server` moves a relative OAuth2 tokenUrl with the API: the
// token request goes to the --server origin, not to the description's
// server. An absolute tokenUrl is used as written.
func TestRunServerFlagMovesRelativeTokenURL(t *testing.T) {
	const secret = "cli-client-secret-value"
	type hit struct{ origin, path string }
	var mu sync.Mutex
	var tokenHits []hit
	tokenAt := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.FormValue("grant_type") == "client_credentials" {
				if u, p, _ := r.BasicAuth(); u != "cid" || p != secret {
					w.WriteHeader(http.StatusUnauthorized)
					return
				}
				mu.Lock()
				tokenHits = append(tokenHits, hit{name, r.URL.Path})
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"access_token":"tok-from-%s"}`, name)
				return
			}
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tok-from-") {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"auth":%q}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}
	}
	api := httptest.NewServer(tokenAt("override"))
	defer api.Close()
	idp := httptest.NewServer(tokenAt("idp"))
	defer idp.Close()

	for _, c := range []struct {
		name, tokenURL string
		want           hit
	}{
		{"relative", "/oauth/token", hit{"override", "/oauth/token"}},
		{"absolute", idp.URL + "/token", hit{"idp", "/token"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{
				"api.yaml": `openapi: 3.1.0
info: {title: o, version: "1"}
servers: [{url: "https://api.example.invalid/v1"}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: "` + c.tokenURL + `"
          scopes: {}
security: [{cc: []}]
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`,
				"flow.arazzo.yaml": `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - stepId: me
        operationId: me
        successCriteria: [{condition: $statusCode == 200}]
        outputs: {auth: $response.body#/auth}
    outputs:
      auth: $steps.me.outputs.auth
`,
			}
			for name, content := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			mu.Lock()
			tokenHits = nil
			mu.Unlock()
			res := weftEnv(t, []string{"WEFT_API_CC_CLIENT_ID=cid", "WEFT_API_CC_CLIENT_SECRET=" + secret}, "",
				"run", filepath.Join(dir, "flow.arazzo.yaml"), "--server", "api="+api.URL+"/v1", "--json", "-")
			if res.code != 0 {
				t.Fatalf("want exit 0\n%s", res)
			}
			mu.Lock()
			got := append([]hit(nil), tokenHits...)
			mu.Unlock()
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("token requests %v, want one to %v", got, c.want)
			}
			if strings.Contains(res.stdout+res.stderr, secret) {
				t.Errorf("the client secret leaked:\n%s", res)
			}
		})
	}
}
