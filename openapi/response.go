package openapi

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
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
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
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

// Finding is one response-validation finding.
type Finding struct {
	// Message says what does not match, naming the operation and location.
	Message string
}

// ValidateResponse checks resp against the description: the status code is
// documented (explicitly, by range like "2XX", or by "default") and the
// content type is one the documented response declares, and a JSON body
// conforms to the documented schema (JSON Schema 2020-12 via
// santhosh-tekuri/jsonschema; OpenAPI 3.0 and Swagger 2.0 schemas are
// converted first; formats are not asserted). Schemas are compiled lazily,
// once per operation, status and media type. It never panics on broken
// descriptions: a schema that cannot be compiled becomes a finding.
func (op *Operation) ValidateResponse(ctx context.Context, req *Request, resp *Response) (findings []Finding) {
	defer func() {
		if r := recover(); r != nil {
			findings = append(findings, Finding{Message: fmt.Sprintf("response validation failed on a malformed description: %v", r)})
		}
	}()
	if op == nil || resp == nil {
		return nil
	}
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
	statusKey := ""
	if len(code) == 3 {
		for _, key := range []string{code, code[:1] + "XX", code[:1] + "xx", "default"} {
			if n := mapGet(responses, key); n != nil {
				rn, statusKey = n, key
				break
			}
		}
	}
	if rn == nil {
		return []Finding{{Message: fmt.Sprintf("status %d is not documented for %s (documented: %s)", resp.StatusCode, op, strings.Join(mapKeys(responses), ", "))}}
	}
	rn, rdoc, err := d.resolve(ctx, from, rn)
	if err != nil {
		return []Finding{{Message: fmt.Sprintf("response %d of %s: %v", resp.StatusCode, op, err)}}
	}
	var declared []string
	if d.swagger {
		if mapGet(rn, "schema") != nil {
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
		findings = append(findings, Finding{Message: fmt.Sprintf("content type %q is not documented for status %d of %s (documented: %s)", resp.ContentType, resp.StatusCode, op, strings.Join(declared, ", "))})
		return findings
	}
	if !isJSONType(got) {
		return findings
	}
	var schemaNode *yaml.Node
	if d.swagger {
		schemaNode = mapGet(rn, "schema")
	} else {
		schemaNode = mapGet(mapGet(mapGet(rn, "content"), matched), "schema")
	}
	if schemaNode == nil {
		return findings
	}
	prefix := fmt.Sprintf("%s response %d body", op, resp.StatusCode)
	if _, isStr := resp.Body.(string); isStr || resp.Truncated {
		return append(findings, Finding{Message: prefix + ": not valid JSON (or truncated); schema not checked"})
	}
	schema, err := op.responseSchema(ctx, statusKey+"\x00"+matched, schemaNode, rdoc)
	if err != nil {
		return append(findings, Finding{Message: fmt.Sprintf("%s: the description's schema cannot be used for validation: %v", prefix, err)})
	}
	if err := validateSafely(schema, resp.Body); err != nil {
		findings = append(findings, schemaFindings(prefix, err, 10)...)
	}
	return findings
}

func validateSafely(s *jsonschema.Schema, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("schema validation failed: %v", r)
		}
	}()
	return s.Validate(v)
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
