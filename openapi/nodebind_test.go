package openapi

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers"
)

// comparable is a binding's request layer with the differences that do not
// change a request taken out: an empty list or map is the same as none
// (except the security list itself, where none means "not declared").
type comparableBinding struct {
	Params       []Parameter
	MediaTypes   []string
	BodyRequired bool
	Encodings    map[string]map[string]Encoding
	Servers      []Server
	Security     []SecurityRequirement
	NoSecurity   bool // Security is nil
}

func comparableOf(b *binding) comparableBinding {
	c := comparableBinding{Params: b.params, BodyRequired: b.bodyRequired, NoSecurity: b.security == nil}
	if len(b.mediaTypes) > 0 {
		c.MediaTypes = b.mediaTypes
	}
	for mt, e := range b.encodings {
		if len(e) > 0 {
			if c.Encodings == nil {
				c.Encodings = map[string]map[string]Encoding{}
			}
			c.Encodings[mt] = e
		}
	}
	for _, s := range b.servers {
		var vars map[string]ServerVariable
		for k, v := range s.Variables {
			if vars == nil {
				vars = map[string]ServerVariable{}
			}
			if len(v.Enum) == 0 {
				v.Enum = nil
			}
			vars[k] = v
		}
		s.Variables = vars
		c.Servers = append(c.Servers, s)
	}
	for _, r := range b.security {
		var req SecurityRequirement
		for _, s := range r {
			if len(s.Scopes) == 0 {
				s.Scopes = nil
			}
			req = append(req, s)
		}
		c.Security = append(c.Security, req)
	}
	return c
}

// diffBindings names the fields in which two bindings differ.
func diffBindings(node, kin comparableBinding) []string {
	var out []string
	nv, kv := reflect.ValueOf(node), reflect.ValueOf(kin)
	for i := 0; i < nv.NumField(); i++ {
		if !reflect.DeepEqual(nv.Field(i).Interface(), kv.Field(i).Interface()) {
			out = append(out, fmt.Sprintf("%s: node %+v, kin %+v", nv.Type().Field(i).Name, nv.Field(i).Interface(), kv.Field(i).Interface()))
		}
	}
	return out
}

// kinRoutesOf loads every operation of d into kin-openapi, 25 to a document
// (kin-openapi's external $ref resolution grows faster than the document),
// by halves down to single operations where kin-openapi rejects a document
// (nil for the operations it rejects alone).
// After 15 s on one description the rest are left out (nil, logged): the
// external $refs of one corpus description cost kin-openapi minutes.
func kinRoutesOf(t *testing.T, rel string, d *Description) []*routers.Route {
	ops := d.Operations()
	out := make([]*routers.Route, 0, len(ops))
	start := time.Now()
	for i := 0; i < len(ops); i += 25 {
		if time.Since(start) > 15*time.Second {
			t.Logf("%s: %d of %d operations compared (15 s spent in kin-openapi)", rel, i, len(ops))
			break
		}
		out = append(out, kinRoutes(ops[i:min(i+25, len(ops))])...)
	}
	return append(out, make([]*routers.Route, len(ops)-len(out))...)
}

func kinRoutes(ops []*Operation) []*routers.Route {
	if len(ops) == 0 {
		return nil
	}
	if routes, err := loadKin(context.Background(), ops); err == nil {
		return routes
	}
	if len(ops) == 1 {
		return []*routers.Route{nil}
	}
	h := len(ops) / 2
	return append(kinRoutes(ops[:h]), kinRoutes(ops[h:])...)
}

