package arazzo_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/weftflow/weft/arazzo"
)

const spanPets = `openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses: {"200": {description: ok}}
`

const spanFlows = `arazzo: 1.0.1
info: {title: flows, version: "1"}
sourceDescriptions:
  - {name: pets, url: pets.yaml, type: openapi}
workflows:
  - workflowId: child
    steps:
      - stepId: one
        operationId: listPets
`

// spanMain has one misspelled name of each kind, and a duplicate
// workflowId and stepId.
const spanMain = `arazzo: 1.0.1
info: {title: main, version: "1"}
sourceDescriptions:
  - name: pets
    url: pets.yaml
    type: openapi
  - name: flows
    url: flows.yaml
    type: arazzo
workflows:
  - workflowId: main
    steps:
      - stepId: list
        operationId: listPets
        parameters:
          - {name: limt, in: query, value: 1}
      - stepId: list
        operationId: $sourceDescriptions.petz.listPets
      - stepId: sub
        workflowId: "$sourceDescriptions.flows.chlid"
        onSuccess:
          - name: again
            type: goto
            stepId: lsit
  - workflowId: other
    dependsOn: [mian]
    steps:
      - stepId: only
        operationPath: '{$sourceDescriptions.Pets.url}#/paths/~1pets/get'
  - workflowId: main
    steps:
      - stepId: x
        operationId: listPetz
`

func loadSpan(t *testing.T, main string) arazzo.Diagnostics {
	t.Helper()
	fsys := fstest.MapFS{
		"main.yaml":  {Data: []byte(main)},
		"pets.yaml":  {Data: []byte(spanPets)},
		"flows.yaml": {Data: []byte(spanFlows)},
	}
	doc, _ := arazzo.Load(context.Background(), "main.yaml", arazzo.WithFS(fsys))
	if doc == nil {
		t.Fatal("document not loaded")
	}
	var own arazzo.Diagnostics
	for _, d := range doc.Diagnostics {
		if d.Pos.File == "main.yaml" {
			own = append(own, d)
		}
	}
	return own
}

// at is line:column of p.
func at(p arazzo.Position) string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// TestDiagnosticRelatedAndEnd: a duplicate id ends where the id does and
// points at the first declaration.
func TestDiagnosticRelatedAndEnd(t *testing.T) {
	ds := loadSpan(t, spanMain)
	want := map[string]string{
		arazzo.CodeDuplicateStepID:     "17:17-17:21 related 13:17-13:21 first declared here",
		arazzo.CodeDuplicateWorkflowID: "30:17-30:21 related 11:17-11:21 first declared here",
	}
	for code, w := range want {
		var got []string
		for _, d := range ds {
			if d.Code != code {
				continue
			}
			s := at(d.Pos) + "-" + at(d.End)
			for _, r := range d.Related {
				s += " related " + at(r.Pos) + "-" + at(r.End) + " " + r.Message
			}
			got = append(got, s)
		}
		if len(got) != 1 || got[0] != w {
			t.Errorf("%s: got %q, want %q", code, got, w)
		}
	}
}

// applyFixes applies the first fix of every diagnostic to src.
func applyFixes(t *testing.T, src string, ds arazzo.Diagnostics) string {
	t.Helper()
	lines := strings.SplitAfter(src, "\n")
	type edit struct {
		line, from, to int // from, to: byte offsets in the line
		text           string
	}
	var edits []edit
	offset := func(p arazzo.Position) (int, int) {
		l := lines[p.Line-1]
		off := 0
		for c := 1; c < p.Column; c++ {
			_, w := utf8.DecodeRuneInString(l[off:])
			off += w
		}
		return p.Line, off
	}
	for _, d := range ds {
		if len(d.SuggestedFixes) == 0 {
			continue
		}
		for _, e := range d.SuggestedFixes[0].Edits {
			if e.Pos.File != d.Pos.File || e.End.File != d.Pos.File || e.Pos.Line != e.End.Line {
				t.Fatalf("%s: edit %+v is not on one line of the diagnostic's file", d, e)
			}
			l, from := offset(e.Pos)
			_, to := offset(e.End)
			edits = append(edits, edit{l, from, to, e.NewText})
		}
	}
	sort.Slice(edits, func(i, j int) bool {
		if edits[i].line != edits[j].line {
			return edits[i].line < edits[j].line
		}
		return edits[i].from > edits[j].from
	})
	for _, e := range edits {
		l := lines[e.line-1]
		lines[e.line-1] = l[:e.from] + e.text + l[e.to:]
	}
	return strings.Join(lines, "")
}

