package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/sizedread"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/weftflow/weft/internal/boundary"
	"gopkg.in/yaml.v3"
)

// Response is a read and decoded HTTP response.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header holds the response headers.
	Header http.Header
	// ContentType is the Content-Type header as sent.
	ContentType string
	// Raw is the body as read (capped).
	Raw []byte
	// Body is the decoded body: JSON as any with json.Number numbers, text
	// (including XML) as string, otherwise []byte; nil when empty.
	Body any
	// Truncated reports that the body was longer than the cap.
	Truncated bool
}

// DefaultMaxResponseBytes is the body cap ReadResponse uses for 0 (F8).
const DefaultMaxResponseBytes = 10 << 20

// ReadResponse reads and decodes resp.Body (closing it), keeping at most
// maxBytes (0: 10 MiB). JSON media types (application/json, +json) are
// decoded with exact numbers (json.Number); a JSON body that does not parse
// (or was truncated) is kept as a string. XML and text/* are kept as string.
func ReadResponse(resp *http.Response, maxBytes int64) (*Response, error) {
	if resp == nil {
		return nil, fmt.Errorf("openapi: nil response")
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxResponseBytes
	}
	out := &Response{StatusCode: resp.StatusCode, Header: resp.Header, ContentType: resp.Header.Get("Content-Type")}
	if resp.Body != nil {
		defer resp.Body.Close()
		data, err := readLimited(resp.Body, maxBytes+1, resp.ContentLength)
		if err != nil {
			return nil, fmt.Errorf("openapi: reading response body: %w", err)
		}
		if int64(len(data)) > maxBytes {
			data, out.Truncated = data[:maxBytes], true
		}
		out.Raw = data
	}
	if len(out.Raw) == 0 {
		return out, nil
	}
	mt := mediaBase(out.ContentType)
	switch {
	case isJSONType(mt) && !out.Truncated:
		if v, err := decodeJSON(out.Raw); err == nil {
			out.Body = v
		} else {
			out.Body = string(out.Raw)
		}
	case isJSONType(mt), isXMLType(mt), strings.HasPrefix(mt, "text/"), mt == "application/x-www-form-urlencoded",
		mt == "application/javascript", mt == "application/yaml", mt == "application/x-yaml":
		out.Body = string(out.Raw)
	default:
		out.Body = out.Raw
	}
	return out, nil
}

// readLimited reads r to EOF as io.ReadAll(io.LimitReader(r, limit))
// does, in a buffer sized by the declared length (Content-Length; -1 when
// unknown). Memory follows the bytes received: the first buffer is the
// declared length only when it is small (at most firstReadMax), so a
// response that declares gigabytes and sends two bytes costs a few
// kilobytes; once the first buffer is full, it grows once to the declared
// length (never beyond limit), and without one it doubles as data arrives.
// The limit stays exact either way.
func readLimited(r io.Reader, limit, declared int64) ([]byte, error) {
	return sizedread.Read(r, limit, declared, firstReadMax+1)
}

// firstReadMax bounds the buffer readLimited allocates before any byte
// has arrived.
const firstReadMax = 16 << 10

// Finding is one response-validation finding.
type Finding struct {
	// Message says what does not match, naming the operation and location.
	Message string
}

// ValidateResponse checks resp against the description: the status code is
// documented (explicitly, by range like "2XX", or by "default"), the content
// type is one the documented response declares, and the documented response
// headers and JSON body conform to their schemas. Headers and body are
// checked by kin-openapi's openapi3filter.ValidateResponse on the operation's
// kin-openapi route (OpenAPI 3.0 schemas; 3.1 with JSON Schema 2020-12;
// Swagger 2.0 converted by openapi2conv); unknown formats are ignored and
// security is not checked. Every kin-openapi error becomes a finding naming
// the JSON pointer of the offending field and the reason, never the value.
// When kin-openapi cannot load the operation, status and content type are
// checked from the node tree and a finding says why the schema was not. It
// never panics: a panic inside kin-openapi becomes a finding.
func (op *Operation) ValidateResponse(ctx context.Context, req *Request, resp *Response) (findings []Finding) {
	defer boundary.Recover(func(r any) {
		findings = append(findings, Finding{Message: fmt.Sprintf("%s: response validation failed on a malformed description: %v", op, r)})
	})
	if op == nil || resp == nil {
		return nil
	}
	if _, err := op.bind(ctx); err != nil {
		return []Finding{{Message: fmt.Sprintf("%s: response not validated: %v", op, err)}}
	}
	route, kerr := op.kinRoute(ctx) // the schema layer, loaded on first use
	if fatal(kerr) || (kerr != nil && ctx.Err() != nil) {
		return []Finding{{Message: fmt.Sprintf("%s: response not validated: openapi: %s: %v", op, op, kerr)}}
	}
	if route == nil {
		return op.validateNodes(ctx, resp, kerr)
	}
	return op.validateKin(ctx, req, resp, route)
}

