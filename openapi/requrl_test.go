package openapi

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

// TestNewRequestMatchesStd checks that newRequest builds the request
// http.NewRequestWithContext builds from the joined URL, on the fast path
// and off it, errors included.
func TestNewRequestMatchesStd(t *testing.T) {
	bases := []string{"http://h.example/v1", "https://h.example:8443", "http://h.example:", "HTTP://H.example/a%20b",
		"http://u:p@h.example/v1", "http://h.example/v1/", "http://h.example/v1?x=1", "http://[::1]:80/p", "http://h.example/%zz"}
	paths := []string{"", "/", "/sources", "/a/b%2Fc/d", "/x y", "/caf\u00e9", "/a%", "/a%4", "/a?b", "/a#b", "//two", "/~user/(x)*;=,@:", "/a%41", "x"}
	queries := []struct {
		q   string
		has bool
	}{{"", false}, {"", true}, {"a=1&b=2", true}, {"a=%20+b", true}, {"a=#", true}, {"a=\x01", true}, {"a=[1]", true}}
	ctx := context.Background()
	for _, b := range bases {
		for _, p := range paths {
			for _, q := range queries {
				got, gerr := newRequest(ctx, "GET", b, p, q.q, q.has, nil)
				want, werr := http.NewRequestWithContext(ctx, "GET", joinTarget(b, p, q.q, q.has), nil)
				if (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
					t.Errorf("%q %q %q: error %v, want %v", b, p, q.q, gerr, werr)
					continue
				}
				if gerr != nil {
					continue
				}
				if !reflect.DeepEqual(*got.URL, *want.URL) || got.Host != want.Host || got.Method != want.Method ||
					got.Proto != want.Proto || !reflect.DeepEqual(got.Header, want.Header) {
					t.Errorf("%q %q %q:\n got %#v host %q\nwant %#v host %q", b, p, q.q, *got.URL, got.Host, *want.URL, want.Host)
				}
				if got.URL.String() != want.URL.String() {
					t.Errorf("%q %q %q: URL %q, want %q", b, p, q.q, got.URL, want.URL)
				}
			}
		}
	}
	// The fast path is taken for the common case.
	if parsedBase("http://h.example/v1") == nil || !plainPath("/sources/src_1") || !plainQuery("a=1&b=%20") {
		t.Error("the common case does not take the fast path")
	}
}
