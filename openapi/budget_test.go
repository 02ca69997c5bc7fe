package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// laughs returns a YAML "billion laughs" block of levels anchors, each a
// list of ten aliases to the previous one, indented by indent spaces: it
// expands to about 10^levels nodes.
func laughs(indent string, levels int) string {
	var b strings.Builder
	b.WriteString(indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "%sl%d: &l%d [%s*l%d]\n", indent, i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	return b.String()
}

// bombAPI is a small description with an alias bomb of the given levels in
// an operation's response schema (where) or in a parameter.
func bombAPI(where string, levels int) string {
	head := "openapi: 3.0.3\ninfo: {title: bomb, version: \"1\"}\nservers: [{url: 'http://127.0.0.1/v1'}]\npaths:\n  /items:\n    get:\n      operationId: listItems\n"
	param := "      parameters:\n        - {name: limit, in: query, schema: {type: integer}}\n"
	resp := "      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n"
	switch where {
	case "response":
		return head + param + resp + "                example:\n" + laughs("                  ", levels)
	case "parameter":
		return head + "      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n            x-laughs:\n" +
			laughs("              ", levels) + resp
	}
	panic(where)
}

// allocDuring returns the bytes allocated while f runs.
func allocDuring(f func()) uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	f()
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc - before
}

var limitAt = regexp.MustCompile(`limit MaxAliasNodes \(10000\) reached at bomb\.yaml:\d+:\d+`)

// An alias bomb in an operation is refused by Parse with the named limit
// and its position, cheaply; before the budget Parse accepted it and
// binding the operation expanded every alias (10^5 nodes here: ~70 MB and
// 0.3 s; 10^7: 7 GB and 36 s).
func TestAliasBombRefused(t *testing.T) {
	loc := &url.URL{Path: "bomb.yaml"}
	for _, where := range []string{"response", "parameter"} {
		t.Run(where, func(t *testing.T) {
			for _, levels := range []int{4, 9} { // 10^4 (old code: 80 MB), and a real billion laughs
				src := bombAPI(where, levels)
				if levels == 9 && len(src) > 3000 {
					t.Fatalf("bomb is %d bytes", len(src))
				}
				var err error
				start := time.Now()
				alloc := allocDuring(func() {
					var d *Description
					d, err = Parse(context.Background(), []byte(src), loc, ParseOptions{})
					if err == nil {
						_, err = d.OperationByID("listItems").Parameters(context.Background())
					}
				})
				el := time.Since(start)
				t.Logf("levels %d (%d bytes): %d KB allocated in %v: %v", levels, len(src), alloc>>10, el, err)
				var le *LimitError
				if !errors.As(err, &le) || le.Limit != "MaxAliasNodes" || le.Max != 10000 || le.Line == 0 {
					t.Fatalf("levels %d: err = %v, want a MaxAliasNodes LimitError with a position", levels, err)
				}
				if !limitAt.MatchString(err.Error()) {
					t.Errorf("error %q does not name the limit and its position", err)
				}
				if alloc > 8<<20 || el > time.Second {
					t.Errorf("levels %d: %d bytes allocated in %v", levels, alloc, el)
				}
			}
		})
	}
}

// Aliases below the budget keep working: the expansion is what the
// operation sees.
func TestAliasesWithinBudget(t *testing.T) {
	src := `openapi: 3.0.3
info: {title: a, version: "1"}
paths:
  /a:
    get:
      operationId: a
      parameters:
        - &p {name: limit, in: query, schema: {type: integer}}
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: b
      parameters: [*p]
      responses: {"200": {description: ok}}
`
	d := mustParse(t, src, "")
	ps, err := d.OperationByID("b").Parameters(context.Background())
	if err != nil || len(ps) != 1 || ps[0].Name != "limit" {
		t.Fatalf("parameters = %v, %v", ps, err)
	}
}

// deepJSON nests n objects.
func deepJSON(n int) string {
	return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
}

