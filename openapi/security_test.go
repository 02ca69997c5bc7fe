package openapi

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/oauthfake"
)

const secYAML = `openapi: 3.0.3
security:
  - bearer: []
paths:
  /doc:
    get: {operationId: doc, responses: {"200": {description: ok}}}
  /key:
    get:
      operationId: key
      security: [{hkey: []}, {qkey: []}, {ckey: []}]
      responses: {"200": {description: ok}}
  /both:
    get:
      operationId: both
      security: [{hkey: [], basic: []}, {qkey: []}]
      responses: {"200": {description: ok}}
  /oauth:
    get:
      operationId: oauth
      security: [{cc: [read, write]}]
      responses: {"200": {description: ok}}
  /open:
    get:
      operationId: open
      security: []
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    hkey: {type: apiKey, in: header, name: X-Key}
    qkey: {type: apiKey, in: query, name: api_key}
    ckey: {type: apiKey, in: cookie, name: sid}
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: TOKEN_URL
          scopes: {read: r, write: w}
`

// mapEnv is a lookup func over a map.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestSecuritySchemesOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	d := mustParse(t, secYAML, "")
	env := map[string]string{}
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	opts := RequestOptions{Source: "my-api", Auth: auth}
	get := func(id string) (wire, *Request) {
		t.Helper()
		return send(t, rec, d.OperationByID(id), nil, nil, opts)
	}
	// nothing configured: request goes out without credentials
	if w, r := get("doc"); w.Header.Get("Authorization") != "" || len(r.Secrets) != 0 {
		t.Errorf("no creds: %v", w.Header)
	}
	env["WEFT_MY_API_BEARER_TOKEN"] = "tok-123"
	if w, r := get("doc"); w.Header.Get("Authorization") != "Bearer tok-123" || r.Secrets[0] != "tok-123" {
		t.Errorf("bearer (document security): %v", w.Header)
	}
	w0, r0 := send(t, rec, d.OperationByID("doc"), []ParamValue{{Name: "Authorization", In: "header", Value: "Custom abc"}}, nil, opts)
	if w0.Header.Get("Authorization") != "Custom abc" || len(r0.Secrets) != 0 {
		t.Errorf("explicit Authorization must win: %v", w0.Header)
	}
	if w, _ := get("open"); w.Header.Get("Authorization") != "" {
		t.Errorf("security: [] must send nothing: %v", w.Header)
	}
	// first satisfiable requirement: query key only
	env["WEFT_MY_API_QKEY_API_KEY"] = "q k&1"
	if w, _ := get("key"); w.URI != "/key?api_key=q%20k%261" || w.Header.Get("X-Key") != "" {
		t.Errorf("query key: %s %v", w.URI, w.Header)
	}
	env["WEFT_MY_API_CKEY_API_KEY"] = "c1"
	env["WEFT_MY_API_HKEY_API_KEY"] = "h1"
	if w, _ := get("key"); w.Header.Get("X-Key") != "h1" || w.URI != "/key" || w.Header.Get("Cookie") != "" {
		t.Errorf("header key first: %s %v", w.URI, w.Header)
	}
	delete(env, "WEFT_MY_API_HKEY_API_KEY")
	delete(env, "WEFT_MY_API_QKEY_API_KEY")
	if w, _ := get("key"); w.Header.Get("Cookie") != "sid=c1" {
		t.Errorf("cookie key: %v", w.Header)
	}
	// requirement with two schemes needs both: header key alone is not enough
	env["WEFT_MY_API_HKEY_API_KEY"] = "h1"
	env["WEFT_MY_API_QKEY_API_KEY"] = "q1"
	if w, _ := get("both"); w.URI != "/both?api_key=q1" || w.Header.Get("X-Key") != "" {
		t.Errorf("partial requirement must be skipped: %s %v", w.URI, w.Header)
	}
	env["WEFT_MY_API_BASIC_USERNAME"] = "user"
	env["WEFT_MY_API_BASIC_PASSWORD"] = "pa:ss"
	w, r := get("both")
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("user:pa:ss"))
	if w.URI != "/both" || w.Header.Get("X-Key") != "h1" || w.Header.Get("Authorization") != wantBasic {
		t.Errorf("apiKey+basic: %s %v", w.URI, w.Header)
	}
	if !contains(r.Secrets, "pa:ss") || !contains(r.Secrets, "h1") {
		t.Errorf("secrets = %v", r.Secrets)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// newTokenServer is a real OAuth2 client-credentials token endpoint for
// the client cid / s3cr3t-client, issuing at-1, at-2, ...
func newTokenServer(t *testing.T, expiresIn string) *oauthfake.Server {
	ts := oauthfake.New(t)
	ts.ClientID, ts.ClientSecret, ts.ExpiresIn = "cid", "s3cr3t-client", expiresIn
	ts.Value = func(n int, _ []string) string { return fmt.Sprintf("at-%d", n) }
	return ts
}

func TestOAuth2ClientCredentials(t *testing.T) {
	ts := newTokenServer(t, "3600")
	rec := newRecorder(t)
	d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", ts.URL+"/token", 1), "")
	env := map[string]string{"WEFT_SRC_CC_CLIENT_ID": "cid", "WEFT_SRC_CC_CLIENT_SECRET": "s3cr3t-client"}
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}, HTTPClient: ts.Client()}
	op := d.OperationByID("oauth")
	opts := RequestOptions{Source: "src", Auth: auth, BaseURL: rec.URL}
	// many concurrent calls: one token fetch
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := op.BuildRequest(context.Background(), nil, nil, opts)
			if err != nil {
				t.Error(err)
				return
			}
			if got := req.HTTP.Header.Get("Authorization"); got != "Bearer at-1" {
				t.Errorf("Authorization = %q", got)
			}
			if !contains(req.Secrets, "at-1") || !contains(req.Secrets, "s3cr3t-client") {
				t.Errorf("secrets = %v", req.Secrets)
			}
			resp, err := rec.Client().Do(req.HTTP)
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := len(ts.Requests()); n != 1 {
		t.Fatalf("token fetched %d times, want 1", n)
	}
	if f := ts.Requests()[0].Form; f.Get("scope") != "read write" || f.Get("client_secret") != "" {
		t.Errorf("token form = %v", f)
	}
	if rec.last().Header.Get("Authorization") != "Bearer at-1" {
		t.Errorf("wire Authorization = %q", rec.last().Header.Get("Authorization"))
	}
	// a 401 makes the runtime invalidate: exactly one refresh
	auth.Invalidate("other") // other sources are unaffected
	auth.Invalidate("src")
	for i := 0; i < 3; i++ {
		w, _ := send(t, rec, op, nil, nil, opts)
		if w.Header.Get("Authorization") != "Bearer at-2" {
			t.Errorf("after invalidate: %q", w.Header.Get("Authorization"))
		}
	}
	if n := len(ts.Requests()); n != 2 {
		t.Errorf("token fetched %d times, want 2", n)
	}
	// expired tokens are refetched
	ts2 := newTokenServer(t, "0.001")
	d2 := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", ts2.URL, 1), "")
	auth2 := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	for i := 0; i < 2; i++ {
		time.Sleep(5 * time.Millisecond)
		if _, err := d2.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth2, BaseURL: rec.URL}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(ts2.Requests()); n != 2 {
		t.Errorf("expiring token fetched %d times, want 2", n)
	}
	// client auth in body
	ts3 := oauthfake.New(t)
	ts3.ClientID, ts3.ClientSecret = "cid", "s3cr3t-client"
	ts3.Value = func(int, []string) string { return "body-tok" }
	d3 := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", ts3.URL, 1), "")
	auth3 := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}, ClientAuthInBody: true}
	req, err := d3.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth3, BaseURL: rec.URL})
	if err != nil || req.HTTP.Header.Get("Authorization") != "Bearer body-tok" || ts3.Requests()[0].Authorization != "" {
		t.Errorf("client auth in body: %v %v", err, req)
	}
}

