package openapi

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// mustRoute returns the operation's kin-openapi route, failing when the
// operation fell back to the node tree.
func mustRoute(t testing.TB, op *Operation) {
	t.Helper()
	if op == nil {
		t.Fatal("operation not found")
	}
	if _, err := op.schemaRoute(context.Background()); err != nil {
		t.Fatalf("%s not bound through kin-openapi: %v", op, err)
	}
}

func findingText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}

// TestKinRefParameterStyle: a parameter defined through a $ref to
// components.parameters with style form, explode false; the minimal document
// carries the component (and the schema it refers to) to kin-openapi.
func TestKinRefParameterStyle(t *testing.T) {
	d := mustParse(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    parameters:
      - $ref: '#/components/parameters/Trace'
    get:
      operationId: list
      parameters:
        - $ref: '#/components/parameters/Ids'
        - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/List'}
  /unrelated:
    get:
      operationId: unrelated
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Broken'}}}}
components:
  parameters:
    Ids:
      name: ids
      in: query
      style: form
      explode: false
      schema: {$ref: '#/components/schemas/IdList'}
    Trace: {name: X-Trace, in: header, schema: {type: string}}
  schemas:
    IdList: {type: array, items: {type: integer}}
    List:
      type: object
      required: [items]
      properties:
        items: {type: array, items: {$ref: '#/components/schemas/Item'}}
    Item: {type: object, required: [id], properties: {id: {type: integer}, next: {$ref: '#/components/schemas/Item'}}}
    Broken: {$ref: '#/components/schemas/DoesNotExist'}
`, "")
	op := d.OperationByID("list")
	mustRoute(t, op)
	route, _ := op.schemaRoute(context.Background())
	ids := route.Operation.Parameters[0]
	if ids.Ref != "#/components/parameters/Ids" || ids.Value == nil || ids.Value.Schema.Value == nil || !ids.Value.Schema.Value.Type.Is("array") {
		t.Fatalf("kin parameter = %+v", ids)
	}
	if len(route.Spec.Paths.Map()) != 1 || route.Spec.Components.Schemas["Broken"] != nil {
		t.Errorf("minimal document holds more than the operation needs: %v %v", route.Spec.Paths.InMatchingOrder(), route.Spec.Components.Schemas)
	}
	rec := newRecorder(t)
	w, _ := send(t, rec, op, []ParamValue{
		{Name: "ids", In: "query", Value: []any{1, 2, 3}},
		{Name: "filter", In: "query", Value: map[string]any{"a": "x y"}},
		{Name: "X-Trace", In: "header", Value: "t1"},
	}, nil, RequestOptions{})
	if w.URI != "/items?ids=1,2,3&filter[a]=x%20y" || w.Header.Get("X-Trace") != "t1" {
		t.Errorf("wire: %s %v", w.URI, w.Header)
	}
	// recursive schema through $refs, validated by kin-openapi
	for body, want := range map[string]string{
		`{"items":[{"id":1,"next":{"id":2}}]}`:   "",
		`{"items":[{"id":1,"next":{"id":"x"}}]}`: "body: at /items/0/next/id: value must be an integer",
		`{}`:                                     `body: at /items: property "items" is missing`,
	} {
		r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
		got := findingText(op.ValidateResponse(context.Background(), nil, r))
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s: findings %q, want %q", body, got, want)
		}
	}
	// the broken operation falls back to the node tree and says why
	un := d.OperationByID("unrelated")
	if _, err := un.schemaRoute(context.Background()); err == nil {
		t.Error("broken $ref: want a kin-openapi error")
	}
	if _, err := un.BuildRequest(context.Background(), nil, nil, RequestOptions{BaseURL: rec.URL}); err != nil {
		t.Errorf("fallback binding: %v", err)
	}
	r, _ := ReadResponse(serve(t, 200, "application/json", `{}`), 0)
	if got := findingText(un.ValidateResponse(context.Background(), nil, r)); !strings.Contains(got, "cannot be used for validation") || !strings.Contains(got, "DoesNotExist") {
		t.Errorf("fallback findings = %q", got)
	}
}

// TestKinExternalRefs: parameters, request bodies and response schemas in
// another file, read through ParseOptions.Read relative to the description's
// URL (RFC 3986), each file read once for all operations.
func TestKinExternalRefs(t *testing.T) {
	files := map[string]string{
		"https://x.test/api/v1/main.yaml": `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      operationId: a
      parameters:
        - $ref: 'shared/common.yaml#/parameters/Id'
        - $ref: 'shared/common.yaml#/parameters/Tags'
      responses:
        "200":
          description: ok
          headers:
            X-Rate: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: 'shared/common.yaml#/schemas/Thing'}
  /b:
    post:
      operationId: b
      requestBody: {$ref: '../v1/shared/common.yaml#/bodies/Form'}
      responses: {"204": {description: none}}
`,
		"https://x.test/api/v1/shared/common.yaml": `parameters:
  Id: {name: id, in: path, required: true, style: matrix, explode: true, schema: {type: array, items: {type: string}}}
  Tags: {name: tags, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
schemas:
  Thing: {type: object, required: [name], properties: {name: {$ref: 'types.yaml#/Name'}}}
bodies:
  Form:
    content:
      application/x-www-form-urlencoded:
        schema: {type: object}
        encoding:
          list: {style: spaceDelimited, explode: false}
      application/json:
        schema: {type: object}
`,
		"https://x.test/api/v1/shared/types.yaml": "Name: {type: string, maxLength: 3}\n",
	}
	reads := map[string]int{}
	read := func(_ context.Context, u *url.URL) ([]byte, error) {
		reads[u.String()]++
		if s, ok := files[u.String()]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("not found: %s", u)
	}
	u, _ := url.Parse("https://x.test/api/v1/main.yaml")
	d, err := Parse(context.Background(), []byte(files[u.String()]), u, ParseOptions{Read: read})
	if err != nil {
		t.Fatal(err)
	}
	mustRoute(t, d.OperationByID("a"))
	mustRoute(t, d.OperationByID("b"))
	rec := newRecorder(t)
	w, _ := send(t, rec, d.OperationByID("a"), []ParamValue{
		{Name: "id", In: "path", Value: []any{"p", "q"}},
		{Name: "tags", In: "query", Value: []any{"x", "y"}},
	}, nil, RequestOptions{})
	if w.URI != "/a/;id=p;id=q?tags=x|y" {
		t.Errorf("URI = %s", w.URI)
	}
	w, _ = send(t, rec, d.OperationByID("b"), nil, &Body{Value: map[string]any{"list": []any{"1", "2"}}}, RequestOptions{})
	if string(w.Body) != "list=1%202" || w.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("form body = %q %s (first declared media type, external encoding)", w.Body, w.Header.Get("Content-Type"))
	}
	resp := &Response{StatusCode: 200, ContentType: "application/json", Header: http.Header{"X-Rate": {"many"}}, Raw: []byte(`{"name":"toolong"}`)}
	resp.Body, _ = decodeJSON(resp.Raw)
	got := findingText(d.OperationByID("a").ValidateResponse(context.Background(), nil, resp))
	if !strings.Contains(got, "body: at /name: maximum string length is 3") || !strings.Contains(got, `header "X-Rate"`) || strings.Contains(got, "toolong") || strings.Contains(got, "many") {
		t.Errorf("findings = %q", got)
	}
	for k, n := range reads {
		if n != 1 {
			t.Errorf("%s read %d times", k, n)
		}
	}
}

// TestKinSwagger2 converts a Swagger 2.0 operation with openapi2conv:
// collectionFormat pipes becomes pipeDelimited, body and formData parameters
// become request bodies, and responses are validated by kin-openapi.
func TestKinSwagger2(t *testing.T) {
	d := mustParse(t, `swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.com
basePath: /v2
produces: [application/json]
parameters:
  Tags: {name: tags, in: query, type: array, items: {type: string}, collectionFormat: pipes}
paths:
  /pets:
    get:
      operationId: find
      parameters:
        - $ref: '#/parameters/Tags'
        - {name: ids, in: query, type: array, items: {type: integer}}
        - {name: sort, in: query, type: array, items: {type: string}, collectionFormat: tsv}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: '#/definitions/Pet'}}}
    post:
      operationId: upload
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: n, in: formData, type: integer}
        - {name: names, in: formData, type: array, items: {type: string}, collectionFormat: pipes}
      responses: {"200": {description: ok}}
