package arazzo

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDuplicateKeys pins item 2: a repeated mapping key is an error with
// both positions (before: the last value silently won and was sent).
func TestDuplicateKeys(t *testing.T) {
	doc := "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions: [{name: s, url: ./x.yaml}]\n" +
		"workflows:\n  - workflowId: w\n    steps:\n      - stepId: a\n        operationId: x\n" +
		"        parameters:\n          - name: id\n            in: path\n            value: 1\n            value: 2\n" +
		"    outputs: {\"o\": $steps.a.outputs.x, \"o\": $inputs.y}\n"
	_, ds := Parse([]byte(doc), "d.yaml")
	var got []string
	for _, d := range ds {
		if d.Code == "duplicate-key" {
			got = append(got, d.String()+" "+d.Pointer)
		}
	}
	want := []string{
		`d.yaml:13:13: error: duplicate key "value" (first at line 12, column 13) (keep one of them: a YAML or JSON decoder silently keeps the last) /workflows/0/steps/0/parameters/0/value`,
		`d.yaml:14:40: error: duplicate key "o" (first at line 14, column 15) (keep one of them: a YAML or JSON decoder silently keeps the last) /workflows/0/outputs/o`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Merge keys are not duplicates.
	merge := "arazzo: 1.0.1\ninfo: &i {title: t, version: '1'}\nx-a: {<<: *i, <<: *i}\n"
	_, ds = Parse([]byte(merge), "m.yaml")
	for _, d := range ds {
		if d.Code == "duplicate-key" {
			t.Errorf("merge key reported: %s", d)
		}
	}
}

// TestTabIndentationPosition pins item 2: yaml.v3 reports a tab that breaks
// indentation at the line before it; weft reports the tab's own line and
// column.
func TestTabIndentationPosition(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
		yamlLine  string // the real yaml.v3 error, to notice if yaml changes
	}{
		{"arazzo: 1.0.1\ninfo:\n  title: t\n\tversion: '1'\n", 4, 1, "yaml: line 3: found a tab character that violates indentation"},
		{"arazzo: 1.0.1\ninfo:\n\ttitle: t\n", 3, 1, "yaml: line 3: found character that cannot start any token"},
		{"arazzo: 1.0.1\nworkflows:\n  -\tworkflowId: w\n", 3, 4, ""},
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(c.src), &n)
		if err == nil {
			t.Fatalf("%q: yaml accepted it", c.src)
		}
		if c.yamlLine != "" && err.Error() != c.yamlLine {
			t.Errorf("yaml.v3 now says %q (was %q): check the correction", err, c.yamlLine)
		}
		_, ds := Parse([]byte(c.src), "t.yaml")
		if len(ds) != 1 || ds[0].Pos.Line != c.line || ds[0].Pos.Column != c.col || !strings.Contains(ds[0].Message, "tab") {
			t.Errorf("%q: got %v, want %d:%d about a tab", c.src, ds, c.line, c.col)
		}
	}
}
