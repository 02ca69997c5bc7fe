package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// inProcess runs weft in-process and returns its exit code, stdout and
// stderr.
func inProcess(args ...string) (int, string, string) {
	var stdout, stderr strings.Builder
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestValidateReportsRunTimeFailures pins issue 11 item 1: weft validate
// names, before any request, each mistake a run would meet at its step.
func TestValidateReportsRunTimeFailures(t *testing.T) {
	code, out, errOut := inProcess("validate", "testdata/validate/mistakes.arazzo.yaml")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, out, errOut)
	}
	for _, want := range []string{
		`mistakes.arazzo.yaml:8:9: error: step "create" sends no request body, but POST /carts (createCart) requires one`,
		`mistakes.arazzo.yaml:15:20: error: path parameter "cartID" is not in the path of POST /carts/{cartId}/items (addItem) (did you mean "cartId"?)`,
		`mistakes.arazzo.yaml:16:20: warning: query parameter "dryrun" is not a parameter of POST /carts/{cartId}/items (addItem); it is sent anyway (did you mean "dryRun"?)`,
		`mistakes.arazzo.yaml:18:24: error: contentType "application/xml" is not a request media type of POST /carts/{cartId}/items (addItem) (use one of: application/json)`,
		`mistakes.arazzo.yaml:20:9: error: step "read" supplies no value for path parameter "cartId" of GET /carts/{cartId} (getCart)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n") - strings.Count(out, "\n\t"); n != 5 {
		t.Errorf("%d findings, want 5 (one per mistake):\n%s", n, out)
	}
	if !strings.Contains(errOut, "4 error(s), 1 warning(s)") {
		t.Errorf("stderr: %s", errOut)
	}
	code, out, errOut = inProcess("validate", "testdata/validate/good.arazzo.yaml")
	if code != exitOK || out != "" {
		t.Errorf("good document: exit %d\n%s%s", code, out, errOut)
	}
}

// TestRunSendsNothingForAMidRunMistake pins the headline of item 1: a
// misspelled path parameter at step 3 used to fail after two real POSTs
// had created resources; now the run is refused before any request.
func TestRunSendsNothingForAMidRunMistake(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"c1"}`))
	}))
	defer srv.Close()
	code, out, errOut := inProcess("run", "testdata/validate/midrun.arazzo.yaml", "--server", "shop="+srv.URL)
	if code != exitUsage {
		t.Errorf("exit %d, want %d (document error)\n%s%s", code, exitUsage, out, errOut)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
	if !strings.Contains(errOut, `midrun.arazzo.yaml:18:29: error: path parameter "cartid" is not in the path of GET /carts/{cartId} (getCart) (did you mean "cartId"?)`) {
		t.Errorf("stderr lacks the finding:\n%s", errOut)
	}
}

// TestValidateFormats pins item 4: --format text|json|github, same exit
// codes.
func TestValidateFormats(t *testing.T) {
	doc := "testdata/validate/mistakes.arazzo.yaml"
	code, out, _ := inProcess("validate", "--format", "json", doc, "testdata/validate/good.arazzo.yaml")
	if code != exitFailed {
		t.Errorf("json: exit %d", code)
	}
	var ds []map[string]any
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(ds) != 5 {
		t.Fatalf("json: %d diagnostics, want 5", len(ds))
	}
	first := ds[0]
	for _, k := range []string{"file", "line", "column", "severity", "code", "message", "hint"} {
		if _, ok := first[k]; !ok {
			t.Errorf("json: no %q in %v", k, first)
		}
	}
	if !strings.HasSuffix(first["file"].(string), "mistakes.arazzo.yaml") || first["line"] != 8.0 || first["column"] != 9.0 ||
		first["severity"] != "error" || first["code"] != "missing-request-body" || first["hint"] != "add a requestBody with a payload" {
		t.Errorf("json: first = %v", first)
	}
	code, out, _ = inProcess("validate", "--format", "json", "testdata/validate/good.arazzo.yaml")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("json, valid document: exit %d, %q", code, out)
	}

	code, out, _ = inProcess("validate", "--format=github", doc)
	if code != exitFailed {
		t.Errorf("github: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("github: %d lines:\n%s", len(lines), out)
	}
	if want := `::error file=testdata/validate/mistakes.arazzo.yaml,line=8,endLine=8,col=9,title=missing-request-body::step "create" sends no request body, but POST /carts (createCart) requires one (add a requestBody with a payload)`; lines[0] != want {
		t.Errorf("github:\n got %s\nwant %s", lines[0], want)
	}
	if !strings.HasPrefix(lines[2], "::warning file=testdata/validate/mistakes.arazzo.yaml,line=16,") {
		t.Errorf("github warning: %s", lines[2])
	}

	if code, _, errOut := inProcess("validate", "--format", "xml", doc); code != exitUsage || !strings.Contains(errOut, "text, json, github") {
		t.Errorf("bad format: exit %d %s", code, errOut)
	}
}

