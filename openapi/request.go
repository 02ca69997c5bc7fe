package openapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// ParamValue is an evaluated Arazzo parameter.
type ParamValue struct {
	// Name is the parameter name.
	Name string
	// In is "path", "query", "header" or "cookie".
	In string
	// Value is the evaluated value: a scalar, []any or map[string]any.
	Value any
}

// RequestOptions says how to build a request.
type RequestOptions struct {
	// Source is the Arazzo source description name (for credentials).
	Source string
	// BaseURL overrides the servers when non-empty.
	BaseURL string
	// ServerVariables override server variable defaults.
	ServerVariables map[string]string
	// Auth applies security; nil sends no credentials.
	Auth *Authorizer
}

// Request is a built request with what the runtime needs to trace it.
type Request struct {
	// HTTP is the request, ready to send.
	HTTP *http.Request
	// Body is the encoded body (nil when none); HTTP.GetBody replays it.
	Body []byte
	// Secrets are credential values applied to the request, for masking.
	// Secrets and Credentials may be shared with other requests: read
	// them, do not write their elements.
	Secrets []string
	// Credentials says where security put credentials on the request (a
	// header, a query parameter, a cookie), so that a redirect can strip
	// them and a trace can mask them by position.
	Credentials []Placement
	// PathParams and QueryParams hold the serialized values per name for
	// $request.path and $request.query (headers: HTTP.Header).
	PathParams  map[string]string
	QueryParams map[string]string
	// BodyValue is the payload as a Go value (for $request.body).
	BodyValue any
	// Operation is the operation the request was built for.
	Operation *Operation

	// reauth is set when an Authorizer put OAuth2 credentials on the
	// request: what Authorizer.Send needs to authorize it afresh.
	reauth *reauth
}

// Servers returns the servers that apply to the operation, by OpenAPI's
// precedence: the operation's own, else its path item's, else the
// description's. BaseURL uses the first.
func (op *Operation) Servers(ctx context.Context) ([]Server, error) {
	b, err := op.bind(ctx)
	if err != nil {
		return nil, err
	}
	if len(b.servers) > 0 {
		return b.servers, nil
	}
	return op.Description.Servers, nil
}

// BaseURL returns the base URL a request for op goes to (H1): the override
// when set, else the first operation server, path-item server or document
// server, with server variables substituted and relative URLs resolved
// against the description's URL. The result has no trailing slash.
func (op *Operation) BaseURL(ctx context.Context, override string, vars map[string]string) (string, error) {
	base, _, err := op.serverURL(ctx, override, vars)
	return base, err
}

// serverURL is BaseURL that also returns the server URL before its
// trailing slashes are trimmed: the base a relative OAuth2 tokenUrl is
// resolved against (RFC 3986 treats "/v1" and "/v1/" differently).
func (op *Operation) serverURL(ctx context.Context, override string, vars map[string]string) (base, server string, err error) {
	if override != "" {
		if c := op.baseOver.Load(); c != nil && c[0] == override {
			return c[1], override, nil
		}
		u, err := url.Parse(override)
		if err != nil {
			return "", "", fmt.Errorf("openapi: base URL override does not parse as a URL")
		}
		if u.Scheme == "" || u.Host == "" {
			return "", "", fmt.Errorf("openapi: base URL override %q is not an absolute URL", u.Redacted())
		}
		base := strings.TrimRight(override, "/")
		op.baseOver.Store(&[2]string{override, base})
		return base, override, nil
	}
	b, err := op.bind(ctx)
	if err != nil {
		return "", "", err
	}
	servers := b.servers
	doc := op.Description.URL
	if len(servers) == 0 {
		servers = op.Description.Servers
	} else if b.serverBase != nil && b.serverBase.url != nil {
		doc = b.serverBase.url
	}
	raw := "/"
	var sv map[string]ServerVariable
	if len(servers) > 0 {
		raw, sv = servers[0].URL, servers[0].Variables
	}
	s := substituteVars(raw, sv, vars)
	u, err := url.Parse(s)
	if err != nil {
		return "", "", fmt.Errorf("openapi: %s: server URL %q: %v", op, s, err)
	}
	if !u.IsAbs() {
		if doc == nil || (doc.Scheme != "http" && doc.Scheme != "https") {
			return "", "", fmt.Errorf("openapi: %s: server URL %q is relative and the description was not loaded over HTTP; set a base URL for this source", op, s)
		}
		u = doc.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", fmt.Errorf("openapi: %s: server URL %q: scheme must be http or https", op, u.Redacted())
	}
	u.RawQuery, u.Fragment = "", ""
	server = u.String()
	return strings.TrimRight(server, "/"), server, nil
}

