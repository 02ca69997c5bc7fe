// Package leakfixture is a workflow and a loopback API that put every kind
// of secret weft knows (credentials of every security scheme type, secret
// inputs of every kind, a password in a server URL) in every position a
// request can carry one, echo them back, and expose them as outputs,
// errors and failed criteria. Tests of package runtime and of the weft
// command run it and scan everything weft emits with [Fixture.Leaks].
//
// The encodings it scans for are written here independently of the
// masking code, as the oracle the masking is checked against.
package leakfixture

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/weftflow/weft/openapi"
)

// Secret is one secret value the fixture plants.
type Secret struct {
	// Name says what the secret is ("apiKey header", "input pw", ...).
	Name  string
	Value string
}

// Fixture is a running loopback API and the files of a workflow that uses it.
type Fixture struct {
	// Dir holds api.yaml and flow.arazzo.yaml.
	Dir string
	// Doc is the path of flow.arazzo.yaml (workflow "leak").
	Doc string
	// Server is the loopback API (also the OAuth2 token endpoint).
	Server *httptest.Server
	// BaseURL is Server's URL with a user and password (the userinfo
	// secret), to use as the base URL of source "api".
	BaseURL string
	// DeadURL is a loopback URL nothing listens on, the base URL of source
	// "dead" (a transport error whose message holds the request URL).
	DeadURL string
	// Inputs are the workflow inputs, secrets included.
	Inputs map[string]any
	// Creds are the credentials per "source/scheme".
	Creds map[string]openapi.Credential
	// Secrets lists every planted secret.
	Secrets []Secret
}

// The planted values. Long ones carry characters that every encoding
// changes (space, quote, <, &, %, +, ;, comma, slash); ShortAPIKey is the
// 3-character apiKey that is masked only where it is placed.
const (
	ShortAPIKey  = "k3y"
	QueryKey     = "qk-Quokka%Zebra &+77"
	CookieKey    = "ck;Cobalt,Marmot\"9 x"
	BasicUser    = "alice"
	BasicPass    = "bp:Basalt Pelican/4"
	Bearer       = "bt.Bramble+Tortoise/5=="
	ClientID     = "cid-ocelot"
	ClientSecret = "cs Cormorant&6"
	IssuedToken  = "at-Azalea<Narwhal>7"
	RefreshToken = "rf-Rosella Fjord&13"
	IDToken      = "id.Iguana+Dahlia/14"
	ReadyToken   = "rt_Rhubarb Quetzal 8"
	URLUser      = "urluser"
	URLPass      = "up-Umbrella-Lynx-11"
	InputPW      = `correct horse "battery" <staple> & Pw`
	InputPin     = "739182645"
	InputPhrase  = "nested-Pangolin Sonata 9"
	InputToken   = "nm-Nightjar%Umber 10"
	InputCVV     = "cvv-Chinchilla Waltz 12"
)

