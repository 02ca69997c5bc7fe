package openapi

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Benchmarks of what a run pays before its first request (docs/performance.md,
// section binding). Each reads its files once, outside the timed loop; they
// skip when the corpus is absent.

const mistFile = "jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json"

// firstRequests parses each description and, for each operationId, binds
// the operation and builds one request (path parameters set, no body).
func firstRequests(b *testing.B, files map[string][]byte, ids map[string][]string) {
	ctx := context.Background()
	for name, data := range files {
		d, err := Parse(ctx, data, &url.URL{Scheme: "file", Path: "/" + name}, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, id := range ids[name] {
			op := d.OperationByID(id)
			if op == nil {
				b.Fatalf("%s: no operation %s", name, id)
			}
			var params []ParamValue
			for _, n := range op.PathTemplateNames() {
				params = append(params, ParamValue{Name: n, In: "path", Value: "x"})
			}
			if _, err := op.BuildRequest(ctx, params, nil, RequestOptions{BaseURL: "http://127.0.0.1:9"}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func readCorpus(b *testing.B, rel string) []byte {
	data, err := os.ReadFile(filepath.Join(corpusDir(b), rel))
	if err != nil {
		b.Skip(err)
	}
	return data
}

// mistOps are three operations of mist.com's description.
var mistOps = []string{"getSiteStats", "listOrgSites", "getOrgInventory"}

// BenchmarkFirstRequestMist: Parse the 3.8 MB mist.com description, bind
// three operations and build a request for each (time to first request of
// a 3-step workflow). Compare with BenchmarkKinFullLoadMist.
func BenchmarkFirstRequestMist(b *testing.B) {
	files := map[string][]byte{"mist.json": readCorpus(b, mistFile)}
	ids := map[string][]string{"mist.json": mistOps}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		firstRequests(b, files, ids)
	}
}

// BenchmarkKinFullLoadMist: kin-openapi loading the whole mist.com file.
func BenchmarkKinFullLoadMist(b *testing.B) {
	data := readCorpus(b, mistFile)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := openapi3.NewLoader().LoadFromData(data); err != nil {
			b.Fatal(err)
		}
	}
}

// hookdeckRef are the reference workflow's operations by description.
var hookdeckRef = map[string][]string{
	"hookdeck-sources-api-openapi.yml":      {"createSource", "getSource"},
	"hookdeck-integrations-api-openapi.yml": {"createIntegration", "attachIntegrationToSource"},
}

func hookdeckFiles(b *testing.B, real bool) map[string][]byte {
	files := map[string][]byte{}
	for name := range hookdeckRef {
		var data []byte
		var err error
		if real {
			data = readCorpus(b, filepath.Join("hookdeck/openapi", name))
		} else if data, err = os.ReadFile(filepath.Join("..", "testdata", "hookdeck", "openapi", name)); err != nil {
			b.Fatal(err)
		}
		files[name] = data
	}
	return files
}

// BenchmarkFirstRequestHookdeckReal and ...Trimmed: Parse the sources and
// integrations descriptions, bind the reference workflow's four operations
// and build a request for each, on the public descriptions and on the
// trimmed ones of testdata.
func BenchmarkFirstRequestHookdeckReal(b *testing.B) {
	files := hookdeckFiles(b, true)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		firstRequests(b, files, hookdeckRef)
	}
}

func BenchmarkFirstRequestHookdeckTrimmed(b *testing.B) {
	files := hookdeckFiles(b, false)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		firstRequests(b, files, hookdeckRef)
	}
}

// BenchmarkGetSourceValidationOff and ...On: Parse the public Hookdeck
// sources description and bind getSource; On also validates one response
// (the schema layer: kin-openapi loads what the responses reach).
func BenchmarkGetSourceValidationOff(b *testing.B) { benchGetSource(b, false) }

func BenchmarkGetSourceValidationOn(b *testing.B) { benchGetSource(b, true) }

func benchGetSource(b *testing.B, validate bool) {
	data := readCorpus(b, "hookdeck/openapi/hookdeck-sources-api-openapi.yml")
	resp := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"id":"src_1","name":"n"}`)}
	resp.Body, _ = decodeJSON(resp.Raw)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := Parse(ctx, data, nil, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		op := d.OperationByID("getSource")
		if _, err := op.Parameters(ctx); err != nil {
			b.Fatal(err)
		}
		if validate {
			_ = op.ValidateResponse(ctx, nil, resp)
		}
	}
}

// sourcesOps are four operations of the public Hookdeck sources description.
var sourcesOps = []string{"getSources", "createSource", "getSource", "updateSource"}

// BenchmarkValidateFourAlone and ...Shared: Parse the public Hookdeck
// sources description and validate one response of each of four
// operations, loading each alone, or all four in one kin-openapi document
// (Description.WillValidate, as runtime.New does with validation on).
func BenchmarkValidateFourAlone(b *testing.B) { benchValidateFour(b, false) }

func BenchmarkValidateFourShared(b *testing.B) { benchValidateFour(b, true) }

func benchValidateFour(b *testing.B, shared bool) {
	data := readCorpus(b, "hookdeck/openapi/hookdeck-sources-api-openapi.yml")
	resp := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"id":"src_1","name":"n"}`)}
	resp.Body, _ = decodeJSON(resp.Raw)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := Parse(ctx, data, nil, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		var ops []*Operation
		for _, id := range sourcesOps {
			ops = append(ops, d.OperationByID(id))
		}
		if shared {
			d.WillValidate(ops...)
		}
		for _, op := range ops {
			if _, err := op.schemaRoute(ctx); err != nil {
				b.Fatal(err)
			}
			_ = op.ValidateResponse(ctx, nil, resp)
		}
	}
}
