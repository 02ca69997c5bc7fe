// Package yamlbudget bounds what walking a YAML or JSON node tree may cost.
// It is the one owner of the document budgets: how many nodes YAML alias
// expansion may add to a document (MaxAliasNodes) and how deeply values may
// nest (MaxNestingDepth), and of the error that names the limit reached.
// It also owns the duplicate mapping key check (DuplicateKeys), which walks
// the same trees. The arazzo decoder and every openapi decoding path use it.
package yamlbudget

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"gopkg.in/yaml.v3"
)

// Limit names as reported by LimitError.
const (
	// AliasNodes is the name of the alias expansion limit.
	AliasNodes = "MaxAliasNodes"
	// NestingDepth is the name of the nesting depth limit.
	NestingDepth = "MaxNestingDepth"
)

const (
	// MaxAliasNodes caps how many nodes YAML alias expansion may add to one
	// document (every alias counts the nodes of its anchor, expanded). The
	// corpus's real documents add at most a few hundred; a "billion laughs"
	// document adds 10^9 from a kilobyte.
	MaxAliasNodes = 10_000
	// MaxNestingDepth caps how deeply objects and arrays may nest in one
	// document, aliases expanded. Real descriptions nest a few dozen levels.
	MaxNestingDepth = 1_000
)

// LimitError reports that a document reached one of the budgets. Limit is
// AliasNodes or NestingDepth, Max the limit's value, and File, Line and
// Column where it was reached (Line 0 when unknown).
type LimitError struct {
	Limit        string
	Max          int
	File         string
	Line, Column int
}

// Error implements the error interface.
func (e *LimitError) Error() string {
	s := fmt.Sprintf("limit %s (%d) reached", e.Limit, e.Max)
	switch {
	case e.Line > 0:
		s += fmt.Sprintf(" at %s:%d:%d", e.fileName(), e.Line, e.Column)
	case e.File != "":
		s += " in " + e.File
	}
	return s
}

func (e *LimitError) fileName() string {
	if e.File == "" {
		return "<document>"
	}
	return e.File
}

// Depth returns the NestingDepth error at file:line:col.
func Depth(file string, line, col int) *LimitError {
	return &LimitError{Limit: NestingDepth, Max: MaxNestingDepth, File: file, Line: line, Column: col}
}

func at(limit string, max int, file string, n *yaml.Node) *LimitError {
	return &LimitError{Limit: limit, Max: max, File: file, Line: n.Line, Column: n.Column}
}

// yamlDepth matches yaml.v3's own depth errors ("yaml: line 3: exceeded
// max depth of 10000", or without a line).
var yamlDepth = regexp.MustCompile(`^yaml: (?:line (\d+): )?.*exceeded max depth of \d+`)

// FromYAML turns yaml.v3's own nesting limit error into a NestingDepth
// LimitError (yaml.v3 stops at 10,000 levels, before any tree exists); other
// errors are returned unchanged. The position is where data's flow
// (JSON-like) brackets first nest deeper than MaxNestingDepth (yaml.v3 gives
// no line for those), else yaml.v3's line.
func FromYAML(err error, file string, data []byte) error {
	if err == nil {
		return nil
	}
	m := yamlDepth.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	line, col := flowDepth(data)
	if line == 0 { // block nesting: yaml.v3's line
		line, _ = strconv.Atoi(m[1])
		col = min(line, 1)
	}
	return Depth(file, line, col)
}

// flowDepth returns the line and column where flow brackets outside quoted
// strings first nest deeper than MaxNestingDepth (0, 0 when they do not).
func flowDepth(data []byte) (line, col int) {
	depth, line, ls := 0, 1, 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line, ls = line+1, i+1
		case '"', '\'':
			for i++; i < len(data) && data[i] != c && data[i] != '\n'; i++ {
				if c == '"' && data[i] == '\\' {
					i++
				}
			}
			if i < len(data) && data[i] == '\n' {
				line, ls = line+1, i+1
			}
		case '[', '{':
			if depth++; depth > MaxNestingDepth {
				return line, i - ls + 1
			}
		case ']', '}':
			depth--
		}
	}
	return 0, 0
}

// Budget is the alias budget of one document: every tree decoded from the
// document (the whole document, or its sections one at a time) is Checked
// against the same allowance. The zero value is ready to use; a Budget is
// safe for concurrent use.
type Budget struct {
	// File names the document in errors.
	File string

	mu      sync.Mutex
	added   int
	deepest int
}

// Stats returns the nodes alias expansion added so far and the deepest
// nesting seen, over every tree checked.
func (b *Budget) Stats() (aliasNodes, depth int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.added, b.deepest
}

// Check measures the tree at root with aliases expanded: it fails with a
// LimitError when expansion would add more than MaxAliasNodes nodes to the
// document (over every tree checked with this Budget), when an alias
// contains itself, or when values nest deeper than MaxNestingDepth. It costs
// time linear in the tree as written, whatever the aliases expand to.
func (b *Budget) Check(root *yaml.Node) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := checker{b: b, memo: map[*yaml.Node]extent{}}
	return c.walk(root, 0)
}

// extent is a subtree's size and depth with aliases expanded.
type extent struct{ size, depth int }

// saturate keeps sizes of exponential expansions from overflowing.
const saturate = 1 << 40

type checker struct {
	b    *Budget
	memo map[*yaml.Node]extent
}

var errCycle = errors.New("cycle")

// walk visits the tree as written; depth counts containers above n.
func (c *checker) walk(n *yaml.Node, depth int) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		e, err := c.extent(n.Alias, 0)
		if err != nil {
			return at(AliasNodes, MaxAliasNodes, c.b.File, n)
		}
		if depth+e.depth > MaxNestingDepth {
			return at(NestingDepth, MaxNestingDepth, c.b.File, n)
		}
		c.b.deepest = max(c.b.deepest, depth+e.depth)
		c.b.added += e.size
		if c.b.added > MaxAliasNodes {
			return at(AliasNodes, MaxAliasNodes, c.b.File, n)
		}
		return nil
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if depth++; depth > MaxNestingDepth {
			return at(NestingDepth, MaxNestingDepth, c.b.File, n)
		}
		c.b.deepest = max(c.b.deepest, depth)
	}
	for _, ch := range n.Content {
		if err := c.walk(ch, depth); err != nil {
			return err
		}
	}
	return nil
}

// extent measures n with aliases expanded (memoized, so shared anchors are
// measured once); an alias inside its own anchor is errCycle. Sizes
// saturate, and depths stop counting past MaxNestingDepth.
func (c *checker) extent(n *yaml.Node, depth int) (extent, error) {
	if n == nil {
		return extent{}, nil
	}
	if e, ok := c.memo[n]; ok {
		if e.size < 0 {
			return extent{}, errCycle
		}
		return e, nil
	}
	if depth > MaxNestingDepth {
		return extent{size: 1, depth: MaxNestingDepth + 1}, nil
	}
	if n.Kind == yaml.AliasNode {
		c.memo[n] = extent{size: -1}
		e, err := c.extent(n.Alias, depth)
		if err != nil {
			return extent{}, err
		}
		c.memo[n] = e
		return e, nil
	}
	c.memo[n] = extent{size: -1}
	e := extent{size: 1}
	for _, ch := range n.Content {
		ce, err := c.extent(ch, depth+1)
		if err != nil {
			return extent{}, err
		}
		e.size = min(e.size+ce.size, saturate)
		e.depth = max(e.depth, ce.depth)
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		e.depth++
	}
	c.memo[n] = e
	return e, nil
}
