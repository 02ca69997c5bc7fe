package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/routers"
	"github.com/weftflow/weft/internal/boundary"
	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// ReadFunc reads the document at u (used for external $refs).
type ReadFunc func(ctx context.Context, u *url.URL) ([]byte, error)

// ParseOptions configures Parse.
type ParseOptions struct {
	// Read fetches documents referenced by external $refs; nil disables them
	// (an external $ref then fails when the operation using it is bound).
	Read ReadFunc
	// MaxExternalDocuments caps how many external documents one description
	// may pull in through $refs (0: 64).
	MaxExternalDocuments int
}

// Description is a loaded OpenAPI 3.0/3.1 or Swagger 2.0 description.
// Operations are indexed from the YAML node tree; everything else an
// operation needs (parameters, bodies, responses) is resolved lazily, per
// operation, the first time a request is built or a response validated.
//
// A Description is safe for concurrent use.
type Description struct {
	// URL is where the description was loaded from.
	URL *url.URL
	// Version is the "openapi" or "swagger" field ("3.1.0", "2.0").
	Version string
	// Servers are the document-level servers (for Swagger 2.0 derived from
	// host, basePath and schemes).
	Servers []Server
	// SecuritySchemes are the document's security schemes by name.
	SecuritySchemes map[string]*SecurityScheme
	// Security is the document-level security (nil when absent).
	Security []SecurityRequirement

	root     *yaml.Node
	data     []byte                      // the source text (for lazy sections)
	lazy     map[*yaml.Node]*lazySection // not-yet-decoded sections; read-only after Parse
	fullOnce sync.Once
	full     *yaml.Node
	fullErr  error
	swagger  bool
	consumes []string // Swagger 2.0 global consumes
	produces []string

	ops    []*Operation
	byID   map[string][]*Operation
	byFold map[string][]*Operation
	byPath map[string]*Operation // "METHOD path"
	byNorm map[string][]*Operation

	opts ParseOptions
	// budget is the document's alias budget: the tree Parse decodes and
	// every lazy section decoded later draw on it.
	budget *yamlbudget.Budget

	valMu    sync.Mutex
	valGroup *kinGroup                // operations registered by WillValidate, not loaded yet
	groupOf  map[*Operation]*kinGroup // the group an operation was registered in

	extMu   sync.Mutex
	extDocs map[string]*extDoc // node-tree fallback binding
	extData map[string]extData // kin-openapi's loader
}

// Server is a Server Object.
type Server struct {
	// URL is the server URL, possibly relative and with {variables}.
	URL string
	// Description is the server's description.
	Description string
	// Variables are the server variables by name.
	Variables map[string]ServerVariable
}

// ServerVariable is a Server Variable Object.
type ServerVariable struct {
	// Default is the value used when the caller sets none.
	Default string
	// Enum lists the allowed values (informative).
	Enum []string
}

// SecurityScheme is a Security Scheme Object (the parts weft uses).
type SecurityScheme struct {
	// Name is the key in components.securitySchemes (securityDefinitions in
	// Swagger 2.0).
	Name string
	// Type is "apiKey", "http", "oauth2", "openIdConnect" or "mutualTLS".
	Type string
	// Scheme is the HTTP scheme for type http ("basic", "bearer"), lower-case.
	Scheme string
	// In and ParamName are for apiKey ("header", "query", "cookie").
	In        string
	ParamName string
	// TokenURL is the client-credentials flow's token URL for oauth2.
	TokenURL string
	// Scopes are the client-credentials flow's scopes, in document order.
	Scopes []string
}

// SecurityRequirement is one Security Requirement Object: every scheme in it
// must be applied together. An empty requirement means "no security".
type SecurityRequirement []SchemeRequirement

// SchemeRequirement names one scheme of a requirement and its scopes.
type SchemeRequirement struct {
	// Name is the security scheme name.
	Name string
	// Scopes are the required scopes (OAuth2) or roles.
	Scopes []string
}

