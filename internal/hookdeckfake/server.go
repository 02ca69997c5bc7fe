package hookdeckfake

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// APIVersion is the Hookdeck API version the fake serves; every path starts
// with "/" + APIVersion.
const APIVersion = "2025-07-01"

// BasePath is the path prefix of every operation, "/2025-07-01".
const BasePath = "/" + APIVersion

// DefaultAPIKey is the key a Server accepts when no WithAPIKeys option is
// given. It is a fixed, public test value, not a secret.
const DefaultAPIKey = "weft-fake-hookdeck-key"

// maxBody caps the size of a request body the fake reads.
const maxBody = 1 << 20

// Option configures a Server.
type Option func(*config)

type config struct {
	keys         []string
	specFS       fs.FS
	connIDFields bool
	now          func() time.Time
}

// WithAPIKeys sets the API keys the fake accepts (replacing DefaultAPIKey).
// Empty keys are ignored.
func WithAPIKeys(keys ...string) Option {
	return func(c *config) {
		c.keys = nil
		for _, k := range keys {
			if k != "" {
				c.keys = append(c.keys, k)
			}
		}
	}
}

// WithSpecFS names the file system that holds the OpenAPI descriptions, at
// its root, under the names of SpecFiles. Without it (or WithSpecDir) New
// looks for testdata/hookdeck/openapi in the enclosing Go module.
func WithSpecFS(fsys fs.FS) Option {
	return func(c *config) { c.specFS = fsys }
}

// WithSpecDir is WithSpecFS for a directory on disk.
func WithSpecDir(dir string) Option {
	return func(c *config) { c.specFS = dirFS(dir) }
}

// WithConnectionIDFields makes connections carry "source_id" and
// "destination_id" besides the embedded "source" and "destination" objects.
// The published API does not return these two fields; some workflow
// documents read them anyway.
func WithConnectionIDFields() Option {
	return func(c *config) { c.connIDFields = true }
}

// WithClock sets the clock used for timestamps (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// Call is one request the fake answered.
type Call struct {
	// OperationID is the operation the request was routed to, or "" when
	// it matched none.
	OperationID string
	// Method and Path are the request's method and URL path.
	Method, Path string
	// Status is the HTTP status of the answer.
	Status int
}

type fault struct {
	remaining int
	status    int
}

// Server is the fake Hookdeck API. Create it with New.
type Server struct {
	keys         [][]byte
	routers      []routers.Router
	docs         []*openapi3.T
	connIDFields bool
	now          func() time.Time

	mu               sync.Mutex
	st               *store
	faults           map[string]*fault
	attachFails      bool
	forcedRunLevel   string
	calls            []Call
	handlersByOperID map[string]opHandler
}

// New builds a Server. It loads and validates the OpenAPI descriptions and
// fails when they cannot be found or are invalid.
func New(opts ...Option) (*Server, error) {
	c := config{keys: []string{DefaultAPIKey}, now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	if len(c.keys) == 0 {
		return nil, errors.New("hookdeckfake: no API key configured")
	}
	if c.specFS == nil {
		dir, err := FindSpecDir()
		if err != nil {
			return nil, err
		}
		c.specFS = dirFS(dir)
	}
	docs, err := LoadSpecs(c.specFS)
	if err != nil {
		return nil, err
	}
	s := &Server{
		connIDFields: c.connIDFields,
		now:          c.now,
		faults:       map[string]*fault{},
	}
	for _, k := range c.keys {
		s.keys = append(s.keys, []byte(k))
	}
	for _, name := range SpecFiles {
		doc := docs[name]
		// The fake strips BasePath itself; route on paths alone.
		doc.Servers = nil
		r, err := newRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("hookdeckfake: routing %s: %w", name, err)
		}
		s.routers = append(s.routers, r)
		s.docs = append(s.docs, doc)
	}
	s.st = newStore(s.now)
	s.handlersByOperID = operationHandlers()
	return s, nil
}

// Handler returns the fake as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// Running is a fake served on a loopback port.
type Running struct {
	*Server
	// URL is the server's root, e.g. http://127.0.0.1:41234.
	URL string
	// APIURL is URL + BasePath: the server URL to give a workflow.
	APIURL string
	ts     *httptest.Server
}

// Close shuts the listener down and waits for requests in flight.
func (r *Running) Close() { r.ts.Close() }

// Client returns an *http.Client for the running server.
func (r *Running) Client() *http.Client { return r.ts.Client() }

// Start serves the fake on a loopback port. Call Close when done.
func (s *Server) Start() *Running {
	ts := httptest.NewServer(s)
	return &Running{Server: s, URL: ts.URL, APIURL: ts.URL + BasePath, ts: ts}
}

