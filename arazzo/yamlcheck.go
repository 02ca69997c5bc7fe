package arazzo

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// duplicateKeys reports every mapping key that repeats an earlier key of
// the same mapping. yaml.v3 keeps both in the node tree and a decoder
// would keep the last value silently, so the value sent would not be the
// one the author reads first. The walk follows no aliases (what an alias
// names is checked where it is written), so it is linear in the document.
func duplicateKeys(root *yaml.Node, file string) Diagnostics {
	var out Diagnostics
	var walk func(n *yaml.Node, ptr string)
	walk = func(n *yaml.Node, ptr string) {
		switch n.Kind {
		case yaml.MappingNode:
			first := map[string]*yaml.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
					if prev := first[k.Value]; prev != nil {
						out = append(out, Diagnostic{Severity: SeverityError, Code: "duplicate-key",
							Pos:     Position{File: file, Line: k.Line, Column: k.Column},
							Pointer: ptrJoin(ptr, k.Value),
							Message: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", k.Value, prev.Line, prev.Column),
							Hint:    "keep one of them: a YAML or JSON decoder silently keeps the last"})
					} else {
						first[k.Value] = k
					}
				}
				walk(n.Content[i+1], ptrJoin(ptr, k.Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s/%d", ptr, i))
			}
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, ptr)
			}
		}
	}
	walk(root, "")
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
