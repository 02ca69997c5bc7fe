package openapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// newRequest is http.NewRequestWithContext(ctx, method, base+path[+"?"+query]
// (with the query when hasQuery), body) for the requests BuildRequest makes, without parsing the server
// URL again for every request: when base is a plain absolute URL, path
// starts with "/" and path and query hold only bytes url.Parse takes as
// they are, the URL is the parsed base (cached) with the path and query
// set as url.Parse sets them. Anything else goes through
// http.NewRequestWithContext, so results and errors are its own
// (TestNewRequestMatchesStd). Parsing the target was half of
// NewRequestWithContext's cost in the in-memory reference run.
func newRequest(ctx context.Context, method, base, path, query string, hasQuery bool, body io.Reader) (*http.Request, error) {
	bu := parsedBase(base)
	if hasQuery != (query != "") || bu == nil || !plainPath(path) || !plainQuery(query) {
		return http.NewRequestWithContext(ctx, method, joinTarget(base, path, query, hasQuery), body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "", body)
	if err != nil {
		return http.NewRequestWithContext(ctx, method, joinTarget(base, path, query, hasQuery), body)
	}
	u := req.URL
	*u = *bu
	p := bu.Path + path
	up, err := url.PathUnescape(p)
	if err != nil {
		return http.NewRequestWithContext(ctx, method, joinTarget(base, path, query, hasQuery), body)
	}
	u.Path = up
	if u.EscapedPath() != p {
		u.RawPath = p
	}
	u.RawQuery = query
	req.Host = u.Host
	return req, nil
}

// joinTarget is the URL a request for path and query goes to from base.
func joinTarget(base, path, query string, hasQuery bool) string {
	if hasQuery {
		return base + path + "?" + query
	}
	return base + path
}

// baseURLs caches parsedBase (bounded by maxBaseURLs, then reset).
var (
	baseURLs  sync.Map // string -> *url.URL (nil value: not plain)
	nbaseURLs atomic.Int32
)

const maxBaseURLs = 64

// parsedBase returns base parsed as http.NewRequestWithContext leaves a
// URL (empty port removed), or nil when base is not a plain absolute
// http(s) URL: no user info, query, fragment or escapes.
func parsedBase(base string) *url.URL {
	if v, ok := baseURLs.Load(base); ok {
		return v.(*url.URL)
	}
	var out *url.URL
	if u, err := url.Parse(base); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Opaque == "" && u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" &&
		u.RawPath == "" && u.RawFragment == "" && plainPath(u.Path) && !strings.HasSuffix(u.Path, "/") {
		if strings.HasSuffix(u.Host, ":") {
			u.Host = strings.TrimSuffix(u.Host, ":")
		}
		out = u
	}
	if nbaseURLs.Add(1) > maxBaseURLs {
		baseURLs.Clear()
		nbaseURLs.Store(1)
	}
	baseURLs.Store(base, out)
	return out
}

// plainPath reports whether p is empty or starts with "/" and holds only
// unreserved characters, sub-delimiters, ":", "@", "/" and well-formed
// percent escapes.
func plainPath(p string) bool {
	if p != "" && p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+,;=:@/", c) >= 0:
		case c == '%':
			if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

// plainQuery reports whether q holds only printable ASCII other than "#"
// (url.Parse keeps such a query as it is).
func plainQuery(q string) bool {
	for i := 0; i < len(q); i++ {
		if c := q[i]; c <= ' ' || c >= 0x7f || c == '#' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
