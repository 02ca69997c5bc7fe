package openapi

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// docRef is a document a node belongs to: the description itself or an
// external document pulled in by a $ref.
type docRef struct {
	url  *url.URL
	root *yaml.Node
}

type extDoc struct {
	ref *docRef
	err error
}

func (d *Description) self() *docRef { return &docRef{url: d.URL, root: d.root} }

// RefCycleError reports $ref objects that lead back to themselves without
// content in between: "$ref: '#/components/schemas/A'" inside A itself, or
// A -> B -> A where A and B are nothing but $refs. Such a chain designates
// nothing. (A schema that refers to itself through its properties is a
// legal recursive schema and is not an error.) File, Line and Column locate
// the first $ref of the cycle; Refs lists the cycle's $refs in order.
type RefCycleError struct {
	File         string
	Line, Column int
	Refs         []string
}

// Error implements the error interface.
func (e *RefCycleError) Error() string {
	return fmt.Sprintf("$ref cycle at %s:%d:%d: %s -> %s", e.File, e.Line, e.Column,
		strings.Join(e.Refs, " -> "), e.Refs[0])
}

// maxRefChain caps how many $ref objects a chain may traverse.
const maxRefChain = 32

// refChain follows the chain of $ref objects starting at n (a node of the
// document from): it returns the first node that is not a $ref object. A
// chain that comes back to one of its own $refs is a *RefCycleError; pure
// limits the chain to objects holding nothing but a $ref (and annotations),
// returning the first one with content instead; local stops at external
// $refs (returning the $ref object) rather than reading them.
func (d *Description) refChain(ctx context.Context, from *docRef, n *yaml.Node, pure, local bool) (*yaml.Node, *docRef, error) {
	n = deref(n)
	var seen map[*yaml.Node]int // $ref objects met, by index in chain
	var chain []string
	var at []*yaml.Node // the $ref value nodes, for positions
	var files []string
	for {
		rn := mapGet(n, "$ref")
		if rn == nil || rn.Kind != yaml.ScalarNode || (pure && len(chain) > 0 && !pureRef(n)) {
			return n, from, nil
		}
		r := rn.Value
		if local && !strings.HasPrefix(r, "#") {
			return n, from, nil
		}
		if j, ok := seen[n]; ok {
			if pure && j == 0 && !pureRef(n) {
				return n, from, nil // the cycle goes through content: recursion
			}
			return nil, nil, &RefCycleError{File: files[j], Line: at[j].Line, Column: at[j].Column, Refs: chain[j:]}
		}
		if len(chain) >= maxRefChain {
			return nil, nil, fmt.Errorf("openapi: $ref chain longer than %d at %s:%d:%d", maxRefChain, locString(from.url), rn.Line, rn.Column)
		}
		if seen == nil {
			seen = map[*yaml.Node]int{}
		}
		seen[n] = len(chain)
		chain, at, files = append(chain, r), append(at, rn), append(files, locString(from.url))
		var err error
		n, from, err = d.resolveRef(ctx, from, r)
		if err != nil {
			return nil, nil, err
		}
	}
}

// pureRef reports whether the mapping n holds a $ref and nothing else but
// annotations (summary, description, x- extensions).
func pureRef(n *yaml.Node) bool {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; {
		case k == "$ref", k == "summary", k == "description", strings.HasPrefix(k, "x-"):
		default:
			return false
		}
	}
	return true
}

// resolveRef resolves ref (as written in a $ref) relative to the document from.
func (d *Description) resolveRef(ctx context.Context, from *docRef, ref string) (*yaml.Node, *docRef, error) {
	file, frag, _ := strings.Cut(ref, "#")
	doc := from
	if file != "" {
		var err error
		doc, err = d.external(ctx, from, file)
		if err != nil {
			return nil, nil, err
		}
	}
	if strings.Contains(frag, "%") {
		if u, err := url.PathUnescape(frag); err == nil {
			frag = u
		}
	}
	n, err := d.lookup(doc.root, frag)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: $ref %q: %w", ref, err)
	}
	if n == nil {
		return nil, nil, fmt.Errorf("openapi: $ref %q: target not found", ref)
	}
	return n, doc, nil
}

// resolve follows $ref chains starting at n (a *RefCycleError for a cycle).
func (d *Description) resolve(ctx context.Context, from *docRef, n *yaml.Node) (*yaml.Node, *docRef, error) {
	return d.refChain(ctx, from, n, false, false)
}

func (d *Description) external(ctx context.Context, from *docRef, file string) (*docRef, error) {
	if d.opts.Read == nil {
		return nil, fmt.Errorf("openapi: external $ref %q: no reader configured", file)
	}
	ru, err := url.Parse(file)
	if err != nil {
		return nil, fmt.Errorf("openapi: external $ref %q: %v", file, err)
	}
	if from.url != nil {
		ru = from.url.ResolveReference(ru)
	}
	ru.Fragment = ""
	key := ru.String()
	d.extMu.Lock()
	defer d.extMu.Unlock()
	if d.extDocs == nil {
		d.extDocs = map[string]*extDoc{}
	}
	if e, ok := d.extDocs[key]; ok {
		return e.ref, e.err
	}
	max := d.opts.MaxExternalDocuments
	if max <= 0 {
		max = 64
	}
	if len(d.extDocs) >= max {
		return nil, fmt.Errorf("openapi: external $ref %q: more than %d external documents", file, max)
	}
	e := &extDoc{}
	d.extMu.Unlock()
	data, err := func() ([]byte, error) {
		defer d.extMu.Lock()           // held again for the deferred Unlock, also when Read panics
		return d.readExternal(ctx, ru) // shared with kin-openapi's loader
	}()
	if err != nil {
		e.err = fmt.Errorf("openapi: %w", err)
	} else if root, err := decodeNode(data, &yamlbudget.Budget{File: ru.Redacted()}); err != nil {
		e.err = fmt.Errorf("openapi: external $ref %s: %v", ru.Redacted(), err)
	} else {
		e.ref = &docRef{url: ru, root: root}
	}
	if ctx.Err() == nil { // do not cache cancellations
		d.extDocs[key] = e
	}
	return e.ref, e.err
}
