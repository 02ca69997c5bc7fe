package runtime_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
)

// Secret values used by the redirect tests; none may reach another origin.
const (
	rdBearer   = "rd-bearer-SECRET-1"
	rdUser     = "rd-user"
	rdPassword = "rd-password-SECRET-2"
	rdHeader   = "rd-header-SECRET-3"
	rdQuery    = "rd-query-SECRET-4"
	rdCookie   = "rd-cookie-SECRET-5"
	rdClientID = "rd-client-id"
	rdClient   = "rd-client-SECRET-6"
	rdToken    = "rd-token-SECRET-7"
)

var rdSecrets = []string{rdBearer, rdPassword, rdHeader, rdQuery, rdCookie, rdClient, rdToken,
	base64.StdEncoding.EncodeToString([]byte(rdUser + ":" + rdPassword)),
	base64.StdEncoding.EncodeToString([]byte(rdClientID + ":" + rdClient))}

// seen is one request a test server received.
type seen struct {
	path   string
	header http.Header
	query  string
}

type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) add(req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, seen{req.URL.Path, req.Header.Clone(), req.URL.RawQuery})
	r.mu.Unlock()
}

func (r *recorder) take() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// leaked lists the secrets s carries, in any header or the query.
func (s seen) leaked() []string {
	var out []string
	all := s.query
	for k, vs := range s.header {
		all += "\n" + k + ": " + strings.Join(vs, ", ")
	}
	for _, sec := range rdSecrets {
		if strings.Contains(all, sec) {
			out = append(out, sec)
		}
	}
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Auth-Token"} {
		if s.header.Get(h) != "" {
			out = append(out, h)
		}
	}
	return out
}

const rdAPI = `openapi: 3.0.3
info: {title: r, version: "1"}
servers: [{url: https://r.example.invalid}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    hdr: {type: apiKey, in: header, name: X-Auth-Token}
    qry: {type: apiKey, in: query, name: api_key}
    cky: {type: apiKey, in: cookie, name: session}
    cc:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: TOKENURL/token, scopes: {}}
paths:
  /bearer: {get: {operationId: bearer, security: [{bearer: []}], responses: {"200": {description: ok}}}}
  /basic: {get: {operationId: basic, security: [{basic: []}], responses: {"200": {description: ok}}}}
  /hdr: {get: {operationId: hdr, security: [{hdr: []}], responses: {"200": {description: ok}}}}
  /qry: {get: {operationId: qry, security: [{qry: []}], responses: {"200": {description: ok}}}}
  /cky: {get: {operationId: cky, security: [{cky: []}], responses: {"200": {description: ok}}}}
  /cc: {get: {operationId: cc, security: [{cc: []}], responses: {"200": {description: ok}}}}
  /cleanup: {get: {operationId: cleanup, responses: {"200": {description: ok}}}}
`

var rdKinds = []string{"bearer", "basic", "hdr", "qry", "cky", "cc"}

func rdFlow() string {
	var b strings.Builder
	for _, k := range rdKinds {
		fmt.Fprintf(&b, "  - workflowId: %s\n    steps:\n      - stepId: call\n        operationId: %s\n        outputs: {where: $response.body#/where}\n    outputs: {where: $steps.call.outputs.where}\n", k, k)
	}
	return doc(b.String())
}

func rdCreds() staticCreds {
	return staticCreds{
		"api/bearer": {Token: rdBearer},
		"api/basic":  {Username: rdUser, Password: rdPassword},
		"api/hdr":    {APIKey: rdHeader},
		"api/qry":    {APIKey: rdQuery},
		"api/cky":    {APIKey: rdCookie},
		"api/cc":     {ClientID: rdClientID, ClientSecret: rdClient},
	}
}

// loadRunner writes api (as api.yaml) and flow, loads them and builds a
// runner for source "api".
func loadRunner(t *testing.T, api, flow string, opts ...runtime.Option) *runtime.Runner {
	t.Helper()
	dir := writeFiles(t, map[string]string{"api.yaml": api, "flow.arazzo.yaml": flow})
	return runnerFor(t, dir, opts...)
}

// Credentials go only to the origin they were issued for: a redirect to
// another origin (here another port of the same host) follows without
// any of them, on every redirect code and for every kind of credential,
// and a redirect back to the origin does not get them back.
func TestRedirectStripsCredentialsAcrossOrigins(t *testing.T) {
	var code atomic.Int32
	var back atomic.Bool
	other, origin := &recorder{}, &recorder{}
	var originURL string
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		if back.Load() {
			http.Redirect(w, r, originURL+"/final?"+r.URL.RawQuery, int(code.Load()))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"where":"other"}`)
	}))
	defer otherSrv.Close()
	tokens := oauthfake.NewHandler()
	tokens.ExpiresIn = "3600"
	tokens.Value = func(int, []string) string { return rdToken }
	originSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin.add(r)
		if r.URL.Path == "/token" {
			tokens.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/final" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"where":"final"}`)
			return
		}
		// The Location copies the query (and so an apiKey query parameter).
		http.Redirect(w, r, otherSrv.URL+"/land?"+r.URL.RawQuery, int(code.Load()))
	}))
	defer originSrv.Close()
	originURL = originSrv.URL
	api := strings.ReplaceAll(rdAPI, "TOKENURL", originSrv.URL)
	r := loadRunner(t, api, rdFlow(), runtime.WithServer("api", originSrv.URL), runtime.WithCredentials(rdCreds()))

	for _, b := range []bool{false, true} {
		back.Store(b)
		for _, c := range []int{301, 302, 303, 307, 308} {
			code.Store(int32(c))
			for _, k := range rdKinds {
				name := fmt.Sprintf("%s/%d/back=%v", k, c, b)
				origin.take()
				other.take()
				res, err := r.Run(context.Background(), k, nil)
				if err != nil || !res.Succeeded() {
					t.Errorf("%s: run: %v %+v", name, err, res)
					continue
				}
				want := "other"
				if b {
					want = "final"
				}
				if res.Outputs["where"] != want {
					t.Errorf("%s: redirect not followed: outputs %v", name, res.Outputs)
				}
				o := origin.take()
				first := o[0]
				if first.path == "/token" {
					first = o[1]
				}
				if len(first.leaked()) == 0 {
					t.Errorf("%s: the origin did not get the credential: %+v", name, first)
				}
				for _, s := range other.take() {
					if l := s.leaked(); len(l) > 0 {
						t.Errorf("%s: another origin received %v", name, l)
					}
				}
				if b {
					final := o[len(o)-1]
					if final.path != "/final" {
						t.Fatalf("%s: no final request at the origin: %+v", name, o)
					}
					if l := final.leaked(); len(l) > 0 {
						t.Errorf("%s: back at the origin after another origin, the request carried %v", name, l)
					}
				}
			}
		}
	}
}

