package arazzo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/weftflow/weft/openapi"
)

// loader holds the state of one Load call.
type loader struct {
	cfg  loadConfig
	base *url.URL

	docs  map[string]*Document
	own   map[*Document]Diagnostics
	deps  map[*Document][]*Document
	order []*Document
	apis  map[string]*openapi.Description
	apiEr map[string]error
	count int

	hosts []hostRule
	http  *clients
	bytes *budget
	tree  tree
	// named holds the absolute local paths that remote documents read for
	// $refs of local descriptions named (such a path is never read).
	namedMu  sync.Mutex
	named    map[string]bool
	namedAll bool
}

func newLoader(cfg loadConfig) *loader {
	l := &loader{cfg: cfg, docs: map[string]*Document{}, own: map[*Document]Diagnostics{},
		deps: map[*Document][]*Document{}, apis: map[string]*openapi.Description{}, apiEr: map[string]error{}}
	l.hosts = parseHostRules(cfg.policy.AllowHosts)
	l.http = newClients(cfg.httpClient, &l.cfg.policy, l.hosts)
	l.bytes = &budget{left: cfg.policy.MaxTotalBytes, max: cfg.policy.MaxTotalBytes}
	if cfg.policy.MaxTotalBytes == 0 {
		l.bytes.left, l.bytes.max = DefaultMaxTotalSize, DefaultMaxTotalSize
	} else if cfg.policy.MaxTotalBytes < 0 {
		l.bytes.left = -1
	}
	if cfg.baseURL != "" {
		if u, err := l.toURL(cfg.baseURL); err == nil {
			if !strings.HasSuffix(u.Path, "/") && l.isDir(u) {
				u.Path += "/"
			}
			l.base = u
			if u.Scheme == "file" {
				// The caller named this directory: part of the local tree.
				l.tree.add(filepath.FromSlash(path.Dir(u.Path + "x")))
			}
		}
	}
	return l
}

// toURL turns a user-given location into a URL: http(s) and file URLs
// as they are; with a file system, a path inside it (scheme ""); otherwise
// an absolute file:// URL.
func (l *loader) toURL(location string) (*url.URL, error) {
	if u, err := url.Parse(location); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "file") {
		return u, nil
	}
	if l.cfg.fsys != nil {
		p := path.Clean("/" + filepath.ToSlash(location))
		return &url.URL{Path: p}, nil
	}
	abs, err := filepath.Abs(location)
	if err != nil {
		return nil, err
	}
	return &url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}, nil
}

// isDir tells whether a file-system URL names a directory.
func (l *loader) isDir(u *url.URL) bool {
	switch u.Scheme {
	case "":
		if l.cfg.fsys == nil {
			return false
		}
		fi, err := fs.Stat(l.cfg.fsys, fsPath(u.Path))
		return err == nil && fi.IsDir()
	case "file":
		fi, err := os.Stat(filepath.FromSlash(u.Path))
		return err == nil && fi.IsDir()
	}
	return false
}

func fsPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// display is how a location appears in diagnostics.
func display(u *url.URL) string {
	switch u.Scheme {
	case "":
		return fsPath(u.Path)
	case "file":
		return filepath.FromSlash(u.Path)
	}
	return u.Redacted()
}

func (l *loader) schemeAllowed(s string) bool {
	return slices.Contains(l.cfg.schemes, s)
}

// errNotFound marks a location that does not exist (so the base URL may be
// tried).
var errNotFound = errors.New("not found")

func isRemote(u *url.URL) bool { return u != nil && (u.Scheme == "http" || u.Scheme == "https") }

