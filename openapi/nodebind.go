package openapi

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// The request layer of a binding, read from the node tree. It applies the
// rules kin-openapi applies when it loads the operation (its defaults for
// style and explode, openapi2conv's conversion of Swagger 2.0 parameters,
// bodies and form fields), so that a request is built the same whether or
// not kin-openapi ever loads the operation; TestNodeBindingMatchesKin
// compares the two over every operation of the corpus. It reads the
// operation, its path item and what their parameters and request body
// $ref, and nothing else: no schema is decoded.

// doBind binds the operation's request layer from the node tree.
func (op *Operation) doBind(ctx context.Context) (*binding, error) {
	d := op.Description
	b := &binding{encodings: map[string]map[string]Encoding{}}
	pdoc := op.pathDoc
	if pdoc == nil {
		pdoc = d.self()
	}
	node := op.node
	// Parameters: path item first, operation overrides by (name, in).
	idx := map[string]int{}
	var pathOnly, opOnly []swaggerParam // Swagger 2.0 body and formData
	add := func(list *yaml.Node, from *docRef, extra *[]swaggerParam) error {
		if list == nil || list.Kind != yaml.SequenceNode {
			return nil
		}
		for _, pn := range list.Content {
			n, _, err := d.resolve(ctx, from, pn)
			if err != nil {
				return fmt.Errorf("openapi: %s: parameter: %w", op, err)
			}
			p, ok := d.parameter(n)
			if !ok {
				if in := mapString(n, "in"); d.swagger && (in == "formData" || in == "body") {
					*extra = append(*extra, swaggerParam{node: n, in: in, id: swaggerIdentity(pn, n)})
				}
				continue
			}
			if d.swagger {
				*extra = append(*extra, swaggerParam{id: swaggerIdentity(pn, n)})
			}
			if !d.swagger && p.In == "header" && ignoredHeader(p.Name) {
				// OpenAPI 3.x: such a header parameter definition SHALL be
				// ignored. A value the caller gives is sent as an
				// undeclared header (default style, simple).
				continue
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
		return nil
	}
	if err := add(mapGet(op.pathItem, "parameters"), pdoc, &pathOnly); err != nil {
		return nil, err
	}
	if err := add(mapGet(node, "parameters"), pdoc, &opOnly); err != nil {
		return nil, err
	}
	if d.swagger {
		op.swaggerBody(b, pathOnly, opOnly)
	} else if err := op.requestBody(ctx, b, pdoc); err != nil {
		return nil, err
	}
	// Servers: operation > path item > document (OpenAPI 3.x only).
	if !d.swagger {
		if s := bindServers(mapGet(node, "servers")); len(s) > 0 {
			b.servers, b.serverBase = s, pdoc
		} else if s := bindServers(mapGet(op.pathItem, "servers")); len(s) > 0 {
			b.servers, b.serverBase = s, pdoc
		}
	}
	b.security = bindSecurity(mapGet(node, "security"), mapGet(d.root, "security"))
	return b, nil
}

// requestBody binds an OpenAPI 3.x requestBody: its media types in
// document order and their Encoding Objects. A body without content
// declares nothing (kin-openapi's reading).
func (op *Operation) requestBody(ctx context.Context, b *binding, pdoc *docRef) error {
	rb := mapGet(op.node, "requestBody")
	if rb == nil {
		return nil
	}
	n, _, err := op.Description.resolve(ctx, pdoc, rb)
	if err != nil {
		return fmt.Errorf("openapi: %s: requestBody: %w", op, err)
	}
	content := mapGet(n, "content")
	if content == nil || content.Kind != yaml.MappingNode || len(content.Content) == 0 {
		return nil
	}
	b.bodyRequired, _ = mapBool(n, "required")
	for i := 0; i+1 < len(content.Content); i += 2 {
		mt := content.Content[i].Value
		b.mediaTypes = append(b.mediaTypes, mt)
		encNode := mapGet(content.Content[i+1], "encoding")
		if encNode == nil || encNode.Kind != yaml.MappingNode {
			continue
		}
		encs := map[string]Encoding{}
		for j := 0; j+1 < len(encNode.Content); j += 2 {
			en := deref(encNode.Content[j+1])
			if en.Kind != yaml.MappingNode {
				continue // null: no encoding
			}
			e := Encoding{ContentType: mapString(en, "contentType"), Style: "form", Explode: true}
			if s := mapString(en, "style"); s != "" {
				e.Style, e.Explode = s, s != "spaceDelimited" && s != "pipeDelimited"
			}
			if ex, set := mapBool(en, "explode"); set {
				e.Explode = ex
			}
			e.AllowReserved, _ = mapBool(en, "allowReserved")
			encs[encNode.Content[j].Value] = e
		}
		if len(encs) > 0 {
			b.encodings[mediaBase(mt)] = encs
		}
	}
	return nil
}

// swaggerParam is a Swagger 2.0 parameter as openapi2conv sees it when it
// builds a request body: its identity (the $ref, or in and name), and for
// body and formData parameters the resolved node.
type swaggerParam struct {
	node *yaml.Node
	in   string // "body", "formData" or "" (another location)
	id   string
}

// swaggerIdentity is openapi2conv's parameterIdentity: an operation's
// parameter overrides the path item's with the same $ref, or the same
// location and name.
func swaggerIdentity(written, resolved *yaml.Node) string {
	if r := refOf(written); r != "" {
		return r
	}
	return mapString(resolved, "in") + " " + mapString(resolved, "name")
}

// swaggerBody binds a Swagger 2.0 request body as openapi2conv converts it:
// one body parameter (its schema under every consumes media type), or the
// formData parameters as the properties of a form (the form media types
// among consumes, all of them when none is one). The path item's body and
// formData parameters apply unless the operation redeclares them.
func (op *Operation) swaggerBody(b *binding, pathOnly, opOnly []swaggerParam) {
	d := op.Description
	overridden := map[string]bool{}
	for _, p := range opOnly {
		overridden[p.id] = true
	}
	var bodies []*yaml.Node
	var form []*yaml.Node // formData parameters; a later one of a name wins
	for _, p := range pathOnly {
		if !overridden[p.id] {
			switch p.in {
			case "body":
				bodies = append(bodies, p.node)
			case "formData":
				form = append(form, p.node)
			}
		}
	}
	for _, p := range opOnly {
		switch p.in {
		case "body":
			bodies = append(bodies, p.node)
		case "formData":
			form = append(form, p.node)
		}
	}
	declared := stringList(mapGet(op.node, "consumes"))
	if len(declared) == 0 {
		declared = d.consumes
	}
	consumes := declared
	if len(consumes) == 0 {
		// patchSwagger's default: a form when an inline formData parameter
		// is declared, else JSON.
		consumes = []string{"application/json"}
		for _, list := range []*yaml.Node{mapGet(op.pathItem, "parameters"), mapGet(op.node, "parameters")} {
			if list != nil && list.Kind == yaml.SequenceNode {
				for _, pn := range list.Content {
					if mapString(pn, "in") == "formData" {
						consumes = []string{"application/x-www-form-urlencoded"}
					}
				}
			}
		}
	}
	consumes = dedupe(consumes)
	switch {
	case len(bodies) > 0:
		body := bodies[len(bodies)-1]
		if s := mapGet(body, "schema"); s == nil || s.Kind == 0 || s.ShortTag() == "!!null" {
			return // no schema: openapi2conv declares no content
		}
		b.bodyRequired, _ = mapBool(body, "required")
		b.mediaTypes = consumes
	case len(form) > 0:
		for _, c := range consumes {
			if mt := mediaBase(c); mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" {
				b.mediaTypes = append(b.mediaTypes, c)
			}
		}
		if len(b.mediaTypes) == 0 {
			b.mediaTypes = consumes
		}
		encs := map[string]Encoding{}
		for _, f := range form {
			cf := mapString(f, "collectionFormat")
			style, explode := collectionStyle(cf, "formData")
			e := Encoding{Style: style, Explode: explode}
			if mapString(f, "type") == "file" || mapString(f, "format") == "binary" {
				e.ContentType = "application/octet-stream"
			}
			encs[mapString(f, "name")] = e
		}
		for _, mt := range consumes {
			b.encodings[mediaBase(mt)] = encs
		}
	}
}

// dedupe drops repeated strings, keeping the first of each.
func dedupe(l []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// parameter converts a resolved Parameter Object; ok is false for Swagger
// body and formData parameters and for unusable entries. Style and explode
// take kin-openapi's defaults: in a path or a header simple and false; in a
// query or a cookie form, and explode false only for spaceDelimited and
// pipeDelimited (OpenAPI 3.x says false for every style but form; the two
// differ only for styles whose explode weft ignores or that a query cannot
// have). Swagger 2.0 parameters take openapi2conv's: collectionFormat mapped
// (an array in the query is csv by default), path parameters required.
func (d *Description) parameter(n *yaml.Node) (Parameter, bool) {
	p := Parameter{Name: mapString(n, "name"), In: mapString(n, "in")}
	if p.Name == "" {
		return p, false
	}
	switch p.In {
	case "path", "query", "header", "cookie":
	default:
		return p, false
	}
	p.Required, _ = mapBool(n, "required")
	if d.swagger {
		if p.In == "path" {
			p.Required = true
		}
		cf := mapString(n, "collectionFormat")
		if cf == "" && p.In == "query" && mapString(n, "type") == "array" {
			cf = "csv"
		}
		if cf != "" {
			p.Style, p.Explode = collectionStyle(cf, p.In)
		} else {
			p.Style = defaultStyle(p.In)
			p.Explode = p.Style == "form"
		}
		return p, true
	}
	p.Style = mapString(n, "style")
	if p.Style == "" {
		p.Style = defaultStyle(p.In)
	}
	if p.In == "query" || p.In == "cookie" {
		p.Explode = p.Style != "spaceDelimited" && p.Style != "pipeDelimited"
	}
	if ex, set := mapBool(n, "explode"); set {
		p.Explode = ex
	}
	p.AllowReserved, _ = mapBool(n, "allowReserved")
	if c := mapGet(n, "content"); c != nil && c.Kind == yaml.MappingNode && len(c.Content) > 0 {
		// kin-openapi's content is a map: the first key in sorted order
		keys := mapKeys(c)
		sort.Strings(keys)
		p.ContentType = keys[0]
	}
	return p, true
}

// bindServers reads an operation's or path item's servers as kin-openapi
// does: null entries and null variables are left out.
func bindServers(n *yaml.Node) []Server {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []Server
	for _, s := range n.Content {
		s = deref(s)
		if s.Kind != yaml.MappingNode {
			continue
		}
		srv := Server{URL: mapString(s, "url"), Description: mapString(s, "description")}
		if vars := mapGet(s, "variables"); vars != nil && vars.Kind == yaml.MappingNode && len(vars.Content) > 0 {
			srv.Variables = map[string]ServerVariable{}
			for i := 0; i+1 < len(vars.Content); i += 2 {
				v := deref(vars.Content[i+1])
				if v.Kind != yaml.MappingNode {
					continue
				}
				srv.Variables[vars.Content[i].Value] = ServerVariable{
					Default: mapString(v, "default"), Enum: stringList(mapGet(v, "enum"))}
			}
		}
		out = append(out, srv)
	}
	return out
}

// bindSecurity is the security that applies to an operation as kin-openapi
// gives it: the operation's own (possibly empty) when declared and not
// null, else the document's; nil when neither declares any. The schemes of
// one requirement are sorted by name.
func bindSecurity(own, doc *yaml.Node) []SecurityRequirement {
	n := own
	if n == nil || n.ShortTag() == "!!null" {
		if doc == nil || doc.Kind != yaml.SequenceNode || len(doc.Content) == 0 {
			return nil
		}
		n = doc
	}
	out := parseSecurity(n)
	if out == nil {
		out = []SecurityRequirement{}
	}
	for _, r := range out {
		sort.SliceStable(r, func(i, j int) bool { return r[i].Name < r[j].Name })
	}
	return out
}

// ignoredHeader reports whether an OpenAPI 3.x header parameter definition
// of this name is ignored: Accept, Content-Type and Authorization are set
// by content negotiation, the request body and security schemes.
func ignoredHeader(name string) bool {
	return strings.EqualFold(name, "Accept") || strings.EqualFold(name, "Content-Type") || strings.EqualFold(name, "Authorization")
}

func defaultStyle(in string) string {
	if in == "query" || in == "cookie" {
		return "form"
	}
	return "simple"
}

// collectionStyle maps a Swagger 2.0 collectionFormat to style and explode
// (as kin-openapi's openapi2conv does).
func collectionStyle(cf, in string) (string, bool) {
	switch cf {
	case "multi":
		return "form", true
	case "ssv":
		return "spaceDelimited", false
	case "pipes":
		return "pipeDelimited", false
	case "tsv":
		return "tabDelimited", false
	}
	if in == "query" || in == "cookie" || in == "formData" {
		return "form", false
	}
	return "simple", false
}

// mediaBase returns the lower-cased media type without parameters.
func mediaBase(mt string) string {
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