// TestSuggestedFixesApply: every misspelled name carries a fix replacing
// exactly the name, and the document with the fixes applied has none of
// those findings left.
func TestSuggestedFixesApply(t *testing.T) {
	ds := loadSpan(t, spanMain)
	fixed := map[string]string{}
	for _, d := range ds {
		for _, f := range d.SuggestedFixes {
			for _, e := range f.Edits {
				fixed[d.Code+" "+at(e.Pos)+"-"+at(e.End)] = f.Message
			}
		}
	}
	want := map[string]string{
		arazzo.CodeUnknownOperation + " 33:22-33:30": `replace "listPetz" with "listPets"`,
		arazzo.CodeUnknownParameter + " 16:20-16:24": `replace "limt" with "limit"`,
		arazzo.CodeUnknownSource + " 18:42-18:46":    `replace "petz" with "pets"`,
		arazzo.CodeUnknownWorkflow + " 20:48-20:53":  `replace "chlid" with "child"`,
		arazzo.CodeUnknownStep + " 24:21-24:25":      `replace "lsit" with "list"`,
		arazzo.CodeUnknownWorkflow + " 26:17-26:21":  `replace "mian" with "main"`,
		arazzo.CodeUnknownSource + " 29:46-29:50":    `replace "Pets" with "pets"`,
	}
	for k, w := range want {
		if fixed[k] != w {
			t.Errorf("%s: fix %q, want %q", k, fixed[k], w)
		}
	}
	for k := range fixed {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected fix %s: %q", k, fixed[k])
		}
	}
	// The diagnostic spans the whole value, quotes included.
	for _, d := range ds {
		if d.Code == arazzo.CodeUnknownWorkflow && d.Pos.Line == 20 && at(d.Pos)+"-"+at(d.End) != "20:21-20:54" {
			t.Errorf("%s: span %s-%s, want 20:21-20:54", d, at(d.Pos), at(d.End))
		}
	}

	after := loadSpan(t, applyFixes(t, spanMain, ds))
	for _, d := range after {
		if len(d.SuggestedFixes) > 0 || d.Code == arazzo.CodeUnknownOperation || d.Code == arazzo.CodeUnknownSource ||
			d.Code == arazzo.CodeUnknownWorkflow || d.Code == arazzo.CodeUnknownStep || d.Code == arazzo.CodeUnknownParameter {
			t.Errorf("left after fixing: %s", d)
		}
	}
}

// TestNoFixWithoutVerbatimText: a name whose text is not its value (an
// escape in a quoted scalar) gets its hint but no fix, since its span in
// the text is not known.
func TestNoFixWithoutVerbatimText(t *testing.T) {
	src := strings.Replace(spanMain, "stepId: lsit", `stepId: "ls\x69t"`, 1)
	ds := loadSpan(t, src)
	i := slices.IndexFunc(ds, func(d arazzo.Diagnostic) bool { return d.Code == arazzo.CodeUnknownStep })
	if i < 0 {
		t.Fatal("no unknown-step diagnostic")
	}
	if d := ds[i]; d.Hint != `did you mean "list"?` || len(d.SuggestedFixes) != 0 || d.End != (arazzo.Position{}) {
		t.Errorf("got hint %q, fixes %v, end %v; want the hint only", d.Hint, d.SuggestedFixes, d.End)
	}
}

// TestDuplicateKeyRelated: a key written twice points at its first
// writing.
func TestDuplicateKeyRelated(t *testing.T) {
	_, ds := arazzo.Parse([]byte("arazzo: 1.0.1\ninfo: {title: t, version: \"1\"}\ninfo: {title: u, version: \"1\"}\n"), "d.yaml")
	for _, d := range ds {
		if d.Code != arazzo.CodeDuplicateKey {
			continue
		}
		if len(d.Related) != 1 || at(d.Related[0].Pos) != "2:1" || d.Related[0].Message != "first written here" {
			t.Errorf("%s: related %+v, want 2:1 first written here", d, d.Related)
		}
		return
	}
	t.Fatalf("no duplicate-key diagnostic in %v", ds)
}

// TestDuplicateSourceName: a second source description of the same name,
// which no reference could reach, is an error pointing at the first.
func TestDuplicateSourceName(t *testing.T) {
	src := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - {name: api, url: a.yaml, type: openapi}
  - {name: api, url: b.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - {stepId: s, operationId: op}
`
	_, ds := arazzo.Parse([]byte(src), "d.yaml")
	var got []string
	for _, d := range ds {
		if d.Code == arazzo.CodeDuplicateSourceName {
			s := d.Severity.String() + " " + at(d.Pos) + "-" + at(d.End)
			for _, r := range d.Related {
				s += " related " + at(r.Pos) + "-" + at(r.End) + " " + r.Message
			}
			got = append(got, s)
		}
	}
	if want := "error 5:12-5:15 related 4:12-4:15 first declared here"; len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