// Deep nesting is refused with MaxNestingDepth and a position, in JSON and
// in YAML (flow and block), inside an operation. Before, a 100,000-level
// JSON description fell back to yaml.v3, whose error had no position
// ("yaml: exceeded max depth of 10000"), and up to 10,000 levels were
// accepted and silently cut at 200 when the operation was bound.
func TestDeepNestingRefused(t *testing.T) {
	// block nests compact block sequences: "- - - 1" on one line
	block := func(n int) string { return "        " + strings.Repeat("- ", n) + "1\n" }
	cases := map[string]string{
		"json 100000":    `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","responses":{"200":{"description":"ok","x":` + deepJSON(100000) + `}}}}}}`,
		"json 2000":      `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","x":` + deepJSON(2000) + `}}}}`,
		"yaml flow":      "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      x: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n",
		"yaml flow 2000": "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      x: " + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + "\n",
		"json lazy section": `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a"}}},"x-pad":"` +
			strings.Repeat("p", 40<<10) + `","components":{"schemas":{"Deep":` + deepJSON(100000) + `}}}`,
		"yaml block": "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      x:\n" + block(1050),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			d, err := Parse(context.Background(), []byte(src), &url.URL{Path: "deep.json"}, ParseOptions{})
			if err == nil {
				_, err = d.OperationByID("a").Parameters(context.Background())
			}
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != "MaxNestingDepth" || le.Line == 0 || le.Column == 0 {
				t.Fatalf("err = %v, want a positioned MaxNestingDepth LimitError", err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("limit MaxNestingDepth (1000) reached at deep.json:%d:%d", le.Line, le.Column)) {
				t.Errorf("error %q", err)
			}
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

// Nesting below the limit is bound whole (it used to be cut at 200 levels).
func TestNestingWithinBudget(t *testing.T) {
	schema := strings.Repeat(`{"type":"array","items":`, 300) + `{"type":"string"}` + strings.Repeat("}", 300)
	src := `{"openapi":"3.0.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"operationId":"a","responses":{"200":{"description":"ok","content":{"application/json":{"schema":` + schema + `}}}}}}}}`
	d := mustParse(t, src, "")
	route, err := d.OperationByID("a").schemaRoute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := route.Operation.Responses.Value("200").Value.Content["application/json"].Schema.Value
	depth := 0
	for s != nil && s.Items != nil {
		s = s.Items.Value
		depth++
	}
	if depth != 300 || s == nil || !s.Type.Is("string") {
		t.Fatalf("schema depth %d (%v)", depth, s)
	}
}

// budgetSeeds are fuzz seeds for the document budget: alias bombs in an
// operation, deep nesting, $ref cycles, a recursive schema.
func budgetSeeds() []string {
	return []string{
		bombAPI("response", 9),
		bombAPI("parameter", 4),
		"openapi: 3.0.0\npaths:\n  /a:\n    get:\n      x: &a [1, *a]\n",
		`{"openapi":"3.0.0","paths":{"/a":{"get":{"operationId":"a","x":` + deepJSON(1200) + `}}}}`,
		"openapi: 3.0.0\npaths:\n  /a:\n    get:\n      x: " + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + "\n",
		cycleHead + "paths:\n  /a: {$ref: '#/paths/~1a'}\n",
		cycleHead + "paths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/P'}]\ncomponents:\n  parameters:\n    P: {$ref: '#/components/parameters/Q'}\n    Q: {$ref: '#/components/parameters/P'}\n",
		cycleHead + "paths:\n  /a:\n    get:\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/N'}}}}}\ncomponents:\n  schemas:\n    N: {type: object, properties: {n: {$ref: '#/components/schemas/N'}}}\n",
	}
}

// FuzzNodeValue converts YAML trees the budget accepts: the conversion
// never panics, never nests past MaxNestingDepth and yields at most the
// written nodes plus MaxAliasNodes.
func FuzzNodeValue(f *testing.F) {
	for _, s := range budgetSeeds() {
		f.Add([]byte(s))
	}
	f.Add([]byte("a: &a {b: 1}\nc: *a\nd: [*a, *a]\n<<: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := decodeNode(data, &yamlbudget.Budget{})
		if err != nil {
			return
		}
		v, err := nodeValue(root, 0)
		if err != nil {
			t.Fatalf("nodeValue on a checked tree: %v", err)
		}
		if n := countValues(v); n > literalNodes(root)+yamlbudget.MaxAliasNodes {
			t.Fatalf("%d values from %d written nodes", n, literalNodes(root))
		}
	})
}

func countValues(v any) int {
	n := 1
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += 1 + countValues(e) // key and value
		}
	case []any:
		for _, e := range x {
			n += countValues(e)
		}
	}
	return n
}

func literalNodes(n *yaml.Node) int {
	c := 1
	for _, ch := range n.Content {
		c += literalNodes(ch)
	}
	return c
}
