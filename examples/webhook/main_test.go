package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestExample runs the example in process: the event is answered 202 with
// a run id, the run succeeds with the workflow's four steps, and the
// notification arrives with a verified Standard Webhooks signature that
// names the same run.
func TestExample(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	o := out.String()
	m := regexp.MustCompile(`→ 202 Accepted \{"runId":"([0-9a-f]{24})","status":"queued"\}`).FindStringSubmatch(o)
	if m == nil {
		t.Fatalf("no 202 answer with a run id:\n%s", o)
	}
	id := m[1]
	for _, want := range []string{
		"run " + id + ": succeeded after 1 attempt(s)",
		"createSource       POST /sources → 200  succeeded",
		"createIntegration  POST /integrations → 200  succeeded",
		"attachIntegration  PUT  /integrations/int_",
		"confirmSource      GET  /sources/src_",
		"attached: true",
		"Webhook-Signature: v1,",
		`"type": "run.succeeded"`,
		`"runId": "` + id + `"`,
		"signature verified",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	if errb.Len() != 0 {
		t.Errorf("stderr: %s", errb.String())
	}
}

// TestREADMEMentions pins that README.md's Start here and docs/cli.md
// show the example's command.
func TestREADMEMentions(t *testing.T) {
	for _, f := range []string{"../../README.md", "../../docs/cli.md"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "go run ./examples/webhook") {
			t.Errorf("%s does not show go run ./examples/webhook", f)
		}
	}
	readme, _ := os.ReadFile("../../README.md")
	start, _, _ := strings.Cut(string(readme), "## Library")
	if !strings.Contains(start, "go run ./examples/webhook") {
		t.Error("README.md's Start here does not show go run ./examples/webhook")
	}
}
