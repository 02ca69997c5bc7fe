package openapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/oauthfake"
)

// tokenURLYAML has one oauth2 operation whose tokenUrl is TOKEN_URL, on a
// server (SERVER) that the tests usually override.
const tokenURLYAML = `openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: SERVER}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: TOKEN_URL
          scopes: {}
security: [{cc: []}]
paths:
  /me:
    get:
      operationId: me
      responses: {"200": {description: ok}}
`

// originServer is an API origin with a token endpoint for the client
// cid / s3cr3t-client: it records the path of every token request and
// answers it with a token naming its host.
type originServer struct{ *oauthfake.Server }

func newOriginServer(t *testing.T) *originServer {
	s := oauthfake.New(t)
	s.ClientID, s.ClientSecret = "cid", "s3cr3t-client"
	host := strings.ReplaceAll(s.Listener.Addr().String(), ":", "-")
	s.Value = func(int, []string) string { return "at-" + host }
	return &originServer{s}
}

func (o *originServer) tokenPaths() []string {
	var paths []string
	for _, r := range o.Requests() {
		paths = append(paths, r.Path)
	}
	return paths
}

var tokenEnv = map[string]string{"WEFT_SRC_CC_CLIENT_ID": "cid", "WEFT_SRC_CC_CLIENT_SECRET": "s3cr3t-client"}

// A relative tokenUrl resolves, as RFC 3986 says, against the server URL
// actually used for the call: a base URL override (runtime.WithServer,
// weft run --server) redirects the token request too. An absolute tokenUrl
// is used as written.
func TestTokenURLResolvesAgainstServerUsed(t *testing.T) {
	declared := newOriginServer(t) // the description's server
	override := newOriginServer(t) // the caller's override
	elsewhere := newOriginServer(t)
	for _, c := range []struct {
		name, tokenURL, base string
		want                 *originServer
		wantPath             string
	}{
		{"absolute path, override", "/oauth/token", override.URL + "/v1", override, "/oauth/token"},
		{"relative path, override without slash", "oauth/token", override.URL + "/v1", override, "/oauth/token"},
		{"relative path, override with slash", "oauth/token", override.URL + "/v1/", override, "/v1/oauth/token"},
		{"dot segments, override", "../auth/token", override.URL + "/api/v1/", override, "/api/auth/token"},
		{"absolute path, no override", "/oauth/token", "", declared, "/oauth/token"},
		{"absolute URL, override", elsewhere.URL + "/token", override.URL + "/v1", elsewhere, "/token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.NewReplacer("SERVER", declared.URL+"/v1", "TOKEN_URL", c.tokenURL).Replace(tokenURLYAML)
			d := mustParse(t, src, "")
			auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(tokenEnv)}}
			before := len(c.want.tokenPaths())
			req, err := d.OperationByID("me").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: c.base})
			if err != nil {
				t.Fatalf("BuildRequest: %v", err)
			}
			got := c.want.tokenPaths()
			if len(got) != before+1 || got[len(got)-1] != c.wantPath {
				t.Fatalf("token requests at the expected origin: %v, want one more at %s", got, c.wantPath)
			}
			host := strings.ReplaceAll(strings.TrimPrefix(c.want.URL, "http://"), ":", "-")
			if a := req.HTTP.Header.Get("Authorization"); a != "Bearer at-"+host {
				t.Errorf("Authorization = %q, want the token of %s", a, c.want.URL)
			}
		})
	}
	if n := len(declared.tokenPaths()); n != 1 {
		t.Errorf("the declared server got %d token requests, want 1 (only the case without override)", n)
	}
}

