package arazzo

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// fuzzSeeds returns the seed documents: the files under testdata/fuzz and
// the documents written in this package's tests.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	files, _ := filepath.Glob("testdata/fuzz/*.arazzo.*")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
	}
	seeds = append(seeds, []byte(decodeDoc), []byte(childArazzo),
		[]byte("arazzo: 1.1.0\ninfo: {title: t, version: '1'}\n$self: x\nsourceDescriptions: [{name: a, url: api.yaml, type: asyncapi}]\nworkflows: [{workflowId: w, steps: [{stepId: s, operationId: getThing, timeout: 1, outputs: {o: {context: $response.body, selector: $.a}}}]}]\n"),
		[]byte("a: &a [*a]\n"), []byte("{\"arazzo\": 1}"), []byte("arazzo: 1.0.1\n<<: {info: 1}\n"),
		[]byte("arazzo: 1.0.1\nworkflows: [{workflowId: w, dependsOn: [w], steps: [{stepId: s, workflowId: w, onFailure: [{name: r, type: retry, stepId: s, retryLimit: -1}]}]}]\n"))
	return seeds
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, ds := Parse(data, "fuzz.yaml")
		if doc == nil && !ds.HasErrors() {
			t.Fatal("nil document without an error")
		}
		for _, d := range ds {
			if d.Message == "" || d.Code == "" {
				t.Fatalf("incomplete diagnostic %+v", d)
			}
			if d.End != (Position{}) && before(d.End, d.Pos) {
				t.Fatalf("diagnostic ends before it starts: %+v", d)
			}
			for _, fx := range d.SuggestedFixes {
				for _, e := range fx.Edits {
					if before(e.End, e.Pos) {
						t.Fatalf("fix edit ends before it starts: %+v", e)
					}
				}
			}
		}
		if doc == nil {
			return
		}
		// The inputs reader takes the document's text as it is: it
		// returns an error (a named budget) or a schema, never panics.
		for _, w := range doc.Workflows {
			if s, _ := w.InputSchema(); s != nil {
				for _, p := range s.Properties {
					if p.Name == "" {
						t.Fatalf("workflow %q: input property without a name", w.WorkflowID)
					}
				}
			}
		}
	})
}

// before reports whether a precedes b in the same file.
func before(a, b Position) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
}

func FuzzLoad(f *testing.F) {
	api, err := os.ReadFile("testdata/fuzz/api.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"main.yaml":  {Data: data},
			"self.yaml":  {Data: data},
			"api.yaml":   {Data: api},
			"./api.yaml": {Data: api},
		}
		// No network: a mutated source URL must not make the fuzzer wait on
		// DNS or a connection.
		noNet := &http.Client{Transport: refuseTransport{}}
		doc, err := Load(context.Background(), "main.yaml", WithFS(fsys), WithMaxSources(8), WithMaxDocumentSize(1<<20), WithHTTPClient(noNet))
		if doc == nil && err == nil {
			t.Fatal("nil document without an error")
		}
		if doc != nil && (err != nil) != doc.Diagnostics.HasErrors() {
			t.Fatalf("error %v disagrees with diagnostics", err)
		}
	})
}

// refuseTransport fails every request at once.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("fuzz: no network")
}
