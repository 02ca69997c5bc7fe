package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// wire is what the test server saw.
type wire struct {
	Method, URI string
	Header      http.Header
	Body        []byte
}

// recorder is a real loopback server recording every request.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []wire
}

func newRecorder(t testing.TB) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, wire{req.Method, req.RequestURI, req.Header.Clone(), b})
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) last() wire {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[len(r.reqs)-1]
}

// send builds and sends a request, returning what the server saw.
func send(t *testing.T, rec *recorder, op *Operation, params []ParamValue, body *Body, opts RequestOptions) (wire, *Request) {
	t.Helper()
	if opts.BaseURL == "" {
		opts.BaseURL = rec.URL
	}
	req, err := op.BuildRequest(context.Background(), params, body, opts)
	if err != nil {
		t.Fatalf("BuildRequest: %v", err)
	}
	resp, err := rec.Client().Do(req.HTTP)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return rec.last(), req
}

func styleDoc(in, style string, explode bool, path string) string {
	return fmt.Sprintf(`openapi: 3.0.3
paths:
  %s:
    get:
      operationId: op
      parameters:
        - {name: id, in: %s, required: true, style: %s, explode: %v, schema: {}}
      responses: {"200": {description: ok}}
`, path, in, style, explode)
}

var (
	prim = 5
	arr  = []any{3, 4, 5}
	obj  = map[string]any{"role": "admin", "firstName": "Alex"}
)

func TestParameterStylesOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	type tc struct {
		in, style string
		explode   bool
		value     any
		want      string // path+query for path/query, header value, or Cookie header
	}
	cases := []tc{
		// path (OpenAPI 3 style table; object keys sorted)
		{"path", "simple", false, prim, "/p/5"},
		{"path", "simple", true, prim, "/p/5"},
		{"path", "simple", false, arr, "/p/3,4,5"},
		{"path", "simple", true, arr, "/p/3,4,5"},
		{"path", "simple", false, obj, "/p/firstName,Alex,role,admin"},
		{"path", "simple", true, obj, "/p/firstName=Alex,role=admin"},
		{"path", "label", false, prim, "/p/.5"},
		{"path", "label", true, prim, "/p/.5"},
		{"path", "label", false, arr, "/p/.3,4,5"},
		{"path", "label", true, arr, "/p/.3.4.5"},
		{"path", "label", false, obj, "/p/.firstName,Alex,role,admin"},
		{"path", "label", true, obj, "/p/.firstName=Alex.role=admin"},
		{"path", "matrix", false, prim, "/p/;id=5"},
		{"path", "matrix", true, prim, "/p/;id=5"},
		{"path", "matrix", false, arr, "/p/;id=3,4,5"},
		{"path", "matrix", true, arr, "/p/;id=3;id=4;id=5"},
		{"path", "matrix", false, obj, "/p/;id=firstName,Alex,role,admin"},
		{"path", "matrix", true, obj, "/p/;firstName=Alex;role=admin"},
		{"path", "simple", false, "a/b c?d%", "/p/a%2Fb%20c%3Fd%25"},
		// query
		{"query", "form", false, prim, "/q?id=5"},
		{"query", "form", true, prim, "/q?id=5"},
		{"query", "form", false, arr, "/q?id=3,4,5"},
		{"query", "form", true, arr, "/q?id=3&id=4&id=5"},
		{"query", "form", false, obj, "/q?id=firstName,Alex,role,admin"},
		{"query", "form", true, obj, "/q?firstName=Alex&role=admin"},
		{"query", "spaceDelimited", false, arr, "/q?id=3%204%205"},
		{"query", "spaceDelimited", true, arr, "/q?id=3&id=4&id=5"},
		{"query", "spaceDelimited", false, obj, "/q?id=firstName%20Alex%20role%20admin"},
		{"query", "spaceDelimited", true, obj, "/q?firstName=Alex&role=admin"},
		{"query", "pipeDelimited", false, arr, "/q?id=3|4|5"},
		{"query", "pipeDelimited", true, arr, "/q?id=3&id=4&id=5"},
		{"query", "pipeDelimited", false, obj, "/q?id=firstName|Alex|role|admin"},
		{"query", "pipeDelimited", true, obj, "/q?firstName=Alex&role=admin"},
		{"query", "deepObject", true, obj, "/q?id[firstName]=Alex&id[role]=admin"},
		{"query", "deepObject", true, map[string]any{"a": map[string]any{"b": 1}}, "/q?id[a][b]=1"},
		{"query", "form", true, "x&y=z é", "/q?id=x%26y%3Dz%20%C3%A9"},
		// header
		{"header", "simple", false, prim, "5"},
		{"header", "simple", true, prim, "5"},
		{"header", "simple", false, arr, "3,4,5"},
		{"header", "simple", true, arr, "3,4,5"},
		{"header", "simple", false, obj, "firstName,Alex,role,admin"},
		{"header", "simple", true, obj, "firstName=Alex,role=admin"},
		// cookie
		{"cookie", "form", false, prim, "id=5"},
		{"cookie", "form", true, prim, "id=5"},
		{"cookie", "form", false, arr, "id=3,4,5"},
		{"cookie", "form", true, arr, "id=3; id=4; id=5"},
		{"cookie", "form", false, obj, "id=firstName,Alex,role,admin"},
		{"cookie", "form", true, obj, "firstName=Alex; role=admin"},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%s/explode=%v/%v", c.in, c.style, c.explode, c.value)
		t.Run(name, func(t *testing.T) {
			path := "/q"
			if c.in == "path" {
				path = "/p/{id}"
			}
			d := mustParse(t, styleDoc(c.in, c.style, c.explode, path), "")
			w, _ := send(t, rec, d.OperationByID("op"), []ParamValue{{Name: "id", In: c.in, Value: c.value}}, nil, RequestOptions{})
			var got string
			switch c.in {
			case "path", "query":
				got = w.URI
			case "header":
				got = w.Header.Get("Id")
			case "cookie":
				got = w.Header.Get("Cookie")
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestAllowReservedAndUndeclared(t *testing.T) {
	rec := newRecorder(t)
	d := mustParse(t, `openapi: 3.1.0
paths:
  /items/{itemId}:
    parameters:
      - {name: itemId, in: path, required: true, schema: {type: string}}
      - {name: filter, in: query, schema: {type: string}}
    get:
      operationId: get
      parameters:
        - {name: filter, in: query, allowReserved: true, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {"200": {description: ok}}
`, "")
	op := d.OperationByID("get")
	w, req := send(t, rec, op, []ParamValue{
		{Name: "itemId", In: "path", Value: "a b"},
		{Name: "filter", In: "query", Value: "a/b?c=d"},
		{Name: "extra", In: "query", Value: []any{"x", "y"}},
		{Name: "x-trace", In: "header", Value: "t1"},
		{Name: "X-Undeclared", In: "header", Value: []any{1, 2}},
		{Name: "session", In: "cookie", Value: "s 1"},
	}, nil, RequestOptions{})
	if w.URI != "/items/a%20b?filter=a/b?c=d&extra=x&extra=y" {
		t.Errorf("URI = %q", w.URI)
	}
	if w.Header.Get("X-Trace") != "t1" || w.Header.Get("X-Undeclared") != "1,2" || w.Header.Get("Cookie") != "session=s%201" {
		t.Errorf("headers = %v", w.Header)
	}
	if req.PathParams["itemId"] != "a%20b" || req.QueryParams["filter"] != "a/b?c=d" {
		t.Errorf("request maps = %v %v", req.PathParams, req.QueryParams)
	}
	// Missing path parameter and bad style are errors, not panics.
	if _, err := op.BuildRequest(context.Background(), nil, nil, RequestOptions{BaseURL: rec.URL}); err == nil || !strings.Contains(err.Error(), "itemId") {
		t.Errorf("missing path param: %v", err)
	}
	if _, err := op.BuildRequest(context.Background(), []ParamValue{{Name: "itemId", In: "body", Value: 1}}, nil, RequestOptions{BaseURL: rec.URL}); err == nil {
		t.Error("bad location: want error")
	}
	if _, err := op.BuildRequest(context.Background(), []ParamValue{{Name: "itemId", In: "path", Value: 1}, {Name: "X", In: "header", Value: "a\r\nb"}}, nil, RequestOptions{BaseURL: rec.URL}); err == nil {
		t.Error("header injection: want error")
	}
}

func TestServerSelection(t *testing.T) {
	d := mustParse(t, petsYAML, "https://example.com/specs/pets.yaml")
	ctx := context.Background()
	check := func(op, override string, vars map[string]string, want string) {
		t.Helper()
		got, err := d.OperationByID(op).BaseURL(ctx, override, vars)
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", op, got, err, want)
		}
	}
	check("listPets", "", nil, "https://pets.example.com")                                // path item
	check("createPet", "", nil, "https://example.com/relative/base")                      // operation, relative
	check("getPet", "", nil, "https://api.example.com/v1")                                // document, default var
	check("getPet", "", map[string]string{"version": "v2"}, "https://api.example.com/v2") // caller var
	check("getPet", "http://localhost:8080/base/", nil, "http://localhost:8080/base")     // override
	if _, err := d.OperationByID("getPet").BaseURL(ctx, "not a url", nil); err == nil {
		t.Error("bad override: want error")
	}
	// relative server with a file location: error that says what to do
	df := mustParse(t, "openapi: 3.0.0\nservers: [{url: /v1}]\npaths: {/a: {get: {operationId: a}}}", "file:///tmp/x.yaml")
	if _, err := df.OperationByID("a").BaseURL(ctx, "", nil); err == nil || !strings.Contains(err.Error(), "base URL") {
		t.Errorf("relative server from file: %v", err)
	}
	// no servers: "/" relative to the document
	dn := mustParse(t, "openapi: 3.0.0\npaths: {/a: {get: {operationId: a}}}", "https://h.example/docs/api.yaml")
	if got, _ := dn.OperationByID("a").BaseURL(ctx, "", nil); got != "https://h.example" {
		t.Errorf("no servers: %q", got)
	}
	// Swagger 2.0
	ds := mustParse(t, "swagger: '2.0'\nhost: api.example.com\nbasePath: /v2\npaths: {/a: {get: {operationId: a}}}", "")
	if got, _ := ds.OperationByID("a").BaseURL(ctx, "", nil); got != "https://api.example.com/v2" {
		t.Errorf("swagger: %q", got)
	}
}

const bodiesYAML = `openapi: 3.0.3
paths:
  /json:
    post:
      operationId: json
      requestBody:
        $ref: '#/components/requestBodies/J'
      responses: {"200": {description: ok}}
  /form:
    post:
      operationId: form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            encoding:
              tags: {style: form, explode: false}
              meta: {contentType: application/json}
      responses: {"200": {description: ok}}
  /multi:
    post:
      operationId: multi
      requestBody:
        content:
          multipart/form-data:
            encoding:
              file: {contentType: image/png}
      responses: {"200": {description: ok}}
  /xml:
    post:
      operationId: xml
      requestBody:
        content:
          application/xml: {}
      responses: {"200": {description: ok}}
  /text:
    post:
      operationId: text
      requestBody:
        content:
          text/plain: {}
          application/json: {}
      responses: {"200": {description: ok}}
  /raw:
    put:
      operationId: raw
      requestBody:
        content:
          application/octet-stream: {}
      responses: {"200": {description: ok}}
  /none:
    post:
      operationId: none
      responses: {"200": {description: ok}}
components:
  requestBodies:
    J:
      content:
        application/vnd.api+json: {}
`

func TestBodiesOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	d := mustParse(t, bodiesYAML, "")
	op := d.OperationByID

	// JSON (media type from a $ref'd requestBody), numbers exact, replacements
	w, req := send(t, rec, op("json"), nil, &Body{
		Value: map[string]any{"name": "a<b", "n": jsonNumber("12345678901234567890"), "list": []any{1, 2}},
		Replacements: []Replacement{
			{Target: "/name", Value: "replaced"},
			{Target: "/list/1", Value: map[string]any{"x": true}},
			{Target: "/list/-", Value: 3},
			{Target: "/new", Value: nil},
		},
	}, RequestOptions{})
	if string(w.Body) != `{"list":[1,{"x":true},3],"n":12345678901234567890,"name":"replaced","new":null}` {
		t.Errorf("json body = %s", w.Body)
	}
	if w.Header.Get("Content-Type") != "application/vnd.api+json" || w.Header.Get("Content-Length") != fmt.Sprint(len(w.Body)) {
		t.Errorf("json headers = %v", w.Header)
	}
	if m, ok := req.BodyValue.(map[string]any); !ok || m["name"] != "replaced" {
		t.Errorf("BodyValue = %#v", req.BodyValue)
	}
	if rc, err := req.HTTP.GetBody(); err != nil {
		t.Fatal(err)
	} else if b, _ := io.ReadAll(rc); string(b) != string(w.Body) {
		t.Errorf("GetBody replays %q", b)
	}
	// A JSON string payload with replacements is decoded first.
	w, _ = send(t, rec, op("json"), nil, &Body{Value: `{"a":{"b":1}}`, Replacements: []Replacement{{Target: "#/a/b", Value: 2}}}, RequestOptions{})
	if string(w.Body) != `{"a":{"b":2}}` {
		t.Errorf("json string body = %s", w.Body)
	}
	if _, err := op("json").BuildRequest(context.Background(), nil, &Body{Value: map[string]any{}, Replacements: []Replacement{{Target: "/a/b", Value: 1}}}, RequestOptions{BaseURL: rec.URL}); err == nil {
		t.Error("replacement into a missing parent: want error")
	}

	// form-urlencoded with encoding objects
	w, _ = send(t, rec, op("form"), nil, &Body{Value: map[string]any{
		"name": "a b&c", "tags": []any{"x", "y"}, "ids": []any{1, 2}, "meta": map[string]any{"k": "v"}}}, RequestOptions{})
	if string(w.Body) != `ids=1&ids=2&meta=%7B%22k%22%3A%22v%22%7D&name=a%20b%26c&tags=x,y` || w.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("form = %s (%s)", w.Body, w.Header.Get("Content-Type"))
	}

	// multipart with a file from bytes and one from a reader
	w, _ = send(t, rec, op("multi"), nil, &Body{Value: map[string]any{
		"file": []byte{0x89, 'P', 'N', 'G'}, "doc": strings.NewReader("hello"), "title": "T", "meta": map[string]any{"a": 1}}}, RequestOptions{})
	mt, params, err := mime.ParseMediaType(w.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("multipart content type %q", w.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(strings.NewReader(string(w.Body)), params["boundary"])
	var parts []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, fmt.Sprintf("%s|%s|%s|%q", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b))
	}
	want := []string{`doc|doc|application/octet-stream|"hello"`, `file|file|image/png|"\x89PNG"`, `meta||application/json|"{\"a\":1}"`, `title|||"T"`}
	if strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("multipart parts:\n%s", strings.Join(parts, "\n"))
	}

	// XML with XPath replacements
	w, _ = send(t, rec, op("xml"), nil, &Body{Value: `<pet id="1"><name>old</name><tag>a</tag></pet>`,
		Replacements: []Replacement{{Target: "/pet/name", Value: "new & shiny"}, {Target: "/pet/@id", Value: 42}}}, RequestOptions{})
	if string(w.Body) != `<pet id="42"><name>new &amp; shiny</name><tag>a</tag></pet>` || w.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("xml = %s (%s)", w.Body, w.Header.Get("Content-Type"))
	}
	if _, err := op("xml").BuildRequest(context.Background(), nil, &Body{Value: `<a/>`, Replacements: []Replacement{{Target: "/b", Value: 1}}}, RequestOptions{BaseURL: rec.URL}); err == nil {
		t.Error("xpath selecting nothing: want error")
	}

	// text: first declared media type; explicit content type wins
	w, _ = send(t, rec, op("text"), nil, &Body{Value: "plain words"}, RequestOptions{})
	if string(w.Body) != "plain words" || w.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("text = %s (%s)", w.Body, w.Header.Get("Content-Type"))
	}
	w, _ = send(t, rec, op("text"), nil, &Body{ContentType: "application/json", Value: []any{"a"}}, RequestOptions{})
	if string(w.Body) != `["a"]` || w.Header.Get("Content-Type") != "application/json" {
		t.Errorf("explicit json = %s (%s)", w.Body, w.Header.Get("Content-Type"))
	}
	// raw bytes
	w, _ = send(t, rec, op("raw"), nil, &Body{Value: []byte{0, 1, 2}}, RequestOptions{})
	if string(w.Body) != "\x00\x01\x02" || w.Method != "PUT" || w.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("raw = %q %s", w.Body, w.Header.Get("Content-Type"))
	}
	// undeclared body: JSON for structures
	w, _ = send(t, rec, op("none"), nil, &Body{Value: map[string]any{"a": 1}}, RequestOptions{})
	if string(w.Body) != `{"a":1}` || w.Header.Get("Content-Type") != "application/json" {
		t.Errorf("undeclared = %s (%s)", w.Body, w.Header.Get("Content-Type"))
	}
	// no body: no content type
	w, req = send(t, rec, op("none"), nil, nil, RequestOptions{})
	if len(w.Body) != 0 || w.Header.Get("Content-Type") != "" || req.Body != nil {
		t.Errorf("empty = %q %v", w.Body, w.Header)
	}
}