// Operation is one operation of a description.
type Operation struct {
	// Description is the description holding the operation.
	Description *Description
	// OperationID is the operationId ("" when the operation has none).
	OperationID string
	// Path is the path template ("/sources/{id}").
	Path string
	// Method is upper-case ("GET").
	Method string
	// Line and Column locate the operation object in its document.
	Line, Column int

	node     *yaml.Node // a lazy placeholder until materialize when lazyNode
	lazyNode bool
	nodeOnce sync.Once
	nodeErr  error
	pathItem *yaml.Node
	pathDoc  *docRef // document holding pathItem (external path-item $ref)
	pathRef  string  // the path item's $ref, if any

	security atomic.Pointer[[]SecurityRequirement] // kin-openapi's, once bound
	baseOver atomic.Pointer[[2]string]             // last checked base URL override and its result

	bindMu   sync.Mutex  // held while binding
	bindDone atomic.Bool // bound and bindErr are set (never for a cancelled bind)
	bound    *binding
	bindErr  error

	kinMu   sync.Mutex  // held while loading the kin-openapi route
	kinDone atomic.Bool // route and kinErr are set
	route   *routers.Route
	kinErr  error
}

// LimitError reports that a description reached one of the document
// budgets: Limit is "MaxAliasNodes" (YAML aliases may add at most 10,000
// nodes to a document, counted over every alias, expanded) or
// "MaxNestingDepth" (objects and arrays nest at most 1,000 levels, aliases
// expanded), and File, Line and Column say where. Parse returns it for the
// parts it decodes; binding an operation (Parameters, BuildRequest, ...)
// returns it for the lazily decoded parts the operation reaches. The arazzo
// decoder applies the same budgets to Arazzo documents.
type LimitError = yamlbudget.LimitError

// DuplicateKeyError reports a mapping key written twice in one object of a
// description (YAML or JSON), with both positions: `duplicate key "in" at
// api.yaml:12:9 (first at line 11, column 9)`. Decoders keep one of the two
// values silently (kin-openapi the last, weft's node lookups the first), so
// a description with one is refused. Like a LimitError, Parse returns it for
// the parts it decodes, and binding an operation returns it for a lazily
// decoded part (a large description's components) the operation reaches.
// The arazzo decoder reports the same mistake in Arazzo documents.
type DuplicateKeyError = yamlbudget.DuplicateKeyError

// ErrNotOpenAPI reports a document that is neither OpenAPI 3.x nor Swagger 2.0.
var ErrNotOpenAPI = errors.New("openapi: not an OpenAPI 3.x or Swagger 2.0 document")