// FailNext makes the next n calls to operationID answer status with a
// Hookdeck-style error body, before authentication and validation. n <= 0
// clears the fault.
func (s *Server) FailNext(operationID string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.faults, operationID)
		return
	}
	s.faults[operationID] = &fault{remaining: n, status: status}
}

// SetAttachResult sets what attachIntegrationToSource answers: true (the
// default) attaches and answers {"success": true}; false answers
// {"success": false} with status 200 and changes nothing.
func (s *Server) SetAttachResult(success bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachFails = !success
}

// ForceRunLogLevel makes testTransformation report this log level (one of
// debug, info, warn, error, fatal) whatever the code. "" restores the
// default heuristic.
func (s *Server) ForceRunLogLevel(level string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forcedRunLevel = level
}

// Calls returns a copy of the requests answered so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Reset forgets every resource, fault and recorded call.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newStore(s.now)
	s.faults = map[string]*fault{}
	s.attachFails = false
	s.forcedRunLevel = ""
	s.calls = nil
}

// apiError is an error answer in Hookdeck's shape.
type apiError struct {
	Code    string `json:"code"`
	Handled bool   `json:"handled"`
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func newError(status int, message string, data any) *apiError {
	return &apiError{Code: errorCode(status), Handled: true, Status: status, Message: message, Data: data}
}

func errorCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "BAD_REQUEST"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusConflict:
		return "CONFLICT"
	case http.StatusGone:
		return "GONE"
	case http.StatusRequestEntityTooLarge:
		return "PAYLOAD_TOO_LARGE"
	case http.StatusUnprocessableEntity:
		return "UNPROCESSABLE_ENTITY"
	case http.StatusTooManyRequests:
		return "TOO_MANY_REQUESTS"
	}
	if status >= 500 {
		return "INTERNAL_SERVER_ERROR"
	}
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

// recorder remembers the status written.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"INTERNAL_SERVER_ERROR","handled":false,"status":500,"message":"could not encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.Status, e) }

// ServeHTTP answers one request: prefix, routing, injected faults,
// authentication, validation, then the operation itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	opID := s.serve(rec, r)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{OperationID: opID, Method: r.Method, Path: r.URL.Path, Status: status})
	s.mu.Unlock()
}

// A panic in serve is a bug of the fake's: it is not recovered here, so
// that it is seen (net/http's server logs it with its stack and closes the
// connection; a test calling ServeHTTP directly fails with it).
func (s *Server) serve(w http.ResponseWriter, r *http.Request) (opID string) {
	rest, ok := strings.CutPrefix(r.URL.Path, BasePath)
	if !ok || (rest != "" && rest[0] != '/') {
		writeError(w, newError(http.StatusNotFound, fmt.Sprintf("Not Found: paths start with %s", BasePath), nil))
		return ""
	}

	// Route on a copy of the request whose path lacks the prefix.
	rr := r.Clone(r.Context())
	u := *r.URL
	u.Path = rest
	u.RawPath = ""
	rr.URL = &u

	route, params, rerr := s.findRoute(rr)
	if rerr != nil {
		if errors.Is(rerr, routers.ErrMethodNotAllowed) || strings.Contains(rerr.Error(), routers.ErrMethodNotAllowed.Error()) {
			writeError(w, newError(http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on %s", r.Method, r.URL.Path), nil))
		} else {
			writeError(w, newError(http.StatusNotFound, "Not Found", nil))
		}
		return ""
	}
	for _, v := range params {
		if v == "" {
			// The router lets a trailing parameter match nothing
			// (DELETE /sources would reach /sources/{id}).
			status, msg := http.StatusNotFound, "Not Found"
			if s.pathDeclared(rest) {
				status, msg = http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed on %s", r.Method, r.URL.Path)
			}
			writeError(w, newError(status, msg, nil))
			return ""
		}
	}
	opID = route.Operation.OperationID

	if f := s.takeFault(opID); f != 0 {
		writeError(w, newError(f, fmt.Sprintf("Injected failure for %s", opID), nil))
		return opID
	}

	if !s.authorized(r.Header.Get("Authorization")) {
		writeError(w, newError(http.StatusUnauthorized, "Unauthorized: send the API key as a bearer token or as the Basic user name", nil))
		return opID
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, newError(http.StatusRequestEntityTooLarge, "Request body too large", nil))
		} else {
			writeError(w, newError(http.StatusBadRequest, "Could not read the request body", nil))
		}
		return opID
	}
	if len(bytes.TrimSpace(body)) > 0 && rr.Header.Get("Content-Type") == "" {
		// The API takes JSON whether or not the header says so.
		rr.Header.Set("Content-Type", "application/json")
	}
	var decoded any
	if len(bytes.TrimSpace(body)) > 0 && route.Operation.RequestBody != nil {
		if err := json.Unmarshal(body, &decoded); err != nil {
			writeError(w, newError(http.StatusBadRequest, "The request body is not valid JSON", nil))
			return opID
		}
	}
	rr.Body = io.NopCloser(bytes.NewReader(body))
	rr.ContentLength = int64(len(body))

	if e := s.validate(rr, route, params); e != nil {
		writeError(w, e)
		return opID
	}

	h, ok := s.handlersByOperID[opID]
	if !ok {
		writeError(w, newError(http.StatusNotImplemented, fmt.Sprintf("The fake does not implement %s", opID), nil))
		return opID
	}
	obj, _ := decoded.(map[string]any)
	req := &request{params: params, query: r.URL.Query(), body: obj}
	s.mu.Lock()
	status, out := h(s, req)
	s.mu.Unlock()
	if e, ok := out.(*apiError); ok {
		writeError(w, e)
		return opID
	}
	writeJSON(w, status, out)
	return opID
}

