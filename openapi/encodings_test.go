package openapi

import (
	"strings"
	"testing"
)

// Encodings lists every form BuildRequest writes a string in, so that a
// masker that masks them all masks what was sent.
func TestEncodingsCoverWhatRequestsCarry(t *testing.T) {
	const s = `a b"c<&>;,%+/é`
	got := strings.Join(Encodings(s), "\n")
	for _, want := range []string{
		s,
		escape(s, false),                        // path, query, form fields
		escape(s, true),                         // allowReserved
		"a+b%22c%3C%26%3E%3B%2C%25%2B%2F%C3%A9", // QueryEscape (OAuth2 client auth)
		cookieEscape(s),                         // cookies
		`a b\"c<&>;,%+/é`,                       // JSON bodies (no HTML escaping)
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Encodings(%q) lacks %q; got:\n%s", s, want, got)
		}
	}
	if n := len(Encodings("plain")); n != 1 {
		t.Errorf("Encodings of a plain word has %d forms, want 1 (no duplicates)", n)
	}
}