// noLazy disables lazy sections (tests compare both ways).
var noLazy bool

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// Parse indexes an OpenAPI 3.0/3.1 or Swagger 2.0 document given as JSON or
// YAML. It reads only what is needed to find operations, servers and
// security; it does not validate the document. location is the document's
// URL (used to resolve relative server URLs and external $refs); it may be
// nil. Parse never panics on malformed input.
func Parse(ctx context.Context, data []byte, location *url.URL, opts ParseOptions) (d *Description, err error) {
	defer boundary.Recover(func(r any) {
		d, err = nil, fmt.Errorf("openapi: parse %s: malformed document (%v)", locString(location), r)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	budget := &yamlbudget.Budget{File: locString(location)}
	fail := func(err error) error { return fmt.Errorf("openapi: parse %s: %w", locString(location), err) }
	root, lazy, ok := splitYAML(data)
	if ok {
		ok = budget.Check(root) == nil // else decoded whole below, and reported
	}
	if ok {
		// the sections decoded now (the others: when decoded)
		if err := yamlbudget.FirstDuplicateKey(root, budget.File); err != nil {
			return nil, fail(err)
		}
	}
	if !ok && len(data) >= minLazySize {
		if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			lazy = map[*yaml.Node]*lazySection{}
			var err error
			root, err = parseJSON(data, lazy, budget.File)
			if isDocErr(err) {
				return nil, fail(err)
			}
			ok = err == nil
		}
	}
	if !ok || noLazy {
		lazy = nil
		var err error
		budget = &yamlbudget.Budget{File: budget.File}
		if root, err = decodeNode(data, budget); err != nil {
			return nil, fail(err)
		}
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w (%s: top level is not an object)", ErrNotOpenAPI, locString(location))
	}
	d = &Description{URL: location, root: root, opts: opts, data: data, lazy: lazy, budget: budget,
		byID: map[string][]*Operation{}, byFold: map[string][]*Operation{},
		byPath: map[string]*Operation{}, byNorm: map[string][]*Operation{},
		SecuritySchemes: map[string]*SecurityScheme{}}
	// Lazy YAML sections that may hold anchors are decoded now, so that an
	// alias bomb anywhere is reported by Parse, not by the first binding.
	if err := d.checkAnchoredSections(); err != nil {
		return nil, fail(err)
	}
	if v := mapGet(root, "openapi"); v != nil && v.Kind == yaml.ScalarNode {
		d.Version = v.Value
	} else if v := mapGet(root, "swagger"); v != nil && v.Kind == yaml.ScalarNode {
		d.Version = v.Value
		d.swagger = true
	} else {
		return nil, fmt.Errorf("%w (%s: no \"openapi\" or \"swagger\" field)", ErrNotOpenAPI, locString(location))
	}
	if d.swagger {
		d.Servers = swaggerServers(root, location)
		d.consumes = stringList(mapGet(root, "consumes"))
		d.produces = stringList(mapGet(root, "produces"))
		err = d.parseSchemes(ctx, mapGet(root, "securityDefinitions"))
	} else {
		d.Servers = parseServers(mapGet(root, "servers"))
		err = d.parseSchemes(ctx, mapGet(mapGet(root, "components"), "securitySchemes"))
	}
	if err != nil {
		return nil, fail(err)
	}
	if sec := mapGet(root, "security"); sec != nil {
		d.Security = parseSecurity(sec)
	}
	paths := mapGet(root, "paths")
	if paths != nil && paths.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(paths.Content); i += 2 {
			if i%512 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			p := paths.Content[i].Value
			if !strings.HasPrefix(p, "/") {
				continue // x- extensions
			}
			item := deref(paths.Content[i+1])
			var pdoc *docRef
			r := refOf(item)
			if r != "" {
				// Path item $ref: local refs resolve now; external ones when
				// an operation is needed (we cannot index them without I/O).
				if strings.HasPrefix(r, "#") {
					n, _, err := d.refChain(ctx, d.self(), item, false, true)
					if fatal(err) {
						return nil, fail(err)
					}
					if err == nil {
						item = n
					}
				} else if opts.Read != nil {
					ri, rdoc, err := d.resolveRef(ctx, &docRef{url: location, root: root}, r)
					if err == nil {
						item, pdoc = ri, rdoc
					}
				}
			}
			if item.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(item.Content); j += 2 {
				m := item.Content[j].Value
				if !isMethod(m) {
					continue
				}
				on := deref(item.Content[j+1])
				op := &Operation{Description: d, Path: p, Method: strings.ToUpper(m),
					Line: on.Line, Column: on.Column, node: on, pathItem: item, pathDoc: pdoc, pathRef: r}
				if ls := d.lazy[on]; ls != nil && ls.op != nil {
					// indexed from its text, decoded when first used
					op.lazyNode = true
					op.Line, op.Column, op.OperationID = ls.op.line, ls.op.column, ls.op.id
				} else if on.Kind != yaml.MappingNode {
					continue
				} else if id := mapGet(on, "operationId"); id != nil && id.Kind == yaml.ScalarNode {
					op.OperationID = id.Value
				}
				d.addOperation(op)
			}
		}
	}
	return d, nil
}