// TestNodeBindingMatchesKin: for every operation of every OpenAPI and
// Swagger description of the corpus that kin-openapi loads, the node-tree
// request layer (what requests are built from) equals what kin-openapi's
// loaded operation gives (what they were built from before): parameters
// with their serialization, media types in order, body required,
// encodings, servers, security.
func TestNodeBindingMatchesKin(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	var descs, ops, compared, kinFailed, diffs int
	start := time.Now()
	seen := 0
	eachCorpusDescription(dir, func(rel string, data []byte) {
		seen++
		if raceEnabled && seen%10 != 1 {
			// Under -race the whole sweep takes far too long for CI:
			// every tenth description (the full sweep runs without -race).
			return
		}
		u := &urlFile{rel}
		d, err := Parse(context.Background(), data, u.url(dir), ParseOptions{Read: readLocal(dir)})
		if err != nil {
			return
		}
		descs++
		routes := kinRoutesOf(t, rel, d)
		for i, op := range d.Operations() {
			ops++
			if routes[i] == nil {
				kinFailed++ // or left out
				continue
			}
			kb, err := op.bindKin(context.Background(), routes[i])
			if err != nil {
				kinFailed++
				continue
			}
			compared++
			nb, err := op.doBind(context.Background())
			if err != nil {
				diffs++
				t.Errorf("%s %s: node-tree binding failed where kin-openapi's did not: %v", rel, op, err)
				continue
			}
			if ds := diffBindings(comparableOf(nb), comparableOf(kb)); len(ds) > 0 {
				diffs++
				if diffs <= 40 {
					t.Errorf("%s %s:\n  %s", rel, op, strings.Join(ds, "\n  "))
				}
			}
		}
	})
	t.Logf("corpus: %d descriptions, %d operations, %d compared, %d kin-openapi could not load (or left out), %d differ; in %v",
		descs, ops, compared, kinFailed, diffs, time.Since(start))
	if want := map[bool]int{false: 100, true: 10}[raceEnabled]; descs < want {
		t.Errorf("only %d descriptions", descs)
	}
}

// urlFile names a corpus file by a file: URL (so relative external $refs
// resolve inside the corpus).
type urlFile struct{ rel string }

func (f *urlFile) url(dir string) *url.URL {
	abs, _ := filepath.Abs(filepath.Join(dir, f.rel))
	return &url.URL{Scheme: "file", Path: abs}
}

// readLocal reads file: URLs under dir (the corpus), nothing else.
func readLocal(dir string) ReadFunc {
	root, _ := filepath.Abs(dir)
	return func(_ context.Context, u *url.URL) ([]byte, error) {
		if u.Scheme != "file" || !strings.HasPrefix(filepath.Clean(u.Path), root+string(filepath.Separator)) {
			return nil, fmt.Errorf("not a corpus file: %s", u.Redacted())
		}
		return os.ReadFile(u.Path)
	}
}

// TestNodeBindingSwaggerForms pins openapi2conv's reading of Swagger 2.0
// bodies, which the node-tree binding now applies itself: form media types
// among consumes (all of them when none is one), file and binary fields as
// octet-stream parts, collectionFormat on form fields and parameters, path
// parameters required, a body without a schema declaring no content.
func TestNodeBindingSwaggerForms(t *testing.T) {
	d := mustParse(t, `swagger: "2.0"
info: {title: t, version: "1"}
consumes: [application/json, multipart/form-data]
paths:
  /up/{id}:
    parameters:
      - {name: id, in: path, type: string}
      - {name: note, in: formData, type: string}
    post:
      operationId: up
      parameters:
        - {name: file, in: formData, type: file}
        - {name: raw, in: formData, type: string, format: binary}
        - {name: tags, in: formData, type: array, items: {type: string}, collectionFormat: multi}
        - {name: q, in: query, type: array, items: {type: string}}
        - {name: s, in: query, type: string}
        - {name: h, in: header, type: array, items: {type: string}, collectionFormat: pipes}
  /json:
    post:
      operationId: json
      consumes: [application/json]
      parameters: [{name: f, in: formData, type: string}]
  /nobody:
    post:
      operationId: nobody
      parameters: [{name: b, in: body, required: true}]
`, "https://x.example/s.yaml")
	ctx := context.Background()
	b, err := d.OperationByID("up").bind(ctx)
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]Parameter{}
	for _, p := range b.params {
		params[p.Name] = p
	}
	for name, want := range map[string]Parameter{
		"id": {Name: "id", In: "path", Required: true, Style: "simple"},
		"q":  {Name: "q", In: "query", Style: "form"},
		"s":  {Name: "s", In: "query", Style: "form", Explode: true},
		"h":  {Name: "h", In: "header", Style: "pipeDelimited"},
	} {
		if params[name] != want {
			t.Errorf("parameter %s = %+v, want %+v", name, params[name], want)
		}
	}
	if !reflect.DeepEqual(b.mediaTypes, []string{"multipart/form-data"}) {
		t.Errorf("media types %v", b.mediaTypes)
	}
	enc := b.encodings["multipart/form-data"]
	keys := make([]string, 0, len(enc))
	for k := range enc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !reflect.DeepEqual(keys, []string{"file", "note", "raw", "tags"}) || enc["file"].ContentType != "application/octet-stream" ||
		enc["raw"].ContentType != "application/octet-stream" || enc["note"].ContentType != "" || !enc["tags"].Explode {
		t.Errorf("encodings %+v", enc)
	}
	if b, _ := d.OperationByID("json").bind(ctx); !reflect.DeepEqual(b.mediaTypes, []string{"application/json"}) {
		t.Errorf("json: media types %v", b.mediaTypes)
	}
	if b, _ := d.OperationByID("nobody").bind(ctx); len(b.mediaTypes) != 0 || b.bodyRequired {
		t.Errorf("nobody: %+v", b)
	}
}