func TestSwagger2Request(t *testing.T) {
	rec := newRecorder(t)
	d := mustParse(t, `swagger: "2.0"
host: example.com
consumes: [application/json]
paths:
  /pets/{id}:
    post:
      operationId: up
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: id, in: path, type: array, items: {type: string}, collectionFormat: csv, required: true}
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: pipes}
        - {name: ids, in: query, type: array, items: {type: string}, collectionFormat: multi}
        - {name: names, in: formData, type: array, items: {type: string}, collectionFormat: ssv}
      responses: {"200": {description: ok}}
  /pets:
    post:
      operationId: add
      parameters:
        - {name: body, in: body, schema: {type: object}}
      responses: {"200": {description: ok}}
`, "")
	w, _ := send(t, rec, d.OperationByID("up"), []ParamValue{
		{Name: "id", In: "path", Value: []any{"a", "b"}},
		{Name: "tags", In: "query", Value: []any{"x", "y"}},
		{Name: "ids", In: "query", Value: []any{1, 2}},
	}, &Body{Value: map[string]any{"names": []any{"p", "q"}}}, RequestOptions{})
	if w.URI != "/pets/a,b?tags=x|y&ids=1&ids=2" || string(w.Body) != "names=p%20q" || w.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("swagger request: %s %q %s", w.URI, w.Body, w.Header.Get("Content-Type"))
	}
	w, _ = send(t, rec, d.OperationByID("add"), nil, &Body{Value: map[string]any{"n": 1}}, RequestOptions{})
	if string(w.Body) != `{"n":1}` || w.Header.Get("Content-Type") != "application/json" {
		t.Errorf("swagger body: %q %s", w.Body, w.Header.Get("Content-Type"))
	}
}