// TestGitHubEscaping pins the escaping GitHub requires: %, CR and LF in
// messages; also ':' and ',' in properties.
func TestGitHubEscaping(t *testing.T) {
	var b strings.Builder
	writeGitHub(&b, arazzo.Diagnostics{{Severity: arazzo.SeverityWarning, Code: "a:b,c",
		Pos: arazzo.Position{File: "/x/we,ird:name%.yaml", Line: 3, Column: 4}, Message: "100% sure,\r\nreally: yes", Hint: "h"}})
	want := "::warning file=/x/we%2Cird%3Aname%25.yaml,line=3,endLine=3,col=4,title=a%3Ab%2Cc::100%25 sure,%0D%0Areally: yes (h)\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// TestValidateOpenAPIGivenAsArazzo pins item 3: an OpenAPI description
// where an Arazzo document is expected gets one clear finding (before: 7
// schema errors for this file, 61 for the corpus's Spotify description).
func TestValidateOpenAPIGivenAsArazzo(t *testing.T) {
	code, out, errOut := inProcess("validate", "testdata/pets.openapi.yaml")
	if code != exitFailed {
		t.Errorf("exit %d", code)
	}
	want := "pets.openapi.yaml:1:1: error: this is an OpenAPI description, not an Arazzo document (name it in sourceDescriptions of an Arazzo document, with type: openapi, and validate that document)\n"
	if !strings.HasSuffix(out, want) || strings.Count(out, "\n") != 1 {
		t.Errorf("got\n%s\nwant one line ending in\n%s", out, want)
	}
	if !strings.Contains(errOut, "1 error(s)") {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestValidateYAMLMistakes pins item 2 through the command line: a
// duplicate key is an error naming both positions, and a tab in the
// indentation is reported at its own line (yaml.v3 says the line before).
func TestValidateYAMLMistakes(t *testing.T) {
	dir := t.TempDir()
	dup := filepath.Join(dir, "dup.arazzo.yaml")
	os.WriteFile(dup, []byte("arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n  - {name: shop, url: "+
		filepath.Join(mustAbs(t, "testdata/validate"), "shop.openapi.yaml")+", type: openapi}\n"+
		"workflows:\n  - workflowId: w\n    steps:\n      - stepId: read\n        operationId: getCart\n"+
		"        parameters:\n          - name: cartId\n            in: path\n            value: mine\n            value: yours\n"), 0o600)
	code, out, _ := inProcess("validate", dup)
	if code != exitFailed || !strings.Contains(out, `dup.arazzo.yaml:14:13: error: duplicate key "value" (first at line 13, column 13)`) {
		t.Errorf("duplicate: exit %d\n%s", code, out)
	}
	tab := filepath.Join(dir, "tab.arazzo.yaml")
	os.WriteFile(tab, []byte("arazzo: 1.0.1\ninfo:\n  title: t\n\tversion: '1'\n"), 0o600)
	code, out, _ = inProcess("validate", "--format", "github", tab)
	if code != exitFailed || !strings.Contains(out, "line=4,endLine=4,col=1,title=syntax::cannot parse document: a tab character in indentation") {
		t.Errorf("tab: exit %d\n%s", code, out)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestValidateNotesAndFixes: text output follows a finding with its
// related positions and fixes as indented note lines.
func TestValidateNotesAndFixes(t *testing.T) {
	code, out, errOut := inProcess("validate", "testdata/validate/names.arazzo.yaml")
	if code != exitFailed {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		// Strip the directory of the file names.
		got = append(got, strings.ReplaceAll(l, mustAbs(t, "testdata/validate"), "D"))
	}
	want := []string{
		`D/names.arazzo.yaml:10:17: error: duplicate stepId "create" in workflow "checkout" (first declared at line 8) (stepIds must be unique within a workflow)`,
		"\t" + `D/names.arazzo.yaml:8:17: note: first declared here`,
		`D/names.arazzo.yaml:9:22: error: no operation with operationId "createCrat" in shop (did you mean "createCart"?)`,
		"\t" + `D/names.arazzo.yaml:9:22: fix: replace "createCrat" with "createCart"`,
		`D/names.arazzo.yaml:13:46: error: goto action targets unknown step "craete" (did you mean "create"?)`,
		"\t" + `D/names.arazzo.yaml:13:46: fix: replace "craete" with "create"`,
		`D/names.arazzo.yaml:10:9: error: step "create" supplies no value for path parameter "cartId" of GET /carts/{cartId} (getCart) (add {name: cartId, in: path, value: ...} to the step's (or the workflow's) parameters)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestValidateJSONSpansAndFixes: JSON output carries endLine/endColumn,
// related and suggestedFixes where a finding has them, and leaves the keys
// out where it does not.
func TestValidateJSONSpansAndFixes(t *testing.T) {
	_, out, _ := inProcess("validate", "--format", "json", "testdata/validate/names.arazzo.yaml")
	type span struct {
		Line, Column, EndLine, EndColumn int
	}
	var ds []struct {
		span
		Code    string
		Related []struct {
			span
			Message string
		}
		SuggestedFixes []struct {
			Message string
			Edits   []struct {
				span
				NewText string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &ds); err != nil || len(ds) != 4 {
		t.Fatalf("%v, %d diagnostics:\n%s", err, len(ds), out)
	}
	if d := ds[0]; d.Code != "duplicate-step-id" || d.span != (span{10, 17, 10, 23}) || len(d.Related) != 1 ||
		d.Related[0].span != (span{8, 17, 8, 23}) || d.Related[0].Message != "first declared here" || d.SuggestedFixes != nil {
		t.Errorf("duplicate: %+v", d)
	}
	if d := ds[1]; d.Code != "unknown-operation" || d.span != (span{9, 22, 9, 32}) || len(d.SuggestedFixes) != 1 ||
		d.SuggestedFixes[0].Message != `replace "createCrat" with "createCart"` || len(d.SuggestedFixes[0].Edits) != 1 ||
		d.SuggestedFixes[0].Edits[0].span != (span{9, 22, 9, 32}) || d.SuggestedFixes[0].Edits[0].NewText != "createCart" {
		t.Errorf("unknown operation: %+v", d)
	}
	// The last finding has no end, related position or fix: its JSON is
	// what it was before they existed.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"endLine", "endColumn", "related", "suggestedFixes"} {
		if _, ok := raw[3][k]; ok {
			t.Errorf("%q written for a finding without it: %v", k, raw[3])
		}
	}
}
