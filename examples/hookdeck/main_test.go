package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestDefaultRunSucceeds(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"createSource", "createIntegration", "attachIntegration", "confirmSource",
		"attached: true", "integrationId: \"int_", "sourceId: \"src_", "succeeded"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFailuresAndUsage(t *testing.T) {
	t.Setenv("HOOKDECK_API_KEY", "")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-provider", "NOT_A_PROVIDER"}, 1, "failed at createIntegration"},
		{[]string{"-live"}, 2, "HOOKDECK_API_KEY"},
		{[]string{"-workflow", "nope"}, 2, "unknown workflow"},
		{[]string{"extra"}, 2, "unexpected arguments"},
		{[]string{"-serve", ":0", "-live"}, 2, "takes neither -live nor -workflow"},
		{[]string{"-serve", "8080"}, 2, "want HOST:PORT or :PORT"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, &out, &errb)
		if code != c.code || !strings.Contains(out.String()+errb.String(), c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, out.String(), errb.String())
		}
	}
}

func TestCorpusWorkflows(t *testing.T) {
	for _, id := range workflowIDs() {
		if id == referenceWorkflow {
			continue
		}
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"-workflow", id}, &out, &errb)
		if code == 2 && strings.Contains(errb.String(), "corpus, which was not found") {
			t.Skip("Hookdeck corpus absent")
		}
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", id, code, out.String(), errb.String())
		}
	}
}
