package arazzo

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// duplicateKeys reports every mapping key that repeats an earlier key of
// the same mapping (yamlbudget.DuplicateKeys, shared with OpenAPI
// descriptions): a decoder would keep one value silently, so the value sent
// might not be the one the author reads first.
func duplicateKeys(root *yaml.Node, file string) Diagnostics {
	var out Diagnostics
	for _, e := range yamlbudget.DuplicateKeys(root, file) {
		out = append(out, Diagnostic{Severity: SeverityError, Code: CodeDuplicateKey,
			Pos:     Position{File: file, Line: e.Line, Column: e.Column},
			Pointer: e.Pointer,
			Message: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", e.Key, e.FirstLine, e.FirstColumn),
			Hint:    "keep one of them: a YAML or JSON decoder silently keeps the last",
			Related: []RelatedInformation{{Pos: Position{File: file, Line: e.FirstLine, Column: e.FirstColumn},
				Message: "first written here"}}})
	}
	return out
}

// tabPosition corrects the position of a yaml.v3 error about a tab: yaml
// reports "found a tab character that violates indentation" at the line
// before the tab, and a tab that starts a line's indentation as "found
// character that cannot start any token". It returns the line and column
// of the first tab in the indentation of the reported line or the next,
// and whether there is one.
func tabPosition(data []byte, line int, msg string) (int, int, bool) {
	if !strings.Contains(msg, "tab character") && !strings.Contains(msg, "cannot start any token") {
		return 0, 0, false
	}
	lines := bytes.Split(data, []byte("\n"))
	for l := line; l <= line+1 && l >= 1 && l <= len(lines); l++ {
		for i, c := range lines[l-1] {
			if c == '\t' {
				return l, i + 1, true
			}
			if c != ' ' && c != '-' {
				break
			}
		}
	}
	return 0, 0, false
}
