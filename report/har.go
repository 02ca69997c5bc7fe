package report

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/weftflow/weft/runtime"
)

// HAR is an HTTP Archive 1.2 document (the "log" object and its parts,
// with the fields browsers' developer tools require).
type HAR struct {
	Log HARLog `json:"log"`
}

// HARLog is the log object of a HAR.
type HARLog struct {
	Version string     `json:"version"`
	Creator HARCreator `json:"creator"`
	Pages   []any      `json:"pages"`
	Entries []HAREntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
}

// HARCreator names the program that wrote the HAR.
type HARCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// HAREntry is one HTTP exchange.
type HAREntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         HARRequest  `json:"request"`
	Response        HARResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         HARTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
}

// HARRequest is the request of an entry.
type HARRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []HARNameValue `json:"cookies"`
	Headers     []HARNameValue `json:"headers"`
	QueryString []HARNameValue `json:"queryString"`
	PostData    *HARPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

// HARPostData is a request body.
type HARPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

// HARResponse is the response of an entry; status 0 when none arrived.
type HARResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []HARNameValue `json:"cookies"`
	Headers     []HARNameValue `json:"headers"`
	Content     HARContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

// HARContent is a response body.
type HARContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// HARTimings are the phases of an exchange in milliseconds (-1: unknown).
type HARTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// HARNameValue is a header, cookie or query parameter.
type HARNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// BuildHAR turns recorded exchanges into a HAR 1.2 document, one entry per
// exchange in the order the requests were sent (an OAuth2 token request
// before the request that needed it, its comment ending in "(OAuth2 token
// request)"). The
// exchanges come from the runtime's observer events, so URLs, headers and
// bodies are masked; cookies are read from those masked headers.
func BuildHAR(exchanges []Exchange, creatorVersion string) HAR {
	h := HAR{Log: HARLog{Version: "1.2", Creator: HARCreator{Name: "weft", Version: creatorVersion},
		Pages: []any{}, Entries: []HAREntry{}}}
	for _, ex := range exchanges {
		h.Log.Entries = append(h.Log.Entries, harEntry(ex))
	}
	return h
}

func harEntry(ex Exchange) HAREntry {
	q := ex.Request
	e := HAREntry{
		StartedDateTime: ex.Started.UTC().Format(time.RFC3339Nano),
		Comment:         ex.Step.WorkflowID + "/" + ex.Step.StepID,
		Request: HARRequest{
			Method: q.Method, URL: q.URL, HTTPVersion: "HTTP/1.1",
			Cookies: reqCookies(q.Header), Headers: harHeaders(q.Header), QueryString: harQuery(q.URL),
			HeadersSize: -1, BodySize: len(q.Body),
		},
		Timings: HARTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1},
	}
	if q.Kind == runtime.KindToken {
		e.Comment += " (OAuth2 token request)"
	}
	if len(q.Body) > 0 {
		e.Request.PostData = &HARPostData{MimeType: q.Header.Get("Content-Type"), Text: string([]rune(string(q.Body)))}
	}
	p := ex.Response
	if p == nil {
		e.Response = HARResponse{HTTPVersion: "HTTP/1.1", Cookies: []HARNameValue{}, Headers: []HARNameValue{},
			Content: HARContent{MimeType: "x-unknown"}, HeadersSize: -1, BodySize: -1}
		e.Comment += " (no response)"
		return e
	}
	ms := float64(p.Duration) / float64(time.Millisecond)
	e.Time = ms
	e.Timings.Wait = ms
	mt := p.Header.Get("Content-Type")
	if mt == "" {
		mt = "x-unknown"
	}
	e.Response = HARResponse{
		Status: p.StatusCode, StatusText: http.StatusText(p.StatusCode), HTTPVersion: "HTTP/1.1",
		Cookies: respCookies(p.Header), Headers: harHeaders(p.Header),
		Content:     HARContent{Size: len(p.Body), MimeType: mt},
		RedirectURL: p.Header.Get("Location"), HeadersSize: -1, BodySize: len(p.Body),
	}
	if len(p.Body) > 0 {
		if utf8.Valid(p.Body) {
			e.Response.Content.Text = string(p.Body)
		} else {
			e.Response.Content.Text = base64Std(p.Body)
			e.Response.Content.Encoding = "base64"
		}
	}
	return e
}

func harHeaders(h http.Header) []HARNameValue {
	out := []HARNameValue{}
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			out = append(out, HARNameValue{Name: k, Value: v})
		}
	}
	return out
}

func harQuery(raw string) []HARNameValue {
	out := []HARNameValue{}
	u, err := url.Parse(raw)
	if err != nil {
		return out
	}
	vals, _ := url.ParseQuery(u.RawQuery)
	for _, k := range sortedStrings(vals) {
		for _, v := range vals[k] {
			out = append(out, HARNameValue{Name: k, Value: v})
		}
	}
	return out
}

func reqCookies(h http.Header) []HARNameValue {
	out := []HARNameValue{}
	r := http.Request{Header: h}
	for _, c := range r.Cookies() {
		out = append(out, HARNameValue{Name: c.Name, Value: c.Value})
	}
	return out
}

func respCookies(h http.Header) []HARNameValue {
	out := []HARNameValue{}
	r := http.Response{Header: h}
	for _, c := range r.Cookies() {
		out = append(out, HARNameValue{Name: c.Name, Value: c.Value})
	}
	return out
}

// WriteHAR writes the HAR of exchanges to w.
func WriteHAR(w io.Writer, exchanges []Exchange, creatorVersion string) error {
	return Encode(w, BuildHAR(exchanges, creatorVersion))
}

func sortedStrings(v url.Values) []string {
	ks := make([]string, 0, len(v))
	for k := range v {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
