// Package oauthfake is a real OAuth2 client-credentials token endpoint on
// a loopback port, with state, for tests: it issues numbered tokens per
// scope set, checks client authentication (HTTP basic or form fields),
// records every token request, and lets a test expire or revoke what it
// issued and ask whether a token is valid (the protected API's check).
package oauthfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token is one issued access token.
type Token struct {
	// Value is the access token, "tok-<n>" or "tok-<n>-<scopes>" when
	// scopes were asked for (scopes sorted and joined with "+").
	Value string
	// Scopes are the scopes it was issued for, sorted.
	Scopes []string
	// Expires is when it stops being valid (zero: never).
	Expires time.Time
	// Revoked is set by Revoke.
	Revoked bool
}

// TokenRequest is one request the endpoint received.
type TokenRequest struct {
	// Path is the request's URL path.
	Path string
	// Form is the parsed form body.
	Form url.Values
	// Authorization is the Authorization header as sent.
	Authorization string
	// ClientID and ClientSecret are the client credentials, from basic
	// authentication or the form.
	ClientID, ClientSecret string
}

// Server is the token endpoint. Its fields are read at each request; set
// them before the first (Fail changes the answer later).
type Server struct {
	*httptest.Server

	// ClientID and ClientSecret are the client credentials accepted
	// ("": any).
	ClientID, ClientSecret string
	// ExpiresIn is the expires_in member of each response ("": none),
	// written as is (a number or a JSON string).
	ExpiresIn string
	// Value makes the access token of the n-th token issued (from 1) for
	// the sorted scopes (nil: "tok-<n>", then "-" and the scopes joined
	// with "+" when there are any).
	Value func(n int, scopes []string) string
	// Extra members are added to every token response (refresh_token,
	// id_token, padding).
	Extra map[string]any
	// Path is the token path ("": any path).
	Path string

	mu       sync.Mutex
	status   int
	body     string
	tokens   []*Token
	requests []TokenRequest
}

// Fail makes the endpoint answer every later request with status and body
// (a JSON error object) instead of a token; status 0 issues tokens again.
func (s *Server) Fail(status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

// New starts a token endpoint and closes it when t ends.
func New(t testing.TB) *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.ServeHTTP))
	t.Cleanup(s.Close)
	return s
}

// NewHandler returns a token endpoint that does not listen: a test serves
// it from its own server (ServeHTTP) when the token URL must share the
// API's origin. Its embedded httptest.Server is nil (no URL, no TokenURL).
func NewHandler() *Server { return &Server{} }

// TokenURL is the endpoint's URL at Path ("/token" when Path is "").
func (s *Server) TokenURL() string {
	if s.Path == "" {
		return s.URL + "/token"
	}
	return s.URL + s.Path
}

// ServeHTTP answers one token request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	tr := TokenRequest{Path: r.URL.Path, Form: r.PostForm, Authorization: r.Header.Get("Authorization")}
	if u, p, ok := r.BasicAuth(); ok {
		tr.ClientID, _ = url.QueryUnescape(u)
		tr.ClientSecret, _ = url.QueryUnescape(p)
	} else {
		tr.ClientID, tr.ClientSecret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	s.requests = append(s.requests, tr)
	status, body := s.status, s.body
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case status != 0:
		w.WriteHeader(status)
		fmt.Fprint(w, body)
		return
	case s.Path != "" && r.URL.Path != s.Path:
		http.NotFound(w, r)
		return
	case r.Method != http.MethodPost || r.PostForm.Get("grant_type") != "client_credentials":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"unsupported_grant_type"}`)
		return
	case s.ClientID != "" && (tr.ClientID != s.ClientID || tr.ClientSecret != s.ClientSecret):
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	sort.Strings(scopes)
	s.mu.Lock()
	tok := &Token{Scopes: scopes}
	if n := len(s.tokens) + 1; s.Value != nil {
		tok.Value = s.Value(n, scopes)
	} else {
		tok.Value = fmt.Sprintf("tok-%d", n)
		if len(scopes) > 0 {
			tok.Value += "-" + strings.Join(scopes, "+")
		}
	}
	resp := map[string]any{}
	for k, v := range s.Extra {
		resp[k] = v
	}
	resp["access_token"], resp["token_type"] = tok.Value, "Bearer"
	if s.ExpiresIn != "" {
		resp["expires_in"] = json.RawMessage(s.ExpiresIn)
		var secs float64
		if _, err := fmt.Sscan(strings.Trim(s.ExpiresIn, `"`), &secs); err == nil {
			tok.Expires = time.Now().Add(time.Duration(secs * float64(time.Second)))
		}
	}
	s.tokens = append(s.tokens, tok)
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(resp)
}

// Issued returns how many tokens were issued.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

// Requests returns the token requests received, in order.
func (s *Server) Requests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenRequest(nil), s.requests...)
}

// Revoke revokes every token issued so far.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.Revoked = true
	}
}

// Valid reports whether an Authorization header value carries a token the
// endpoint issued, not revoked, not expired, and issued for every scope
// listed.
func (s *Server) Valid(authorization string, scopes ...string) bool {
	v, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.Value != v {
			continue
		}
		if t.Revoked || (!t.Expires.IsZero() && time.Now().After(t.Expires)) {
			return false
		}
		for _, want := range scopes {
			if !contains(t.Scopes, want) {
				return false
			}
		}
		return true
	}
	return false
}

// API returns a handler for a protected API: it answers 401 to a request
// whose token is not Valid for scopes, else calls next.
func (s *Server) API(next http.Handler, scopes ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Valid(r.Header.Get("Authorization"), scopes...) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
