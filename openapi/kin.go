package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/weftflow/weft/internal/boundary"
	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// Per-operation kin-openapi documents. The first time an operation is bound,
// a minimal document is cut out of the node tree: the version, info, the
// document's servers and security, the operation's path item (only this
// operation, plus the path-level parameters and servers) and every entry
// reachable from it through local $refs, transitively. External $refs are
// left for kin-openapi's loader, which reads them through ParseOptions.Read
// relative to the description's URL. Swagger 2.0 minimal documents are
// converted with openapi2conv. The loaded *openapi3.Operation is then the
// source of truth for the operation's parameters, bodies, responses, servers
// and security.

// collectionFormatExt carries a Swagger 2.0 collectionFormat through the
// openapi2conv conversion (it keeps x- extensions), for the cases it does
// not map to an OpenAPI 3 style itself.
const collectionFormatExt = "x-weft-collection-format"

// loadKin builds and loads one minimal document holding the operations ops
// (of one description) and returns their routes, in the order of ops, all
// sharing the loaded document.
func loadKin(ctx context.Context, ops []*Operation) (routes []*routers.Route, err error) {
	defer boundary.Recover(func(r any) {
		routes, err = nil, fmt.Errorf("kin-openapi failed on a malformed operation (%v)", r)
	})
	for _, op := range ops {
		if err := op.materialize(); err != nil {
			return nil, err
		}
	}
	d := ops[0].Description
	m := &minimal{ctx: ctx, d: d, out: map[string]any{}, done: map[string]bool{}}
	if err := m.build(ops); err != nil {
		return nil, err
	}
	data, err := json.Marshal(m.out)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	if d.opts.Read != nil {
		loader.IsExternalRefsAllowed = true
		loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
			return d.readExternal(ctx, u)
		}
		loader.JoinFunc = func(base, rel *url.URL) *url.URL {
			if base == nil {
				return rel
			}
			return base.ResolveReference(rel)
		}
	}
	var doc *openapi3.T
	if d.swagger {
		var doc2 openapi2.T
		if err := json.Unmarshal(data, &doc2); err != nil {
			return nil, err
		}
		patchSwagger(&doc2)
		doc, err = openapi2conv.ToV3WithLoader(&doc2, loader, d.URL)
	} else {
		// encoding/json directly: kin-openapi's own unmarshal tries YAML
		// first, which costs twice as much as the rest of the load.
		doc = &openapi3.T{}
		if err = json.Unmarshal(data, doc); err == nil {
			err = loader.ResolveRefsIn(doc, d.URL)
		}
	}
	if err != nil {
		return nil, err
	}
	routes = make([]*routers.Route, len(ops))
	for i, op := range ops {
		pi := doc.Paths.Value(op.Path)
		if pi == nil {
			return nil, errors.New("kin-openapi lost the path item")
		}
		kop := pi.GetOperation(op.Method)
		if kop == nil {
			return nil, errors.New("kin-openapi lost the operation")
		}
		routes[i] = &routers.Route{Spec: doc, Path: op.Path, PathItem: pi, Method: op.Method, Operation: kop}
	}
	return routes, nil
}

// readExternal reads an external document for kin-openapi's loader, once per
// description and URL, up to ParseOptions.MaxExternalDocuments documents.
func (d *Description) readExternal(ctx context.Context, u *url.URL) ([]byte, error) {
	v := *u
	v.Fragment = ""
	key := v.String()
	d.extMu.Lock()
	defer d.extMu.Unlock()
	if d.extData == nil {
		d.extData = map[string]extData{}
	}
	if e, ok := d.extData[key]; ok {
		return e.data, e.err
	}
	max := d.opts.MaxExternalDocuments
	if max <= 0 {
		max = 64
	}
	if len(d.extData) >= max {
		return nil, fmt.Errorf("external $ref %s: more than %d external documents", v.Redacted(), max)
	}
	data, err := d.opts.Read(ctx, &v)
	if err != nil {
		err = fmt.Errorf("external $ref %s: %w", v.Redacted(), err)
	}
	if ctx.Err() == nil {
		d.extData[key] = extData{data, err}
	}
	return data, err
}

type extData struct {
	data []byte
	err  error
}

// minimal assembles an operation's minimal document as Go values.
type minimal struct {
	ctx  context.Context
	d    *Description
	out  map[string]any
	done map[string]bool // container pointers already copied
	own  map[string]bool // the paths of the operations, copied in part
	// err is the first budget or $ref cycle error met; the operation
	// cannot be bound (no node-tree fallback hides it).
	err error
}

