package arazzo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// parseBoth parses data with the structural check and with the schema
// alone; vouched tells that the structural check spared the schema.
func parseBoth(data []byte, name string) (fast, schema string, vouched bool) {
	before := schemaValidations.Load()
	_, ds := Parse(data, name)
	vouched = schemaValidations.Load() == before
	alwaysSchema = true
	_, want := Parse(data, name)
	alwaysSchema = false
	return diagLines(ds), diagLines(want), vouched
}

// TestStructureMatchesSchema sweeps every Arazzo document of the corpus
// and 2 mutants of each (a key removed or misspelt, a wrong type, a
// duplicated or emptied list, a stray property, a broken inputs
// schema...; SWEEP_MUTANTS=12 sweeps 10440 documents): the diagnostics with the structural check equal those of
// always validating with the schema (codes, messages, positions, in
// order), and every document the check vouches for is one the schema
// finds nothing in.
func TestStructureMatchesSchema(t *testing.T) {
	corpus, files := corpusArazzoFiles(t)
	n := 2
	if v, err := strconv.Atoi(os.Getenv("SWEEP_MUTANTS")); err == nil {
		n = v
	}
	var docs, clean, vouched, mismatched int
	for i, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		rel, _ := filepath.Rel(corpus, p)
		for j, d := range append([][]byte{data}, mutants(data, int64(i), n)...) {
			docs++
			fast, schema, ok := parseBoth(d, rel)
			if fast != schema {
				mismatched++
				if mismatched <= 5 {
					t.Errorf("%s mutant %d: with the structural check\n%s\nwith the schema\n%s", rel, j, fast, schema)
				}
			}
			hasSchema := strings.Contains(schema, "[schema ")
			if !hasSchema {
				clean++
			}
			if ok {
				vouched++
				if hasSchema {
					t.Errorf("%s mutant %d: the structural check vouched for a document the schema rejects:\n%s", rel, j, schema)
				}
			}
		}
	}
	t.Logf("%d documents (%d corpus files and %d mutants of each): %d without schema findings, %d of them vouched for by the structural check; %d mismatches",
		docs, len(files), n, clean, vouched, mismatched)
	if len(files) > 0 && vouched < clean*9/10 {
		t.Errorf("the structural check vouched for only %d of %d documents the schema finds clean", vouched, clean)
	}
}

// TestStructureMatchesSchemaOnTests holds the structural check to the
// schema on the documents of this package's tests.
func TestStructureMatchesSchemaOnTests(t *testing.T) {
	srcs := []string{
		docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n", ""),
		docWith("", "  - workflowId: w\n    inputs: {type: object, properties: {a: {type: string, pattern: '('}}}\n    steps:\n      - stepId: a\n        operationId: listPets\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n      - stepId: a\n        operationId: listPets\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n        onSuccess: [{name: n, type: goto}]\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n        successCriteria: [{condition: x, type: {type: jsonpath, version: draft-goessner-dispatch-jsonpath-00}, context: $response.body}]\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: listPets\n        successCriteria: [{condition: x, type: {type: xpath, version: xpath-40}, context: $response.body}]\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - &s {stepId: a, operationId: listPets}\n      - *s\n", ""),
		docWith("", "  - workflowId: w\n    steps:\n      - {stepId: a, operationId: listPets, requestBody: {payload: {<<: {a: 1}, b: 2}}}\n      - {stepId: a, operationId: listPets, requestBody: {payload: {a: 1, b: 2}}}\n", ""),
		"arazzo: 1.1.0\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: s, url: x.yaml, type: asyncapi}]\nworkflows: [{workflowId: w, steps: [{stepId: a, operationId: x, timeout: 5}]}]\n",
		"arazzo: 1.0.1\n$schema: x\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: s, url: x.yaml}]\nworkflows: [{workflowId: w, steps: [{stepId: a, operationId: x}]}]\ncomponents: {parameters: {'bad name': {name: p, value: 1}}}\n",
	}
	for i, src := range srcs {
		fast, schema, _ := parseBoth([]byte(src), "main.yaml")
		if fast != schema {
			t.Errorf("document %d: with the structural check\n%s\nwith the schema\n%s", i, fast, schema)
		}
	}
}

// TestValidDocumentCompilesNoSchema loads the reference document in a
// fresh process: the schema is neither compiled nor used.
func TestValidDocumentCompilesNoSchema(t *testing.T) {
	if os.Getenv("WEFT_TEST_NO_SCHEMA") == "1" {
		dir := filepath.Join("..", "testdata", "hookdeck")
		doc, err := Load(context.Background(), filepath.Join(dir, "arazzo", "hookdeck-attach-integration-to-source-workflow.yml"), WithPolicy(Policy{LocalRoot: dir}))
		if err != nil || doc == nil {
			t.Fatalf("load: %v", err)
		}
		if n := schemaCompiles.Load(); n != 0 {
			t.Fatalf("loading a valid document compiled the schema %d times", n)
		}
		if n := schemaValidations.Load(); n != 0 {
			t.Fatalf("loading a valid document validated %d documents with the schema", n)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestValidDocumentCompilesNoSchema$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WEFT_TEST_NO_SCHEMA=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// And an invalid one does.
	before := schemaValidations.Load()
	Parse([]byte("arazzo: 1.0.1\ninfo: {title: t}\n"), "bad.yaml")
	if schemaValidations.Load() == before {
		t.Error("an invalid document was not validated with the schema")
	}
}

// FuzzStructureMatchesSchema: on any input, the structural check never
// vouches for a document the schema rejects, so diagnostics are those of
// always validating with the schema.
func FuzzStructureMatchesSchema(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(bigDocument(3)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, schema, _ := parseBoth(data, "fuzz.yaml")
		if fast != schema {
			t.Fatalf("with the structural check\n%s\nwith the schema\n%s", fast, schema)
		}
	})
}

// TestPatternsMatchTheSchemaRegexps holds the hand-written matchers to
// the schema's regular expressions (Go's engine, as the schema engine
// uses) on strings built from the characters that matter.
func TestPatternsMatchTheSchemaRegexps(t *testing.T) {
	pairs := []struct {
		re string
		fn func(string) bool
	}{
		{`^1\.[01]\.\d+(-.+)?$`, isArazzoVersion},
		{`^[A-Za-z0-9_\-]+$`, isSourceName},
		{`^[a-zA-Z0-9\.\-_]+$`, isName},
		{`^[A-Za-z_][-A-Za-z0-9._]*$`, isAnchor},
	}
	alphabet := []string{"1", "0", "2", ".", "-", "_", "a", "Z", "x", "\n", " ", "é", "\xff", "9"}
	var inputs []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		inputs = append(inputs, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	alphabet = []string{"1", "0", ".", "-", "a", "\n"}
	gen("", 7)
	inputs = append(inputs, "1.0.1", "1.1.0", "1.0.10-rc.1", "1.0.1-", "1.0.1-\n", "1.0.1-a\nb", "1.2.0", "1.0.1\n", "01.0.1")
	for _, p := range pairs {
		re := regexp.MustCompile(p.re)
		for _, s := range inputs {
			if got, want := p.fn(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: got %v, want %v", p.re, s, got, want)
			}
		}
	}
}
