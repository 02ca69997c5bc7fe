package runtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/openapi"
)

// A secret shorter than minSecretLen is masked only where it is placed:
// as a whole header, pair, path segment, JSON string or member; elsewhere
// the text is left alone. A longer one is masked wherever it occurs.
func TestMaskLengthRule(t *testing.T) {
	m := newMasker()
	m.add("k3y", "abcd")
	for _, c := range []struct{ in, want string }{
		{"monk3ys and k3y", "monk3ys and k3y"},                    // short: not by value
		{"GET http://h/p?a=k3y&b=2", "GET http://h/p?a=****&b=2"}, // short: a whole pair value
		{"sid=k3y; x=1", "sid=****; x=1"},
		{`{"key":"k3y","n":"k3ys"}`, `{"key":"****","n":"k3ys"}`}, // short: a whole JSON string
		{"xxabcdxx", "xx****xx"},                                  // 4 characters: by value
		{"YWJjZA==", "****"},                                      // and its base64
	} {
		if got := m.mask(c.in); got != c.want {
			t.Errorf("mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := m.url("http://h/a/k3y/b?q=1"); got != "http://h/a/****/b?q=1" {
		t.Errorf("url: a short secret path segment: got %q", got)
	}
	if got := m.mask(`GET "http://h/a/k3y": refused; GET http://h/k3y: refused; see /a/k3y`); got != `GET "http://h/a/****": refused; GET http://h/****: refused; see /a/k3y` {
		t.Errorf("a URL in a message: got %q", got)
	}
	h := m.header(http.Header{"X-Key": {"k3y"}, "X-Auth": {"Token k3y"}, "X-Other": {"k3ys"}})
	if h.Get("X-Key") != Mask || h.Get("X-Auth") != "Token "+Mask || h.Get("X-Other") != "k3ys" {
		t.Errorf("header: %v", h)
	}
	if got := string(m.body([]byte(`{"pin":12, "a":[12,"k3y"]}`))); got != `{"pin":12, "a":[12,"****"]}` {
		t.Errorf("body with a short string secret (kept as written): %s", got)
	}
	m.add("42")
	if got := string(m.body([]byte(`{"pin":42, "a":[12,"k3y"]}`))); got != `{"a":[12,"****"],"pin":"****"}` {
		t.Errorf("body with a short number secret (re-encoded): %s", got)
	}
}

// A credential's position is masked whatever its value: the header named
// by an apiKey scheme, the query parameter, the cookie.
func TestMaskCredentialPositions(t *testing.T) {
	m := newMasker()
	m.addRequest(&openapi.Request{Credentials: []openapi.Placement{
		{In: "header", Name: "api-token-x"}, {In: "query", Name: "key"}, {In: "cookie", Name: "sid"},
	}})
	h := m.header(http.Header{"Api-Token-X": {"z"}, "Accept": {"z"}})
	if h.Get("Api-Token-X") != Mask || h.Get("Accept") != "z" {
		t.Errorf("header: %v", h)
	}
	if got := m.url("https://h/p?key=z&other=z"); got != "https://h/p?key=****&other=z" {
		t.Errorf("query: %s", got)
	}
	if got := m.mask("GET https://h/p?key=z: connection refused"); got != "GET https://h/p?key=****: connection refused" {
		t.Errorf("an error message: %s", got)
	}
	if got := m.mask("a=1; sid=z"); got != "a=1; sid=****" {
		t.Errorf("cookie: %s", got)
	}
}

// Every leaf under a secret is a secret: numbers as they print, nested
// strings; booleans are not (they would mask every true).
func TestMaskValuesOfAnyType(t *testing.T) {
	m := newMasker()
	m.addValue(map[string]any{"pin": json.Number("1234"), "f": 5.5e6, "deep": []any{map[string]any{"s": "nested-value"}}, "ok": true})
	out := m.maskValue(map[string]any{
		"pin": json.Number("1234"), "float": 5500000.0, "s": "the nested-value here", "ok": true,
		"bytes": []byte("x nested-value"), "n": 99,
	}).(map[string]any)
	want := map[string]any{"pin": Mask, "float": Mask, "s": "the **** here", "ok": true, "bytes": []byte("x ****"), "n": 99}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", out, want)
	}
}

// URL passwords are masked in any text, before any secret is known.
func TestMaskURLPassword(t *testing.T) {
	var m masker // the zero value works
	for in, want := range map[string]string{
		"dial https://u:p%40ss@h:1/x: refused": "dial https://u:****@h:1/x: refused",
		"https://u@h/x":                        "https://u@h/x",
		"a http://x:y@h b https://c:d@e":       "a http://x:****@h b https://c:****@e",
	} {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
	m.addServerURL("https://user:pass-word@h")
	if got := m.mask("Basic dXNlcjpwYXNzLXdvcmQ= and pass-word"); got != "Basic **** and ****" {
		t.Errorf("the password and its basic credentials: %q", got)
	}
}

// Masking text never panics and leaves no long secret in the output.
func FuzzMask(f *testing.F) {
	f.Add("GET http://u:p@h/a/s3cr3t?k=s3cr3t&x=1: refused", "s3cr3t")
	f.Add(`{"a":"s3cr3t","b":["=","=s3cr3t="]}`, "s3cr3t")
	f.Add("sid=zz; ===;;&&?=s3cr3t", "s3cr3t")
	f.Add("://@:@://", "abcd")
	f.Fuzz(func(t *testing.T, text, secret string) {
		if len(secret) < minSecretLen || strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			return
		}
		m := newMasker()
		m.add(secret)
		m.addRequest(&openapi.Request{Credentials: []openapi.Placement{{In: "query", Name: "k"}}})
		for _, out := range []string{m.mask(text), m.url(text), string(m.body([]byte(text)))} {
			if strings.Contains(out, secret) {
				t.Fatalf("mask(%q) = %q keeps secret %q", text, out, secret)
			}
		}
		m.header(http.Header{"X": {text}})
		m.maskValue(map[string]any{text: []any{text, []byte(text)}})
	})
}

// Masking is linear in the text: hostile shapes of half a MiB (quadratic
// work would take minutes) (runs of
// "=", of "://", of pairs, deep JSON) are masked quickly.
func TestMaskLinearOnHostileText(t *testing.T) {
	m := newMasker()
	m.add("k3y", "long-secret")
	m.addRequest(&openapi.Request{Credentials: []openapi.Placement{{In: "query", Name: "a"}}})
	for name, text := range map[string]string{
		"equals":  strings.Repeat("=", 1<<19),
		"schemes": strings.Repeat("x://", 1<<17),
		"pairs":   strings.Repeat("a=b&", 1<<17),
		"at":      "http://" + strings.Repeat("u:p@", 1<<17),
		"json":    strings.Repeat("[", 1<<18) + strings.Repeat("]", 1<<18),
	} {
		start := time.Now()
		m.mask(text)
		m.url(text)
		m.body([]byte(text))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}

// A token request sent with the client secret in the form body shows it
// masked, whatever the secret's length (the field is masked by name).
func TestTokenParamsMaskedByName(t *testing.T) {
	m := newMasker()
	m.addParams(tokenParams...)
	got := string(m.body([]byte("grant_type=client_credentials&client_id=cid&client_secret=ab")))
	if got != "grant_type=client_credentials&client_id=cid&client_secret="+Mask {
		t.Errorf("masked body %q", got)
	}
}