// value converts n with nodeValue, keeping the first error in m.err.
func (m *minimal) value(n *yaml.Node) any {
	v, err := nodeValue(n, 0)
	if le := (*LimitError)(nil); errors.As(err, &le) && le.File == "" {
		le.File = m.d.budget.File
	}
	if err != nil && m.err == nil {
		m.err = err
	}
	return v
}

func (m *minimal) build(ops []*Operation) error {
	d, root := m.d, m.d.root
	m.own = map[string]bool{}
	if d.swagger {
		m.out["swagger"] = d.Version
		for _, k := range []string{"host", "basePath", "schemes", "consumes", "produces", "security"} {
			if v := mapGet(root, k); v != nil {
				m.out[k] = m.value(v)
			}
		}
	} else {
		m.out["openapi"] = d.Version
		for _, k := range []string{"servers", "security"} {
			if v := mapGet(root, k); v != nil {
				m.out[k] = m.value(v)
			}
		}
	}
	// info: title and version only (kin-openapi rejects ill-typed contact
	// or license objects, which no request needs).
	info := map[string]any{"title": mapString(mapGet(root, "info"), "title"), "version": mapString(mapGet(root, "info"), "version")}
	m.out["info"] = info
	items := map[string]map[string]any{}
	for _, op := range ops {
		item := items[op.Path]
		if item == nil {
			item = map[string]any{}
			items[op.Path] = item
			if op.pathRef != "" && !strings.HasPrefix(op.pathRef, "#") {
				// An external path item: kin-openapi reads it.
				item["$ref"] = op.pathRef
			} else {
				for _, k := range []string{"parameters", "servers"} {
					if v := mapGet(op.pathItem, k); v != nil {
						item[k] = m.value(v)
						m.walk(v, 0)
					}
				}
			}
		}
		if _, ext := item["$ref"]; ext {
			continue
		}
		m.own[op.Path] = true
		ov := m.value(op.node)
		if om, ok := ov.(map[string]any); ok {
			// Ill-typed informative fields would make kin-openapi reject the
			// whole operation.
			for _, k := range []string{"tags", "summary", "description", "operationId"} {
				if !informative(om[k], k == "tags") {
					delete(om, k)
				}
			}
		}
		item[strings.ToLower(op.Method)] = ov
		m.walk(op.node, 0)
	}
	for p, item := range items {
		if m.done["/paths/"+jsonvalue.EscapeToken(p)] {
			continue // a $ref copied the whole path item
		}
		m.out["paths"] = mergeMap(m.out["paths"], map[string]any{p: item})
	}
	return m.err
}

// informative reports whether v is a string (list is false) or a list of
// strings (list is true).
func informative(v any, list bool) bool {
	if v == nil {
		return true
	}
	if !list {
		_, ok := v.(string)
		return ok
	}
	l, ok := v.([]any)
	if !ok {
		return false
	}
	for _, x := range l {
		if _, ok := x.(string); !ok {
			return false
		}
	}
	return true
}

// walk copies the targets of the local $refs found under n, and reports
// (m.err) a local $ref that starts a cycle of $ref objects.
func (m *minimal) walk(n *yaml.Node, depth int) {
	n = deref(n)
	if depth > yamlbudget.MaxNestingDepth || m.err != nil {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := deref(n.Content[i+1])
			if n.Content[i].Value == "$ref" && v.Kind == yaml.ScalarNode {
				m.prefetch(v.Value)
				if strings.HasPrefix(v.Value, "#") {
					if _, _, err := m.d.refChain(m.ctx, m.d.self(), n, true, true); err != nil && m.err == nil {
						if fatal(err) {
							m.err = err
						}
					}
				}
				m.ref(v.Value)
				continue
			}
			m.walk(v, depth+1)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			m.walk(c, depth+1)
		}
	}
}

// prefetch decodes the components kind a local $ref points into in bulk
// (bulk.go) before the $ref chain check reads its entry.
func (m *minimal) prefetch(r string) {
	if !strings.HasPrefix(r, "#/components/") || m.d.lazy == nil {
		return
	}
	toks, err := jsonvalue.Split(r[1:])
	if err != nil || len(toks) < 3 {
		return
	}
	kind := mapGet(mapGet(m.d.root, "components"), toks[1])
	if kind == nil || kind.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(kind.Content); i += 2 {
		if kind.Content[i].Value == toks[2] {
			_, _ = m.d.sectionBulk(kind.Content[i+1])
			return
		}
	}
}

