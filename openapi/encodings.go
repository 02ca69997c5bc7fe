package openapi

import "net/url"

// Encodings returns the forms in which this package may write the string s
// on a request, s itself first, without duplicates: percent-encoded as in
// a path or query value (RFC 3986 unreserved kept; also with reserved
// characters kept, for allowReserved), form-encoded with "+" for space (the
// OAuth2 token request), cookie-escaped, and escaped as the inside of a
// JSON string (without HTML escaping, as request bodies are encoded).
//
// It is for masking: a caller that knows s is a secret masks every form.
func Encodings(s string) []string {
	forms := [...]string{
		s,
		escape(s, false),
		escape(s, true),
		url.QueryEscape(s),
		cookieEscape(s),
		jsonStringBody(s),
	}
	out := make([]string, 0, len(forms))
	for _, f := range forms {
		dup := false
		for _, o := range out {
			if o == f {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, f)
		}
	}
	return out
}

// jsonStringBody is s as it appears between the quotes of a JSON string
// that marshalJSON writes.
func jsonStringBody(s string) string {
	b, err := marshalJSON(s)
	if err != nil || len(b) < 2 {
		return s
	}
	return string(b[1 : len(b)-1])
}
