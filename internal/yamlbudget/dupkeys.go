package yamlbudget

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
	"gopkg.in/yaml.v3"
)

// DuplicateKeyError reports a mapping key that repeats an earlier key of
// the same mapping: Key at File:Line:Column, first written at FirstLine,
// FirstColumn. Pointer is the JSON pointer of the repeated entry. yaml.v3's
// node tree keeps both entries and every decoder keeps one of them
// silently (encoding/json and kin-openapi the last, a node lookup the
// first), so the value sent might not be the one the author reads.
type DuplicateKeyError struct {
	Key                    string
	File                   string
	Line, Column           int
	FirstLine, FirstColumn int
	Pointer                string
}

// Error implements the error interface.
func (e *DuplicateKeyError) Error() string {
	f := e.File
	if f == "" {
		f = "<document>"
	}
	return fmt.Sprintf("duplicate key %q at %s:%d:%d (first at line %d, column %d)",
		e.Key, f, e.Line, e.Column, e.FirstLine, e.FirstColumn)
}

// smallMap is the mapping size up to which keys are compared pairwise (no
// map allocated): most mappings of real documents are this small.
const smallMap = 16

// DuplicateKeys returns every mapping key of the tree at root that repeats
// an earlier key of the same mapping, in document order (nil when there is
// none). Merge keys ("<<") are not duplicates. The walk follows no aliases
// (what an alias names is checked where it is written), so it costs time
// linear in the tree as written; pointers are built only for the keys
// reported.
func DuplicateKeys(root *yaml.Node, file string) []*DuplicateKeyError {
	w := dupWalker{file: file}
	w.walk(root)
	return w.out
}

// FirstDuplicateKey is DuplicateKeys' first finding, as an error (nil when
// there is none).
func FirstDuplicateKey(root *yaml.Node, file string) error {
	if l := DuplicateKeys(root, file); len(l) > 0 {
		return l[0]
	}
	return nil
}

type dupWalker struct {
	file string
	path []string // pointer tokens above the node being walked
	out  []*DuplicateKeyError
}

func (w *dupWalker) walk(n *yaml.Node) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		c := n.Content
		var seen map[string]*yaml.Node
		if len(c) > 2*smallMap {
			seen = make(map[string]*yaml.Node, len(c)/2)
		}
		for i := 0; i+1 < len(c); i += 2 {
			k := c[i]
			if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				var prev *yaml.Node
				if seen != nil {
					if prev = seen[k.Value]; prev == nil {
						seen[k.Value] = k
					}
				} else {
					for j := 0; j < i; j += 2 {
						if p := c[j]; p.Kind == yaml.ScalarNode && p.Value == k.Value && p.Tag != "!!merge" {
							prev = p
							break
						}
					}
				}
				if prev != nil {
					w.out = append(w.out, &DuplicateKeyError{Key: k.Value, File: w.file, Line: k.Line, Column: k.Column,
						FirstLine: prev.Line, FirstColumn: prev.Column, Pointer: w.pointer(k.Value)})
				}
			}
			if k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode {
				w.walk(k) // a complex key (YAML only): its own mappings
			}
			if v := c[i+1]; v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
				w.path = append(w.path, k.Value)
				w.walk(v)
				w.path = w.path[:len(w.path)-1]
			}
		}
	case yaml.SequenceNode:
		for i, ch := range n.Content {
			if ch.Kind == yaml.MappingNode || ch.Kind == yaml.SequenceNode {
				w.path = append(w.path, strconv.Itoa(i))
				w.walk(ch)
				w.path = w.path[:len(w.path)-1]
			}
		}
	case yaml.DocumentNode:
		for _, ch := range n.Content {
			w.walk(ch)
		}
	}
}

func (w *dupWalker) pointer(last string) string {
	var b strings.Builder
	for _, t := range append(w.path, last) {
		b.WriteByte('/')
		b.WriteString(jsonvalue.EscapeToken(t))
	}
	return b.String()
}
