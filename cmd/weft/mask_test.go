package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/leakfixture"
	"github.com/weftflow/weft/internal/reportschema"
)

// H4 (issue 10 item 2) through the command: "weft run -v --json --junit"
// on the masking matrix (every credential kind from the environment, every
// secret input from --input and --inputs, a password in a --server URL)
// writes no secret in any encoding to stdout, stderr, the JSON report or
// the JUnit report. run() is called in-process so that the environment
// carries the credentials.
func TestRunMasksSecretsEverywhere(t *testing.T) {
	f := leakfixture.New(t)
	for k, v := range f.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("NO_COLOR", "1")
	dir := t.TempDir()
	nested, _ := json.Marshal(map[string]any{"auth": f.Inputs["auth"], "cards": f.Inputs["cards"]})
	inputsFile := filepath.Join(dir, "inputs.json")
	if err := os.WriteFile(inputsFile, nested, 0o644); err != nil {
		t.Fatal(err)
	}
	jsonFile, junitFile, harFile := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xml"), filepath.Join(dir, "run.har")
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", f.Doc, "-v",
		"--server", "api=" + f.BaseURL, "--server", "dead=" + f.DeadURL,
		"--input", "pw=" + leakfixture.InputPW, "--input", "pin=" + leakfixture.InputPin,
		"--input", "clientToken=" + leakfixture.InputToken, "--inputs", inputsFile,
		"--json", jsonFile, "--junit", junitFile, "--har", harFile,
	}, strings.NewReader(""), &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d (the last step fails its criteria)\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout.String(), stderr.String())
	}
	jsonReport, _ := os.ReadFile(jsonFile)
	junitReport, _ := os.ReadFile(junitFile)
	harReport, _ := os.ReadFile(harFile)
	h := checkHAR(t, harReport)
	if len(h.Log.Entries) < 8 {
		t.Errorf("HAR: %d entries, want one per request, the token request included", len(h.Log.Entries))
	}
	// The OAuth2 token request is an entry, right before the request of
	// step "form" that needed it, its tokens masked.
	tok := -1
	for i, e := range h.Log.Entries {
		if e.Request.Method == "POST" && e.Request.URL == f.Server.URL+"/token" {
			tok = i
		}
	}
	if tok < 0 || tok+1 >= len(h.Log.Entries) || !strings.HasSuffix(h.Log.Entries[tok+1].Request.URL, "/form") ||
		h.Log.Entries[tok].Response.Status != 200 || !strings.Contains(h.Log.Entries[tok].Response.Content.Text, `"access_token":"****"`) {
		t.Errorf("HAR: no masked token entry before the form request:\n%s", harReport)
	}
	reportschema.Check(t, jsonReport)
	texts := map[string]string{
		"--har":       string(harReport),
		"stdout (-v)": stdout.String(),
		"stderr":      stderr.String(),
		"--json":      string(jsonReport),
		"--junit":     string(junitReport),
	}
	var leaks []string
	for where, text := range texts {
		leaks = append(leaks, f.Leaks(where, text)...)
	}
	if len(leaks) > 0 {
		t.Errorf("%d secret leaks:\n  %s", len(leaks), strings.Join(leaks, "\n  "))
	}
	// The run went through every step and the reports still say so.
	for _, step := range []string{"params", "json", "form", "text", "open", "bin", "dead", "crit"} {
		if !strings.Contains(string(jsonReport), `"stepId": "`+step+`"`) || !strings.Contains(string(junitReport), `name="`+step+`"`) {
			t.Errorf("step %s is missing from a report", step)
		}
	}
	if !strings.Contains(stdout.String(), "→ GET") || !strings.Contains(stdout.String(), "Api-Key: ****") {
		t.Errorf("-v did not print the masked requests:\n%s", stdout.String())
	}
}

// The --server usage error does not echo a URL's password.
func TestServerFlagErrorMasksPassword(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{"run", "x.arazzo.yaml", "--server", "https://user:" + leakfixture.URLPass + "@h.example"}, strings.NewReader(""), &stdout, &stderr)
	if strings.Contains(stderr.String()+stdout.String(), leakfixture.URLPass) {
		t.Errorf("the usage error shows the password:\n%s", stderr.String())
	}
}

// An --input value that does not convert is not echoed: it may be a
// secret (a password pin that is not a number).
func TestInputErrorHidesValue(t *testing.T) {
	f := leakfixture.New(t)
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", f.Doc, "--input", "pin=" + leakfixture.InputPW}, strings.NewReader(""), &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "--input pin") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	if leaks := f.Leaks("stderr", stderr.String()+stdout.String()); len(leaks) > 0 {
		t.Errorf("the usage error shows the value:\n%s", stderr.String())
	}
}
