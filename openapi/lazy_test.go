package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"gopkg.in/yaml.v3"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// bigYAML builds a description above the lazy threshold, with an anchor in
// one lazy section aliased from another and a multi-line flow value.
func bigYAML() string {
	var b strings.Builder
	b.WriteString("# leading comment\n---\nopenapi: 3.0.3\ninfo:\n  title: big\n  version: '1'\nx-shared: &shared\n  type: string\n  maxLength: 3\nservers:\n- url: https://big.example.com\npaths:\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "  /r%d/{id}:\n    get:\n      operationId: get%d\n      parameters:\n        - $ref: '#/components/parameters/Id'\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/S%d'}\n", i, i, i)
	}
	b.WriteString("components:\n  # comment\n  parameters:\n    Id: {name: id, in: path, required: true, style: label, schema: {type: string}}\n  schemas:\n    Shared: *shared\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "    S%d:\n      type: object\n      required: [name]\n      properties:\n        name: {$ref: '#/components/schemas/Shared'}\n        description:\n          type: string\n          description: >-\n            %s\n", i, strings.Repeat("padding text ", 40))
	}
	b.WriteString("  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\nsecurity:\n  - key: []\n")
	return b.String()
}

func parseBoth(t *testing.T, src string) (lazy, full *Description) {
	t.Helper()
	lazy = mustParse(t, src, "https://big.example.com/spec.yaml")
	noLazy = true
	defer func() { noLazy = false }()
	full = mustParse(t, src, "https://big.example.com/spec.yaml")
	return lazy, full
}

func opSummary(d *Description) []string {
	var out []string
	for _, op := range d.Operations() {
		out = append(out, fmt.Sprintf("%s %d:%d %v", op, op.Line, op.Column, op.Security()))
	}
	return out
}

func TestLazySectionsMatchFullDecode(t *testing.T) {
	src := bigYAML()
	lz, full := parseBoth(t, src)
	if lz.lazy == nil || full.lazy != nil {
		t.Fatalf("lazy split not used (%d bytes)", len(src))
	}
	if !reflect.DeepEqual(opSummary(lz), opSummary(full)) || !reflect.DeepEqual(lz.Servers, full.Servers) || !reflect.DeepEqual(lz.SecuritySchemes, full.SecuritySchemes) {
		t.Fatalf("lazy and full parse differ:\n%v\n%v", opSummary(lz)[:2], opSummary(full)[:2])
	}
	rec := newRecorder(t)
	for _, d := range []*Description{lz, full} {
		op := d.OperationByID("get7")
		w, _ := send(t, rec, op, []ParamValue{{Name: "id", In: "path", Value: "x"}}, nil, RequestOptions{})
		if w.URI != "/r7/.x" {
			t.Errorf("URI = %s", w.URI)
		}
		for body, n := range map[string]int{`{"name":"abc"}`: 0, `{"name":"abcd"}`: 1, `{}`: 1} {
			r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
			if fs := op.ValidateResponse(context.Background(), nil, r); len(fs) != n {
				t.Errorf("lazy=%v %s: findings %v", d.lazy != nil, body, fs)
			}
		}
	}
	// a $ref into a section: line numbers of lazily decoded nodes are right
	n, ok := lz.pointer(lz.root, "/components/schemas/S3")
	nf, _ := full.pointer(full.root, "/components/schemas/S3")
	if !ok || n.Line != nf.Line || n.Column != nf.Column {
		t.Errorf("lazy node at %d:%d, full at %d:%d", n.Line, n.Column, nf.Line, nf.Column)
	}
}