func TestEnvVarNames(t *testing.T) {
	d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", "https://t", 1), "")
	got := strings.Join(EnvVarNames("hookdeck-sources.v1", d), " ")
	want := "WEFT_HOOKDECK_SOURCES_V1_BASIC_USERNAME WEFT_HOOKDECK_SOURCES_V1_BASIC_PASSWORD WEFT_HOOKDECK_SOURCES_V1_BEARER_TOKEN " +
		"WEFT_HOOKDECK_SOURCES_V1_CC_CLIENT_ID WEFT_HOOKDECK_SOURCES_V1_CC_CLIENT_SECRET WEFT_HOOKDECK_SOURCES_V1_CC_TOKEN " +
		"WEFT_HOOKDECK_SOURCES_V1_CKEY_API_KEY WEFT_HOOKDECK_SOURCES_V1_HKEY_API_KEY WEFT_HOOKDECK_SOURCES_V1_QKEY_API_KEY"
	if got != want {
		t.Errorf("EnvVarNames =\n%s\nwant\n%s", got, want)
	}
	if EnvVarName("hookdeckSources", "bearerAuth", "TOKEN") != "WEFT_HOOKDECKSOURCES_BEARERAUTH_TOKEN" {
		t.Error(EnvVarName("hookdeckSources", "bearerAuth", "TOKEN"))
	}
}

// leakyCreds returns credentials that are all the secret, to check that
// the package scrubs what it reports.
func leakyCreds(secret string) Credentials {
	return CredentialsFunc(func(_ context.Context, _ string, sc *SecurityScheme) (Credential, bool, error) {
		if sc.Name == "cc" {
			return Credential{ClientID: "cid", ClientSecret: secret}, true, nil
		}
		return Credential{Token: secret, APIKey: secret, Username: "u", Password: secret}, true, nil
	})
}