// read fetches the document at u under the policy: by says who named u.
// It honours the caps, the allowed schemes and ctx.
func (l *loader) read(ctx context.Context, u *url.URL, by trust) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "":
		if by == byNetwork {
			return nil, &PolicyError{Rule: RuleNetworkToLocal, Location: display(u)}
		}
		if l.cfg.fsys == nil {
			return nil, fmt.Errorf("relative location %q and no file system", u.String())
		}
		data, err := l.readFS(ctx, fsPath(u.Path))
		if errors.Is(err, errNotFound) && u.RawPath != "" {
			data, err = l.readFS(ctx, fsPath(u.RawPath))
		}
		return data, err
	case "file":
		if !l.schemeAllowed("file") {
			return nil, &PolicyError{Rule: RuleScheme, Location: display(u)}
		}
		if by == byNetwork {
			return nil, &PolicyError{Rule: RuleNetworkToLocal, Location: display(u)}
		}
		inTree := !l.cfg.policy.AllowLocalOutside
		data, err := l.readFile(ctx, filepath.FromSlash(u.Path), display(u), inTree)
		if errors.Is(err, errNotFound) && u.RawPath != "" {
			data, err = l.readFile(ctx, filepath.FromSlash(u.RawPath), display(u), inTree)
		}
		return data, err
	case "http", "https":
		return l.get(ctx, u, by)
	}
	return nil, &PolicyError{Rule: RuleScheme, Location: u.Redacted()}
}

// loadEntry loads the entry document and everything it references.
func (l *loader) loadEntry(ctx context.Context, location string) (*Document, Diagnostics) {
	fail := func(msg, hint string) (*Document, Diagnostics) {
		return nil, Diagnostics{{Severity: SeverityError, Pos: Position{File: location}, Message: msg, Hint: hint, Code: CodeRead}}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	u, err := l.toURL(location)
	if err != nil {
		return fail("cannot use location "+location+": "+err.Error(), "")
	}
	if u.Scheme != "" && !l.schemeAllowed(u.Scheme) {
		return fail(fmt.Sprintf("scheme %q is not allowed", u.Scheme), "allow it with WithSchemes")
	}
	var data []byte
	if u.Scheme == "file" {
		// The caller named the entry: read it wherever it is; its
		// directory is the local tree unless the policy names one.
		root := l.cfg.policy.LocalRoot
		if root == "" {
			root = projectRoot(filepath.Dir(filepath.FromSlash(u.Path)))
		}
		l.tree.add(root)
		data, err = l.readFile(ctx, filepath.FromSlash(u.Path), display(u), false)
	} else {
		data, err = l.read(ctx, u, byCaller)
	}
	if err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			d, ds := fail("cannot read "+location+": "+err.Error(), pe.hint())
			ds[0].Code = CodePolicy
			return d, ds
		}
		return fail("cannot read "+location+": "+err.Error(), "")
	}
	l.count++
	doc, diags := l.loadArazzo(ctx, u, data)
	if doc == nil {
		return nil, diags
	}
	for _, d := range l.order {
		d.Diagnostics = l.closure(d)
	}
	return doc, doc.Diagnostics
}

// closure gathers the diagnostics of d and of every document it loaded.
func (l *loader) closure(d *Document) Diagnostics {
	var out Diagnostics
	seen := map[*Document]bool{}
	var walk func(*Document)
	walk = func(x *Document) {
		if seen[x] {
			return
		}
		seen[x] = true
		out = append(out, l.own[x]...)
		for _, y := range l.deps[x] {
			walk(y)
		}
	}
	walk(d)
	return out
}

// loadArazzo decodes an Arazzo document read from u, loads its sources,
// binds and validates it.
func (l *loader) loadArazzo(ctx context.Context, u *url.URL, data []byte) (*Document, Diagnostics) {
	file := display(u)
	doc, root, diags := decodeDocument(data, file)
	if doc == nil {
		return nil, diags
	}
	doc.URL = u
	l.docs[u.String()] = doc
	l.order = append(l.order, doc)
	l.own[doc] = diags
	l.loadSources(ctx, doc)
	v := &validator{doc: doc, file: file, loaded: true, ctx: ctx, src: data}
	v.run()
	l.own[doc] = append(l.own[doc], v.diags...)
	locate(l.own[doc], root, file)
	l.own[doc] = dropShadowed(l.own[doc])
	return doc, l.own[doc]
}

// valuePos returns the position and pointer of the value of key in the
// object described by m (the object itself when absent).
func valuePos(m Meta, key string) (Position, string) {
	for _, p := range pairs(m.node) {
		if p.key == key {
			return Position{File: m.Pos.File, Line: p.v.Line, Column: p.v.Column}, ptrJoin(m.Pointer, key)
		}
	}
	return m.Pos, m.Pointer
}