definitions:
  Pet: {type: object, required: [name], properties: {name: {type: string}, tag: {type: string, x-nullable: true}}}
`, "")
	find := d.OperationByID("find")
	mustRoute(t, find)
	route, _ := find.schemaRoute(context.Background())
	if p := route.Operation.Parameters[0].Value; p == nil || p.Style != "pipeDelimited" {
		t.Fatalf("openapi2conv did not convert collectionFormat pipes: %+v", p)
	}
	rec := newRecorder(t)
	w, _ := send(t, rec, find, []ParamValue{
		{Name: "tags", In: "query", Value: []any{"a", "b"}},
		{Name: "ids", In: "query", Value: []any{1, 2}},
		{Name: "sort", In: "query", Value: []any{"x", "y"}},
	}, nil, RequestOptions{})
	if w.URI != "/pets?tags=a|b&ids=1,2&sort=x%09y" {
		t.Errorf("URI = %s", w.URI)
	}
	if base, _ := find.BaseURL(context.Background(), "", nil); base != "https://api.example.com/v2" {
		t.Errorf("base = %s", base)
	}
	w, _ = send(t, rec, d.OperationByID("upload"), nil, &Body{Value: map[string]any{"n": 1, "names": []any{"a", "b"}}}, RequestOptions{})
	if string(w.Body) != "n=1&names=a|b" || w.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("form body = %q", w.Body)
	}
	for body, n := range map[string]int{`[{"name":"rex","tag":null}]`: 0, `[{"tag":"x"}]`: 1} {
		r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
		if fs := find.ValidateResponse(context.Background(), nil, r); len(fs) != n {
			t.Errorf("%s: findings %v", body, fs)
		}
	}
}

// TestKinNoSecretInFindings: schema findings name the field and the reason,
// never the value (OpenAPI 3.0 and 3.1, whose JSON Schema 2020-12 validator
// quotes values).
func TestKinNoSecretInFindings(t *testing.T) {
	const secret = "sk_live_DO_NOT_LEAK_42"
	for _, v := range []string{"3.0.3", "3.1.0"} {
		d := mustParse(t, `openapi: `+v+`
