package runtime_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// TestAllowedOrigins pins issue 11 item 2: with WithAllowedOrigins no
// request leaves for another origin: not the API call, not a redirect
// hop, not an OAuth2 token request.
func TestAllowedOrigins(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"t","token_type":"Bearer"}`)
	}))
	defer other.Close()
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect/me" {
			http.Redirect(w, r, other.URL+"/me", http.StatusFound)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer allowed.Close()

	load := func(t *testing.T, security string) *arazzo.Document {
		dir := writeFiles(t, map[string]string{
			"api.yaml": `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: ` + other.URL + `}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: ` + other.URL + `/token
          scopes: {}
` + security + `
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
`),
		})
		d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tt := range []struct {
		name, server, security string
		creds                  bool
	}{
		{"API call to the description's server", "", "", false},
		{"redirect to another origin", allowed.URL + "/redirect", "", false},
		{"OAuth2 token request", allowed.URL, "security: [{cc: []}]", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			elsewhere.Store(0)
			opts := []runtime.Option{runtime.WithAllowedOrigins("--only-servers", allowed.URL)}
			if tt.server != "" {
				opts = append(opts, runtime.WithServer("api", tt.server))
			}
			if tt.creds {
				opts = append(opts, runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "sec"}}))
			}
			r, err := runtime.New(load(t, tt.security), opts...)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background(), "w", nil)
			if err == nil && res.Succeeded() {
				t.Fatalf("want a refused step, got %+v", res)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("%d request(s) reached the other origin", n)
			}
			host := strings.TrimPrefix(other.URL, "http://")
			if !strings.Contains(res.Error, "request to http://"+host+" refused: --only-servers allows only "+origin(allowed.URL)) {
				t.Errorf("step error should name the host and the setting: %q", res.Error)
			}
		})
	}
	// Allowed origins pass, and the error is typed.
	r, _ := runtime.New(load(t, ""), runtime.WithAllowedOrigins("", allowed.URL), runtime.WithServer("api", allowed.URL))
	if res, err := r.Run(context.Background(), "w", nil); err != nil || !res.Succeeded() {
		t.Errorf("allowed origin: %v %+v", err, res)
	}
	// A caller's client keeps its transport behind the guard.
	c := &http.Client{Transport: http.DefaultTransport}
	r, _ = runtime.New(load(t, ""), runtime.WithAllowedOrigins("", allowed.URL), runtime.WithHTTPClient(c))
	res, err := r.Run(context.Background(), "w", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Error, "WithAllowedOrigins allows only") {
		t.Errorf("default setting name: %q", res.Error)
	}
}

func origin(u string) string { return u } // httptest URLs carry their port