// materialize decodes an operation Parse indexed from its text (once); it
// must precede every read of op.node.
func (op *Operation) materialize() error {
	op.nodeOnce.Do(func() {
		if !op.lazyNode {
			return
		}
		n, err := op.Description.section(op.node)
		switch {
		case err != nil:
			op.nodeErr = err
		case deref(n).Kind != yaml.MappingNode:
			op.nodeErr = fmt.Errorf("openapi: %s is not an object", op)
		default:
			op.node = deref(n)
		}
	})
	return op.nodeErr
}

func (d *Description) addOperation(op *Operation) {
	d.ops = append(d.ops, op)
	if op.OperationID != "" {
		d.byID[op.OperationID] = append(d.byID[op.OperationID], op)
		f := strings.ToLower(op.OperationID)
		d.byFold[f] = append(d.byFold[f], op)
	}
	k := op.Method + " " + op.Path
	if _, dup := d.byPath[k]; !dup {
		d.byPath[k] = op
	}
	nk := op.Method + " " + normTemplate(op.Path)
	d.byNorm[nk] = append(d.byNorm[nk], op)
}

func isMethod(m string) bool {
	for _, x := range methods {
		if m == x {
			return true
		}
	}
	return false
}

// Operations lists every operation in document order.
func (d *Description) Operations() []*Operation {
	if d == nil {
		return nil
	}
	return append([]*Operation(nil), d.ops...)
}