info: {title: t, version: "1"}
paths:
  /token:
    post:
      operationId: token
      responses:
        "200":
          description: ok
          headers:
            X-Token: {schema: {type: string, pattern: "^tok_"}}
          content:
            application/json:
              schema:
                type: object
                properties:
                  access_token: {type: string, pattern: "^tok_", maxLength: 5, enum: [tok_a]}
                  n: {type: integer}
`, "")
		op := d.OperationByID("token")
		mustRoute(t, op)
		resp := &Response{StatusCode: 200, ContentType: "application/json", Header: http.Header{"X-Token": {secret}},
			Raw: []byte(`{"access_token":"` + secret + `","n":"` + secret + `"}`)}
		resp.Body, _ = decodeJSON(resp.Raw)
		fs := op.ValidateResponse(context.Background(), nil, resp)
		got := findingText(fs)
		if len(fs) == 0 || strings.Contains(got, secret) || strings.Contains(got, "DO_NOT_LEAK") {
			t.Errorf("%s: findings %q", v, got)
		}
		if !strings.Contains(got, `header "X-Token"`) {
			t.Errorf("%s: header finding missing: %q", v, got)
		}
		resp.Header = nil
		if got := findingText(op.ValidateResponse(context.Background(), nil, resp)); !strings.Contains(got, "at /access_token") || !strings.Contains(got, "at /n") || strings.Contains(got, secret) {
			t.Errorf("%s: body findings %q", v, got)
		}
	}
}

// TestKinHookdeckGetSource validates a realistic getSource response against
// the public Hookdeck description (skipped when the corpus is absent).
func TestKinHookdeckGetSource(t *testing.T) {
	d := mustParseFile(t, filepath.Join(corpusDir(t), "hookdeck/openapi/hookdeck-sources-api-openapi.yml"))
	for _, op := range d.Operations() {
		before := fmt.Sprint(op.Security()) // node tree
		mustRoute(t, op)
		if after := fmt.Sprint(op.Security()); after != before {
			t.Errorf("%s: security from kin-openapi %s, node tree %s", op, after, before)
		}
	}
	op := d.OperationByID("getSource")
	start := time.Now()
	mustRoute(t, op)
	body := `{"id":"src_4xk2m9p1q8","name":"shopify-orders","description":null,"team_id":"tm_8fJ2kq","url":"https://hkdk.events/4xk2m9p1q8",` +
		`"type":"WEBHOOK","authenticated":false,"config":{"allowed_http_methods":["POST","PUT","PATCH","DELETE"],"custom_response":null,"auth_type":null,"auth":null},` +
		`"disabled_at":null,"updated_at":"2025-07-01T10:00:00.000Z","created_at":"2025-07-01T10:00:00.000Z"}`
	r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
	fs := op.ValidateResponse(context.Background(), nil, r)
	t.Logf("getSource: bound and validated in %v; %d findings: %s", time.Since(start), len(fs), findingText(fs))
	for _, f := range fs {
		if strings.Contains(f.Message, "malformed") {
			t.Errorf("panic inside kin-openapi: %s", f.Message)
		}
	}
	r, _ = ReadResponse(serve(t, 200, "application/json", `{"id":1}`), 0)
	if fs := op.ValidateResponse(context.Background(), nil, r); len(fs) < 2 || !strings.Contains(findingText(fs), "at /id") {
		t.Errorf("broken response: findings %s", findingText(fs))
	}
}

// TestKinMistOperations binds a sample of the 3.9 MB mist.com description's
// operations through kin-openapi.
func TestKinMistOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	d := mustParseFile(t, filepath.Join(corpusDir(t), "jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json"))
	ops := d.Operations()
	fallbacks := 0
	start := time.Now()
	n := 0
	for i := 0; i < len(ops); i += 40 {
		n++
		if _, err := ops[i].schemaRoute(context.Background()); err != nil {
			fallbacks++
			t.Logf("%s: %v", ops[i], err)
		}
	}
	t.Logf("mist.com: %d of %d operations bound in %v, %d fell back to the node tree", n, len(ops), time.Since(start), fallbacks)
	if fallbacks > 0 {
		t.Errorf("%d fallbacks", fallbacks)
	}
}

var fuzzResp = &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"a":[1,"x",null]}`),
	Body: map[string]any{"a": []any{1, "x", nil}}, Header: http.Header{"X-A": {"1"}}}

