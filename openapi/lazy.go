package openapi

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// Lazy sections. A block-style YAML description is split textually at its
// top-level keys (and at the keys directly under "components"); only the
// sections Parse needs (version, servers, security, paths, security schemes)
// are decoded up front. The others (schemas, shared parameters, responses, ...)
// are decoded the first time a $ref reaches into them. Anything unusual
// (directives, several documents, quoted or complex keys, an anchor used
// across sections) falls back to decoding the whole document.

// lazySection is a not-yet-decoded part of the description.
type lazySection struct {
	// data is the section's text: for YAML the "key: value" text (line is
	// the line of its first line, 1-based); for JSON the value, which
	// starts at line:col.
	data      []byte
	json      bool
	line, col int
	path      []string
	anchors   bool // the text may define a YAML anchor
	once      sync.Once
	node      *yaml.Node
	err       error

	// op is set for an operation Parse indexed without decoding it: its
	// operationId and the position of the operation object.
	op *lazyOp
	// group is the components kind a YAML entry belongs to (bulk.go).
	group *entryGroup
}

// lazyOp is what Parse reads of an operation it leaves undecoded.
type lazyOp struct {
	id           string
	line, column int
}

// minLazySize is the size below which a description is decoded at once.
var minLazySize = 32 << 10

// anchorRE matches what may start a YAML anchor ("&name" after a blank or
// a flow indicator). It errs on the side of yes: "&" in prose rarely
// follows a blank directly, and a false match only costs an early decode.
var anchorRE = regexp.MustCompile(`(?:^|[ \t\[{,])&[^ \t\r\n,\[\]{}]`)

func mayAnchor(text []byte) bool {
	return bytes.IndexByte(text, '&') >= 0 && anchorRE.Match(text)
}

// checkAnchoredSections decodes the lazy YAML sections that may define
// anchors, so that their alias expansion is charged to the document's budget
// by Parse.
func (d *Description) checkAnchoredSections() error {
	var phs []*yaml.Node
	for ph, ls := range d.lazy {
		if ls.anchors {
			phs = append(phs, ph)
		}
	}
	// in document order, so that the same section always reaches the
	// budget first
	sort.Slice(phs, func(i, j int) bool { return d.lazy[phs[i]].line < d.lazy[phs[j]].line })
	for _, ph := range phs {
		if _, err := d.section(ph); isDocErr(err) {
			return err
		}
	}
	return nil
}

// section returns the decoded node for a lazy placeholder (or n itself).
// The decoded tree is charged to the description's budget.
func (d *Description) section(n *yaml.Node) (*yaml.Node, error) {
	if d.lazy == nil {
		return n, nil
	}
	ls, ok := d.lazy[n]
	if !ok {
		return n, nil
	}
	if ls.group != nil {
		ls.group.touch()
	}
	ls.once.Do(func() {
		if ls.json {
			ls.node, ls.err = parseJSONSection(ls, d.budget.File)
			return
		}
		var doc yaml.Node
		err := yaml.Unmarshal(ls.data, &doc)
		if err == nil && ls.line > 1 {
			shiftLines(&doc, ls.line-1)
		}
		if err == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode && len(doc.Content[0].Content) == 2 {
			if err := d.budget.Check(&doc); err != nil {
				ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
				return
			}
			if err := yamlbudget.FirstDuplicateKey(&doc, d.budget.File); err != nil {
				ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
				return
			}
			ls.node = doc.Content[0].Content[1]
			return
		}
		if err != nil {
			// again with the positions of the document, for the message
			t := ls.text()
			var again yaml.Node
			if e := yaml.Unmarshal(t, &again); e != nil {
				err = e
			}
			err = yamlbudget.FromYAML(err, d.budget.File, t)
		}
		if isLimit(err) {
			ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, err)
			return
		}
		// e.g. an alias to an anchor of another section: decode everything.
		full, ferr := d.fullRoot()
		if ferr != nil {
			ls.err = fmt.Errorf("openapi: decoding %v: %w", ls.path, ferr)
			return
		}
		v := full
		for _, k := range ls.path {
			v = mapGet(v, k)
		}
		if v == nil {
			ls.err = fmt.Errorf("openapi: decoding %v failed", ls.path)
			return
		}
		ls.node = v
	})
	return ls.node, ls.err
}

// text is a YAML section's text preceded by newlines, so that positions
// in yaml.v3's messages are the document's.
func (ls *lazySection) text() []byte {
	b := make([]byte, 0, ls.line-1+len(ls.data))
	for i := 1; i < ls.line; i++ {
		b = append(b, '\n')
	}
	return append(b, ls.data...)
}

// shiftLines adds n to the line of every node of a freshly decoded tree
// (decoded from a section's text alone).
func shiftLines(n *yaml.Node, by int) {
	// an alias's target is in the tree once, under its anchor
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// fullRoot decodes the whole document (once), checked against a budget of
// its own: the sections decoded before are the same text.
func (d *Description) fullRoot() (*yaml.Node, error) {
	d.fullOnce.Do(func() {
		d.full, d.fullErr = decodeNode(d.data, &yamlbudget.Budget{File: d.budget.File})
	})
	return d.full, d.fullErr
}

// pointer walks an RFC 6901 pointer in a document of this description,
// decoding lazy sections on the way.
func (d *Description) pointer(root *yaml.Node, p string) (*yaml.Node, bool) {
	n, err := d.lookup(root, p)
	return n, err == nil && n != nil
}

// lookup is pointer with the reason: nil, nil when the target does not
// exist; an error when a lazy section on the way cannot be decoded (a
// *LimitError among others).
func (d *Description) lookup(root *yaml.Node, p string) (*yaml.Node, error) {
	return d.lookupIn(root, p, d.section)
}

// lookupIn is lookup decoding lazy sections with section.
func (d *Description) lookupIn(root *yaml.Node, p string, section func(*yaml.Node) (*yaml.Node, error)) (*yaml.Node, error) {
	if root != d.root || d.lazy == nil {
		n, ok := pointerGet(root, p)
		if !ok {
			return nil, nil
		}
		return n, nil
	}
	toks, err := jsonvalue.Split(p)
	if err != nil {
		return nil, nil
	}
	n := root
	for _, t := range toks {
		n = deref(n)
		switch n.Kind {
		case yaml.MappingNode:
			var child *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == t {
					child = n.Content[i+1]
					break
				}
			}
			if child == nil {
				return nil, nil
			}
			if child, err = section(child); err != nil {
				return nil, err
			}
			n = child
		case yaml.SequenceNode:
			i, ok := jsonvalue.Index(t, len(n.Content))
			if !ok {
				return nil, nil
			}
			n = n.Content[i]
		default:
			return nil, nil
		}
	}
	return deref(n), nil
}
