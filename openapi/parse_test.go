package openapi

import (
	"context"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const petsYAML = `openapi: 3.1.0
info: {title: pets, version: "1"}
servers:
  - url: https://api.example.com/{version}
    variables:
      version: {default: v1, enum: [v1, v2]}
security:
  - apiKey: []
paths:
  /pets:
    servers:
      - url: https://pets.example.com
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
    post:
      operationId: createPet
      servers:
        - url: /relative/base
      security: []
      responses: {"201": {description: ok}}
  /pets/{petId}:
    get:
      operationId: getPet
      security:
        - oauth: [read]
          apiKey: []
      responses: {"200": {description: ok}}
  /a~b/c:
    delete:
      operationId: GetPet
      responses: {"204": {description: ok}}
  x-ext: {}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-API-Key}
    bearer: {type: http, scheme: Bearer}
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {read: r, write: w}
`

func mustParse(t testing.TB, src, loc string) *Description {
	t.Helper()
	var u *url.URL
	if loc != "" {
		var err error
		if u, err = url.Parse(loc); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Parse(context.Background(), []byte(src), u, ParseOptions{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestParseIndexesOperations(t *testing.T) {
	d := mustParse(t, petsYAML, "https://example.com/specs/pets.yaml")
	if d.Version != "3.1.0" {
		t.Errorf("Version = %q", d.Version)
	}
	var got []string
	for _, op := range d.Operations() {
		got = append(got, op.String())
	}
	want := "GET /pets (listPets)|POST /pets (createPet)|GET /pets/{petId} (getPet)|DELETE /a~b/c (GetPet)"
	if strings.Join(got, "|") != want {
		t.Errorf("operations = %s", strings.Join(got, "|"))
	}
	op := d.OperationByID("getPet")
	if op == nil || op.Path != "/pets/{petId}" || op.Method != "GET" || op.Line != 24 || op.Column != 7 {
		t.Fatalf("getPet = %v line %d col %d", op, op.Line, op.Column)
	}
	if d.OperationByID("GETPET") != nil {
		t.Error("OperationByID must be exact")
	}
	if l := d.OperationsByIDFold("GETPET"); len(l) != 2 {
		t.Errorf("fold matches = %d, want 2", len(l))
	}
	if l := d.OperationsByIDFold("listpets"); len(l) != 1 || l[0].OperationID != "listPets" {
		t.Errorf("fold listpets = %v", l)
	}
	if op := d.operationByPath("/pets", "post"); op == nil || op.OperationID != "createPet" {
		t.Errorf("by path = %v", op)
	}
	if op := d.operationByPath("/pets/{id}", "GET"); op == nil || op.OperationID != "getPet" {
		t.Errorf("by normalised template = %v", op)
	}
	if op := d.operationByPath("/pets", "PUT"); op != nil {
		t.Errorf("PUT /pets = %v", op)
	}
	// servers and security
	if len(d.Servers) != 1 || d.Servers[0].Variables["version"].Default != "v1" {
		t.Errorf("servers = %+v", d.Servers)
	}
	if s := d.SecuritySchemes["bearer"]; s == nil || s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("bearer = %+v", s)
	}
	if s := d.SecuritySchemes["oauth"]; s == nil || s.TokenURL != "https://auth.example.com/token" || strings.Join(s.Scopes, ",") != "read,write" {
		t.Errorf("oauth = %+v", s)
	}
	if s := d.SecuritySchemes["apiKey"]; s.In != "header" || s.ParamName != "X-API-Key" {
		t.Errorf("apiKey = %+v", s)
	}
	if sec := d.OperationByID("listPets").Security(); len(sec) != 1 || sec[0][0].Name != "apiKey" {
		t.Errorf("listPets security = %+v", sec)
	}
	if sec := d.OperationByID("createPet").Security(); sec == nil || len(sec) != 0 {
		t.Errorf("createPet security = %+v (want empty, non-nil)", sec)
	}
	if sec := op.Security(); len(sec) != 1 || len(sec[0]) != 2 || sec[0][0].Scopes[0] != "read" {
		t.Errorf("getPet security = %+v", sec)
	}
}

func TestResolveOperationPath(t *testing.T) {
	d := mustParse(t, petsYAML, "")
	cases := map[string]string{
		"/paths/~1pets~1{petId}/get":       "getPet",
		"#/paths/~1pets~1%7BpetId%7D/get":  "getPet",
		"/paths/~1pets/POST":               "createPet",
		"/paths/~1a~0b~1c/delete":          "GetPet",
		"/paths/~1pets~1{anything}/get":    "getPet",
		"#/paths/~1pets/get":               "listPets",
		"/paths/~1nope/get":                "",
		"/paths/~1pets/fetch":              "",
		"/components/~1pets/get":           "",
		"/paths/~1pets":                    "",
		"/paths/~2pets/get":                "",
		"paths/~1pets/get":                 "",
		"/paths/~1pets~1{petId}/get/extra": "",
	}
	for ptr, want := range cases {
		op, err := d.ResolveOperationPath(ptr)
		switch {
		case want == "" && err == nil:
			t.Errorf("%s: want error, got %v", ptr, op)
		case want != "" && (err != nil || op.OperationID != want):
			t.Errorf("%s: got %v, %v; want %s", ptr, op, err, want)
		}
	}
}

func TestParseJSONWithTabsAndSwagger2(t *testing.T) {
	src := "{\n\t\"swagger\": \"2.0\",\n\t\"host\": \"api.example.com\",\n\t\"basePath\": \"/v2\",\n\t\"schemes\": [\"http\", \"https\"],\n" +
		"\t\"securityDefinitions\": {\"basic\": {\"type\": \"basic\"}, \"key\": {\"type\": \"apiKey\", \"in\": \"query\", \"name\": \"k\"},\n" +
		"\t  \"cc\": {\"type\": \"oauth2\", \"flow\": \"application\", \"tokenUrl\": \"https://t.example.com/tok\", \"scopes\": {\"a\": \"\"}}},\n" +
		"\t\"paths\": {\"/pets/{id}\": {\"get\": {\"operationId\": \"getPet\"}}}\n}"
	d := mustParse(t, src, "https://example.com/s.json")
	if d.Version != "2.0" || len(d.Servers) != 2 || d.Servers[0].URL != "https://api.example.com/v2" || d.Servers[1].URL != "http://api.example.com/v2" {
		t.Fatalf("swagger servers = %+v", d.Servers)
	}
	op := d.OperationByID("getPet")
	if op == nil || op.Line != 8 || op.Column != 34 {
		t.Fatalf("getPet = %v line %d col %d", op, op.Line, op.Column)
	}
	if s := d.SecuritySchemes["basic"]; s.Type != "http" || s.Scheme != "basic" {
		t.Errorf("basic = %+v", s)
	}
	if s := d.SecuritySchemes["cc"]; s.TokenURL != "https://t.example.com/tok" || s.Scopes[0] != "a" {
		t.Errorf("cc = %+v", s)
	}
}

func TestParseRejects(t *testing.T) {
	for _, src := range []string{"", "[1,2]", "openapi", "info: {}", "{", ":\n - [", "a: *b"} {
		if d, err := Parse(context.Background(), []byte(src), nil, ParseOptions{}); err == nil {
			t.Errorf("%q: want error, got %+v", src, d)
		}
	}
	// odd but acceptable shapes index nothing and do not fail
	for _, src := range []string{"openapi: 3.0.0\npaths: 5", "openapi: 3.0.0\npaths:\n  /a: [1]\n  /b: {get: 1}", "swagger: '2.0'\nhost: h"} {
		d, err := Parse(context.Background(), []byte(src), nil, ParseOptions{})
		if err != nil || len(d.Operations()) != 0 {
			t.Errorf("%q: %v %v", src, d, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, []byte(petsYAML), nil, ParseOptions{}); err == nil {
		t.Error("cancelled context: want error")
	}
}

func TestParseExternalPathItem(t *testing.T) {
	files := map[string]string{
		"https://x.test/api/main.yaml":         "openapi: 3.0.3\npaths:\n  /things:\n    $ref: 'items/things.yaml#/thingsPath'\n",
		"https://x.test/api/items/things.yaml": "thingsPath:\n  get:\n    operationId: listThings\n",
	}
	read := func(_ context.Context, u *url.URL) ([]byte, error) {
		s, ok := files[u.String()]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(s), nil
	}
	u, _ := url.Parse("https://x.test/api/main.yaml")
	d, err := Parse(context.Background(), []byte(files[u.String()]), u, ParseOptions{Read: read})
	if err != nil {
		t.Fatal(err)
	}
	if op := d.OperationByID("listThings"); op == nil || op.Path != "/things" {
		t.Fatalf("external path item not indexed: %v", d.Operations())
	}
}

// corpusDir returns ../../shared/corpus relative to this package or skips.
func corpusDir(t testing.TB) string {
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("corpus absent")
	}
	return dir
}

// TestParseCorpusTiming parses the two reference files named in the issue and
// reports the time taken.
func TestParseCorpusTiming(t *testing.T) {
	dir := corpusDir(t)
	for _, f := range []string{
		"hookdeck/openapi/hookdeck-sources-api-openapi.yml",
		"jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json",
	} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Logf("skip %s: %v", f, err)
			continue
		}
		start := time.Now()
		d, err := Parse(context.Background(), data, &url.URL{Scheme: "file", Path: f}, ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		t.Logf("Parse %s (%d bytes): %d operations in %v", f, len(data), len(d.Operations()), time.Since(start))
		if len(d.Operations()) == 0 {
			t.Errorf("%s: no operations", f)
		}
	}
	d := mustParseFile(t, filepath.Join(dir, "hookdeck/openapi/hookdeck-sources-api-openapi.yml"))
	for _, id := range []string{"createSource", "getSource"} {
		if d.OperationByID(id) == nil {
			t.Errorf("hookdeck sources: %s not found", id)
		}
	}
}

func mustParseFile(t testing.TB, path string) *Description {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	d, err := Parse(context.Background(), data, &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestParseCorpusNoPanic parses every OpenAPI-looking file of the corpus.
func TestParseCorpusNoPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	var files, ops, failed int
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
			return nil // big files are covered by the timing test
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		head := data
		if len(head) > 4096 {
			head = head[:4096]
		}
		if !strings.Contains(string(head), "openapi") && !strings.Contains(string(head), "swagger") {
			return nil
		}
		d, err := Parse(context.Background(), data, nil, ParseOptions{})
		if err != nil {
			failed++
			return nil
		}
		files++
		ops += len(d.Operations())
		return nil
	})
	t.Logf("corpus: %d descriptions parsed (%d operations), %d not OpenAPI/invalid, in %v", files, ops, failed, time.Since(start))
	if files < 100 {
		t.Errorf("only %d descriptions parsed", files)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(petsYAML))
	f.Add([]byte(`{"swagger":"2.0","host":"h","paths":{"/a/{b}":{"get":{"operationId":"x"}}}}`))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a:\n    $ref: '#/x'\nx:\n  get: {operationId: y}\n"))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a: &a\n    get: *a\n"))
	f.Add([]byte("{\n\t\"openapi\": \"3.0.0\", \"paths\": {\"/a\": {\"get\": {}, \"get\": {}}}}"))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/P'}]\ncomponents:\n  parameters:\n    P: {name: p, in: query}\n  securitySchemes: {k: {type: apiKey, in: query, name: k}}\n"))
	f.Add([]byte(`{"openapi":"3.1.0","paths":{"/a":{"get":{"operationId":"a","parameters":[{"$ref":"#/components/parameters/P"}]}}},"components":{"parameters":{"P":{"name":"p","in":"query"}}},"x":[1,"\u00e9",{"y":null}]}`))
	f.Add([]byte("openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/P'}]\ncomponents:\n  parameters:\n    P: {name: p, in: query, in: header}\n"))
	f.Add([]byte(`{"openapi":"3.0.0","paths":{"/a":{"get":{"parameters":[{"$ref":"#/components/parameters/P"}]}}},"components":{"parameters":{"P":{"name":"p","name":"q"}}}}`))
	for _, seed := range budgetSeeds() {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// lazy sections forced on, whatever the size
		saved := minLazySize
		minLazySize = 0
		dl, errl := Parse(context.Background(), data, nil, ParseOptions{})
		minLazySize = saved
		if errl == nil {
			for _, op := range dl.Operations() {
				_, _ = op.Parameters(context.Background())
				_, _ = op.BuildRequest(context.Background(), nil, nil, RequestOptions{BaseURL: "http://127.0.0.1"})
				_ = op.ValidateResponse(context.Background(), nil, fuzzResp)
			}
		}
		d, err := Parse(context.Background(), data, nil, ParseOptions{})
		if err != nil {
			return
		}
		if errl == nil && len(dl.Operations()) != len(d.Operations()) {
			t.Fatalf("lazy parse found %d operations, full %d", len(dl.Operations()), len(d.Operations()))
		}
		for _, op := range d.Operations() {
			if op.Method == "" || !strings.HasPrefix(op.Path, "/") {
				t.Fatalf("bad operation %+v", op)
			}
			if d.operationByPath(op.Path, op.Method) == nil {
				t.Fatalf("operation %v not found by path", op)
			}
			ptr := "/paths/" + strings.ReplaceAll(strings.ReplaceAll(op.Path, "~", "~0"), "/", "~1") + "/" + strings.ToLower(op.Method)
			if _, err := d.ResolveOperationPath(ptr); err != nil && !strings.Contains(op.Path, "%") {
				t.Fatalf("ResolveOperationPath(%q): %v", ptr, err)
			}
			_ = op.Security()
		}
	})
}

func BenchmarkParseHookdeckSources(b *testing.B) {
	dir := corpusDir(b)
	data, err := os.ReadFile(filepath.Join(dir, "hookdeck/openapi/hookdeck-sources-api-openapi.yml"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(context.Background(), data, nil, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseJSONFallbackPositions(t *testing.T) {
	// Tabs make yaml.v3 fail; the JSON parser keeps positions. (A
	// duplicate key is an error: TestParseDuplicateKeys.)
	src := "{\"openapi\": \"3.0.0\",\n\t\"paths\": {\n\t\t\"/a\": {\"get\": {\"operationId\": \"a\"}}}}"
	d := mustParse(t, src, "")
	op := d.OperationByID("a")
	if op == nil || op.Line != 3 || op.Column != 17 {
		t.Fatalf("op = %v", op)
	}
}

func BenchmarkParseMist(b *testing.B) {
	dir := corpusDir(b)
	data, err := os.ReadFile(filepath.Join(dir, "jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json"))
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(context.Background(), data, nil, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
