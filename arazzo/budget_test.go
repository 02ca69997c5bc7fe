package arazzo

import (
	"strings"
	"testing"
	"time"
)

// The Arazzo decoder shares the OpenAPI document budget: an alias bomb or
// deep nesting is one "too-large" diagnostic that names the limit and where
// it was reached. Before, a 100,000-level JSON document yielded
// "cannot parse document: yaml: exceeded max depth of 10000" at line 0.
func TestDocumentBudgetNamed(t *testing.T) {
	head := "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: a, url: a.yaml}]\nworkflows: []\n"
	cases := map[string]struct{ src, want string }{
		"aliases": {head + "x-a: &a [1,2,3,4,5,6,7,8,9,10]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
			"x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
			"limit MaxAliasNodes (10000) reached at doc.yaml:8:31"},
		"deep json": {`{"arazzo":"1.0.1","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}",
			"limit MaxNestingDepth (1000) reached at doc.yaml:1:"},
		"deep yaml": {head + "x-deep: " + strings.Repeat("[", 1500) + strings.Repeat("]", 1500) + "\n",
			"limit MaxNestingDepth (1000) reached at doc.yaml:5:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			doc, ds := Parse([]byte(c.src), "doc.yaml")
			if doc != nil || len(ds) != 1 || ds[0].Code != "too-large" || ds[0].Pos.Line == 0 {
				t.Fatalf("got %v:\n%s", doc != nil, diagLines(ds))
			}
			if !strings.Contains(ds[0].Message, c.want) {
				t.Errorf("message %q, want %q", ds[0].Message, c.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