var sniffRE = regexp.MustCompile(`["']?\b(arazzo|openapi|swagger)["']?\s*:`)

// sniff tells an Arazzo document from an OpenAPI one by its first
// top-level version key.
func sniff(data []byte) string {
	if len(data) > 1<<20 {
		data = data[:1<<20]
	}
	for _, m := range sniffRE.FindAllSubmatchIndex(data, 64) {
		// Only keys at the start of a line (YAML) or after '{' / ',' (JSON).
		i := m[0]
		j := i - 1
		for j >= 0 && (data[j] == ' ' || data[j] == '\t' || data[j] == '\r') {
			j--
		}
		if j >= 0 && data[j] != '\n' && data[j] != '{' && data[j] != ',' {
			continue
		}
		if j >= 0 && data[j] == '\n' && i-j-1 > 0 && data[i] != '"' {
			continue // indented YAML key: not top level
		}
		if string(data[m[2]:m[3]]) == "arazzo" {
			return SourceTypeArazzo
		}
		return SourceTypeOpenAPI
	}
	return ""
}

func isRelativeRef(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(u.Path, "/")
}

// loadSources loads every source description of doc.
func (l *loader) loadSources(ctx context.Context, doc *Document) {
	add := func(d Diagnostic) { l.own[doc] = append(l.own[doc], d) }
	by := trustOf(doc.URL)
	for _, s := range doc.SourceDescriptions {
		if s.URL == "" {
			continue // the schema reports it
		}
		pos, ptr := valuePos(s.Meta, "url")
		errAt := func(code, msg, hint string) {
			add(Diagnostic{Severity: SeverityError, Pos: pos, Pointer: ptr, Message: msg, Hint: hint, Code: code})
		}
		if err := ctx.Err(); err != nil {
			errAt(CodeCancelled, fmt.Sprintf("source %q not loaded: %v", s.Name, err), "")
			continue
		}
		ref, err := url.Parse(s.URL)
		if err != nil {
			errAt(CodeSourceURL, fmt.Sprintf("source %q: invalid URL: %v", s.Name, err), "write an RFC 3986 URI reference")
			continue
		}
		u := doc.URL.ResolveReference(ref)
		data, cached, err := l.fetch(ctx, u, by)
		if err != nil && errors.Is(err, errNotFound) && l.base != nil && isRelativeRef(s.URL) {
			u2 := l.base.ResolveReference(ref)
			if data2, cached2, err2 := l.fetch(ctx, u2, by); err2 == nil {
				add(Diagnostic{Severity: SeverityWarning, Pos: pos, Pointer: ptr, Code: CodeBaseURL,
					Message: fmt.Sprintf("source %q resolves only against the base URL, to %s", s.Name, display(u2)),
					Hint:    "write the URL relative to this document, as RFC 3986 requires"})
				u, data, cached, err = u2, data2, cached2, nil
			}
		}
		if err != nil {
			hint := ""
			if errors.Is(err, errNotFound) && isRelativeRef(s.URL) && l.base == nil {
				hint = "relative URLs resolve against this document; WithBaseURL sets a fallback base (weft: --base-url)"
			}
			code := CodeSourceUnreadable
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				code = CodeCancelled
			}
			var pe *PolicyError
			var le *LimitError
			if errors.Is(err, errSourceLimit) {
				code = CodeSourceLimit
				hint = "raise the limit with WithMaxSources or Policy.MaxSources"
			} else if errors.As(err, &le) {
				code = CodeLimit
				hint = "raise Policy." + le.Limit
			} else if errors.As(err, &pe) {
				errAt(CodePolicy, fmt.Sprintf("source %q: %v", s.Name, pe), pe.hint())
				continue
			}
			errAt(code, fmt.Sprintf("source %q: cannot read %s: %v", s.Name, display(u), err), hint)
			continue
		}
		s.ResolvedURL = u
		typ := s.Type
		if typ == "" {
			if cached != nil {
				typ = SourceTypeArazzo
			} else if _, ok := l.apis[u.String()]; ok {
				typ = SourceTypeOpenAPI
			} else if typ = sniff(data); typ == "" {
				errAt(CodeSourceType, fmt.Sprintf("source %q: cannot tell whether %s is an OpenAPI or an Arazzo document", s.Name, display(u)),
					"add type: openapi or type: arazzo")
				continue
			}
		}
		s.ResolvedType = typ
		switch typ {
		case SourceTypeOpenAPI:
			key := u.String()
			desc, done := l.apis[key]
			perr := l.apiEr[key]
			if !done && perr == nil {
				desc, perr = openapi.Parse(ctx, data, u, openapi.ParseOptions{Read: l.readerFor(u)})
				l.apis[key], l.apiEr[key] = desc, perr
			}
			if perr != nil {
				code, hint, ok := descriptionFault(perr)
				if !ok {
					code, hint = CodeSourceInvalid, ""
				}
				errAt(code, fmt.Sprintf("source %q: %v", s.Name, perr), hint)
				continue
			}
			s.OpenAPI = desc
		case SourceTypeArazzo:
			sub := cached
			if sub == nil {
				var diags Diagnostics
				sub, diags = l.loadArazzo(ctx, u, data)
				if sub == nil {
					msg := "not an Arazzo document"
					if len(diags) > 0 {
						msg = diags[0].Message
					}
					errAt(CodeSourceInvalid, fmt.Sprintf("source %q: %s: %s", s.Name, display(u), msg), "")
					continue
				}
			}
			s.Arazzo = sub
			l.deps[doc] = append(l.deps[doc], sub)
		default:
			// The schema reports unknown types (for 1.1 asyncapi: a warning).
		}
	}
}

