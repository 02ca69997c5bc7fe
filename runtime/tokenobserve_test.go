package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// Issue 11: OAuth2 token requests are observer events (KindToken) of the
// step that needed them, before that step's request: a fetch that got an
// answer (a token, a 4xx) is a request and a response event, a fetch that
// timed out a request event alone, a cached token none. No event holds
// the client secret or an issued token.
func TestTokenRequestsObserved(t *testing.T) {
	const secret, issued = "cs-Sesame Token&Secret", "at-Issued<Token>99"
	for _, tc := range []struct {
		name   string
		token  func(w http.ResponseWriter, r *http.Request, n int)
		want   []string
		status runtime.Status
		limits runtime.Limits
	}{
		{
			name: "cached after the first fetch",
			token: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"access_token":%q,"refresh_token":"rf-%s","token_type":"Bearer","expires_in":3600}`, issued, secret)
			},
			want: []string{"request a/token POST /token", "response a/token 200", "request a/ GET /me", "response a/ 200",
				"request b/ GET /me", "response b/ 200"},
			status: runtime.StatusSucceeded,
		},
		{
			name: "token endpoint answers 401",
			token: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad secret %s"}`, secret)
			},
			want:   []string{"request a/token POST /token", "response a/token 401"},
			status: runtime.StatusFailed,
		},
		{
			name: "token endpoint times out",
			token: func(w http.ResponseWriter, r *http.Request, n int) {
				select {
				case <-r.Context().Done():
				case <-time.After(300 * time.Millisecond):
				}
			},
			want:   []string{"request a/token POST /token"},
			limits: runtime.Limits{RequestTimeout: 100 * time.Millisecond},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				k := n
				mu.Unlock()
				tc.token(w, r, k)
			}))
			defer tokenSrv.Close()
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"ok":true}`)
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
      flows: {clientCredentials: {tokenUrl: "` + tokenSrv.URL + `/token", scopes: {}}}
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
      - stepId: b
        operationId: me
`),
			})
			d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var got, raw []string
			strip := func(u string) string {
				for _, base := range []string{tokenSrv.URL, api.URL} {
					u = strings.TrimPrefix(u, base)
				}
				return u
			}
			r, err := runtime.New(d, runtime.WithServer("api", api.URL), runtime.WithLimits(tc.limits),
				runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "cid", ClientSecret: secret}}),
				runtime.WithObserver(&runtime.Observer{
					RequestSent: func(q runtime.RequestInfo) {
						got = append(got, fmt.Sprintf("request %s/%s %s %s", q.StepID, q.Kind, q.Method, strip(q.URL)))
						j, _ := json.Marshal(q)
						raw = append(raw, string(j), string(q.Body))
					},
					ResponseReceived: func(p runtime.ResponseInfo) {
						got = append(got, fmt.Sprintf("response %s/%s %d", p.StepID, p.Kind, p.StatusCode))
						j, _ := json.Marshal(p)
						raw = append(raw, string(j), string(p.Body))
					},
				}))
			if err != nil {
				t.Fatal(err)
			}
			res, _ := r.Run(context.Background(), "w", nil)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("events:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if tc.status != "" && res.Status != tc.status {
				t.Errorf("status %s, want %s: %+v", res.Status, tc.status, res)
			}
			all := strings.Join(raw, "\n")
			for _, s := range []string{secret, issued, "cs-Sesame", "Issued", "Y2lk"} {
				if strings.Contains(all, s) {
					t.Errorf("event leaks %q:\n%s", s, all)
				}
			}
			if !strings.Contains(all, `"Authorization":["****"]`) {
				t.Errorf("token request Authorization header not masked whole:\n%s", all)
			}
		})
	}
}