// New starts the API and writes the workflow files; both are cleaned up
// with t.
func New(t testing.TB) *Fixture {
	t.Helper()
	f := &Fixture{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Server.Close)
	u, _ := url.Parse(f.Server.URL)
	u.User = url.UserPassword(URLUser, URLPass)
	f.BaseURL = u.String()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.DeadURL = "http://" + l.Addr().String()
	l.Close()

	f.Dir = t.TempDir()
	f.Doc = filepath.Join(f.Dir, "flow.arazzo.yaml")
	api := strings.ReplaceAll(apiYAML, "SRV", f.Server.URL)
	for name, content := range map[string]string{"api.yaml": api, "flow.arazzo.yaml": flowYAML} {
		if err := os.WriteFile(filepath.Join(f.Dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.Inputs = map[string]any{
		"pw":          InputPW,
		"pin":         json.Number(InputPin),
		"auth":        map[string]any{"user": "bob", "phrase": InputPhrase},
		"clientToken": InputToken,
		"cards":       []any{map[string]any{"holder": "bob", "cvv": InputCVV}},
	}
	f.Creds = map[string]openapi.Credential{}
	for _, src := range []string{"api", "dead"} {
		f.Creds[src+"/hdrKey"] = openapi.Credential{APIKey: ShortAPIKey}
		f.Creds[src+"/qKey"] = openapi.Credential{APIKey: QueryKey}
		f.Creds[src+"/ckKey"] = openapi.Credential{APIKey: CookieKey}
		f.Creds[src+"/basic"] = openapi.Credential{Username: BasicUser, Password: BasicPass}
		f.Creds[src+"/bearer"] = openapi.Credential{Token: Bearer}
		f.Creds[src+"/cc"] = openapi.Credential{ClientID: ClientID, ClientSecret: ClientSecret}
		f.Creds[src+"/ready"] = openapi.Credential{Token: ReadyToken}
	}
	f.Secrets = []Secret{
		{"apiKey header (3 chars)", ShortAPIKey},
		{"apiKey query", QueryKey},
		{"apiKey cookie", CookieKey},
		{"basic password", BasicPass},
		{"basic user:pass", BasicUser + ":" + BasicPass},
		{"bearer token", Bearer},
		{"oauth2 client secret", ClientSecret},
		{"oauth2 client id:secret (basic, form-encoded)", url.QueryEscape(ClientID) + ":" + url.QueryEscape(ClientSecret)},
		{"oauth2 issued token", IssuedToken},
		{"oauth2 issued refresh token", RefreshToken},
		{"oauth2 issued id token", IDToken},
		{"oauth2 ready token", ReadyToken},
		{"server URL password", URLPass},
		{"server URL user:pass", URLUser + ":" + URLPass},
		{"input pw (format password)", InputPW},
		{"input pin (integer, format password)", InputPin},
		{"input auth.phrase (nested, format password)", InputPhrase},
		{"input clientToken (name rule)", InputToken},
		{"input cards[].cvv (array item, format password)", InputCVV},
	}
	return f
}

// Credential implements openapi.Credentials with Creds.
func (f *Fixture) Credential(_ context.Context, source string, sc *openapi.SecurityScheme) (openapi.Credential, bool, error) {
	c, ok := f.Creds[source+"/"+sc.Name]
	return c, ok, nil
}

// Env returns the environment variables that give Creds to
// openapi.EnvCredentials.
func (f *Fixture) Env() map[string]string {
	out := map[string]string{}
	for key, c := range f.Creds {
		src, scheme, _ := strings.Cut(key, "/")
		set := func(part, v string) {
			if v != "" {
				out[openapi.EnvVarName(src, scheme, part)] = v
			}
		}
		set("API_KEY", c.APIKey)
		set("USERNAME", c.Username)
		set("PASSWORD", c.Password)
		set("TOKEN", c.Token)
		set("CLIENT_ID", c.ClientID)
		set("CLIENT_SECRET", c.ClientSecret)
	}
	return out
}

// Encodings returns the forms of s to scan for, by name: raw, the percent
// encodings (all non-unreserved bytes, query escaping with + for space,
// path escaping), JSON string escaping with and without HTML escaping,
// cookie escaping and the four base64 alphabets.
func Encodings(s string) map[string]string {
	jh, _ := json.Marshal(s)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	jn := strings.TrimSpace(b.String())
	out := map[string]string{
		"raw":            s,
		"percent":        percentAll(s),
		"query (+)":      url.QueryEscape(s),
		"path":           url.PathEscape(s),
		"json":           string(jh[1 : len(jh)-1]),
		"json (no html)": jn[1 : len(jn)-1],
		"cookie":         cookie(s),
		"base64 std":     base64.StdEncoding.EncodeToString([]byte(s)),
		"base64 url":     base64.URLEncoding.EncodeToString([]byte(s)),
		"base64 raw std": base64.RawStdEncoding.EncodeToString([]byte(s)),
		"base64 raw url": base64.RawURLEncoding.EncodeToString([]byte(s)),
		"json in json":   jsonInJSON(s),
	}
	return out
}

func jsonInJSON(s string) string {
	a, _ := json.Marshal(s)
	b, _ := json.Marshal(string(a[1 : len(a)-1]))
	return string(b[1 : len(b)-1])
}

func percentAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func cookie(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || strings.IndexByte("\";\\,%", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Leaks lists every planted secret found in text, as "where: secret
// (encoding)", sorted. where names the text.
func (f *Fixture) Leaks(where, text string) []string {
	var out []string
	for _, s := range f.Secrets {
		names := map[string][]string{} // form -> encoding names
		for name, form := range Encodings(s.Value) {
			names[form] = append(names[form], name)
		}
		for form, ns := range names {
			if strings.Contains(text, form) {
				sort.Strings(ns)
				out = append(out, fmt.Sprintf("%s: %s (%s)", where, s.Name, strings.Join(ns, ", ")))
			}
		}
	}
	// Base64 blobs ([]byte values in JSON, basic credentials) are decoded
	// and scanned too: a secret inside a blob does not show as the base64
	// of the secret alone.
	for _, blob := range base64Blob.FindAllString(text, -1) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			if dec, err := enc.DecodeString(blob); err == nil {
				for _, l := range f.Leaks(where+" (base64-decoded)", string(dec)) {
					out = append(out, l)
				}
				break
			}
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

var base64Blob = regexp.MustCompile(`[A-Za-z0-9+/_-]{12,}={0,2}`)

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func (f *Fixture) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch r.URL.Path {
	case "/token":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": IssuedToken, "token_type": "Bearer",
			"expires_in": 3600, "refresh_token": RefreshToken, "id_token": IDToken})
		return
	case "/bin":
		w.Header().Set("Content-Type", "application/octet-stream")
		fmt.Fprintf(w, "%s\n%s", r.Header.Get("Authorization"), r.URL.RawQuery)
		return
	}
	cookies := map[string]string{}
	for _, c := range r.Cookies() {
		cookies[c.Name] = c.Value
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			w.Header().Add("X-Echo-"+k, v)
		}
	}
	w.Header().Set("X-Echo-Path", r.URL.EscapedPath())
	w.Header().Set("X-Echo-Query", r.URL.RawQuery)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"path": r.URL.EscapedPath(), "rawQuery": r.URL.RawQuery, "query": r.URL.Query(),
		"headers": r.Header, "cookies": cookies, "body": string(body),
	})
}