// ref copies the container holding a local $ref's target: a component
// ("/components/schemas/X"), a Swagger 2.0 definition, parameter or
// response, a path item, or a top-level entry.
func (m *minimal) ref(r string) {
	if !strings.HasPrefix(r, "#") {
		return // external: kin-openapi's loader reads it
	}
	frag := r[1:]
	if strings.Contains(frag, "%") {
		if u, err := url.PathUnescape(frag); err == nil {
			frag = u
		}
	}
	toks, err := jsonvalue.Split(frag)
	if err != nil || len(toks) == 0 {
		return
	}
	n := 1
	switch {
	case toks[0] == "components":
		n = 3
	case toks[0] == "paths",
		m.d.swagger && (toks[0] == "definitions" || toks[0] == "parameters" || toks[0] == "responses"):
		n = 2
	}
	if n > len(toks) {
		n = len(toks)
	}
	toks = toks[:n]
	key := jsonvalue.Join(toks...)
	if m.done[key] {
		return
	}
	m.done[key] = true
	target, err := m.d.lookupIn(m.d.root, key, m.d.sectionBulk)
	if err != nil && m.err == nil {
		m.err = err
	}
	if target == nil {
		return // kin-openapi reports the dangling $ref
	}
	v := m.value(target)
	var tree any = v
	for i := len(toks) - 1; i >= 0; i-- {
		tree = map[string]any{toks[i]: tree}
	}
	if toks[0] == "paths" && len(toks) == 2 && m.own[toks[1]] {
		// an operation's own path item, whole: replace the partial copy
		paths, _ := m.out["paths"].(map[string]any)
		if paths != nil {
			delete(paths, toks[1])
		}
	}
	m.out = mergeMap(m.out, tree).(map[string]any)
	m.walk(target, 0)
}

// mergeMap merges b into a (maps recursively; b wins otherwise).
func mergeMap(a, b any) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return b
	}
	for k, v := range bm {
		if old, ok := am[k]; ok {
			am[k] = mergeMap(old, v)
		} else {
			am[k] = v
		}
	}
	return am
}

// patchSwagger prepares a Swagger 2.0 document for openapi2conv: array query
// parameters without collectionFormat get the 2.0 default (csv, which
// openapi2conv would otherwise leave to OpenAPI 3's form/explode default),
// every collectionFormat is kept in an extension, and the document's
// consumes/produces defaults reach operations that set none.
func patchSwagger(doc *openapi2.T) {
	patch := func(ps openapi2.Parameters) {
		for _, p := range ps {
			if p == nil || p.Ref != "" {
				continue
			}
			if p.CollectionFormat == "" && p.Type.Is("array") && (p.In == "query" || p.In == "formData") {
				p.CollectionFormat = "csv"
			}
			if p.CollectionFormat != "" {
				if p.Extensions == nil {
					p.Extensions = map[string]any{}
				}
				p.Extensions[collectionFormatExt] = p.CollectionFormat
			}
		}
	}
	var global openapi2.Parameters
	for _, p := range doc.Parameters {
		global = append(global, p)
	}
	patch(global)
	for _, item := range doc.Paths {
		if item == nil {
			continue
		}
		patch(item.Parameters)
		for _, o := range item.Operations() {
			patch(o.Parameters)
			if len(o.Produces) == 0 {
				o.Produces = doc.Produces
			}
			if len(o.Consumes) == 0 && len(doc.Consumes) == 0 {
				o.Consumes = []string{"application/json"}
				for _, p := range append(append(openapi2.Parameters{}, item.Parameters...), o.Parameters...) {
					if p != nil && p.In == "formData" {
						o.Consumes = []string{"application/x-www-form-urlencoded"}
					}
				}
			}
		}
	}
}

// orderKeys returns content's keys: those of order first, in that order,
// then the others sorted.
func orderKeys(content openapi3.Content, order []string) []string {
	out := make([]string, 0, len(content))
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := content[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range content {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// nodeValue converts a YAML node to a JSON-like Go value (numbers as
// json.Number). Every tree of a description was checked against the
// document budget when it was decoded (yamlbudget.Budget.Check), so the
// aliases it follows expand to at most MaxAliasNodes nodes; nesting deeper
// than MaxNestingDepth is a *LimitError here too, never a silent cut.
func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > yamlbudget.MaxNestingDepth {
		return nil, yamlbudget.Depth("", n.Line, n.Column)
	}
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := nodeValue(e, depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && json.Valid([]byte(n.Value)) {
				return json.Number(n.Value), nil
			}
			return n.Value, nil
		case "!!bool":
			return strings.EqualFold(n.Value, "true"), nil
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, nil
}