// Authorizer.Apply, which knows no override, resolves a relative tokenUrl
// against the operation's declared server.
func TestApplyResolvesTokenURLAgainstDeclaredServer(t *testing.T) {
	declared := newOriginServer(t)
	d := mustParse(t, strings.NewReplacer("SERVER", declared.URL+"/v1", "TOKEN_URL", "/oauth/token").Replace(tokenURLYAML), "")
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(tokenEnv)}}
	req, _ := http.NewRequest(http.MethodGet, declared.URL+"/v1/me", nil)
	if _, err := auth.Apply(context.Background(), d.OperationByID("me"), req, "src"); err != nil {
		t.Fatal(err)
	}
	if got := declared.tokenPaths(); len(got) != 1 || got[0] != "/oauth/token" {
		t.Errorf("token requests: %v", got)
	}
}

// One Authorizer used with two base URLs for the same source and scheme
// fetches a token from each token endpoint: a token is cached per token URL.
func TestTokenCachedPerTokenURL(t *testing.T) {
	a, b := newOriginServer(t), newOriginServer(t)
	d := mustParse(t, strings.NewReplacer("SERVER", "https://api.example.invalid", "TOKEN_URL", "/oauth/token").Replace(tokenURLYAML), "")
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(tokenEnv)}}
	for _, base := range []string{a.URL, b.URL, a.URL, b.URL} {
		if _, err := d.OperationByID("me").BuildRequest(context.Background(), nil, nil, RequestOptions{Source: "src", Auth: auth, BaseURL: base}); err != nil {
			t.Fatal(err)
		}
	}
	if na, nb := len(a.tokenPaths()), len(b.tokenPaths()); na != 1 || nb != 1 {
		t.Errorf("token fetches: %d at a, %d at b; want 1 each", na, nb)
	}
}

// A relative tokenUrl with no server URL to resolve it against, or one that
// resolves to a scheme other than http(s), is an error naming the scheme;
// nothing is sent.
func TestTokenURLUnresolvable(t *testing.T) {
	for _, c := range []struct{ server, tokenURL, want string }{
		{"/relative", "/oauth/token", "relative"},
		{"https://api.example.invalid", "ftp://files.example.invalid/token", "http or https"},
	} {
		d := mustParse(t, strings.NewReplacer("SERVER", c.server, "TOKEN_URL", c.tokenURL).Replace(tokenURLYAML), "")
		auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(tokenEnv)}}
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.invalid/me", nil)
		_, err := auth.Apply(context.Background(), d.OperationByID("me"), req, "src")
		if err == nil || !strings.Contains(err.Error(), "security scheme cc") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("server %s, tokenUrl %s: err = %v, want one naming the scheme and %q", c.server, c.tokenURL, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cr3t-client") {
			t.Errorf("error leaks the client secret: %v", err)
		}
	}
}

// FuzzResolveTokenURL: whatever a description's tokenUrl and the server
// URL are, resolving never panics, and a result is an absolute http(s) URL
// without userinfo unless the tokenUrl wrote it; a tokenUrl without scheme
// and host lands on the server's origin.
func FuzzResolveTokenURL(f *testing.F) {
	for _, s := range [][2]string{
		{"/oauth/token", "http://127.0.0.1:8080/v1"},
		{"oauth/token", "https://h/v1/"},
		{"../../../t", "https://u:p@h/a/b/"},
		{"https://idp.example/token?x=1", "http://api"},
		{"//other.example/token", "https://h"},
		{"ftp://x/y", ""},
		{"", "https://h"},
		{"%zz", "https://h"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tokenURL, server string) {
		got, err := resolveTokenURL(context.Background(), call{server: server}, &SecurityScheme{Name: "cc", TokenURL: tokenURL})
		if err != nil {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("resolve(%q, %q) = %q: not an absolute http(s) URL", tokenURL, server, got)
		}
		ref, _ := url.Parse(tokenURL)
		if ref != nil && ref.Scheme == "" && ref.Host == "" {
			if u.User != nil {
				t.Fatalf("resolve(%q, %q) = %q carries the server's userinfo", tokenURL, server, got)
			}
			s, _ := url.Parse(server)
			if s == nil || !SameOrigin(s, u) {
				t.Fatalf("resolve(%q, %q) = %q: not on the server's origin", tokenURL, server, got)
			}
		}
	})
}