// TestNoSecretInErrors drives every error path that has a credential at hand
// and checks that no error message contains the planted secret.
func TestNoSecretInErrors(t *testing.T) {
	const secret = "PLANTED-s3cret-VALUE"
	var errs []error
	collect := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	// token endpoint that echoes the secret in its error description and body
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, p, _ := r.BasicAuth()
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":"invalid_client %s","error_description":"%s"}`, p, p)
	}))
	defer echo.Close()
	for _, tokenURL := range []string{echo.URL, "http://127.0.0.1:1/token", "::bad url " + secret, echo.URL + "/?" + secret} {
		d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", tokenURL, 1), "")
		auth := &Authorizer{Credentials: leakyCreds(secret)}
		collect(d.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "s", Auth: auth, BaseURL: "http://127.0.0.1:1"}))
	}
	d := mustParse(t, secYAML, "")
	auth := &Authorizer{Credentials: leakyCreds(secret)}
	for _, id := range []string{"doc", "key", "both"} {
		req, err := d.OperationByID(id).BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "s", Auth: auth, BaseURL: "http://127.0.0.1:1"})
		collect(req, err)
		if err == nil {
			_, err = http.DefaultClient.Do(req.HTTP) // connection refused: the URL may carry the key
			if err != nil {
				errs = append(errs, errors.New(scrubAll(err.Error(), req.Secrets)))
			}
		}
	}
	collect(d.OperationByID("doc").BuildRequest(context.Background(), []ParamValue{{Name: "h", In: "header", Value: "x\n"}}, nil, RequestOptions{Auth: auth, BaseURL: "http://127.0.0.1:1"}))
	collect(d.OperationByID("doc").BuildRequest(context.Background(), nil, nil, RequestOptions{Auth: auth, BaseURL: "::" + secret}))
	if len(errs) < 6 {
		t.Fatalf("only %d errors produced", len(errs))
	}
	for _, err := range errs {
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), url.QueryEscape(secret)) {
			t.Errorf("secret leaked: %v", err)
		}
	}
}

// scrubAll is what a caller does with Request.Secrets.
func scrubAll(s string, secrets []string) string {
	for _, x := range secrets {
		s = strings.ReplaceAll(s, x, "***")
	}
	return s
}

// A token request carries the client secret (basic header or form body),
// so it never follows a redirect to another origin, on any code; a
// redirect within the token URL's origin is followed.
func TestTokenRequestRedirects(t *testing.T) {
	env := map[string]string{"WEFT_SRC_CC_CLIENT_ID": "cid", "WEFT_SRC_CC_CLIENT_SECRET": "s3cr3t-client"}
	real := newTokenServer(t, "3600") // another origin
	for _, inBody := range []bool{false, true} {
		for _, code := range []int{301, 302, 303, 307, 308} {
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, real.URL+"/token", code)
			}))
			d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", redirector.URL+"/token", 1), "")
			auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}, ClientAuthInBody: inBody}
			before := len(real.Requests())
			_, err := d.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: "http://api.invalid"})
			redirector.Close()
			if err == nil || !strings.Contains(err.Error(), "another origin") {
				t.Errorf("inBody=%v %d: error = %v, want a refused cross-origin redirect", inBody, code, err)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error carries the secret: %v", err)
			}
			if len(real.Requests()) != before {
				t.Errorf("inBody=%v %d: the other origin received the token request", inBody, code)
			}
		}
	}
	// Same origin: followed.
	var hits atomic.Int32
	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/token", http.StatusPermanentRedirect)
			return
		}
		hits.Add(1)
		if u, p, _ := r.BasicAuth(); u != "cid" || p != "s3cr3t-client" {
			w.WriteHeader(401)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"same-origin-tok"}`)
	}))
	defer same.Close()
	d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", same.URL+"/old", 1), "")
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	req, err := d.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: "http://api.invalid"})
	if err != nil || req.HTTP.Header.Get("Authorization") != "Bearer same-origin-tok" || hits.Load() != 1 {
		t.Errorf("same-origin redirect: %v", err)
	}
}

// A token request ends with its context, and says so through errors.Is; a
// token response over MaxResponseBytes is a *TooLargeError.
func TestTokenRequestContextAndSize(t *testing.T) {
	env := map[string]string{"WEFT_SRC_CC_CLIENT_ID": "cid", "WEFT_SRC_CC_CLIENT_SECRET": "s3cr3t-client"}
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // so that the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer silent.Close()
	d := mustParse(t, strings.Replace(secYAML, "TOKEN_URL", silent.URL, 1), "")
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := d.OperationByID("oauth").BuildRequest(ctx, nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: "http://api.invalid"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent token endpoint: %v, want context.DeadlineExceeded", err)
	}

	big := oauthfake.New(t)
	big.Extra = map[string]any{"pad": strings.Repeat("x", 4096)}
	d = mustParse(t, strings.Replace(secYAML, "TOKEN_URL", big.URL, 1), "")
	auth = &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}, MaxResponseBytes: 1024}
	_, err = d.OperationByID("oauth").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: "http://api.invalid"})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Max != 1024 {
		t.Errorf("big token response: %v, want a *TooLargeError", err)
	}
}
