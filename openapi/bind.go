package openapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/routers"
	"gopkg.in/yaml.v3"
)

// Parameter is a declared OpenAPI parameter, with its serialization rules
// resolved (defaults applied, Swagger 2.0 collectionFormat converted).
type Parameter struct {
	// Name is the parameter name.
	Name string
	// In is "path", "query", "header" or "cookie".
	In string
	// Required reports whether the parameter must be sent.
	Required bool
	// Style is the effective style ("simple", "form", "label", "matrix",
	// "spaceDelimited", "pipeDelimited", "deepObject").
	Style string
	// Explode is the effective explode flag.
	Explode bool
	// AllowReserved keeps RFC 3986 reserved characters unencoded (query).
	AllowReserved bool
	// ContentType is set when the parameter uses "content" instead of a
	// schema: the value is serialized as that media type (JSON).
	ContentType string
}

// Encoding is an Encoding Object of a form or multipart request body.
type Encoding struct {
	// ContentType is the part's media type (multipart) or how a structured
	// property is encoded (JSON for application/json).
	ContentType string
	// Style, Explode and AllowReserved serialize form fields like query
	// parameters.
	Style         string
	Explode       bool
	AllowReserved bool
}

// binding is what building a request for an operation needs, resolved once.
type binding struct {
	params       []Parameter
	mediaTypes   []string                       // request body media types in document order
	bodyRequired bool                           // the request body is required
	encodings    map[string]map[string]Encoding // media type -> property -> encoding
	servers      []Server                       // operation or path-item servers; nil: document's
	serverBase   *docRef                        // document the servers come from
	security     []SecurityRequirement          // kin-openapi binding only

	// route is the operation loaded by kin-openapi (nil when kin-openapi
	// could not load it: kinErr says why, and the fields above come from
	// the node tree).
	route  *routers.Route
	kinErr error
}

func (op *Operation) bind(ctx context.Context) (*binding, error) {
	op.bindOnce.Do(func() {
		defer op.bindDone.Store(true)
		defer func() {
			if r := recover(); r != nil {
				op.bindErr = fmt.Errorf("openapi: %s: malformed operation (%v)", op, r)
			}
		}()
		route, kerr := op.loadKin(ctx)
		if fatal(kerr) {
			// The description itself is at fault: the node tree would
			// meet the same problem.
			op.bindErr = fmt.Errorf("openapi: %s: %w", op, kerr)
			return
		}
		if kerr == nil {
			op.bound, op.bindErr = op.bindKin(ctx, route)
			if op.bindErr == nil {
				sec := op.bound.security
				op.security.Store(&sec)
				return
			}
			kerr = op.bindErr
		}
		if ctx.Err() != nil {
			op.bound, op.bindErr = nil, ctx.Err()
			return
		}
		// kin-openapi could not load the operation: bind from the node tree.
		op.bound, op.bindErr = op.doBind(ctx)
		if op.bound != nil {
			op.bound.kinErr = kerr
		}
	})
	return op.bound, op.bindErr
}

// fatal reports errors that no fallback may hide: a document budget
// reached, a duplicate key or a $ref cycle.
func fatal(err error) bool {
	return err != nil && (isDocErr(err) || errors.As(err, new(*RefCycleError)))
}

// Parameters returns the parameters declared for the operation (path-item
// parameters merged with the operation's, which win), resolving $refs.
func (op *Operation) Parameters(ctx context.Context) ([]Parameter, error) {
	b, err := op.bind(ctx)
	if err != nil {
		return nil, err
	}
	return append([]Parameter(nil), b.params...), nil
}

// RequestMediaTypes returns the request body media types the operation
// declares, in document order (Swagger 2.0: consumes).
func (op *Operation) RequestMediaTypes(ctx context.Context) ([]string, error) {
	b, err := op.bind(ctx)
	if err != nil {
		return nil, err
	}
	return append([]string(nil), b.mediaTypes...), nil
}

// RequestShape is what a request for an operation must carry, as its
// description declares it: what a validator checks a step against.
type RequestShape struct {
	// Parameters are the declared parameters (as Parameters returns them).
	Parameters []Parameter
	// MediaTypes are the request body media types in document order (as
	// RequestMediaTypes returns them); empty when the operation declares no
	// body.
	MediaTypes []string
	// BodyRequired reports whether the request body is required (OpenAPI
	// 3.x requestBody.required; Swagger 2.0: the body parameter's required).
	BodyRequired bool
}

// RequestShape returns the operation's declared parameters and request
// body. Once the operation is bound (Parameters, BuildRequest, ...) it is
// that binding; before, it is the node-tree binding, which reads the same
// fields without loading the operation into kin-openapi, so that checking
// every step of a large document stays cheap.
func (op *Operation) RequestShape(ctx context.Context) (RequestShape, error) {
	b := op.bound
	if !op.bindDone.Load() {
		op.shapeOnce.Do(func() {
			defer func() {
				if r := recover(); r != nil {
					op.shapeErr = fmt.Errorf("openapi: %s: malformed operation (%v)", op, r)
				}
			}()
			op.shape, op.shapeErr = op.doBind(ctx)
		})
		if op.shapeErr != nil {
			return RequestShape{}, op.shapeErr
		}
		b = op.shape
	} else if op.bindErr != nil {
		return RequestShape{}, op.bindErr
	}
	return RequestShape{
		Parameters:   append([]Parameter(nil), b.params...),
		MediaTypes:   append([]string(nil), b.mediaTypes...),
		BodyRequired: b.bodyRequired,
	}, nil
}

