package arazzo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// bigDocument returns an Arazzo document with n steps, each with a
// parameter, a success criterion, an action and an output, and a
// workflow inputs schema.
func bigDocument(n int) string {
	var b strings.Builder
	b.WriteString("arazzo: 1.0.1\ninfo: {title: big, version: '1'}\nsourceDescriptions:\n  - {name: pets, url: pets.yaml, type: openapi}\n")
	b.WriteString("workflows:\n  - workflowId: w\n    inputs:\n      type: object\n      properties:\n        id: {type: string}\n        token: {type: string, format: password}\n      required: [id]\n    steps:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `      - stepId: s%d
        description: step %d
        operationId: getPet
        parameters:
          - {name: id, in: path, value: $inputs.id}
        successCriteria:
          - condition: $statusCode == 200
          - {context: $response.body, condition: '$.id', type: jsonpath}
        onFailure:
          - {name: again, type: retry, retryAfter: 1, retryLimit: 2}
        outputs:
          id: $response.body#/id
`, i, i)
	}
	b.WriteString("    outputs:\n      last: $steps.s0.outputs.id\n")
	return b.String()
}

// BenchmarkLoad1000Steps loads a generated 1000-step document (its one
// OpenAPI description is small): decoding, the document check, binding
// and the semantic checks.
func BenchmarkLoad1000Steps(b *testing.B) {
	fsys := fstest.MapFS{
		"main.yaml": {Data: []byte(bigDocument(1000))},
		"pets.yaml": {Data: []byte(testAPI)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), "main.yaml", WithFS(fsys)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse1000Steps parses the same document without sources:
// decoding and the document check.
func BenchmarkParse1000Steps(b *testing.B) {
	data := []byte(bigDocument(1000))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := Parse(data, "main.yaml"); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkParse1000StepsInvalid parses the document with one mistake in
// its last step: the structural check fails and the schema explains.
func BenchmarkParse1000StepsInvalid(b *testing.B) {
	data := []byte(strings.Replace(bigDocument(1000), "description: step 999", "descriptio: step 999", 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := Parse(data, "main.yaml"); len(ds) != 1 || ds[0].Code != "schema" {
			b.Fatal(ds)
		}
	}
}

// BenchmarkLoadHookdeck loads the reference document with its five
// OpenAPI descriptions (testdata/hookdeck).
func BenchmarkLoadHookdeck(b *testing.B) {
	p := filepath.Join("..", "testdata", "hookdeck", "arazzo", "hookdeck-attach-integration-to-source-workflow.yml")
	opts := []Option{WithSchemes("file"), WithPolicy(Policy{LocalRoot: filepath.Join(filepath.Dir(p), "..")})}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(context.Background(), p, opts...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseHookdeck parses the reference document alone.
func BenchmarkParseHookdeck(b *testing.B) {
	data, err := readTestFile(filepath.Join("..", "testdata", "hookdeck", "arazzo", "hookdeck-attach-integration-to-source-workflow.yml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := Parse(data, "main.yaml"); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

func readTestFile(p string) ([]byte, error) { return os.ReadFile(p) }