// descriptionFault returns the diagnostic code and hint of a mistake in an
// OpenAPI description that Parse or binding an operation reports with a
// typed error: the same codes as for an Arazzo document ("too-large" for a
// document budget reached, "duplicate-key" for a key written twice).
func descriptionFault(err error) (code, hint string, ok bool) {
	var le *openapi.LimitError
	var de *openapi.DuplicateKeyError
	switch {
	case errors.As(err, &le):
		return CodeTooLarge, "the description is over weft's document budget; see docs/security.md", true
	case errors.As(err, &de):
		return CodeDuplicateKey, "keep one of them: a YAML or JSON decoder silently keeps one value", true
	}
	return "", "", false
}

var errSourceLimit = errors.New("too many source documents")

// fetch returns a cached Arazzo document for u, or its bytes.
func (l *loader) fetch(ctx context.Context, u *url.URL, by trust) ([]byte, *Document, error) {
	key := u.String()
	if d := l.docs[key]; d != nil {
		return nil, d, nil
	}
	if _, ok := l.apis[key]; ok {
		return nil, nil, nil
	}
	if max := l.cfg.policy.MaxSources; max > 0 && l.count >= max {
		return nil, nil, &LimitError{Limit: "MaxSources", Value: int64(max)}
	}
	data, err := l.read(ctx, u, by)
	if err != nil {
		return nil, nil, err
	}
	l.count++
	return data, nil, nil
}

// readerFor is the openapi.ReadFunc for the external $refs of the
// description at origin. kin-openapi resolves nested references itself
// without saying which document named one, so: every http(s) target is
// treated as named by the network; a local target is read only for a
// local description, inside the tree, and when no remote document read
// for these $refs named that path.
func (l *loader) readerFor(origin *url.URL) openapi.ReadFunc {
	by := trustOf(origin)
	return func(ctx context.Context, u *url.URL) ([]byte, error) {
		if ctx == nil {
			ctx = context.Background()
		}
		if !isRemote(u) {
			if l.isNamed(u.Path) {
				return nil, &PolicyError{Rule: RuleNetworkToLocal, Location: display(u)}
			}
			return l.read(ctx, u, by)
		}
		data, err := l.read(ctx, u, byNetwork)
		if err == nil && by == byLocal {
			l.noteNamed(data)
		}
		return data, err
	}
}