func TestExternalRefParameters(t *testing.T) {
	files := map[string]string{
		"https://x.test/api/common.yaml": "parameters:\n  Limit: {$ref: '#/parameters/Real'}\n  Real: {name: limit, in: query, style: form, explode: false}\n",
	}
	read := func(_ context.Context, u *url.URL) ([]byte, error) {
		if s, ok := files[u.String()]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("not found: %s", u)
	}
	src := "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{$ref: 'common.yaml#/parameters/Limit'}]\n  /b:\n    get:\n      operationId: b\n      parameters: [{$ref: 'missing.yaml#/x'}]\n"
	u, _ := url.Parse("https://x.test/api/main.yaml")
	d, err := Parse(context.Background(), []byte(src), u, ParseOptions{Read: read})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(t)
	w, _ := send(t, rec, d.OperationByID("a"), []ParamValue{{Name: "limit", In: "query", Value: []any{1, 2}}}, nil, RequestOptions{})
	if w.URI != "/a?limit=1,2" {
		t.Errorf("URI = %s", w.URI)
	}
	if _, err := d.OperationByID("b").BuildRequest(context.Background(), nil, nil, RequestOptions{BaseURL: rec.URL}); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing external ref: %v", err)
	}
}

func jsonNumber(s string) any { return json.Number(s) }