func substituteVars(s string, sv map[string]ServerVariable, over map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		if v, ok := over[name]; ok {
			b.WriteString(v)
		} else if v, ok := sv[name]; ok {
			b.WriteString(v.Default)
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// BuildRequest serializes parameters and body for op into an HTTP request
// (decisions H1-H3). Parameters the operation does not declare are sent in
// their "in" location with that location's default style. Security is
// applied through opts.Auth unless the parameters set an Authorization
// header themselves.
func (op *Operation) BuildRequest(ctx context.Context, params []ParamValue, body *Body, opts RequestOptions) (*Request, error) {
	if op == nil || op.Description == nil {
		return nil, fmt.Errorf("openapi: BuildRequest on a nil operation")
	}
	b, err := op.bind(ctx)
	if err != nil {
		return nil, err
	}
	base, server, err := op.serverURL(ctx, opts.BaseURL, opts.ServerVariables)
	if err != nil {
		return nil, err
	}
	out := &Request{Operation: op}
	path := op.Path
	var query []string
	var header http.Header
	var cookies [][2]string
	for _, pv := range params {
		p, ok := b.lookup(pv.Name, pv.In)
		if !ok {
			return nil, fmt.Errorf("openapi: %s: parameter %q: unknown location %q", op, pv.Name, pv.In)
		}
		val := pv.Value
		if p.ContentType != "" {
			if _, prim := primString(val); !prim || isJSONType(p.ContentType) {
				if _, isStr := val.(string); !isStr {
					j, err := marshalJSON(val)
					if err != nil {
						return nil, fmt.Errorf("openapi: %s: parameter %q: %v", op, pv.Name, err)
					}
					val = string(j)
				}
			}
		}
		switch p.In {
		case "path":
			s, err := serializePath(p, val)
			if err != nil {
				return nil, err
			}
			tmpl := "{" + p.Name + "}"
			if !strings.Contains(path, tmpl) {
				return nil, fmt.Errorf("openapi: %s: path parameter %q is not in the path template", op, p.Name)
			}
			path = strings.ReplaceAll(path, tmpl, s)
			if out.PathParams == nil {
				out.PathParams = map[string]string{}
			}
			out.PathParams[p.Name] = s
		case "query":
			pieces, err := serializeQuery(p, val)
			if err != nil {
				return nil, err
			}
			query = append(query, pieces...)
			if out.QueryParams == nil {
				out.QueryParams = map[string]string{}
			}
			out.QueryParams[p.Name] = strings.Join(pieces, "&")
			if len(pieces) == 1 {
				if _, v, ok := strings.Cut(pieces[0], "="); ok {
					if u, err := url.QueryUnescape(v); err == nil {
						out.QueryParams[p.Name] = u
					}
				}
			}
		case "header":
			s, err := serializeHeader(p, val)
			if err != nil {
				return nil, err
			}
			if header == nil {
				header = http.Header{}
			}
			header.Set(p.Name, s)
		case "cookie":
			cs, err := serializeCookie(p, val)
			if err != nil {
				return nil, err
			}
			cookies = append(cookies, cs...)
		}
	}
	if i := strings.IndexByte(path, '{'); i >= 0 && strings.IndexByte(path[i:], '}') > 0 {
		j := strings.IndexByte(path[i:], '}')
		return nil, fmt.Errorf("openapi: %s: path parameter %q has no value", op, path[i+1:i+j])
	}
	rawQuery := strings.Join(query, "&")
	var rdr io.Reader
	var bodyCT string
	hasBody := false
	if body != nil && (body.Value != nil || len(body.Replacements) > 0) {
		ct := chooseContentType(body, header.Get("Content-Type"), b.mediaTypes)
		data, hct, bv, err := encodeBody(body, ct, b.encodings[mediaBase(ct)])
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", op, err)
		}
		out.Body, out.BodyValue = data, bv
		bodyCT, hasBody = hct, true
		rdr = bytes.NewReader(data)
	}
	req, err := newRequest(ctx, op.Method, base, path, rawQuery, len(query) > 0, rdr)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: building request for %q: %v", op, redactURL(joinTarget(base, path, rawQuery, len(query) > 0)), err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if hasBody {
		req.Header.Set("Content-Type", bodyCT)
	}
	if len(cookies) > 0 {
		var cb strings.Builder
		for i, c := range cookies {
			if i > 0 {
				cb.WriteString("; ")
			}
			cb.WriteString(c[0] + "=" + c[1])
		}
		req.Header.Set("Cookie", cb.String())
	}
	if out.Body != nil && len(out.Body) == 0 {
		// (A non-empty body got GetBody and ContentLength from
		// NewRequestWithContext.)
		data := out.Body
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		req.ContentLength = int64(len(data))
	}
	out.HTTP = req
	if opts.Auth != nil && req.Header.Get("Authorization") == "" {
		// An explicit Authorization header parameter means the step handles
		// authentication itself.
		if err := opts.Auth.apply(ctx, op, req, opts.Source, server, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		u.RawQuery = ""
		return u.Redacted()
	}
	return "<url>"
}

// lookup finds the declared parameter for (name, in) or synthesizes one with
// the location's default style.
func (b *binding) lookup(name, in string) (Parameter, bool) {
	if in == "" {
		var found []Parameter
		for _, p := range b.params {
			if p.Name == name {
				found = append(found, p)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
		return Parameter{}, false
	}
	for _, p := range b.params {
		if p.In == in && (p.Name == name || (in == "header" && strings.EqualFold(p.Name, name))) {
			return p, true
		}
	}
	switch in {
	case "path", "query", "header", "cookie":
		st := defaultStyle(in)
		return Parameter{Name: name, In: in, Style: st, Explode: st == "form"}, true
	}
	return Parameter{}, false
}
