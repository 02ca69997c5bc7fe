package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serve returns a real response from a loopback server.
func serve(t testing.TB, status int, ct, body string) *http.Response {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestReadResponse(t *testing.T) {
	r, err := ReadResponse(serve(t, 200, "application/problem+json; charset=utf-8", `{"n": 12345678901234567890.5, "a": [1]}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := r.Body.(map[string]any)
	if !ok || m["n"] != json.Number("12345678901234567890.5") || r.StatusCode != 200 {
		t.Errorf("json body = %#v", r.Body)
	}
	r, _ = ReadResponse(serve(t, 200, "application/xml", `<a>1</a>`), 0)
	if r.Body != "<a>1</a>" {
		t.Errorf("xml body = %#v", r.Body)
	}
	r, _ = ReadResponse(serve(t, 200, "text/plain", `hi`), 0)
	if r.Body != "hi" {
		t.Errorf("text body = %#v", r.Body)
	}
	r, _ = ReadResponse(serve(t, 200, "image/png", "\x89PNG"), 0)
	if b, ok := r.Body.([]byte); !ok || string(b) != "\x89PNG" {
		t.Errorf("binary body = %#v", r.Body)
	}
	r, _ = ReadResponse(serve(t, 204, "", ""), 0)
	if r.Body != nil || r.StatusCode != 204 {
		t.Errorf("empty body = %#v", r.Body)
	}
	r, _ = ReadResponse(serve(t, 200, "application/json", `{"a":"0123456789"}`), 5)
	if !r.Truncated || string(r.Raw) != `{"a":` || r.Body != `{"a":` {
		t.Errorf("truncated = %+v", r)
	}
	r, _ = ReadResponse(serve(t, 200, "application/json", `{bad`), 0)
	if r.Body != "{bad" {
		t.Errorf("bad json kept as string: %#v", r.Body)
	}
	if _, err := ReadResponse(nil, 0); err == nil {
		t.Error("nil response: want error")
	}
}

func TestValidateResponse(t *testing.T) {
	d := hookdeckDesc(t)
	ctx := context.Background()
	check := func(op string, status int, ct, body string, want ...string) {
		t.Helper()
		r, err := ReadResponse(serve(t, status, ct, body), 0)
		if err != nil {
			t.Fatal(err)
		}
		fs := d.OperationByID(op).ValidateResponse(ctx, nil, r)
		var got []string
		for _, f := range fs {
			got = append(got, f.Message)
		}
		if len(got) != len(want) {
			t.Errorf("%s %d %s: findings %q, want %d", op, status, body, got, len(want))
			return
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s %d: finding %q does not contain %q", op, status, got[i], w)
			}
		}
	}
	check("getSource", 200, "application/json", `{"id":"src_1","name":"n"}`)
	check("getSource", 200, "application/json", `{"id":1}`, "body: at /id: value must be a string", `body: at /name: property "name" is missing`)
	check("getSource", 404, "application/json", `{"message":"nope"}`, "documents no body")
	check("getSource", 500, "application/json", `{}`, "status 500 is not documented")
	check("getSource", 200, "text/html", `<html/>`, `content type "text/html" is not documented`)
	check("getSource", 200, "application/json", `not json`, "not valid JSON")
	check("attachIntegrationToSource", 200, "application/json", `{"success":true}`)
	check("attachIntegrationToSource", 200, "application/json", `{"success":"yes"}`, "at /success")

	// OpenAPI 3.0 dialect: nullable, boolean exclusiveMaximum, 2XX ranges,
	// and a broken schema that cannot compile becomes a finding.
	d30 := mustParse(t, `openapi: 3.0.3
paths:
  /a:
    get:
      operationId: a
      responses:
        2XX:
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  n: {type: integer, nullable: true, maximum: 10, exclusiveMaximum: true}
                  s: {$ref: '#/components/schemas/S'}
  /broken:
    get:
      operationId: broken
      responses:
        default:
          description: any
          content:
            application/json:
              schema: {type: object, pattern: "(", properties: {x: {$ref: '#/components/schemas/Nope'}}}
  /badpattern:
    get:
      operationId: badpattern
      responses:
        default:
          description: any
          content:
            "*/*":
              schema: {type: string, pattern: "(?<=a)"}
components:
  schemas:
    S: {type: string, enum: [x, y], nullable: true}
`, "")
	for _, c := range []struct {
		op, body string
		n        int
	}{
		{"a", `{"n":null,"s":null}`, 0},
		{"a", `{"n":9,"s":"x"}`, 0},
		{"a", `{"n":10}`, 1},
		{"a", `{"s":"z"}`, 1},
		{"broken", `{}`, 1},
		{"badpattern", `"a"`, 1},
	} {
		r, _ := ReadResponse(serve(t, 201, "application/json", c.body), 0)
		fs := d30.OperationByID(c.op).ValidateResponse(ctx, nil, r)
		if len(fs) != c.n {
			t.Errorf("%s %s: findings %v, want %d", c.op, c.body, fs, c.n)
		}
	}
}

// TestValidateCorpusHookdeck validates plausible responses against the real
// Hookdeck descriptions, whose schemas strict validators reject: findings
// are allowed, panics and hangs are not.
func TestValidateCorpusHookdeck(t *testing.T) {
	dir := corpusDir(t)
	for _, f := range []string{"hookdeck-sources-api-openapi.yml", "hookdeck-integrations-api-openapi.yml"} {
		d := mustParseFile(t, dir+"/hookdeck/openapi/"+f)
		n := 0
		for _, op := range d.Operations() {
			for _, body := range []string{`{"id":"x","name":"y","models":[],"pagination":{}}`, `[]`} {
				r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
				n += len(op.ValidateResponse(context.Background(), nil, r))
			}
		}
		t.Logf("%s: %d operations, %d findings", f, len(d.Operations()), n)
	}
}

func BenchmarkReadResponse100KB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"models":[`)
	for i := 0; sb.Len() < 100*1024; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"src_%08d","name":"source %d","url":"https://hkdk.events/%d","disabled_at":null,"n":%d.25,"ok":true}`, i, i, i, i)
	}
	sb.WriteString(`]}`)
	body := sb.String()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}
		r, err := ReadResponse(resp, 0)
		if err != nil || r.Body == nil {
			b.Fatal(err)
		}
	}
}

// Memory follows the bytes received, not the length a response declares:
// a response declaring 10 MiB that sends 2 bytes must not allocate MiBs.
func TestReadResponseMemoryFollowsBytes(t *testing.T) {
	const declared = 10 << 20
	n := allocDuring(func() {
		for i := 0; i < 10; i++ {
			resp := &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: declared,
				Body: io.NopCloser(strings.NewReader("ab"))}
			r, err := ReadResponse(resp, 0)
			if err != nil || string(r.Raw) != "ab" {
				t.Fatalf("%v %+v", err, r)
			}
		}
	})
	t.Logf("10 responses declaring 10 MiB, sending 2 bytes: %d bytes allocated", n)
	if n > 1<<20 {
		t.Errorf("10 responses declaring %d bytes and sending 2 allocated %d bytes", declared, n)
	}

	// The same over a real connection: the server declares 10 MiB, sends 2
	// bytes and hangs up, which is a short-body error.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\nab", declared)
		_ = buf.Flush()
		_ = conn.Close()
	}))
	defer srv.Close()
	var rerr error
	n = allocDuring(func() {
		resp, err := srv.Client().Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, rerr = ReadResponse(resp, 0)
	})
	if !errors.Is(rerr, io.ErrUnexpectedEOF) {
		t.Errorf("short body: error = %v, want io.ErrUnexpectedEOF", rerr)
	}
	t.Logf("hijacked response declaring 10 MiB, sending 2 bytes: %d bytes allocated", n)
	if n > 1<<20 {
		t.Errorf("a hijacked response declaring %d bytes and sending 2 allocated %d bytes", declared, n)
	}
}

// A body that streams in grows the buffer as it arrives and is read whole.
func TestReadResponseStreamsWhole(t *testing.T) {
	want := strings.Repeat("0123456789", 50_000) // 500 kB in chunks
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for i := 0; i < len(want); i += 7_000 {
			_, _ = io.WriteString(w, want[i:min(i+7_000, len(want))])
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ReadResponse(resp, 0)
	if err != nil || r.Body != want || r.Truncated {
		t.Fatalf("streamed body: %v, %d bytes, truncated %v", err, len(r.Raw), r.Truncated)
	}
}
