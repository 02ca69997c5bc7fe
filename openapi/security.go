package openapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Credential is the secret material for one security scheme.
type Credential struct {
	// APIKey is the key for apiKey schemes.
	APIKey string
	// Token is a bearer token (http bearer, or a ready-made OAuth2 or
	// OpenID Connect access token).
	Token string
	// Username and Password are for http basic.
	Username string
	Password string
	// ClientID and ClientSecret are for the OAuth2 client credentials flow.
	ClientID     string
	ClientSecret string
}

// Credentials supplies credentials per source description and scheme. ok is
// false when the provider has none for that scheme.
type Credentials interface {
	Credential(ctx context.Context, source string, scheme *SecurityScheme) (Credential, bool, error)
}

// CredentialsFunc adapts a function to Credentials, the way
// http.HandlerFunc adapts one to http.Handler.
type CredentialsFunc func(ctx context.Context, source string, scheme *SecurityScheme) (Credential, bool, error)

// Credential calls f.
func (f CredentialsFunc) Credential(ctx context.Context, source string, scheme *SecurityScheme) (Credential, bool, error) {
	return f(ctx, source, scheme)
}

// Authorizer applies security requirements and caches OAuth2 tokens. The
// zero value with Credentials set is ready to use; safe for concurrent use.
type Authorizer struct {
	// Credentials supplies the secrets; nil sends no credentials.
	Credentials Credentials
	// HTTPClient is used for OAuth2 token requests (nil: http.DefaultClient).
	// It is never modified: a token request uses a shallow copy that refuses
	// redirects to another origin and otherwise defers to its CheckRedirect.
	// Token requests are bounded by the context given to Apply.
	HTTPClient *http.Client
	// MaxResponseBytes caps a token response body (0: 1 MiB); a longer one
	// fails the token request with a *TooLargeError.
	MaxResponseBytes int64
	// TokenTimeout bounds each OAuth2 token request (0: only the context
	// bounds it). One it cuts short fails with an error matching
	// context.DeadlineExceeded.
	TokenTimeout time.Duration
	// ClientAuthInBody sends the OAuth2 client id and secret as form fields
	// instead of HTTP basic authentication (RFC 6749 section 2.3.1).
	ClientAuthInBody bool

	mu     sync.Mutex
	tokens map[string]*tokenEntry

	// bearers caches, per bearer token, the Authorization header value
	// and the secrets slice a request carrying it reports (bounded by
	// maxBearerForms, then reset): constant across the requests of a
	// run, they were two allocations and a header canonicalization per
	// request.
	bearers  sync.Map // token -> *bearerForm
	nbearers atomic.Int32
}

// bearerForm is what a request authorized with one bearer token carries.
// Its slices have len == cap and are never written after they are made:
// requests share them (an append by a caller copies).
type bearerForm struct {
	header  []string // {"Bearer " + token}
	secrets []string // {token}
}

const maxBearerForms = 64

func (a *Authorizer) bearer(tok string) *bearerForm {
	if f, ok := a.bearers.Load(tok); ok {
		return f.(*bearerForm)
	}
	f := &bearerForm{header: []string{"Bearer " + tok}, secrets: []string{tok}}
	if a.nbearers.Add(1) > maxBearerForms {
		a.bearers.Clear()
		a.nbearers.Store(1)
	}
	a.bearers.Store(tok, f)
	return f
}

// authPlacement is the placement of a credential in the Authorization
// header, shared by the requests of a single-scheme requirement (len ==
// cap: never written).
var authPlacement = []Placement{{In: "header", Name: "Authorization"}}

type tokenEntry struct {
	mu      sync.Mutex
	token   string
	expires time.Time // zero: no expiry known
}

// Invalidate drops cached tokens for source (after a 401), so the next
// request fetches a fresh one.
func (a *Authorizer) Invalidate(source string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for k := range a.tokens {
		if strings.HasPrefix(k, source+"\x00") {
			delete(a.tokens, k)
		}
	}
}