// validateKin validates through kin-openapi.
func (op *Operation) validateKin(ctx context.Context, req *Request, resp *Response, route *routers.Route) (findings []Finding) {
	responses := route.Operation.Responses
	if responses == nil || responses.Len() == 0 {
		return []Finding{{Message: fmt.Sprintf("%s documents no responses", op)}}
	}
	rr := responses.Status(resp.StatusCode)
	if rr == nil {
		rr = responses.Default()
	}
	if rr == nil || rr.Value == nil {
		keys := make([]string, 0, responses.Len())
		for k := range responses.Map() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return []Finding{{Message: fmt.Sprintf("status %d is not documented for %s (documented: %s)", resp.StatusCode, op, strings.Join(keys, ", "))}}
	}
	content := rr.Value.Content
	checkBody := false
	switch {
	case len(content) == 0:
		if len(resp.Raw) > 0 && !op.Description.swagger {
			findings = append(findings, Finding{Message: fmt.Sprintf("status %d of %s documents no body, got %d bytes", resp.StatusCode, op, len(resp.Raw))})
		}
	case len(resp.Raw) == 0:
	default:
		got, _, err := mime.ParseMediaType(resp.ContentType)
		if err != nil {
			got = mediaBase(resp.ContentType)
		}
		if content.Get(got) == nil {
			declared := orderKeys(content, nil)
			return append(findings, Finding{Message: fmt.Sprintf("content type %q is not documented for status %d of %s (documented: %s)", resp.ContentType, resp.StatusCode, op, strings.Join(declared, ", "))})
		}
		if isJSONType(got) {
			if _, isStr := resp.Body.(string); isStr || resp.Truncated {
				findings = append(findings, Finding{Message: fmt.Sprintf("%s response %d body: not valid JSON (or truncated); schema not checked", op, resp.StatusCode)})
			} else {
				checkBody = true
			}
		}
	}
	hreq := (*http.Request)(nil)
	if req != nil {
		hreq = req.HTTP
	}
	if hreq == nil {
		hreq = &http.Request{Method: op.Method, URL: &url.URL{Path: op.Path}, Header: http.Header{}}
	}
	header := resp.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if header.Get("Content-Type") == "" && resp.ContentType != "" {
		header.Set("Content-Type", resp.ContentType)
	}
	opts := &openapi3filter.Options{
		MultiError:          true,
		ExcludeResponseBody: !checkBody,
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: hreq, Route: route, Options: opts},
		Status:                 resp.StatusCode,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(resp.Raw)),
		Options:                opts,
	}
	prefix := fmt.Sprintf("%s response %d", op, resp.StatusCode)
	err := openapi3filter.ValidateResponse(ctx, in)
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && strings.Contains(re.Reason, "header") && checkBody {
		// kin-openapi stops at the first header error: check the body too.
		findings = append(findings, kinFindings(prefix, err, 10)...)
		in.RequestValidationInput.Route = withoutHeaders(route)
		in.Body = io.NopCloser(bytes.NewReader(resp.Raw))
		err = openapi3filter.ValidateResponse(ctx, in)
	}
	if err != nil {
		findings = append(findings, kinFindings(prefix, err, 10)...)
	}
	return findings
}

// withoutHeaders copies route with the operation's response headers left out.
func withoutHeaders(route *routers.Route) *routers.Route {
	r := *route
	o := *route.Operation
	rs := openapi3.NewResponsesWithCapacity(o.Responses.Len())
	for k, v := range o.Responses.Map() {
		if v != nil && v.Value != nil {
			c := *v.Value
			c.Headers = nil
			v = &openapi3.ResponseRef{Value: &c}
		}
		rs.Set(k, v)
	}
	o.Responses = rs
	r.Operation = &o
	return &r
}