func (s *Server) findRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	var first error
	for _, rt := range s.routers {
		route, params, err := rt.FindRoute(r)
		if err == nil {
			return route, params, nil
		}
		// Prefer "method not allowed" over "not found" from other documents.
		if first == nil || strings.Contains(err.Error(), routers.ErrMethodNotAllowed.Error()) {
			first = err
		}
	}
	return nil, nil, first
}

// pathDeclared reports whether some description declares this exact path.
func (s *Server) pathDeclared(path string) bool {
	for _, d := range s.docs {
		if d.Paths.Value(path) != nil {
			return true
		}
	}
	return false
}

func (s *Server) takeFault(opID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults[opID]
	if f == nil {
		return 0
	}
	f.remaining--
	if f.remaining <= 0 {
		delete(s.faults, opID)
	}
	return f.status
}

// authorized reports whether the Authorization header carries an accepted
// key, as a bearer token or as the Basic user name with an empty password.
func (s *Server) authorized(h string) bool {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return false
	}
	cred = strings.TrimSpace(cred)
	var key string
	switch strings.ToLower(scheme) {
	case "bearer":
		key = cred
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return false
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok || pass != "" {
			return false
		}
		key = user
	default:
		return false
	}
	if key == "" {
		return false
	}
	good := 0
	for _, k := range s.keys {
		good |= subtle.ConstantTimeCompare(k, []byte(key))
	}
	return good == 1
}

// validate checks the request against the operation in the OpenAPI
// description. Messages name the failing location and the reason, never the
// offending value, so secrets sent in a body are not echoed.
func (s *Server) validate(r *http.Request, route *routers.Route, params map[string]string) *apiError {
	in := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	err := openapi3filter.ValidateRequest(r.Context(), in)
	if err == nil {
		return nil
	}
	var problems []string
	collectProblems(err, &problems)
	if len(problems) == 0 {
		problems = []string{"the request does not match the API description"}
	}
	return newError(http.StatusUnprocessableEntity, problems[0], problems)
}

func collectProblems(err error, out *[]string) {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			collectProblems(e, out)
		}
		return
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		where := "body"
		if re.Parameter != nil {
			where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
		}
		if re.Err != nil {
			var inner openapi3.MultiError
			if errors.As(re.Err, &inner) {
				for _, e := range inner {
					*out = append(*out, describe(where, e))
				}
				return
			}
			*out = append(*out, describe(where, re.Err))
			return
		}
		*out = append(*out, fmt.Sprintf("%s: %s", where, re.Reason))
		return
	}
	where := "request"
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		where = "body"
	}
	*out = append(*out, describe(where, err))
}

func describe(where string, err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		ptr := strings.Join(se.JSONPointer(), "/")
		if ptr != "" {
			where += " /" + ptr
		}
		reason := se.Reason
		// Enum failures list every allowed value; keep the message short.
		if i := strings.Index(reason, "allowed values"); i >= 0 {
			reason = reason[:i+len("allowed values")]
		}
		return fmt.Sprintf("%s: %s", where, reason)
	}
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		if pe.Kind == openapi3filter.KindInvalidFormat {
			return fmt.Sprintf("%s: has an invalid format", where)
		}
		return fmt.Sprintf("%s: cannot be parsed", where)
	}
	msg := err.Error()
	if errors.Is(err, openapi3filter.ErrInvalidRequired) || strings.Contains(msg, "value is required") {
		return fmt.Sprintf("%s: is required", where)
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Sprintf("%s: %s", where, msg)
}