// TooLargeError reports a response body longer than the cap it was read
// with.
type TooLargeError struct {
	// What names the response ("token response").
	What string
	// Max is the cap in bytes.
	Max int64
}

// Error implements the error interface.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("openapi: %s is longer than %d bytes", e.What, e.Max)
}

// errOtherOrigin is what a token request's CheckRedirect returns for a hop
// to another origin.
var errOtherOrigin = errors.New("redirect to another origin refused")

// tokenClient returns a shallow copy of c whose CheckRedirect refuses any
// hop to an origin other than the token URL's (the request carries the
// client secret) and otherwise applies c's own policy.
func tokenClient(c *http.Client) *http.Client {
	return GuardRedirects(c, func(req *http.Request, via []*http.Request) error {
		if !SameOrigin(via[0].URL, req.URL) {
			return errOtherOrigin
		}
		return nil
	})
}

// GuardRedirects returns a shallow copy of c (nil: http.DefaultClient)
// whose CheckRedirect runs hop on every redirect first, then c's own
// CheckRedirect (or, when c has none, Go's default limit of 10 hops), so
// that http.ErrUseLastResponse and the caller's limits keep working. hop
// may change the upcoming request (strip headers) or refuse it with an
// error. c itself is not modified.
func GuardRedirects(c *http.Client, hop func(req *http.Request, via []*http.Request) error) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cc := *c
	next := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 {
			if err := hop(req, via); err != nil {
				return err
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

// tokenFailure is the error of a token request that did not complete: it
// names the scheme and the (redacted) token URL, never a secret, and
// wraps the context's error when the context ended it, or the client's
// error when its text holds no secret.
func tokenFailure(ctx context.Context, sc *SecurityScheme, tokenURL string, c Credential, err error) error {
	var tl *TooLargeError
	switch {
	case errors.As(err, &tl):
		return fmt.Errorf("openapi: security scheme %s: token request to %s: %w", sc.Name, redactURL(tokenURL), tl)
	case errors.Is(err, errOtherOrigin):
		return fmt.Errorf("openapi: security scheme %s: token endpoint %s redirected to another origin; a token request is never sent to an origin other than its token URL's", sc.Name, redactURL(tokenURL))
	case ctx.Err() != nil:
		return fmt.Errorf("openapi: security scheme %s: token request to %s: %w", sc.Name, redactURL(tokenURL), ctx.Err())
	}
	cause := unwrapURL(err)
	if msg := cause.Error(); scrub(msg, c) == msg {
		// No secret in the text: keep the cause for errors.Is and
		// errors.As (a refused origin, a dial error).
		return fmt.Errorf("openapi: security scheme %s: token request to %s failed: %w", sc.Name, redactURL(tokenURL), cause)
	}
	return fmt.Errorf("openapi: security scheme %s: token request to %s failed: %s", sc.Name, redactURL(tokenURL), scrub(cause.Error(), c))
}

// unwrapURL drops the *url.Error wrapper, whose message repeats the URL
// unredacted.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// Placement is where a credential was put on a request.
type Placement struct {
	// In is "header", "query" or "cookie".
	In string
	// Name is the header, query parameter or cookie name (canonical for
	// headers).
	Name string
}

// Apply applies the operation's security (else the document's) to req: the
// first requirement whose every scheme has credentials (decisions H3). It
// returns the secret values it put on the request, for masking. When no
// requirement can be satisfied the request is left unauthenticated.
//
// A relative OAuth2 tokenUrl is resolved against the operation's declared
// server URL; [Operation.BuildRequest] resolves it against the server the
// request goes to, its base URL override included.
func (a *Authorizer) Apply(ctx context.Context, op *Operation, req *http.Request, source string) ([]string, error) {
	var out Request
	err := a.apply(ctx, op, req, source, "", &out)
	return out.Secrets, err
}

// apply is Apply that records on out what it did: the secrets, where each
// credential was placed, and the OAuth2 schemes it applied (which
// [Authorizer.Send] authorizes afresh after a 401). server is the server
// URL of the call, which a relative tokenUrl is resolved against ("": the
// operation's declared server).
func (a *Authorizer) apply(ctx context.Context, op *Operation, req *http.Request, source, server string, out *Request) error {
	if a == nil || a.Credentials == nil || op == nil {
		return nil
	}
	d := op.Description
	type applied struct {
		sc   *SecurityScheme
		cred Credential
		req  SchemeRequirement
	}
	for _, r := range op.Security() {
		if len(r) == 0 {
			continue
		}
		var buf [2]applied
		plan := buf[:0]
		for _, sr := range r {
			sc := d.SecuritySchemes[sr.Name]
			if sc == nil {
				plan = nil
				break
			}
			cred, ok, err := a.Credentials.Credential(ctx, source, sc)
			if err != nil {
				return credentialsError(source, sc, err)
			}
			if !ok || !usable(sc, cred) {
				plan = nil
				break
			}
			plan = append(plan, applied{sc, cred, sr})
		}
		if len(plan) == 0 {
			continue
		}
		var secrets []string
		var placed []Placement
		shared := len(plan) == 1 && placement(plan[0].sc) == authPlacement[0]
		if shared {
			placed = authPlacement[:1:1]
		} else {
			placed = make([]Placement, 0, len(plan))
		}
		cl := call{op: op, source: source, server: server}
		for i, p := range plan {
			s, err := a.applyOne(ctx, req, cl, p.sc, p.cred, p.req.Scopes)
			if err != nil {
				return err
			}
			if !shared {
				placed = append(placed, placement(p.sc))
			}
			if p.sc.Type == "oauth2" {
				if out.reauth == nil {
					out.reauth = &reauth{auth: a, call: cl}
				}
				out.reauth.oauth = append(out.reauth.oauth, oauthApplied{sc: p.sc, scopes: p.req.Scopes})
			}
			if i == 0 {
				// The common single-scheme case returns applyOne's slice as is.
				secrets = s
				continue
			}
			secrets = append(secrets[:len(secrets):len(secrets)], s...)
		}
		out.Secrets, out.Credentials = secrets, placed
		return nil
	}
	return nil
}

// credentialsError is the error of a Credentials provider that failed.
func credentialsError(source string, sc *SecurityScheme, err error) error {
	return fmt.Errorf("openapi: credentials for %s/%s: %w", source, sc.Name, err)
}

// placement says where applyOne puts the credential of sc.
func placement(sc *SecurityScheme) Placement {
	if sc.Type == "apiKey" {
		switch sc.In {
		case "header":
			return Placement{In: "header", Name: http.CanonicalHeaderKey(sc.ParamName)}
		case "query":
			return Placement{In: "query", Name: sc.ParamName}
		case "cookie":
			return Placement{In: "cookie", Name: sc.ParamName}
		}
	}
	return Placement{In: "header", Name: "Authorization"}
}

func usable(sc *SecurityScheme, c Credential) bool {
	switch sc.Type {
	case "apiKey":
		return c.APIKey != "" && sc.ParamName != ""
	case "http":
		switch sc.Scheme {
		case "basic":
			return c.Username != ""
		case "bearer":
			return c.Token != ""
		}
		return false
	case "oauth2":
		return c.Token != "" || (c.ClientID != "" && c.ClientSecret != "" && sc.TokenURL != "")
	case "openIdConnect":
		return c.Token != ""
	}
	return false
}

// call is what applyOne knows of the request it authorizes: the operation,
// the source description name and the server URL ("": the declared one).
type call struct {
	op             *Operation
	source, server string
}

func (a *Authorizer) applyOne(ctx context.Context, req *http.Request, cl call, sc *SecurityScheme, c Credential, scopes []string) ([]string, error) {
	switch sc.Type {
	case "apiKey":
		switch sc.In {
		case "header":
			req.Header.Set(sc.ParamName, c.APIKey)
		case "query":
			piece := escape(sc.ParamName, false) + "=" + escape(c.APIKey, false)
			if req.URL.RawQuery == "" {
				req.URL.RawQuery = piece
			} else {
				req.URL.RawQuery += "&" + piece
			}
			return []string{c.APIKey, escape(c.APIKey, false)}, nil
		case "cookie":
			piece := sc.ParamName + "=" + cookieEscape(c.APIKey)
			if old := req.Header.Get("Cookie"); old != "" {
				piece = old + "; " + piece
			}
			req.Header.Set("Cookie", piece)
		default:
			return nil, fmt.Errorf("openapi: security scheme %s: apiKey location %q is not supported", sc.Name, sc.In)
		}
		return []string{c.APIKey}, nil
	case "http":
		if sc.Scheme == "basic" {
			req.SetBasicAuth(c.Username, c.Password)
			enc := base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
			out := []string{enc}
			if c.Password != "" {
				out = append(out, c.Password)
			}
			return out, nil
		}
		f := a.bearer(c.Token)
		req.Header["Authorization"] = f.header
		return f.secrets, nil
	case "oauth2", "openIdConnect":
		tok := c.Token
		if tok != "" {
			f := a.bearer(tok)
			req.Header["Authorization"] = f.header
			return f.secrets, nil
		}
		secrets := []string{}
		if tok == "" {
			var err error
			tok, err = a.clientCredentialsToken(ctx, cl, sc, c, scopes)
			if err != nil {
				return nil, err
			}
			secrets = append(secrets, c.ClientSecret)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		return append(secrets, tok), nil
	}
	return nil, fmt.Errorf("openapi: security scheme %s: type %q is not supported", sc.Name, sc.Type)
}

// clientCredentialsToken returns a cached token or fetches one (RFC 6749
// section 4.4). Concurrent callers share one fetch. Tokens are cached per
// source, scheme, token URL and set of scopes (tokenKey).
//
// With an observer in ctx ([WithTokenObserver]) every fetch is reported to
// it once it has ended.
//
// The exchange is not golang.org/x/oauth2/clientcredentials (v0.38.0,
// measured): it fails the whole fetch on a fractional expires_in
// ("cannot parse json: strconv.ParseInt: parsing \"0.001\""), reads at
// most a fixed 1 MiB of the response and parses the truncated body
// ("unexpected end of JSON input") instead of reporting MaxResponseBytes,
// and formats a read error with %v, so a *TooLargeError from a wrapping
// transport would lose its type; the observer also needs the raw
// exchange, which it does not expose.
func (a *Authorizer) clientCredentialsToken(ctx context.Context, cl call, sc *SecurityScheme, c Credential, scopes []string) (tok string, err error) {
	tokenURL, err := resolveTokenURL(ctx, cl, sc)
	if err != nil {
		return "", err
	}
	key := tokenKey(cl.source, sc.Name, tokenURL, scopes)
	a.mu.Lock()
	if a.tokens == nil {
		a.tokens = map[string]*tokenEntry{}
	}
	e := a.tokens[key]
	if e == nil {
		e = &tokenEntry{}
		a.tokens[key] = e
	}
	a.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != "" && (e.expires.IsZero() || time.Now().Before(e.expires)) {
		return e.token, nil
	}
	if a.TokenTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, a.TokenTimeout)
		defer cancel()
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	if a.ClientAuthInBody {
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.ClientSecret)
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("openapi: security scheme %s: bad token URL", sc.Name)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if !a.ClientAuthInBody {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	}
	client := a.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	var x *TokenExchange
	if obs := tokenObserver(ctx); obs != nil {
		x = &TokenExchange{Scheme: sc.Name, Method: req.Method, URL: tokenURL, Header: req.Header.Clone(),
			Body: []byte(body), Secrets: tokenRequestSecrets(c, a.ClientAuthInBody)}
		start := time.Now()
		defer func() {
			x.Duration = time.Since(start)
			x.Err = err
			obs(*x)
		}()
	}
	resp, err := tokenClient(client).Do(req)
	if err != nil {
		return "", tokenFailure(ctx, sc, tokenURL, c, err)
	}
	defer resp.Body.Close()
	if x != nil {
		x.StatusCode, x.ResponseHeader = resp.StatusCode, resp.Header.Clone()
	}
	max := a.MaxResponseBytes
	if max <= 0 {
		max = 1 << 20
	}
	data, err := readLimited(resp.Body, max+1, resp.ContentLength)
	if err == nil && int64(len(data)) > max {
		err = &TooLargeError{What: "token response", Max: max}
	}
	if err != nil {
		return "", tokenFailure(ctx, sc, tokenURL, c, err)
	}
	if x != nil {
		x.ResponseBody = data
		x.Secrets = append(x.Secrets, issuedTokens(data)...)
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		Error       string          `json:"error"`
	}
	_ = json.Unmarshal(data, &tr)
	if resp.StatusCode/100 != 2 || tr.AccessToken == "" {
		msg := fmt.Sprintf("openapi: security scheme %s: token endpoint %s answered %d", sc.Name, redactURL(tokenURL), resp.StatusCode)
		if tr.Error != "" {
			msg += " (" + scrub(tr.Error, c) + ")"
		} else if tr.AccessToken == "" && resp.StatusCode/100 == 2 {
			msg += " without access_token"
		}
		return "", fmt.Errorf("%s", msg)
	}
	e.token = tr.AccessToken
	e.expires = time.Time{}
	var secs float64
	if s := strings.Trim(string(tr.ExpiresIn), `"`); s != "" {
		if _, err := fmt.Sscan(s, &secs); err == nil && secs > 0 {
			margin := 30.0
			if secs < 120 {
				margin = secs / 10
			}
			e.expires = time.Now().Add(time.Duration((secs - margin) * float64(time.Second)))
		}
	}
	return e.token, nil
}

// tokenKey is the token cache key: a token is shared by the requests of one
// source and scheme that ask the same token URL for the same set of scopes
// (in any order); two requirements naming different scopes of one scheme
// get a token each.
func tokenKey(source, scheme, tokenURL string, scopes []string) string {
	key := source + "\x00" + scheme + "\x00" + tokenURL
	switch len(scopes) {
	case 0:
		return key
	case 1:
		return key + "\x00" + scopes[0]
	}
	sorted := append([]string(nil), scopes...)
	sort.Strings(sorted)
	return key + "\x00" + strings.Join(sorted, " ")
}

// resolveTokenURL returns the URL a token request for sc goes to: its
// tokenUrl as written when absolute, else resolved as RFC 3986 says against
// the server URL of the call (OpenAPI: relative URLs resolve against the
// Server Object), so a base URL override moves a relative token URL with it.
func resolveTokenURL(ctx context.Context, cl call, sc *SecurityScheme) (string, error) {
	ref, err := url.Parse(sc.TokenURL)
	if err != nil {
		return "", fmt.Errorf("openapi: security scheme %s: bad token URL", sc.Name)
	}
	if !ref.IsAbs() {
		server := cl.server
		if server == "" && cl.op != nil {
			if _, server, err = cl.op.serverURL(ctx, "", nil); err != nil {
				return "", fmt.Errorf("openapi: security scheme %s: token URL %s is relative and the server URL it resolves against is unknown: %w", sc.Name, redactURL(sc.TokenURL), err)
			}
		}
		base, err := url.Parse(server)
		if err != nil || server == "" {
			return "", fmt.Errorf("openapi: security scheme %s: token URL %s is relative and no server URL is known to resolve it against", sc.Name, redactURL(sc.TokenURL))
		}
		ref = base.ResolveReference(ref)
		// The server URL's userinfo is for the API, not the token endpoint.
		ref.User = nil
	}
	if (ref.Scheme != "http" && ref.Scheme != "https") || ref.Host == "" {
		return "", fmt.Errorf("openapi: security scheme %s: token URL %s: scheme must be http or https", sc.Name, redactURL(ref.String()))
	}
	return ref.String(), nil
}

// scrub removes credential values from a message.
func scrub(msg string, c Credential) string {
	for _, s := range []string{c.APIKey, c.Token, c.Password, c.ClientSecret, url.QueryEscape(c.ClientSecret)} {
		if len(s) >= 3 {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}

// EnvCredentials is the default Credentials provider. It reads environment
// variables named
//
//	WEFT_<SOURCE>_<SCHEME>_<PART>
//
// where SOURCE is the Arazzo source description name and SCHEME the security
// scheme name, both upper-cased with every run of characters other than A-Z
// and 0-9 replaced by one "_", and PART depends on the scheme type:
//
//	apiKey                API_KEY
//	http basic            USERNAME, PASSWORD
//	http bearer           TOKEN
//	oauth2                CLIENT_ID, CLIENT_SECRET (client credentials flow) or TOKEN
//	openIdConnect         TOKEN
//
// For example the Hookdeck source "hookdeckSources" with scheme "bearerAuth"
// reads WEFT_HOOKDECKSOURCES_BEARERAUTH_TOKEN.
type EnvCredentials struct {
	// Lookup reads a variable (nil: os.LookupEnv).
	Lookup func(name string) (string, bool)
}

// Credential implements Credentials.
func (e EnvCredentials) Credential(_ context.Context, source string, sc *SecurityScheme) (Credential, bool, error) {
	look := e.Lookup
	if look == nil {
		look = os.LookupEnv
	}
	get := func(part string) string {
		v, _ := look(EnvVarName(source, sc.Name, part))
		return v
	}
	var c Credential
	for _, part := range schemeParts(sc) {
		v := get(part)
		switch part {
		case "API_KEY":
			c.APIKey = v
		case "TOKEN":
			c.Token = v
		case "USERNAME":
			c.Username = v
		case "PASSWORD":
			c.Password = v
		case "CLIENT_ID":
			c.ClientID = v
		case "CLIENT_SECRET":
			c.ClientSecret = v
		}
	}
	return c, usable(sc, c), nil
}

// EnvVarName returns the variable EnvCredentials reads for one part of a
// scheme's credential.
func EnvVarName(source, scheme, part string) string {
	return "WEFT_" + envToken(source) + "_" + envToken(scheme) + "_" + part
}

func envToken(s string) string {
	var b strings.Builder
	us := false
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			us = false
		} else if !us {
			b.WriteByte('_')
			us = true
		}
	}
	return strings.Trim(b.String(), "_")
}

func schemeParts(sc *SecurityScheme) []string {
	switch sc.Type {
	case "apiKey":
		return []string{"API_KEY"}
	case "http":
		switch sc.Scheme {
		case "basic":
			return []string{"USERNAME", "PASSWORD"}
		case "bearer":
			return []string{"TOKEN"}
		}
	case "oauth2":
		if sc.TokenURL != "" {
			return []string{"CLIENT_ID", "CLIENT_SECRET", "TOKEN"}
		}
		return []string{"TOKEN"}
	case "openIdConnect":
		return []string{"TOKEN"}
	}
	return nil
}

// EnvVarNames lists the environment variables EnvCredentials reads for the
// security schemes the description's operations (or the document) require,
// sorted by scheme name. Alternatives (basic or bearer, client credentials or
// a token) are all listed.
func EnvVarNames(source string, d *Description) []string {
	if d == nil {
		return nil
	}
	used := map[string]bool{}
	mark := func(reqs []SecurityRequirement) {
		for _, r := range reqs {
			for _, s := range r {
				used[s.Name] = true
			}
		}
	}
	mark(d.Security)
	for _, op := range d.ops {
		mark(op.Security())
	}
	names := make([]string, 0, len(used))
	for n := range used {
		if d.SecuritySchemes[n] != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		for _, p := range schemeParts(d.SecuritySchemes[n]) {
			out = append(out, EnvVarName(source, n, p))
		}
	}
	return out
}