// A redirect within the origin keeps the credentials: only another origin
// loses them.
func TestRedirectSameOriginKeepsCredentials(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Path == "/final" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"where":"final"}`)
			return
		}
		http.Redirect(w, r, "/final?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	r := loadRunner(t, rdAPI, rdFlow(), runtime.WithServer("api", srv.URL), runtime.WithCredentials(rdCreds()))
	for _, k := range []string{"bearer", "basic", "hdr", "qry", "cky"} {
		rec.take()
		res, err := r.Run(context.Background(), k, nil)
		if err != nil || res.Outputs["where"] != "final" {
			t.Fatalf("%s: %v %+v", k, err, res)
		}
		reqs := rec.take()
		if len(reqs) != 2 || len(reqs[1].leaked()) == 0 {
			t.Errorf("%s: the same-origin redirect lost the credential: %+v", k, reqs)
		}
	}
}

// A token request carries the client secret, so it never follows a
// redirect to another origin: it fails saying so, and the other origin
// sees nothing.
func TestTokenRequestRefusesCrossOriginRedirect(t *testing.T) {
	other := &recorder{}
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"stolen","expires_in":3600}`)
	}))
	defer otherSrv.Close()
	{
		for _, c := range []int{301, 302, 303, 307, 308} {
			tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, otherSrv.URL+"/token", c)
			}))
			apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{}`)
			}))
			api := strings.ReplaceAll(rdAPI, "TOKENURL", tokenSrv.URL)
			r := loadRunner(t, api, rdFlow(), runtime.WithServer("api", apiSrv.URL), runtime.WithCredentials(rdCreds()))
			res, err := r.Run(context.Background(), "cc", nil)
			tokenSrv.Close()
			apiSrv.Close()
			if err != nil {
				t.Fatalf("%d: %v", c, err)
			}
			if res.Succeeded() || !strings.Contains(res.Error, "redirect") || !strings.Contains(res.Error, "origin") {
				t.Errorf("%d: want a failure naming the cross-origin redirect, got %q", c, res.Error)
			}
			for _, s := range rdSecrets {
				if strings.Contains(res.Error, s) {
					t.Errorf("%d: error carries a secret: %q", c, res.Error)
				}
			}
			if got := other.take(); len(got) != 0 {
				t.Errorf("%d: the other origin received the token request: %+v", c, got)
			}
		}
	}
}

// The caller's *http.Client is never modified, and its CheckRedirect still
// decides: ErrUseLastResponse hands the redirect itself to the step, and a
// limit of its own stops the chain.
func TestRedirectKeepsCallersPolicy(t *testing.T) {
	other := &recorder{}
	otherSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.add(r)
		fmt.Fprint(w, `{}`)
	}))
	defer otherSrv.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherSrv.URL+"/land", http.StatusFound)
	}))
	defer srv.Close()

	var calls atomic.Int32
	last := func(req *http.Request, via []*http.Request) error {
		calls.Add(1)
		if l := (seen{header: req.Header, query: req.URL.RawQuery}).leaked(); len(l) > 0 {
			t.Errorf("the caller's CheckRedirect saw %v on a hop to another origin", l)
		}
		return http.ErrUseLastResponse
	}
	client := &http.Client{CheckRedirect: last}
	r := loadRunner(t, rdAPI, rdFlow(), runtime.WithHTTPClient(client), runtime.WithServer("api", srv.URL), runtime.WithCredentials(rdCreds()))
	res, err := r.Run(context.Background(), "hdr", nil)
	if err != nil || len(res.Steps) != 1 || res.Steps[0].StatusCode != http.StatusFound {
		t.Fatalf("ErrUseLastResponse: want the 302 itself, got %v %+v", err, res)
	}
	if calls.Load() != 1 || len(other.take()) != 0 {
		t.Errorf("caller's CheckRedirect calls = %d", calls.Load())
	}
	if fmt.Sprintf("%p", client.CheckRedirect) != fmt.Sprintf("%p", last) || client.Transport != nil || client.Jar != nil {
		t.Errorf("the caller's client was modified: %+v", client)
	}

	stop := errors.New("one hop only")
	client2 := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return stop }}
	r = loadRunner(t, rdAPI, rdFlow(), runtime.WithHTTPClient(client2), runtime.WithServer("api", srv.URL), runtime.WithCredentials(rdCreds()))
	res, err = r.Run(context.Background(), "hdr", nil)
	if err != nil || res.Succeeded() || !strings.Contains(res.Error, "one hop only") {
		t.Errorf("caller's limit: %v %+v", err, res)
	}
}

var _ openapi.Credentials = staticCreds(nil)
