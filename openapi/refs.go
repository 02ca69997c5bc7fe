package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

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
	n, ok := d.pointer(doc.root, frag)
	if !ok {
		return nil, nil, fmt.Errorf("openapi: $ref %q: target not found", ref)
	}
	return n, doc, nil
}

// resolve follows $ref chains starting at n.
func (d *Description) resolve(ctx context.Context, from *docRef, n *yaml.Node) (*yaml.Node, *docRef, error) {
	n = deref(n)
	for i := 0; i < 32; i++ {
		r := refOf(n)
		if r == "" {
			return n, from, nil
		}
		var err error
		n, from, err = d.resolveRef(ctx, from, r)
		if err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, errors.New("openapi: $ref chain too long or cyclic")
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
	data, err := d.readExternal(ctx, ru) // shared with kin-openapi's loader
	d.extMu.Lock()
	if err != nil {
		e.err = fmt.Errorf("openapi: %w", err)
	} else if root, err := decodeNode(data); err != nil {
		e.err = fmt.Errorf("openapi: external $ref %s: %v", ru.Redacted(), err)
	} else {
		e.ref = &docRef{url: ru, root: root}
	}
	if ctx.Err() == nil { // do not cache cancellations
		d.extDocs[key] = e
	}
	return e.ref, e.err
}
