package openapi

// TEMPORARY: this file fixes the exported API that the arazzo loader and the
// runtime build on. The openapi helper replaces it with real code in other
// files, keeping these names and signatures (adding more is fine).

import (
	"context"
	"net/http"
	"net/url"
)

// ReadFunc reads the document at u (used for external $refs).
type ReadFunc func(ctx context.Context, u *url.URL) ([]byte, error)

// ParseOptions configures Parse.
type ParseOptions struct {
	// Read fetches documents referenced by external $refs; nil disables them.
	Read ReadFunc
}

// Description is a loaded OpenAPI 3.0/3.1 or Swagger 2.0 description.
// Operations are indexed from the YAML node tree; kin-openapi objects are
// built lazily, per operation, the first time a request is built.
type Description struct {
	// URL is where the description was loaded from.
	URL *url.URL
	// Version is the "openapi" or "swagger" field ("3.1.0", "2.0").
	Version string
	// Servers are the document-level servers (for Swagger 2.0 derived from
	// host, basePath and schemes).
	Servers []Server
	// SecuritySchemes are the document's security schemes by name.
	SecuritySchemes map[string]*SecurityScheme
}

// Server is a Server Object.
type Server struct {
	URL         string
	Description string
	Variables   map[string]ServerVariable
}

// ServerVariable is a Server Variable Object.
type ServerVariable struct {
	Default string
	Enum    []string
}

// SecurityScheme is a Security Scheme Object (the parts weft uses).
type SecurityScheme struct {
	Name string // the key in components.securitySchemes
	// Type is "apiKey", "http", "oauth2", "openIdConnect" or "mutualTLS".
	Type string
	// Scheme is the HTTP scheme for type http ("basic", "bearer").
	Scheme string
	// In and ParamName are for apiKey ("header", "query", "cookie").
	In        string
	ParamName string
	// TokenURL is the client-credentials flow's token URL for oauth2.
	TokenURL string
	Scopes   []string
}

// Parse indexes an OpenAPI or Swagger document.
func Parse(ctx context.Context, data []byte, location *url.URL, opts ParseOptions) (*Description, error) {
	panic("not implemented")
}

// Operation is one operation of a description.
type Operation struct {
	Description *Description
	OperationID string
	// Path is the path template ("/sources/{id}").
	Path string
	// Method is upper-case ("GET").
	Method string
	// Line and Column locate the operation object in its document.
	Line, Column int
}

// Operations lists every operation in document order.
func (d *Description) Operations() []*Operation { panic("not implemented") }

// OperationByID returns the operation with exactly this operationId.
func (d *Description) OperationByID(id string) *Operation { panic("not implemented") }

// OperationsByIDFold returns the operations whose operationId matches id
// case-insensitively.
func (d *Description) OperationsByIDFold(id string) []*Operation { panic("not implemented") }

// OperationByPath returns the operation at the path template and method.
func (d *Description) OperationByPath(path, method string) *Operation { panic("not implemented") }

// ParamValue is an evaluated Arazzo parameter.
type ParamValue struct {
	Name  string
	In    string
	Value any
}

// Replacement is an evaluated payload replacement.
type Replacement struct {
	Target string
	Value  any
}

// Body is an evaluated request body.
type Body struct {
	// ContentType is the media type; "" means the operation's first.
	ContentType string
	// Value is the payload: JSON-like Go values, string, []byte or io.Reader.
	Value        any
	Replacements []Replacement
}

// Credential is the secret material for one security scheme.
type Credential struct {
	APIKey       string
	Token        string
	Username     string
	Password     string
	ClientID     string
	ClientSecret string
}

// Credentials supplies credentials per source description and scheme.
type Credentials interface {
	Credential(ctx context.Context, source string, scheme *SecurityScheme) (Credential, bool, error)
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
	HTTP *http.Request
	// Body is the encoded body (nil when none); HTTP.GetBody replays it.
	Body []byte
	// Secrets are credential values applied to the request, for masking.
	Secrets []string
	// PathParams, QueryParams, Headers hold the serialized values per name
	// for $request.path/query/header.
	PathParams  map[string]string
	QueryParams map[string]string
	// BodyValue is the payload as a Go value (for $request.body).
	BodyValue any
}

// Authorizer applies security requirements and caches OAuth2 tokens. The
// zero value with Credentials set is ready to use; safe for concurrent use.
type Authorizer struct {
	Credentials Credentials
	// HTTPClient is used for OAuth2 token requests (nil: http.DefaultClient).
	HTTPClient *http.Client
}

// Invalidate drops cached tokens for source (after a 401), so the next
// request fetches a fresh one.
func (a *Authorizer) Invalidate(source string) { panic("not implemented") }

// BuildRequest serializes parameters and body for op into an HTTP request.
func (op *Operation) BuildRequest(ctx context.Context, params []ParamValue, body *Body, opts RequestOptions) (*Request, error) {
	panic("not implemented")
}

// Response is a read and decoded HTTP response.
type Response struct {
	StatusCode  int
	Header      http.Header
	ContentType string
	// Raw is the body as read (capped).
	Raw []byte
	// Body is the decoded body: JSON as any with json.Number numbers, text
	// (including XML) as string, otherwise []byte; nil when empty.
	Body      any
	Truncated bool
}

// ReadResponse reads and decodes resp.Body (closing it), keeping at most
// maxBytes (0: 10 MiB).
func ReadResponse(resp *http.Response, maxBytes int64) (*Response, error) { panic("not implemented") }

// Finding is one response-validation finding.
type Finding struct {
	Message string
}

// ValidateResponse checks resp against the description (status documented,
// content type, schema). It never panics on broken descriptions.
func (op *Operation) ValidateResponse(ctx context.Context, req *Request, resp *Response) []Finding {
	panic("not implemented")
}