func TestLazyFallbacks(t *testing.T) {
	base := bigYAML()
	for name, src := range map[string]string{
		"directive":   "%YAML 1.1\n---\n" + strings.Replace(base, "---\n", "", 1),
		"quoted key":  base + "\"x-q\": 1\n",
		"two docs":    base + "---\nopenapi: 3.0.0\n",
		"flow at col": strings.Replace(base, "info:\n  title: big\n  version: '1'\n", "info: {title: big,\nversion: '1'}\n", 1),
		"tab":         base + "x-t:\n\t- 1\n",
	} {
		d, err := Parse(context.Background(), []byte(src), nil, ParseOptions{})
		if err != nil {
			if name == "tab" || name == "two docs" {
				continue // yaml.v3 rejects these whole documents too
			}
			t.Errorf("%s: %v", name, err)
			continue
		}
		if op := d.OperationByID("get5"); op == nil {
			t.Errorf("%s: get5 missing", name)
		} else if _, err := op.Parameters(context.Background()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestLazyHookdeckCorpus(t *testing.T) {
	dir := corpusDir(t)
	p := filepath.Join(dir, "hookdeck/openapi/hookdeck-sources-api-openapi.yml")
	lz := mustParseFile(t, p)
	noLazy = true
	full := mustParseFile(t, p)
	noLazy = false
	if lz.lazy == nil {
		t.Fatal("lazy split not used for the Hookdeck description")
	}
	if !reflect.DeepEqual(opSummary(lz), opSummary(full)) {
		t.Fatal("lazy and full index differ")
	}
	for _, id := range []string{"getSource", "createSource"} {
		for _, body := range []string{`{"id":"x","name":"y"}`, `{"id":1}`} {
			var got [2][]Finding
			for i, d := range []*Description{lz, full} {
				r, _ := ReadResponse(serve(t, 200, "application/json", body), 0)
				got[i] = d.OperationByID(id).ValidateResponse(context.Background(), nil, r)
			}
			if !reflect.DeepEqual(got[0], got[1]) || len(got[0]) == 0 {
				t.Errorf("%s %s: lazy %v, full %v", id, body, got[0], got[1])
			}
		}
	}
}

func TestLazyJSONMatchesFull(t *testing.T) {
	var v any
	if err := yaml.Unmarshal([]byte(strings.Replace(bigYAML(), "Shared: *shared", "Shared: {type: string, maxLength: 3}", 1)), &v); err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	lz, full := parseBoth(t, string(data))
	if lz.lazy == nil || len(lz.lazy) < 3 {
		t.Fatalf("lazy JSON sections not used")
	}
	if !reflect.DeepEqual(opSummary(lz), opSummary(full)) || !reflect.DeepEqual(lz.SecuritySchemes, full.SecuritySchemes) {
		t.Fatalf("lazy and full differ")
	}
	n, ok := lz.pointer(lz.root, "/components/schemas/S3/properties/description")
	nf, _ := full.pointer(full.root, "/components/schemas/S3/properties/description")
	if !ok || n.Line != nf.Line || n.Column != nf.Column || n.Line == 0 {
		t.Errorf("lazy node at %d:%d, full at %d:%d", n.Line, n.Column, nf.Line, nf.Column)
	}
	op := lz.OperationByID("get3")
	r, _ := ReadResponse(serve(t, 200, "application/json", `{"name":"toolong"}`), 0)
	if fs := op.ValidateResponse(context.Background(), nil, r); len(fs) != 1 {
		t.Errorf("findings = %v", fs)
	}
	// a broken lazy section fails only when used
	broken := strings.Replace(string(data), `"schemas": {`, `"schemas": {"Bad": [1,}, `, 1)
	d, err := Parse(context.Background(), []byte(broken), nil, ParseOptions{})
	if err != nil {
		t.Fatalf("a broken lazy section must not fail Parse: %v", err)
	}
	if _, err := d.OperationByID("get3").BuildRequest(context.Background(), []ParamValue{{Name: "id", In: "path", Value: 1}}, nil, RequestOptions{BaseURL: "http://x"}); err != nil {
		t.Errorf("parameters section is intact: %v", err)
	}
	// components are lazy entry by entry: a broken schema get3 does not
	// reach leaves its validation intact; one it reaches makes it fall back
	r, _ = ReadResponse(serve(t, 200, "application/json", `{}`), 0)
	if fs := d.OperationByID("get3").ValidateResponse(context.Background(), nil, r); len(fs) != 1 || !strings.Contains(fs[0].Message, `property "name" is missing`) {
		t.Errorf("broken schema get3 does not reach: findings %v", fs)
	}
	broken = strings.Replace(string(data), `"S3": {`, `"S3": {"x": [1,}, `, 1)
	if d, err = Parse(context.Background(), []byte(broken), nil, ParseOptions{}); err != nil {
		t.Fatalf("a broken lazy section must not fail Parse: %v", err)
	}
	if fs := d.OperationByID("get3").ValidateResponse(context.Background(), nil, r); len(fs) != 1 || !strings.Contains(fs[0].Message, "cannot be used") {
		t.Errorf("broken schema get3 reaches: findings %v", fs)
	}
}

func TestLazyMistCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	p := filepath.Join(corpusDir(t), "jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json")
	lz := mustParseFile(t, p)
	noLazy = true
	full := mustParseFile(t, p)
	noLazy = false
	if lz.lazy == nil || !reflect.DeepEqual(opSummary(lz), opSummary(full)) {
		t.Fatal("lazy and full index differ")
	}
	ops := lz.Operations()
	for _, op := range []*Operation{ops[0], ops[len(ops)/2], ops[len(ops)-1]} {
		a, errA := op.Parameters(context.Background())
		b, errB := full.operationByPath(op.Path, op.Method).Parameters(context.Background())
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: %v %v / %v %v", op, a, errA, b, errB)
		}
	}
}

// TestConcurrentLazyUse builds requests and validates responses from many
// goroutines at once on a lazily decoded description (run with -race).
func TestConcurrentLazyUse(t *testing.T) {
	d := mustParse(t, bigYAML(), "https://big.example.com/spec.yaml")
	body, _ := decodeJSON([]byte(`{"name":"abcd"}`))
	resp := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"name":"abcd"}`), Body: body}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				op := d.OperationByID(fmt.Sprintf("get%d", (g+i)%10))
				req, err := op.BuildRequest(context.Background(), []ParamValue{{Name: "id", In: "path", Value: g}}, nil, RequestOptions{})
				if err != nil || !strings.HasSuffix(req.HTTP.URL.Path, fmt.Sprintf("/.%d", g)) {
					errs <- fmt.Sprint(err, req)
					return
				}
				if fs := op.ValidateResponse(context.Background(), req, resp); len(fs) != 1 {
					errs <- fmt.Sprint(fs)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
