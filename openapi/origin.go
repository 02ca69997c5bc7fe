package openapi

import (
	"net/url"
	"strings"
)

// SameOrigin reports whether a and b have the same origin: scheme, host
// and port, with the scheme's default port made explicit ("http://h" and
// "http://h:80" are one origin; "http://h:80" and "http://h:81" are two).
// Credentials are bound to the origin they were issued for.
func SameOrigin(a, b *url.URL) bool {
	if a == nil || b == nil {
		return false
	}
	as, bs := strings.ToLower(a.Scheme), strings.ToLower(b.Scheme)
	return as == bs && strings.EqualFold(a.Hostname(), b.Hostname()) && originPort(as, a) == originPort(bs, b)
}

func originPort(scheme string, u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch scheme {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}