// OperationByID returns the operation with exactly this operationId, or nil.
// When several operations share the id (an invalid document) the first in
// document order is returned; OperationsByID lists them all.
func (d *Description) OperationByID(id string) *Operation {
	if d == nil || id == "" {
		return nil
	}
	if l := d.byID[id]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// OperationsByID returns every operation whose operationId is exactly id.
func (d *Description) OperationsByID(id string) []*Operation {
	if d == nil || id == "" {
		return nil
	}
	return append([]*Operation(nil), d.byID[id]...)
}

// OperationsByIDFold returns the operations whose operationId matches id
// case-insensitively (Unicode simple folding), in document order.
func (d *Description) OperationsByIDFold(id string) []*Operation {
	if d == nil || id == "" {
		return nil
	}
	if l, ok := d.byFold[strings.ToLower(id)]; ok {
		return append([]*Operation(nil), l...)
	}
	var out []*Operation
	for _, op := range d.ops {
		if op.OperationID != "" && strings.EqualFold(op.OperationID, id) {
			out = append(out, op)
		}
	}
	return out
}

// operationByPath returns the operation at the path template and method
// (method compared case-insensitively), or nil. The path must match a key of
// the document's paths object exactly; when none does, templates are compared
// ignoring parameter names ("/a/{x}" matches "/a/{id}") and a unique match is
// returned.
func (d *Description) operationByPath(path, method string) *Operation {
	if d == nil {
		return nil
	}
	m := strings.ToUpper(method)
	if op := d.byPath[m+" "+path]; op != nil {
		return op
	}
	if l := d.byNorm[m+" "+normTemplate(path)]; len(l) == 1 {
		return l[0]
	}
	return nil
}

// ResolveOperationPath returns the operation a JSON pointer into this
// description designates, as written after the "#" of an Arazzo
// operationPath: "/paths/~1sources~1{id}/get" (RFC 6901 escaping; a leading
// "#" and URI percent-encoding are accepted too).
func (d *Description) ResolveOperationPath(pointer string) (*Operation, error) {
	if d == nil {
		return nil, errors.New("openapi: nil description")
	}
	p := strings.TrimPrefix(pointer, "#")
	if strings.Contains(p, "%") {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
	}
	toks, err := jsonvalue.Split(p)
	if err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if len(toks) != 3 || toks[0] != "paths" {
		return nil, fmt.Errorf("openapi: operation pointer %q must have the form /paths/<escaped path>/<method>", pointer)
	}
	if !isMethod(strings.ToLower(toks[2])) {
		return nil, fmt.Errorf("openapi: operation pointer %q: %q is not an HTTP method", pointer, toks[2])
	}
	op := d.operationByPath(toks[1], toks[2])
	if op == nil {
		return nil, fmt.Errorf("openapi: no operation %s %s in %s", strings.ToUpper(toks[2]), toks[1], locString(d.URL))
	}
	return op, nil
}

// String returns "METHOD path (operationId)".
func (op *Operation) String() string {
	if op == nil {
		return "<nil operation>"
	}
	if op.OperationID != "" {
		return op.Method + " " + op.Path + " (" + op.OperationID + ")"
	}
	return op.Method + " " + op.Path
}

// Security returns the security requirements that apply to the operation:
// its own security when declared (possibly empty: no security), else the
// document's. Once the operation is bound through kin-openapi they come from
// its *openapi3.Operation (schemes of one requirement sorted by name);
// before that, from the node tree.
func (op *Operation) Security() []SecurityRequirement {
	if s := op.security.Load(); s != nil {
		return *s
	}
	_ = op.materialize() // on failure: the document's
	if sec := mapGet(op.node, "security"); sec != nil {
		r := parseSecurity(sec)
		if r == nil {
			r = []SecurityRequirement{}
		}
		return r
	}
	return op.Description.Security
}

// normTemplate replaces every {name} by {}.
func normTemplate(p string) string {
	if !strings.Contains(p, "{") {
		return p
	}
	var b strings.Builder
	in := false
	for _, c := range p {
		switch {
		case c == '{':
			in = true
			b.WriteString("{}")
		case c == '}':
			in = false
		case !in:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func locString(u *url.URL) string {
	if u == nil {
		return "<document>"
	}
	return u.Redacted()
}

// --- node helpers ---

// decodeNode parses YAML or JSON into a document's root node, within the
// document budget b (a *LimitError when reached).
func decodeNode(data []byte, b *yamlbudget.Budget) (*yaml.Node, error) {
	t := bytes.TrimLeft(data, " \t\r\n")
	isJSON := len(t) > 0 && (t[0] == '{' || t[0] == '[')
	if isJSON {
		// JSON is decoded by encoding/json (faster than yaml.v3, and it
		// accepts tabs); yaml.v3 is the fallback for JSON-like YAML.
		n, err := parseJSON(data, nil, b.File)
		if err == nil {
			return n, nil
		}
		if isDocErr(err) {
			return nil, err // yaml.v3 would only say it without a position
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlbudget.FromYAML(err, b.File, data)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, errors.New("empty document")
	}
	if err := b.Check(&doc); err != nil {
		return nil, err
	}
	if err := yamlbudget.FirstDuplicateKey(&doc, b.File); err != nil {
		return nil, err
	}
	return deref(doc.Content[0]), nil
}

// isDocErr reports whether err is (or wraps) a mistake of the document no
// fallback may hide: a *LimitError or a *DuplicateKeyError.
func isDocErr(err error) bool {
	var de *DuplicateKeyError
	return isLimit(err) || errors.As(err, &de)
}

// isLimit reports whether err is (or wraps) a *LimitError.
func isLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n == nil {
		return &yaml.Node{}
	}
	return n
}

// mapGet returns the value of key in mapping n (aliases followed) or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

func mapString(n *yaml.Node, key string) string {
	v := mapGet(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

func mapBool(n *yaml.Node, key string) (val, set bool) {
	v := mapGet(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(v.Value) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func refOf(n *yaml.Node) string {
	return mapString(n, "$ref")
}

func stringList(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		c = deref(c)
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

func mapKeys(n *yaml.Node) []string {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// pointerGet walks an RFC 6901 pointer ("" = root) in a node tree.
func pointerGet(root *yaml.Node, p string) (*yaml.Node, bool) {
	toks, err := jsonvalue.Split(p)
	if err != nil {
		return nil, false
	}
	n := deref(root)
	for _, t := range toks {
		switch n.Kind {
		case yaml.MappingNode:
			v := mapGet(n, t)
			if v == nil {
				return nil, false
			}
			n = v
		case yaml.SequenceNode:
			i, ok := jsonvalue.Index(t, len(n.Content))
			if !ok {
				return nil, false
			}
			n = deref(n.Content[i])
		default:
			return nil, false
		}
	}
	return n, true
}

// --- servers and security ---

func parseServers(n *yaml.Node) []Server {
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
		if vars := mapGet(s, "variables"); vars != nil && vars.Kind == yaml.MappingNode {
			srv.Variables = map[string]ServerVariable{}
			for i := 0; i+1 < len(vars.Content); i += 2 {
				v := deref(vars.Content[i+1])
				srv.Variables[vars.Content[i].Value] = ServerVariable{
					Default: mapString(v, "default"), Enum: stringList(mapGet(v, "enum"))}
			}
		}
		out = append(out, srv)
	}
	return out
}

// swaggerServers derives servers from host, basePath and schemes. A missing
// host means the host serving the description; missing schemes mean the
// description's scheme (https when unknown).
func swaggerServers(root *yaml.Node, loc *url.URL) []Server {
	host := mapString(root, "host")
	base := mapString(root, "basePath")
	schemes := stringList(mapGet(root, "schemes"))
	if host == "" && base == "" && len(schemes) == 0 {
		return nil
	}
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	if host == "" {
		return []Server{{URL: base}} // relative: resolved against the document URL
	}
	if len(schemes) == 0 {
		s := "https"
		if loc != nil && (loc.Scheme == "http" || loc.Scheme == "https") {
			s = loc.Scheme
		}
		schemes = []string{s}
	}
	// Prefer https when offered.
	sort.SliceStable(schemes, func(i, j int) bool { return schemes[i] == "https" && schemes[j] != "https" })
	var out []Server
	for _, s := range schemes {
		s = strings.ToLower(s)
		if s != "http" && s != "https" {
			continue
		}
		out = append(out, Server{URL: s + "://" + host + base})
	}
	return out
}

// parseSchemes reads the security schemes; a scheme that is a $ref cycle
// is an error.
func (d *Description) parseSchemes(ctx context.Context, n *yaml.Node) error {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name := n.Content[i].Value
		s := deref(n.Content[i+1])
		if r := refOf(s); strings.HasPrefix(r, "#") {
			t, _, err := d.refChain(ctx, d.self(), s, false, true)
			if fatal(err) {
				return err
			}
			if err == nil {
				s = t
			}
		}
		if s.Kind != yaml.MappingNode {
			continue
		}
		sc := &SecurityScheme{Name: name, Type: mapString(s, "type")}
		switch sc.Type {
		case "apiKey":
			sc.In = mapString(s, "in")
			sc.ParamName = mapString(s, "name")
		case "http":
			sc.Scheme = strings.ToLower(mapString(s, "scheme"))
		case "basic": // Swagger 2.0
			sc.Type, sc.Scheme = "http", "basic"
		case "oauth2":
			if d.swagger {
				if f := mapString(s, "flow"); f == "application" {
					sc.TokenURL = mapString(s, "tokenUrl")
					sc.Scopes = mapKeys(mapGet(s, "scopes"))
				}
			} else if cc := mapGet(mapGet(s, "flows"), "clientCredentials"); cc != nil {
				sc.TokenURL = mapString(cc, "tokenUrl")
				sc.Scopes = mapKeys(mapGet(cc, "scopes"))
			}
		}
		d.SecuritySchemes[name] = sc
	}
	return nil
}

func parseSecurity(n *yaml.Node) []SecurityRequirement {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := []SecurityRequirement{}
	for _, r := range n.Content {
		r = deref(r)
		if r.Kind != yaml.MappingNode {
			continue
		}
		req := SecurityRequirement{}
		for i := 0; i+1 < len(r.Content); i += 2 {
			req = append(req, SchemeRequirement{Name: r.Content[i].Value, Scopes: stringList(deref(r.Content[i+1]))})
		}
		out = append(out, req)
	}
	return out
}