// TestKinCorpusBinding binds the first operation of every OpenAPI
// description of the corpus through kin-openapi and validates a response
// with each: no panic; the operations kin-openapi cannot load are counted.
func TestKinCorpusBinding(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	var descs, ops, fallbacks, findings int
	start := time.Now()
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		if info, err := e.Info(); err != nil || info.Size() > 1<<20 {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data[:min(len(data), 4096)], []byte("openapi")) && !bytes.Contains(data[:min(len(data), 4096)], []byte("swagger")) {
			return nil
		}
		d, err := Parse(context.Background(), data, nil, ParseOptions{})
		if err != nil {
			return nil
		}
		descs++
		for i, op := range d.Operations() {
			if i == 1 {
				break
			}
			ops++
			if _, err := op.schemaRoute(context.Background()); err != nil {
				fallbacks++
				if testing.Verbose() {
					t.Logf("%s %s: %v", p, op, err)
				}
			}
			for _, f := range op.ValidateResponse(context.Background(), nil, fuzzResp) {
				findings++
				if strings.Contains(f.Message, "malformed description") {
					t.Errorf("%s %s: %s", p, op, f.Message)
				}
			}
		}
		return nil
	})
	t.Logf("corpus: %d descriptions, %d operations bound in %v, %d fell back to the node tree, %d findings", descs, ops, time.Since(start), fallbacks, findings)
}

// TestKinBindCost reports what a run pays for one operation: Parse, then the
// first bind (minimal document through kin-openapi) and the first
// validation. WEFT_KIN_FULL=1 also times kin-openapi loading the whole file.
func TestKinBindCost(t *testing.T) {
	dir := corpusDir(t)
	for _, c := range []struct{ file, id string }{
		{"hookdeck/openapi/hookdeck-sources-api-openapi.yml", "getSource"},
		{"jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json", "getSiteStats"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		d, err := Parse(context.Background(), data, nil, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		op := d.OperationByID(c.id)
		mustRoute(t, op)
		t2 := time.Now()
		_ = op.ValidateResponse(context.Background(), nil, fuzzResp)
		t3 := time.Now()
		t.Logf("%s (%d bytes): Parse %v, first bind of %s %v, first validation %v", filepath.Base(filepath.Dir(c.file)), len(data), t1.Sub(t0), c.id, t2.Sub(t1), t3.Sub(t2))
		if os.Getenv("WEFT_KIN_FULL") != "" {
			t4 := time.Now()
			if _, err := openapi3.NewLoader().LoadFromData(data); err != nil {
				t.Logf("full kin-openapi load: %v", err)
			}
			t.Logf("  full kin-openapi load of the file: %v", time.Since(t4))
		}
	}
}