// TestIgnoredHeaderDefinitions pins OpenAPI 3.x's rule that a header
// parameter definition named Accept, Content-Type or Authorization SHALL be
// ignored: it is not listed, its style and required flag have no effect,
// and a value the caller gives for that header is sent as an undeclared
// header (simple style). Swagger 2.0 has no such rule.
func TestIgnoredHeaderDefinitions(t *testing.T) {
	rec := newRecorder(t)
	d := mustParse(t, `openapi: 3.0.3
paths:
  /pets/{id}:
    parameters:
      - {name: content-type, in: header, style: matrix, schema: {type: array, items: {type: string}}}
    get:
      operationId: get
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: Accept, in: header, style: matrix, explode: true, schema: {type: array, items: {type: string}}}
        - {name: Authorization, in: header, required: true, schema: {type: string}}
        - {name: X-Kept, in: header, style: matrix, schema: {type: array, items: {type: string}}}
      responses: {"200": {description: ok}}
    put:
      operationId: broken
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: Accept, in: header, style: matrix, explode: true, schema: {type: array, items: {type: string}}}
        - {name: Authorization, in: header, required: true, schema: {type: string}}
        - {name: X-Kept, in: header, style: matrix, schema: {type: array, items: {type: string}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}
components: {schemas: {}}
`, "")
	// "get" binds through kin-openapi, "broken" from the node tree.
	for _, id := range []string{"get", "broken"} {
		op := d.OperationByID(id)
		ps, err := op.Parameters(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.In+":"+p.Name)
		}
		if strings.Join(names, " ") != "path:id header:X-Kept" {
			t.Errorf("%s: declared parameters = %v", id, names)
		}
		w, _ := send(t, rec, op, []ParamValue{
			{Name: "id", In: "path", Value: "5"},
			{Name: "Accept", In: "header", Value: []any{"blue", "black"}},
			{Name: "Content-Type", In: "header", Value: "text/x-a"},
			{Name: "X-Kept", In: "header", Value: []any{"a", "b"}},
		}, nil, RequestOptions{})
		if w.Header.Get("Accept") != "blue,black" || w.Header.Get("Content-Type") != "text/x-a" || w.Header.Get("X-Kept") != ";X-Kept=a,b" {
			t.Errorf("%s: headers = %v", id, w.Header)
		}
		// The ignored required Authorization definition does not make the
		// header mandatory.
		if w.Header.Get("Authorization") != "" {
			t.Errorf("%s: Authorization = %q", id, w.Header.Get("Authorization"))
		}
	}
	if _, err := d.OperationByID("broken").schemaRoute(context.Background()); err == nil {
		t.Error("broken: want the node-tree binding")
	}

	d2 := mustParse(t, `swagger: "2.0"
host: example.com
paths:
  /x:
    get:
      operationId: x
      parameters:
        - {name: Accept, in: header, type: string}
      responses: {"200": {description: ok}}
`, "")
	ps, err := d2.OperationByID("x").Parameters(context.Background())
	if err != nil || len(ps) != 1 || ps[0].Name != "Accept" {
		t.Errorf("swagger 2.0 parameters = %v, %v", ps, err)
	}
}
