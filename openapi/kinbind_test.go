package openapi

import (
	"context"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// The binding kin-openapi's loaded operation gives: how requests were
// built before the node-tree request layer (nodebind.go) became the only
// one. TestNodeBindingMatchesKin holds the two equal.

// bindKin turns a kin-openapi route into a binding.
func (op *Operation) bindKin(ctx context.Context, route *routers.Route) (*binding, error) {
	d := op.Description
	kop, pi := route.Operation, route.PathItem
	b := &binding{encodings: map[string]map[string]Encoding{}}
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
