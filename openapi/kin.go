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

// loadKin builds and loads the operation's minimal document.
func (op *Operation) loadKin(ctx context.Context) (route *routers.Route, err error) {
	defer func() {
		if r := recover(); r != nil {
			route, err = nil, fmt.Errorf("kin-openapi failed on a malformed operation (%v)", r)
		}
	}()
	d := op.Description
	m := &minimal{ctx: ctx, d: d, out: map[string]any{}, done: map[string]bool{}}
	if err := m.build(op); err != nil {
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
	pi := doc.Paths.Value(op.Path)
	if pi == nil {
		return nil, errors.New("kin-openapi lost the path item")
	}
	kop := pi.GetOperation(op.Method)
	if kop == nil {
		return nil, errors.New("kin-openapi lost the operation")
	}
	return &routers.Route{Spec: doc, Path: op.Path, PathItem: pi, Method: op.Method, Operation: kop}, nil
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
	op   *Operation
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

func (m *minimal) build(op *Operation) error {
	d, root := m.d, m.d.root
	m.op = op
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
	item := map[string]any{}
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
	m.out["paths"] = mergeMap(m.out["paths"], map[string]any{op.Path: item})
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
	toks, err := splitPointer(frag)
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
	var p strings.Builder
	for _, t := range toks {
		p.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	key := p.String()
	if m.done[key] {
		return
	}
	m.done[key] = true
	target, err := m.d.lookup(m.d.root, key)
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
	if toks[0] == "paths" && len(toks) == 2 && toks[1] == m.op.Path {
		// the operation's own path item, whole: replace the partial copy
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

// bindKin turns a kin-openapi route into a binding.
func (op *Operation) bindKin(ctx context.Context, route *routers.Route) (*binding, error) {
	d := op.Description
	kop, pi := route.Operation, route.PathItem
	b := &binding{encodings: map[string]map[string]Encoding{}, route: route}
	idx := map[string]int{}
	for _, list := range []openapi3.Parameters{pi.Parameters, kop.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			p, ok := kinParameter(pr.Value)
			if !ok || (!d.swagger && p.In == "header" && ignoredHeader(p.Name)) {
				continue // OpenAPI 3.x ignores Accept, Content-Type, Authorization
			}
			k := p.In + "\x00" + p.Name
			if p.In == "header" {
				k = p.In + "\x00" + strings.ToLower(p.Name)
			}
			if i, ok := idx[k]; ok {
				b.params[i] = p
			} else {
				idx[k] = len(b.params)
				b.params = append(b.params, p)
			}
		}
	}
	if rb := kop.RequestBody; rb != nil && rb.Value != nil && len(rb.Value.Content) > 0 {
		content := rb.Value.Content
		b.bodyRequired = rb.Value.Required
		b.mediaTypes = orderKeys(content, op.declaredMediaTypes(ctx))
		if d.swagger && isFormBody(content) {
			var forms []string
			for _, mt := range b.mediaTypes {
				if x := mediaBase(mt); x == "multipart/form-data" || x == "application/x-www-form-urlencoded" {
					forms = append(forms, mt)
				}
			}
			if len(forms) > 0 {
				b.mediaTypes = forms
			}
		}
		for mt, media := range content {
			if media == nil {
				continue
			}
			encs := map[string]Encoding{}
			for name, e := range media.Encoding {
				if e == nil {
					continue
				}
				sm := e.SerializationMethod()
				encs[name] = Encoding{ContentType: e.ContentType, Style: sm.Style, Explode: sm.Explode, AllowReserved: e.AllowReserved}
			}
			if d.swagger && media.Schema != nil && media.Schema.Value != nil {
				for name, ps := range media.Schema.Value.Properties {
					if ps == nil || ps.Value == nil {
						continue
					}
					if _, form := ps.Value.Extensions["x-formData-name"]; !form {
						continue
					}
					cf, _ := ps.Value.Extensions[collectionFormatExt].(string)
					style, explode := collectionStyle(cf, "formData")
					e := Encoding{Style: style, Explode: explode}
					if ps.Value.Format == "binary" {
						e.ContentType = "application/octet-stream"
					}
					encs[name] = e
				}
			}
			if len(encs) > 0 {
				b.encodings[mediaBase(mt)] = encs
			}
		}
	}
	if kop.Servers != nil && len(*kop.Servers) > 0 {
		b.servers = kinServers(*kop.Servers)
	} else if len(pi.Servers) > 0 {
		b.servers = kinServers(pi.Servers)
	}
	if b.servers != nil {
		b.serverBase = op.pathDoc
		if b.serverBase == nil {
			b.serverBase = d.self()
		}
	}
	sec := kop.Security
	if sec == nil {
		sec = &route.Spec.Security
	}
	b.security = kinSecurity(*sec)
	if kop.Security == nil && len(route.Spec.Security) == 0 {
		b.security = nil
	}
	return b, nil
}

// kinParameter converts a kin-openapi parameter; ok is false for locations
// weft does not serialize.
func kinParameter(kp *openapi3.Parameter) (Parameter, bool) {
	p := Parameter{Name: kp.Name, In: kp.In, Required: kp.Required, AllowReserved: kp.AllowReserved}
	switch p.In {
	case "path", "query", "header", "cookie":
	default:
		return p, false
	}
	if p.Name == "" {
		return p, false
	}
	sm, err := kp.SerializationMethod()
	if err != nil {
		return p, false
	}
	p.Style, p.Explode = sm.Style, sm.Explode
	if cf, ok := kp.Extensions[collectionFormatExt].(string); ok && kp.Style == "" {
		// Swagger 2.0 collection formats openapi2conv leaves unmapped
		// (tsv; ssv and pipes outside the query).
		p.Style, p.Explode = collectionStyle(cf, p.In)
	}
	if len(kp.Content) > 0 {
		keys := make([]string, 0, len(kp.Content))
		for k := range kp.Content {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		p.ContentType = keys[0]
	}
	return p, true
}

func isFormBody(c openapi3.Content) bool {
	for _, m := range c {
		if m != nil && m.Schema != nil && m.Schema.Value != nil {
			for _, p := range m.Schema.Value.Properties {
				if p != nil && p.Value != nil {
					if _, ok := p.Value.Extensions["x-formData-name"]; ok {
						return true
					}
				}
			}
		}
	}
	return false
}

// declaredMediaTypes lists the request body media types in document order,
// from the node tree (kin-openapi's Content is a map).
func (op *Operation) declaredMediaTypes(ctx context.Context) []string {
	d := op.Description
	if d.swagger {
		if c := stringList(mapGet(op.node, "consumes")); c != nil {
			return c
		}
		return d.consumes
	}
	rb := mapGet(op.node, "requestBody")
	if rb == nil {
		return nil
	}
	from := op.pathDoc
	if from == nil {
		from = d.self()
	}
	n, _, err := d.resolve(ctx, from, rb)
	if err != nil {
		return nil
	}
	return mapKeys(mapGet(n, "content"))
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

func kinServers(ss openapi3.Servers) []Server {
	var out []Server
	for _, s := range ss {
		if s == nil {
			continue
		}
		srv := Server{URL: s.URL, Description: s.Description}
		if len(s.Variables) > 0 {
			srv.Variables = map[string]ServerVariable{}
			for k, v := range s.Variables {
				if v != nil {
					srv.Variables[k] = ServerVariable{Default: v.Default, Enum: v.Enum}
				}
			}
		}
		out = append(out, srv)
	}
	return out
}

func kinSecurity(reqs openapi3.SecurityRequirements) []SecurityRequirement {
	out := []SecurityRequirement{}
	for _, r := range reqs {
		names := make([]string, 0, len(r))
		for n := range r {
			names = append(names, n)
		}
		sort.Strings(names)
		req := SecurityRequirement{}
		for _, n := range names {
			req = append(req, SchemeRequirement{Name: n, Scopes: r[n]})
		}
		out = append(out, req)
	}
	return out
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