// kinFindings turns a kin-openapi validation error into findings: one per
// schema error, "<prefix> body: at <JSON pointer>: <reason>". Values are
// never quoted.
func kinFindings(prefix string, err error, max int) []Finding {
	where := prefix
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		err = re.Err
		switch {
		case strings.HasPrefix(re.Reason, "response body"):
			where = prefix + " body"
		case strings.HasPrefix(re.Reason, "response header"), strings.HasPrefix(re.Reason, "unable to decode header"):
			where = prefix + " " + strings.TrimPrefix(re.Reason, "response ")
			if err == nil || strings.HasPrefix(re.Reason, "unable") {
				return []Finding{{Message: where}} // header decode errors may quote the value
			}
		default:
			msg := prefix + ": " + re.Reason
			if re.Err != nil && re.Reason == "failed to decode response body" {
				msg += ": " + re.Err.Error()
			}
			return []Finding{{Message: msg}}
		}
	}
	var leaves []string
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		var me openapi3.MultiError
		if errors.As(e, &me) {
			for _, x := range me {
				walk(x, depth+1)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			loc := "/"
			if p := se.JSONPointer(); len(p) > 0 {
				var b strings.Builder
				for _, t := range p {
					b.WriteString("/" + jsonvalue.EscapeToken(t))
				}
				loc = b.String()
			}
			reason := se.Reason
			if reason == "" {
				reason = fmt.Sprintf("does not match the schema's %q", se.SchemaField)
			}
			leaves = append(leaves, fmt.Sprintf("%s: at %s: %s", where, loc, redactValue(reason, se.Value)))
			return
		}
		leaves = append(leaves, where+": does not match the schema")
	}
	walk(err, 0)
	if len(leaves) == 0 {
		leaves = append(leaves, where+": does not match the schema")
	}
	sort.Strings(leaves)
	var out []Finding
	for i, l := range leaves {
		if len(out) == max {
			out = append(out, Finding{Message: fmt.Sprintf("%s: %d more schema violations", where, len(leaves)-i)})
			break
		}
		if i > 0 && l == leaves[i-1] {
			continue
		}
		out = append(out, Finding{Message: l})
	}
	return out
}

// redactValue removes the offending value from a reason (kin-openapi's JSON
// Schema 2020-12 validator, used for OpenAPI 3.1, quotes it).
func redactValue(reason string, v any) string {
	s, ok := v.(string)
	if !ok || len(s) < 4 {
		return reason
	}
	reason = strings.ReplaceAll(reason, strconv.Quote(s), "<value>")
	return strings.ReplaceAll(reason, s, "<value>")
}

// validateNodes checks status and content type from the node tree, for an
// operation kin-openapi could not load.
func (op *Operation) validateNodes(ctx context.Context, resp *Response, kinErr error) (findings []Finding) {
	d := op.Description
	from := op.pathDoc
	if from == nil {
		from = d.self()
	}
	responses := mapGet(op.node, "responses")
	if responses == nil || responses.Kind != yaml.MappingNode {
		return []Finding{{Message: fmt.Sprintf("%s documents no responses", op)}}
	}
	code := strconv.Itoa(resp.StatusCode)
	var rn *yaml.Node
	if len(code) == 3 {
		for _, key := range []string{code, code[:1] + "XX", code[:1] + "xx", "default"} {
			if n := mapGet(responses, key); n != nil {
				rn = n
				break
			}
		}
	}
	if rn == nil {
		return []Finding{{Message: fmt.Sprintf("status %d is not documented for %s (documented: %s)", resp.StatusCode, op, strings.Join(mapKeys(responses), ", "))}}
	}
	rn, _, err := d.resolve(ctx, from, rn)
	if err != nil {
		return []Finding{{Message: fmt.Sprintf("response %d of %s: %v", resp.StatusCode, op, err)}}
	}
	var declared []string
	hasSchema := false
	if d.swagger {
		if mapGet(rn, "schema") != nil {
			hasSchema = true
			declared = stringList(mapGet(op.node, "produces"))
			if declared == nil {
				declared = d.produces
			}
		}
	} else {
		declared = mapKeys(mapGet(rn, "content"))
	}
	if len(declared) == 0 {
		if len(resp.Raw) > 0 && !d.swagger {
			findings = append(findings, Finding{Message: fmt.Sprintf("status %d of %s documents no body, got %d bytes", resp.StatusCode, op, len(resp.Raw))})
		}
		return findings
	}
	if len(resp.Raw) == 0 {
		return findings
	}
	got, _, err := mime.ParseMediaType(resp.ContentType)
	if err != nil {
		got = mediaBase(resp.ContentType)
	}
	matched, ok := mediaMatch(got, declared)
	if !ok {
		return append(findings, Finding{Message: fmt.Sprintf("content type %q is not documented for status %d of %s (documented: %s)", resp.ContentType, resp.StatusCode, op, strings.Join(declared, ", "))})
	}
	if !d.swagger {
		hasSchema = mapGet(mapGet(mapGet(rn, "content"), matched), "schema") != nil
	}
	if hasSchema && isJSONType(got) {
		findings = append(findings, Finding{Message: fmt.Sprintf("%s response %d body: the description's schema cannot be used for validation: %v", op, resp.StatusCode, kinErr)})
	}
	return findings
}

// mediaMatch returns the declared media type matching got.
func mediaMatch(got string, declared []string) (string, bool) {
	got = strings.ToLower(got)
	for _, dct := range declared {
		if mediaBase(dct) == got {
			return dct, true
		}
	}
	for _, dct := range declared {
		m := mediaBase(dct)
		if m == "*/*" || (strings.HasSuffix(m, "/*") && strings.HasPrefix(got, strings.TrimSuffix(m, "*"))) {
			return dct, true
		}
	}
	return "", false
}