// PathTemplateNames returns the names of the {name} placeholders of the
// operation's path template, in order: the path parameters a request must
// supply, declared or not (BuildRequest fails when one has no value).
func (op *Operation) PathTemplateNames() []string {
	var names []string
	for p := op.Path; ; {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(p[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, p[i+1:i+j])
		p = p[i+j+1:]
	}
}

// IgnoredHeader reports whether OpenAPI 3.x ignores a header parameter
// definition of this name (Accept, Content-Type, Authorization): such a
// header is never among an operation's Parameters.
func IgnoredHeader(name string) bool { return ignoredHeader(name) }

// KinRoute returns the operation as loaded by kin-openapi (a router-free
// route: Spec is the operation's minimal document). When kin-openapi could
// not load it the error says why; requests are then built from the node tree
// and responses are checked for status and content type only.
func (op *Operation) KinRoute(ctx context.Context) (*routers.Route, error) {
	b, err := op.bind(ctx)
	if err != nil {
		return nil, err
	}
	if b.route == nil {
		return nil, fmt.Errorf("openapi: %s: kin-openapi: %w", op, b.kinErr)
	}
	return b.route, nil
}

// doBind binds the operation from the node tree (the fallback when
// kin-openapi cannot load it).
func (op *Operation) doBind(ctx context.Context) (*binding, error) {
	d := op.Description
	b := &binding{encodings: map[string]map[string]Encoding{}}
	pdoc := op.pathDoc
	if pdoc == nil {
		pdoc = d.self()
	}
	// Parameters: path item first, operation overrides by (name, in).
	idx := map[string]int{}
	var formData []*yaml.Node
	var bodyParam *yaml.Node
	add := func(list *yaml.Node, from *docRef) error {
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
				switch mapString(n, "in") {
				case "formData":
					formData = append(formData, n)
				case "body":
					bodyParam = n
				}
				continue
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
	if err := add(mapGet(op.pathItem, "parameters"), pdoc); err != nil {
		return nil, err
	}
	if err := add(mapGet(op.node, "parameters"), pdoc); err != nil {
		return nil, err
	}
	// Request body.
	if d.swagger {
		consumes := stringList(mapGet(op.node, "consumes"))
		if consumes == nil {
			consumes = d.consumes
		}
		switch {
		case bodyParam != nil:
			b.bodyRequired, _ = mapBool(bodyParam, "required")
			b.mediaTypes = consumes
			if len(b.mediaTypes) == 0 {
				b.mediaTypes = []string{"application/json"}
			}
		case len(formData) > 0:
			for _, c := range consumes {
				if mt := mediaBase(c); mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded" {
					b.mediaTypes = append(b.mediaTypes, c)
				}
			}
			if len(b.mediaTypes) == 0 {
				b.mediaTypes = []string{"application/x-www-form-urlencoded"}
			}
			encs := map[string]Encoding{}
			for _, f := range formData {
				style, explode := collectionStyle(mapString(f, "collectionFormat"), "query")
				e := Encoding{Style: style, Explode: explode}
				if mapString(f, "type") == "file" {
					e.ContentType = "application/octet-stream"
				}
				encs[mapString(f, "name")] = e
			}
			for _, mt := range b.mediaTypes {
				b.encodings[mediaBase(mt)] = encs
			}
		}
	} else if rb := mapGet(op.node, "requestBody"); rb != nil {
		n, _, err := d.resolve(ctx, pdoc, rb)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: requestBody: %w", op, err)
		}
		b.bodyRequired, _ = mapBool(n, "required")
		content := mapGet(n, "content")
		if content != nil && content.Kind == yaml.MappingNode {
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
					e := Encoding{ContentType: mapString(en, "contentType"), Style: mapString(en, "style")}
					if e.Style == "" {
						e.Style = "form"
					}
					ex, set := mapBool(en, "explode")
					e.Explode = ex || (!set && e.Style == "form")
					e.AllowReserved, _ = mapBool(en, "allowReserved")
					encs[encNode.Content[j].Value] = e
				}
				b.encodings[mediaBase(mt)] = encs
			}
		}
	}
	// Servers: operation > path item > document.
	if s := mapGet(op.node, "servers"); s != nil && len(s.Content) > 0 {
		b.servers, b.serverBase = parseServers(s), pdoc
	} else if s := mapGet(op.pathItem, "servers"); s != nil && len(s.Content) > 0 {
		b.servers, b.serverBase = parseServers(s), pdoc
	}
	return b, nil
}

// parameter converts a resolved Parameter Object; ok is false for Swagger
// body and formData parameters and for unusable entries.
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
		cf := mapString(n, "collectionFormat")
		p.Style, p.Explode = collectionStyle(cf, p.In)
		return p, true
	}
	p.Style = mapString(n, "style")
	if p.Style == "" {
		p.Style = defaultStyle(p.In)
	}
	ex, set := mapBool(n, "explode")
	p.Explode = ex || (!set && p.Style == "form")
	p.AllowReserved, _ = mapBool(n, "allowReserved")
	if c := mapGet(n, "content"); c != nil && c.Kind == yaml.MappingNode && len(c.Content) > 0 {
		p.ContentType = c.Content[0].Value
	}
	return p, true
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