// A bind cut short by its context is not kept: the next bind, with a live
// context, binds (the request layer and the kin-openapi route alike).
func TestBindCancelledNotKept(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: a
      parameters: [{$ref: 'common.yaml#/components/parameters/Q'}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object}}}}}
`
	common := "components:\n  parameters:\n    Q: {name: q, in: query, schema: {type: string}}\n"
	ctx, cancel := context.WithCancel(context.Background())
	read := func(rctx context.Context, u *url.URL) ([]byte, error) {
		if rctx == ctx {
			cancel() // cancelled while the bind reads the external document
			return nil, rctx.Err()
		}
		return []byte(common), nil
	}
	d, err := Parse(context.Background(), []byte(src), &url.URL{Scheme: "https", Host: "x.example", Path: "/api.yaml"}, ParseOptions{Read: read})
	if err != nil {
		t.Fatal(err)
	}
	op := d.OperationByID("a")
	if _, err := op.Parameters(ctx); err == nil {
		t.Fatal("bind with a context cancelled mid-way succeeded")
	}
	ps, err := op.Parameters(context.Background())
	if err != nil || len(ps) != 1 || ps[0].Name != "q" {
		t.Fatalf("bind after a cancelled one: %v %v", ps, err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := op.schemaRoute(done); err == nil {
		t.Fatal("kin-openapi route with a cancelled context succeeded")
	}
	if _, err := op.schemaRoute(context.Background()); err != nil {
		t.Fatalf("kin-openapi route after a cancelled one: %v", err)
	}
}

// WillValidate: the registered operations share one kin-openapi document;
// an operation not registered gets its own.
func TestWillValidateSharesOneLoad(t *testing.T) {
	d := mustParse(t, `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: a
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}
  /b:
    get:
      operationId: b
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}
  /c:
    get:
      operationId: c
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}
components:
  schemas:
    S: {type: object, required: [id], properties: {id: {type: string}}}
`, "https://x.example/api.yaml")
	ctx := context.Background()
	a, b, c := d.OperationByID("a"), d.OperationByID("b"), d.OperationByID("c")
	d.WillValidate(a, b)
	ra, err1 := a.schemaRoute(ctx)
	rb, err2 := b.schemaRoute(ctx)
	rc, err3 := c.schemaRoute(ctx)
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if ra.Spec != rb.Spec || ra.Spec == rc.Spec {
		t.Errorf("a and b should share one document, c have its own")
	}
	bad := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"id":1}`), Body: map[string]any{"id": jsonNumber("1")}}
	for _, op := range []*Operation{a, b, c} {
		if fs := findingText(op.ValidateResponse(ctx, nil, bad)); !strings.Contains(fs, "at /id") {
			t.Errorf("%s: findings %q", op, fs)
		}
	}
}
