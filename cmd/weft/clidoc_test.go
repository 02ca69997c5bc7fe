package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// docs/cli.md documents every flag of weft list, env and test (the loader
// flags under "Loader flags"), as `weft CMD -h` prints them, and the
// version command's forms.
func TestCLIDocCoversListEnvTestVersionLoader(t *testing.T) {
	data, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	sect := func(heading string) string {
		i := strings.Index(doc, "\n"+heading+"\n")
		if i < 0 {
			t.Fatalf("docs/cli.md has no %q section", heading)
		}
		s := doc[i+len(heading)+1:]
		if j := strings.Index(s, "\n## "); j >= 0 {
			s = s[:j]
		}
		return s
	}
	flagRE := regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
	for _, c := range []struct{ cmd, section string }{
		{"list", "## Loader flags"},
		{"env", "## Loader flags"},
		{"test", "## weft test, weft version"},
	} {
		res := weft(t, "", c.cmd, "-h")
		if res.code != 0 {
			t.Fatalf("weft %s -h: %s", c.cmd, res)
		}
		flags := flagRE.FindAllStringSubmatch(res.stderr, -1)
		if len(flags) == 0 {
			t.Fatalf("weft %s -h lists no flags:\n%s", c.cmd, res)
		}
		text := sect(c.section)
		for _, f := range flags {
			if !strings.Contains(text, "`--"+f[1]) && !strings.Contains(text, "`-"+f[1]) {
				t.Errorf("docs/cli.md %q does not document weft %s's flag -%s", c.section, c.cmd, f[1])
			}
		}
	}
	le := sect("## weft list, weft env")
	for _, want := range []string{"weft list [loader flags] DOC", "weft env  [loader flags] DOC", "Exit status"} {
		if !strings.Contains(le, want) {
			t.Errorf("docs/cli.md list/env section lacks %q", want)
		}
	}
	tv := sect("## weft test, weft version")
	for _, form := range []string{"weft version", "weft -version", "weft --version"} {
		if !strings.Contains(tv, "`"+form+"`") {
			t.Errorf("docs/cli.md does not document %q", form)
		}
		if res := weft(t, "", strings.Fields(form)[1:]...); res.code != 0 || !strings.HasPrefix(res.stdout, "weft ") {
			t.Errorf("%s: %s", form, res)
		}
	}
}
