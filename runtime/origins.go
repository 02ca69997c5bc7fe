package runtime

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/weftflow/weft/openapi"
)

// OriginError reports a request refused because its origin (scheme, host,
// port) is not one WithAllowedOrigins allows. It is returned for API
// calls, retries, OAuth2 token requests and every redirect hop, before
// anything is sent.
type OriginError struct {
	// Origin is the refused origin, "scheme://host:port".
	Origin string
	// Allowed lists the allowed origins in the same form.
	Allowed []string
	// Setting names what allowed them (the rule argument of
	// WithAllowedOrigins, e.g. a command-line flag).
	Setting string
}

// Error implements the error interface.
func (e *OriginError) Error() string {
	return fmt.Sprintf("request to %s refused: %s allows only %s", e.Origin, e.Setting, strings.Join(e.Allowed, ", "))
}

// WithAllowedOrigins refuses every request (API calls, OAuth2 token
// requests, redirects) to an origin other than those of the given URLs,
// with an *OriginError naming setting ("" names this option). It is a
// guard for pipelines that must never reach another server than the
// ones they name. URLs that do not parse or lack a host are allowed
// nothing. Without the option every origin may be reached.
func WithAllowedOrigins(setting string, urls ...string) Option {
	return func(cfg *config) {
		if setting == "" {
			setting = "WithAllowedOrigins"
		}
		g := &originGuard{setting: setting}
		for _, raw := range urls {
			if u, err := url.Parse(raw); err == nil && u.Host != "" {
				g.allowed = append(g.allowed, u)
			}
		}
		cfg.origins = g
	}
}

// originGuard is the http.RoundTripper that enforces WithAllowedOrigins;
// every request weft sends, each redirect hop included, passes it.
type originGuard struct {
	setting string
	allowed []*url.URL
	next    http.RoundTripper
}

func (g *originGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, a := range g.allowed {
		if openapi.SameOrigin(a, req.URL) {
			return g.next.RoundTrip(req)
		}
	}
	if req.Body != nil {
		req.Body.Close()
	}
	allowed := make([]string, len(g.allowed))
	for i, a := range g.allowed {
		allowed[i] = origin(a)
	}
	return nil, &OriginError{Origin: origin(req.URL), Allowed: allowed, Setting: g.setting}
}

// origin writes u's origin as scheme://host:port (the port made explicit).
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + host + ":" + port
}

// guardOrigins returns c with its transport wrapped by g (c is already
// weft's own copy of the caller's client).
func guardOrigins(c *http.Client, g *originGuard) *http.Client {
	if g == nil {
		return c
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	gg := *g
	gg.next = next
	c.Transport = &gg
	return c
}
