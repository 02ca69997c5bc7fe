package runtime

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/weftflow/weft/openapi"
)

// Redirect policy: credentials go only to the origin (scheme, host, port)
// they were issued for. weft follows redirects, but on a hop whose origin
// differs from the original request's, and on every hop after one, the
// request loses every credential it carried: Authorization,
// Proxy-Authorization, Cookie, Referer (it may repeat a query credential),
// each header security put on it, and a query parameter security put on
// it when the Location repeats it. OAuth2 token requests never follow a
// redirect to another origin (openapi.Authorizer).

// placementsKey is the context key under which send records where security
// put the credentials of the request being sent.
type placementsKey struct{}

// withPlacements returns ctx carrying the placements the redirect policy
// must strip (nil when there is nothing beyond the standard headers).
func withPlacements(ctx context.Context, ps []openapi.Placement) context.Context {
	for _, p := range ps {
		if p.In == "query" || (p.In == "header" && p.Name != "Authorization") {
			return context.WithValue(ctx, placementsKey{}, ps)
		}
	}
	return ctx
}

// safeClient returns a shallow copy of c (nil: http.DefaultClient) whose
// CheckRedirect applies the redirect policy and then c's own CheckRedirect
// (or the default limit of 10 hops), so that ErrUseLastResponse and the
// caller's limits keep working. c itself is not modified.
func safeClient(c *http.Client) *http.Client {
	return openapi.GuardRedirects(c, func(req *http.Request, via []*http.Request) error {
		if leftOrigin(req, via) {
			stripCredentials(req, via[0])
		}
		return nil
	})
}

// leftOrigin reports whether req or any hop before it has an origin other
// than the original request's.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	origin := via[0].URL
	if !openapi.SameOrigin(origin, req.URL) {
		return true
	}
	for _, v := range via[1:] {
		if !openapi.SameOrigin(origin, v.URL) {
			return true
		}
	}
	return false
}

// stripCredentials removes from req every credential the original request
// carried.
func stripCredentials(req, orig *http.Request) {
	for _, h := range [...]string{"Authorization", "Proxy-Authorization", "Cookie", "Referer"} {
		req.Header.Del(h)
	}
	ps, _ := orig.Context().Value(placementsKey{}).([]openapi.Placement)
	for _, p := range ps {
		switch p.In {
		case "header":
			req.Header.Del(p.Name)
		case "query":
			req.URL.RawQuery = dropQuery(req.URL.RawQuery, p.Name)
		}
	}
}

// dropQuery removes every name=value pair called name from a raw query,
// keeping the others as they were written.
func dropQuery(raw, name string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	kept := parts[:0]
	for _, part := range parts {
		k, _, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil && dk == name || k == name {
			continue
		}
		kept = append(kept, part)
	}
	return strings.Join(kept, "&")
}
