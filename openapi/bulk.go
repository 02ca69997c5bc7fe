package openapi

import (
	"regexp"
	"sync"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// Bulk decoding of YAML component entries. Each entry of a components kind
// is a lazy section of its own, so that a request binding decodes only the
// parameters or request bodies it reaches. The schema layer, though, walks
// everything an operation's responses reach, often most of a kind: decoding
// hundreds of entries one yaml.v3 document at a time costs about half as
// much again as decoding the kind at once (per-document set-up). So when the
// schema layer first reaches an entry of a kind none of whose entries was
// decoded yet, the kind's text is decoded at once and every entry takes its
// node from it. The result is the same as decoding entry by entry
// (positions, budget, duplicate keys): the bulk decode is only made when the
// kind's text holds no anchor or alias (the budget counts alias expansions
// only), and it is given up when it meets a duplicate key (reported then by
// the entry that holds it, if reached) or anything else unusual.

// entryGroup is the text of a components kind split into entries.
type entryGroup struct {
	data    []byte // "kind:\n  entry: ..." text; line is its first line
	line    int
	entries []*lazySection // in document order

	mu      sync.Mutex
	touched bool // an entry was decoded alone: no bulk decode
	tried   bool
	bulked  bool // the entries were decoded at once
}

// aliasRE matches what may be a YAML alias ("*name" after a blank or a
// flow indicator); like anchorRE it errs on the side of yes.
var aliasRE = regexp.MustCompile(`(?:^|[ \t\[{,:])\*[^ \t\r\n,\[\]{}]`)

// touch records that ls is decoded alone (before its decode).
func (g *entryGroup) touch() {
	g.mu.Lock()
	g.touched = true
	g.mu.Unlock()
}

// bulk decodes the group at once if allowed, filling its entries.
func (g *entryGroup) bulk(d *Description) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.touched || g.tried {
		return
	}
	g.tried = true
	if mayAnchor(g.data) || aliasRE.Match(g.data) {
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(g.data, &doc); err != nil || len(doc.Content) != 1 {
		return
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
		return
	}
	kind := m.Content[1]
	if kind.Kind != yaml.MappingNode || len(kind.Content) != 2*len(g.entries) {
		return
	}
	if g.line > 1 {
		shiftLines(&doc, g.line-1)
	}
	if yamlbudget.FirstDuplicateKey(&doc, d.budget.File) != nil {
		return
	}
	if d.budget.Check(&doc) != nil {
		return // no alias: cannot happen; the entries will say
	}
	for i, ls := range g.entries {
		if kind.Content[2*i].Value != ls.path[len(ls.path)-1] {
			return
		}
	}
	for i, ls := range g.entries {
		v := kind.Content[2*i+1]
		ls.once.Do(func() { ls.node = v })
	}
	g.bulked = true
}

// sectionBulk is section for the schema layer: an entry of a group not yet
// touched is decoded with its whole group.
func (d *Description) sectionBulk(n *yaml.Node) (*yaml.Node, error) {
	if ls := d.lazy[n]; ls != nil && ls.group != nil {
		ls.group.bulk(d)
	}
	return d.section(n)
}
