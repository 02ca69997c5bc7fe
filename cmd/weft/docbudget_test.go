package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// weft validate reports an alias bomb in an OpenAPI description as a
// positioned error naming the limit, and weft run refuses the document
// (exit 2) instead of dying out of memory. Before: validate said "valid"
// and run expanded the aliases (10^9 of them: fatal error: out of memory);
// 10^4 here keeps the old behaviour survivable.
func TestValidateAliasBombDescription(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("              l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&laughs, "              l%d: &l%d [%s*l%d]\n", i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	dir := t.TempDir()
	api := "openapi: 3.0.3\ninfo: {title: bomb, version: \"1\"}\nservers: [{url: 'http://127.0.0.1:9/v1'}]\npaths:\n  /items:\n    get:\n      operationId: listItems\n" +
		"      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n            x-laughs:\n" + laughs.String() +
		"      responses: {\"200\": {description: ok}}\n"
	flow := "arazzo: 1.0.1\ninfo: {title: t, version: \"1\"}\nsourceDescriptions:\n  - {name: api, url: ./api.yaml, type: openapi}\n" +
		"workflows:\n  - workflowId: w\n    steps:\n      - stepId: list\n        operationId: listItems\n"
	for name, content := range map[string]string{"api.yaml": api, "flow.arazzo.yaml": flow} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc := filepath.Join(dir, "flow.arazzo.yaml")
	diag := regexp.MustCompile(`flow\.arazzo\.yaml:\d+:\d+: error: .*limit MaxAliasNodes \(10000\) reached at .*api\.yaml:\d+:\d+`)
	r := weft(t, "", "validate", doc)
	if r.code != 1 || !diag.MatchString(r.stdout) {
		t.Errorf("validate: want exit 1 and a positioned diagnostic naming the limit\n%s", r)
	}
	r = weft(t, "", "run", doc)
	if r.code != 2 || !strings.Contains(r.stderr, "limit MaxAliasNodes (10000) reached") {
		t.Errorf("run: want exit 2 naming the limit\n%s", r)
	}
}
