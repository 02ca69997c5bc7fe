package openapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/routers"
	"github.com/weftflow/weft/internal/boundary"
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

// binding is what building a request for an operation needs, resolved once
// from the node tree: no schema is decoded and kin-openapi is not loaded
// (that is the schema layer, kinroute.go, loaded when a response is
// validated).
type binding struct {
	params       []Parameter
	mediaTypes   []string                       // request body media types in document order
	bodyRequired bool                           // the request body is required
	encodings    map[string]map[string]Encoding // media type -> property -> encoding
	servers      []Server                       // operation or path-item servers; nil: document's
	serverBase   *docRef                        // document the servers come from
	security     []SecurityRequirement          // as kin-openapi gives it: schemes sorted by name
}

// bind binds the operation's request layer once. A bind that fails because
// ctx is done is not kept: the next call with a live context binds again.
func (op *Operation) bind(ctx context.Context) (*binding, error) {
	if op.bindDone.Load() {
		return op.bound, op.bindErr
	}
	op.bindMu.Lock()
	defer op.bindMu.Unlock()
	if op.bindDone.Load() {
		return op.bound, op.bindErr
	}
	b, err := op.bindNodes(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	op.bound, op.bindErr = b, err
	if err == nil {
		sec := b.security
		op.security.Store(&sec)
	}
	op.bindDone.Store(true)
	return b, err
}

// bindNodes is doBind with a malformed operation reported, not a panic.
func (op *Operation) bindNodes(ctx context.Context) (b *binding, err error) {
	defer boundary.Recover(func(r any) {
		b, err = nil, fmt.Errorf("openapi: %s: malformed operation (%v)", op, r)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := op.materialize(); err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", op, err)
	}
	return op.doBind(ctx)
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

// requestMediaTypes returns the request body media types the operation
// declares, in document order (Swagger 2.0: consumes).
func (op *Operation) requestMediaTypes(ctx context.Context) ([]string, error) {
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
	// requestMediaTypes returns them); empty when the operation declares no
	// body.
	MediaTypes []string
	// BodyRequired reports whether the request body is required (OpenAPI
	// 3.x requestBody.required; Swagger 2.0: the body parameter's required).
	BodyRequired bool
}

// RequestShape returns the operation's declared parameters and request
// body: the request layer of its binding (the same as Parameters and
// requestMediaTypes), which reads the node tree without loading schemas or
// kin-openapi, so that checking every step of a large document stays cheap.
func (op *Operation) RequestShape(ctx context.Context) (RequestShape, error) {
	b, err := op.bind(ctx)
	if err != nil {
		return RequestShape{}, err
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

// schemaRoute returns the operation as loaded by kin-openapi (a router-free
// route: Spec is a minimal document holding the operation, shared with the
// other operations registered by Description.WillValidate). When
// kin-openapi could not load it the error says why; requests are built from
// the node tree either way, and responses are then checked for status and
// content type only.
func (op *Operation) schemaRoute(ctx context.Context) (*routers.Route, error) {
	if _, err := op.bind(ctx); err != nil {
		return nil, err
	}
	route, err := op.kinRoute(ctx)
	if err != nil {
		if fatal(err) {
			return nil, fmt.Errorf("openapi: %s: %w", op, err)
		}
		return nil, fmt.Errorf("openapi: %s: kin-openapi: %w", op, err)
	}
	return route, nil
}
