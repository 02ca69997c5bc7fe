package casefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Mock is one entry of a case's mocks: a request pattern, the response to
// give and how many times it may answer.
type Mock struct {
	Request  MockRequest  `yaml:"request" json:"request"`
	Response MockResponse `yaml:"response" json:"response"`
	// Times is how many requests the entry answers; 0 means any number.
	Times int `yaml:"times,omitempty" json:"times,omitempty"`
}

// MockRequest is a request pattern. Empty fields match anything. Method
// matches exactly (case-insensitively); Path exactly (the decoded or the
// escaped form); Query and Headers are subsets (header names
// case-insensitive; a scalar matches when it is one of the values, a list
// must equal the values in order); Body is a JSON subset: every listed
// member must match, arrays element by element with equal lengths,
// numbers by value. Form bodies compare as objects of strings, other
// bodies as text.
type MockRequest struct {
	Method  string         `yaml:"method,omitempty" json:"method,omitempty"`
	Path    string         `yaml:"path,omitempty" json:"path,omitempty"`
	Query   map[string]any `yaml:"query,omitempty" json:"query,omitempty"`
	Headers map[string]any `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    any            `yaml:"body,omitempty" json:"body,omitempty"`
}

// MockResponse is the response of a mock. Body is sent as JSON (with
// Content-Type application/json unless Headers say otherwise); BodyText is
// sent as is (text/plain unless Headers say otherwise). Status defaults to
// 200.
type MockResponse struct {
	Status   int            `yaml:"status,omitempty" json:"status,omitempty"`
	Headers  map[string]any `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body     any            `yaml:"body,omitempty" json:"body,omitempty"`
	BodyText *string        `yaml:"bodyText,omitempty" json:"bodyText,omitempty"`
}

// Call is one request received by a MockServer.
type Call struct {
	Method string
	// URL is the path and query as received.
	URL    string
	Header http.Header
	Body   []byte
	// Mock is the index of the entry that answered; -1 when none did.
	Mock   int
	Status int
}

// String formats the call as "METHOD /path?query -> status".
func (c Call) String() string {
	return fmt.Sprintf("%s %s -> %d", c.Method, c.URL, c.Status)
}

// MockServer is an http.Handler that answers requests from an ordered
// list of mocks: the first matching entry with calls left answers; a
// request no entry matches gets 501 and is recorded as unmatched. Safe for
// concurrent use.
type MockServer struct {
	mocks []Mock
	mu    sync.Mutex
	used  []int
	calls []Call
}

// NewMockServer returns a handler serving mocks.
func NewMockServer(mocks []Mock) *MockServer {
	ms := make([]Mock, len(mocks))
	for i, m := range mocks {
		m.Request.Body = normalize(m.Request.Body)
		m.Request.Query = normalizeMap(m.Request.Query)
		m.Request.Headers = normalizeMap(m.Request.Headers)
		ms[i] = m
	}
	return &MockServer{mocks: ms, used: make([]int, len(mocks))}
}

// Calls returns the requests received so far, in order.
func (s *MockServer) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Unmatched returns the requests no mock answered.
func (s *MockServer) Unmatched() []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Mock < 0 {
			out = append(out, c)
		}
	}
	return out
}

// ServeHTTP answers r from the mocks.
func (s *MockServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	s.mu.Lock()
	idx := -1
	for i, m := range s.mocks {
		if m.Times > 0 && s.used[i] >= m.Times {
			continue
		}
		if matchRequest(&m.Request, r, body) {
			idx = i
			s.used[i]++
			break
		}
	}
	call := Call{Method: r.Method, URL: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body, Mock: idx}
	if idx < 0 {
		call.Status = http.StatusNotImplemented
		s.calls = append(s.calls, call)
		s.mu.Unlock()
		http.Error(w, "arazzotest: no mock matches "+r.Method+" "+r.URL.RequestURI(), http.StatusNotImplemented)
		return
	}
	resp := s.mocks[idx].Response
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	call.Status = status
	s.calls = append(s.calls, call)
	s.mu.Unlock()

	var payload []byte
	contentType := ""
	switch {
	case resp.BodyText != nil:
		payload = []byte(*resp.BodyText)
		contentType = "text/plain; charset=utf-8"
	case resp.Body != nil:
		b, err := json.Marshal(resp.Body)
		if err != nil {
			http.Error(w, "arazzotest: mock body: "+err.Error(), http.StatusInternalServerError)
			return
		}
		payload = b
		contentType = "application/json"
	}
	names := make([]string, 0, len(resp.Headers))
	for k := range resp.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch v := resp.Headers[k].(type) {
		case []any:
			for _, e := range v {
				w.Header().Add(k, scalarString(e))
			}
		default:
			w.Header().Set(k, scalarString(v))
		}
	}
	if contentType != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	w.Write(payload)
}

func matchRequest(m *MockRequest, r *http.Request, body []byte) bool {
	if m.Method != "" && !strings.EqualFold(m.Method, r.Method) {
		return false
	}
	if m.Path != "" && m.Path != r.URL.Path && m.Path != r.URL.EscapedPath() {
		return false
	}
	q := r.URL.Query()
	for name, want := range m.Query {
		if !matchValues(want, q[name]) {
			return false
		}
	}
	for name, want := range m.Headers {
		if !matchValues(want, r.Header.Values(name)) {
			return false
		}
	}
	if m.Body != nil && !subset(m.Body, decodeBody(r.Header.Get("Content-Type"), body)) {
		return false
	}
	return true
}

// matchValues: a scalar is one of the values; a list equals the values.
func matchValues(want any, got []string) bool {
	if list, ok := want.([]any); ok {
		if len(list) != len(got) {
			return false
		}
		for i, w := range list {
			if scalarString(w) != got[i] {
				return false
			}
		}
		return true
	}
	ws := scalarString(want)
	for _, g := range got {
		if g == ws {
			return true
		}
	}
	return false
}

// decodeBody decodes a request body by its media type: JSON as JSON
// (numbers as json.Number), form bodies as objects of strings (lists for
// repeated names), anything else as text.
func decodeBody(contentType string, body []byte) any {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "" && json.Valid(body):
		if v, err := decodeJSON(body); err == nil {
			return v
		}
	case mt == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err == nil {
			obj := map[string]any{}
			for k, vs := range vals {
				if len(vs) == 1 {
					obj[k] = vs[0]
				} else {
					list := make([]any, len(vs))
					for i, v := range vs {
						list[i] = v
					}
					obj[k] = list
				}
			}
			return obj
		}
	}
	return string(body)
}

func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after JSON value")
	}
	return v, nil
}

// normalize turns YAML-decoded values into JSON-decoded ones (json.Number
// numbers, map[string]any objects).
func normalize(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	n, err := decodeJSON(b)
	if err != nil {
		return v
	}
	return n
}

func normalizeMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = normalize(v)
	}
	return out
}

// scalarString formats a scalar the way it appears in a URL or header.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// subset reports whether got contains want: objects by listed members,
// arrays element by element (same length), numbers by value, other
// scalars by equality.
func subset(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok || !subset(wv, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subset(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return jsonvalue.Equal(want, got)
}

// jsonEqual reports whether two JSON-like values are equal, numbers by
// value.
func jsonEqual(a, b any) bool {
	a, b = normalize(a), normalize(b)
	return jsonvalue.Equal(a, b)
}
