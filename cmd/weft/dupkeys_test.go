package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateDuplicateKeyInDescription pins the issue 11 gap "duplicate
// mapping keys are errors with both positions" for OpenAPI descriptions: a
// parameter that says "in:" twice is an error of weft validate (exit 1) on
// the source description, naming both positions, and weft run refuses the
// document (exit 2). Before: validate said "valid" and run sent the
// parameter kin-openapi kept (the last "in"). In a large description the
// duplicate sits in a lazily decoded section (components), found when the
// step's operation is bound: validate and run report it the same way.
func TestValidateDuplicateKeyInDescription(t *testing.T) {
	dir := t.TempDir()
	small := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: 'http://127.0.0.1:9'}]\npaths:\n  /items:\n    get:\n" +
		"      operationId: listItems\n      parameters:\n        - name: limit\n          schema: {type: integer}\n" +
		"          in: query\n          in: header\n      responses: {\"200\": {description: ok}}\n"
	large := "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\nservers: [{url: 'http://127.0.0.1:9'}]\npaths:\n  /items:\n    get:\n" +
		"      operationId: listItems\n      parameters: [{$ref: '#/components/parameters/Limit'}]\n      responses: {\"200\": {description: ok}}\n" +
		"components:\n  parameters:\n    Limit:\n      name: limit\n      in: query\n      in: header\n" +
		"x-pad: \"" + strings.Repeat("p", 40<<10) + "\"\n"
	flow := "arazzo: 1.0.1\ninfo: {title: t, version: \"1\"}\nsourceDescriptions:\n  - {name: api, url: ./api.yaml, type: openapi}\n" +
		"workflows:\n  - workflowId: w\n    steps:\n      - stepId: list\n        operationId: listItems\n" +
		"        parameters: [{name: limit, in: query, value: 3}]\n"
	for _, c := range []struct{ name, api, want, on string }{
		{"small", small, `api.yaml:12:11 (first at line 11, column 11)`, `flow.arazzo.yaml:4:22: error: source "api": `},
		{"large", large, `api.yaml:15:7 (first at line 14, column 7)`, `flow.arazzo.yaml:9:22: error: step "list": operation GET /items`},
	} {
		for name, content := range map[string]string{"api.yaml": c.api, "flow.arazzo.yaml": flow} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		doc := filepath.Join(dir, "flow.arazzo.yaml")
		code, out, errOut := inProcess("validate", "--format", "json", doc)
		if code != exitFailed || !strings.Contains(out, `"code": "duplicate-key"`) ||
			!strings.Contains(out, `duplicate key \"in\" at `) || !strings.Contains(out, c.want) {
			t.Errorf("%s: validate: exit %d, want 1 and a duplicate-key error naming %s\n%s%s", c.name, code, c.want, out, errOut)
		}
		if _, out, _ = inProcess("validate", doc); !strings.Contains(out, c.on) {
			t.Errorf("%s: validate text: want the finding at %s\n%s", c.name, c.on, out)
		}
		code, _, errOut = inProcess("run", doc)
		if code != exitUsage || !strings.Contains(errOut, `duplicate key "in" at `) || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: run: exit %d, want 2 naming the duplicate\n%s", c.name, code, errOut)
		}
	}
}
