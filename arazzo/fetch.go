package arazzo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/weftflow/weft/internal/sizedread"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"
)

// The loader's I/O: HTTP with the policy's dial-time address check and
// re-checked redirects, local files opened inside the local tree, the
// byte budgets, and reads that honour the context.

// trust is who named a location.
type trust int

const (
	byCaller  trust = iota // the entry location, given to Load
	byLocal                // a local document
	byNetwork              // a document from the network, or a redirect
)

// trustOf is the trust of the locations a document at u names.
func trustOf(u *url.URL) trust {
	if isRemote(u) {
		return byNetwork
	}
	return byLocal
}

// maxRedirects is how many redirects one read follows.
const maxRedirects = 10

// clients are the two HTTP clients of a load: trusted for locations the
// caller or a local document named, guarded (address checked at dial
// time) for locations named by the network. They never share a
// connection pool. Both leave redirects to the loader.
type clients struct {
	trusted, guarded *http.Client
	// literalOnly: the caller's transport is not an *http.Transport, so
	// weft cannot check the dialled address; it checks IP-literal hosts
	// and "localhost" before the request instead.
	literalOnly bool
	// closeIdle closes the guarded pool's idle connections (a clone per
	// load: none is kept once Load returns; later $ref reads dial anew).
	closeIdle func()
}

func newClients(c *http.Client, p *Policy, rules []hostRule) *clients {
	if c == nil {
		c = &http.Client{Timeout: 60 * time.Second}
	}
	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t := *c
	t.CheckRedirect = noFollow
	g := *c
	g.CheckRedirect = noFollow
	cl := &clients{trusted: &t, guarded: &g}
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	if !ok {
		cl.literalOnly = true
		return cl
	}
	tr = tr.Clone()
	// A proxy would be the dialled address; the guarded client goes direct.
	tr.Proxy = nil
	check := dialCheck(p, rules)
	if orig := tr.DialContext; orig != nil {
		// The caller dials; check the peer before anything is sent.
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := orig(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if err := check(conn.RemoteAddr().String()); err != nil {
				conn.Close()
				return nil, err
			}
			return conn, nil
		}
	} else {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second,
			Control: func(_, address string, _ syscall.RawConn) error { return check(address) }}
		tr.DialContext = d.DialContext
	}
	if orig := tr.DialTLSContext; orig != nil {
		tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := orig(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if err := check(conn.RemoteAddr().String()); err != nil {
				conn.Close()
				return nil, err
			}
			return conn, nil
		}
	}
	g.Transport = tr
	cl.closeIdle = tr.CloseIdleConnections
	return cl
}

// dialCheck returns the check made on every address the guarded client
// dials (ip:port, after DNS resolution, for every redirect hop too).
func dialCheck(p *Policy, rules []hostRule) func(address string) error {
	return func(address string) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !addrAllowed(p, rules, ap) {
			return &PolicyError{Rule: RulePrivateAddress}
		}
		return nil
	}
}

// checkRemote applies the policy to an http(s) location before any I/O.
// by says who named it.
func (l *loader) checkRemote(u *url.URL, by trust) error {
	if !l.schemeAllowed(u.Scheme) {
		return &PolicyError{Rule: RuleScheme, Location: u.Redacted()}
	}
	if u.Hostname() == "" {
		return &PolicyError{Rule: RuleHost, Location: u.Redacted()}
	}
	if by != byCaller && !hostAllowed(l.hosts, u) {
		return &PolicyError{Rule: RuleHost, Location: u.Redacted()}
	}
	if by == byNetwork && l.http.literalOnly && !l.cfg.policy.AllowPrivate {
		host, port := urlHostPort(u)
		if a, err := netip.ParseAddr(host); err == nil {
			pn, _ := strconv.ParseUint(port, 10, 16)
			if !addrAllowed(&l.cfg.policy, l.hosts, netip.AddrPortFrom(a, uint16(pn))) {
				return &PolicyError{Rule: RulePrivateAddress, Location: u.Redacted()}
			}
		} else if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return &PolicyError{Rule: RulePrivateAddress, Location: u.Redacted()}
		}
	}
	return nil
}

// get fetches an http(s) location, following redirects itself so that each
// hop is checked. by says who named u.
func (l *loader) get(ctx context.Context, u *url.URL, by trust) ([]byte, error) {
	orig := u
	for hop := 0; ; hop++ {
		if err := l.checkRemote(u, by); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/yaml, application/json;q=0.9, */*;q=0.5")
		c := l.http.trusted
		if by == byNetwork {
			c = l.http.guarded
		}
		resp, err := c.Do(req)
		if err != nil {
			var pe *PolicyError
			if errors.As(err, &pe) {
				return nil, &PolicyError{Rule: pe.Rule, Location: u.Redacted()}
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("GET %s: %w", u.Redacted(), stripURLError(err))
		}
		if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode/100 == 3 && resp.StatusCode != http.StatusNotModified {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if hop >= maxRedirects {
				return nil, &PolicyError{Rule: RuleRedirects, Location: orig.Redacted()}
			}
			next, err := u.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("GET %s: bad redirect: %v", u.Redacted(), err)
			}
			if next.Scheme != "http" && next.Scheme != "https" {
				return nil, &PolicyError{Rule: RuleNetworkToLocal, Location: next.Redacted()}
			}
			if !sameOrigin(u, next) {
				by = byNetwork
			}
			u = next
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return nil, fmt.Errorf("%w: GET %s: %s", errNotFound, u.Redacted(), resp.Status)
		}
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
		}
		if max := l.maxDoc(); max > 0 && resp.ContentLength > max {
			return nil, &LimitError{Limit: "MaxDocumentBytes", Value: max}
		}
		return l.readBudget(ctx, resp.Body, resp.Body, resp.ContentLength)
	}
}

// stripURLError drops the *url.Error wrapper (its text repeats the URL
// unredacted).
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func sameOrigin(a, b *url.URL) bool {
	ha, pa := urlHostPort(a)
	hb, pb := urlHostPort(b)
	return a.Scheme == b.Scheme && ha == hb && pa == pb
}

// budget is the byte budget of one load; it outlives Load (external $refs
// are read when operations are bound) and is safe for concurrent use.
type budget struct {
	mu   sync.Mutex
	left int64 // < 0: no cap
	max  int64
}

// take reserves up to want bytes; it returns the grant and whether the
// grant is short because of the total cap.
func (b *budget) take(want int64) (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left < 0 {
		return want, false
	}
	if want < 0 || want > b.left {
		g := b.left
		b.left = 0
		return g, true
	}
	b.left -= want
	return want, false
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	if b.left >= 0 {
		b.left += n
	}
	b.mu.Unlock()
}

func (l *loader) maxDoc() int64 {
	if m := l.cfg.policy.MaxDocumentBytes; m != 0 {
		return m
	}
	return DefaultMaxDocumentSize
}

// readBudget reads r within the per-document and total caps, returning
// when ctx is done even if a Read blocks (closer is closed to unblock it).
// size is the length the source declares (a file's size, a
// Content-Length; -1 when unknown): it sizes the buffer, the caps stay
// those of the bytes actually read.
func (l *loader) readBudget(ctx context.Context, r io.Reader, closer io.Closer, size int64) ([]byte, error) {
	perDoc := l.maxDoc()
	grant, short := l.bytes.take(perDoc)
	limit := grant
	if limit < 0 {
		limit = 1<<63 - 2
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readSized(r, limit+1, size)
		done <- result{data, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		if closer != nil {
			closer.Close()
		}
		l.bytes.give(max(grant, 0))
		return nil, ctx.Err()
	}
	n := int64(len(res.data))
	if res.err != nil || (grant >= 0 && n > grant) {
		l.bytes.give(max(grant, 0))
		if res.err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, res.err
		}
		if short {
			return nil, &LimitError{Limit: "MaxTotalBytes", Value: l.bytes.max}
		}
		return nil, &LimitError{Limit: "MaxDocumentBytes", Value: perDoc}
	}
	if grant >= 0 {
		l.bytes.give(grant - n)
	}
	return res.data, nil
}

// firstBufferMax caps the first buffer readSized trusts a declared size
// for: a Content-Length that lies costs at most this much before the
// bytes arrive.
const firstBufferMax = 4 << 20

// readSized reads r to EOF but at most limit bytes, as
// io.ReadAll(io.LimitReader(r, limit)) does, in one buffer sized from
// size, the length the source declares (-1: unknown), plus one byte to
// see EOF without growing. The buffer grows as io.ReadAll's does when
// the source sends more than it declared.
func readSized(r io.Reader, limit, size int64) ([]byte, error) {
	return sizedread.Read(r, limit, size, firstBufferMax)
}

// tree is the local tree of a load: the directories local documents may
// name files under.
type tree struct {
	dirs []string // absolute, cleaned
}

func (t *tree) add(dir string) {
	if abs, err := filepath.Abs(dir); err == nil {
		t.dirs = append(t.dirs, filepath.Clean(abs))
	}
}

// within returns the tree directory holding p and p relative to it.
func (t *tree) within(p string) (string, string, bool) {
	for _, d := range t.dirs {
		rel, err := filepath.Rel(d, p)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
			return d, rel, true
		}
	}
	return "", "", false
}

// projectRoot is the default local tree of an entry document in dir: dir,
// widened to the top of the repository holding it (the nearest ancestor
// with a .git or .hg entry), so that the usual arazzo/ beside openapi/
// layout loads. The home directory and the file system root never count
// as a repository top (a dotfiles repository would open everything).
func projectRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	home, _ := os.UserHomeDir()
	for d := abs; ; {
		for _, m := range []string{".git", ".hg"} {
			if _, err := os.Lstat(filepath.Join(d, m)); err == nil {
				parent := filepath.Dir(d)
				if d == home || parent == d {
					return abs
				}
				return d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

// errNotRegular marks a local path that is not a regular file.
var errNotRegular = errors.New("not a regular file")

// readFile reads a local file (p absolute, from a file: URL). inTree says
// whether it must lie in the local tree; opened through an os.Root then, so
// neither ".." nor a symlink can lead out of it.
func (l *loader) readFile(ctx context.Context, p string, shown string, inTree bool) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p = filepath.Clean(p)
	var f *os.File
	var err error
	if inTree {
		dir, rel, ok := l.tree.within(p)
		if !ok {
			return nil, &PolicyError{Rule: RuleOutsideTree, Location: shown}
		}
		var root *os.Root
		root, err = os.OpenRoot(dir)
		if err == nil {
			defer root.Close()
			var fi os.FileInfo
			if fi, err = root.Stat(rel); err == nil && !fi.Mode().IsRegular() {
				return nil, fmt.Errorf("%s: %w", shown, errNotRegular)
			}
			if err == nil {
				f, err = root.OpenFile(rel, os.O_RDONLY|openNonBlock, 0)
			}
		}
		if err != nil && strings.Contains(err.Error(), "path escapes from parent") {
			return nil, &PolicyError{Rule: RuleOutsideTree, Location: shown}
		}
	} else {
		var fi os.FileInfo
		if fi, err = os.Stat(p); err == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: %w", shown, errNotRegular)
		}
		if err == nil {
			f, err = os.OpenFile(p, os.O_RDONLY|openNonBlock, 0)
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errNotFound
		}
		return nil, fmt.Errorf("cannot open %s", shown)
	}
	defer f.Close()
	// Swapped between Stat and Open? Check what was opened.
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", shown, errNotRegular)
	}
	return l.readBudget(ctx, f, f, fi.Size())
}

// readFS reads a path of the caller's file system.
func (l *loader) readFS(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := fs.Stat(l.cfg.fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errNotFound
		}
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", name, errNotRegular)
	}
	f, err := l.cfg.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errNotFound
		}
		return nil, err
	}
	defer f.Close()
	return l.readBudget(ctx, f, f, fi.Size())
}

// noteNamed records the absolute local paths named by the $refs of a
// remote document (file: URLs and absolute paths), so that a local
// description never follows them on its behalf. A document that decodes
// neither as JSON nor as YAML bars every local $ref target from then on.
func (l *loader) noteNamed(data []byte) {
	var paths []string
	add := func(ref string) {
		if p, ok := localRefPath(ref); ok {
			paths = append(paths, p)
		}
	}
	var v any
	if json.Unmarshal(data, &v) == nil {
		stack := []any{v}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch x := x.(type) {
			case map[string]any:
				if r, ok := x["$ref"].(string); ok {
					add(r)
				}
				for _, y := range x {
					stack = append(stack, y)
				}
			case []any:
				stack = append(stack, x...)
			}
		}
	} else {
		var root yaml.Node
		if yaml.Unmarshal(data, &root) != nil {
			l.namedMu.Lock()
			l.namedAll = true
			l.namedMu.Unlock()
			return
		}
		stack := []*yaml.Node{&root}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.Kind == yaml.AliasNode {
				continue // aliases point into the tree: visited there
			}
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if k, v := n.Content[i], n.Content[i+1]; k.Value == "$ref" && v.Kind == yaml.ScalarNode {
						add(v.Value)
					}
				}
			}
			stack = append(stack, n.Content...)
		}
	}
	if len(paths) == 0 {
		return
	}
	l.namedMu.Lock()
	defer l.namedMu.Unlock()
	if l.named == nil {
		l.named = map[string]bool{}
	}
	for _, p := range paths {
		l.named[p] = true
	}
}

// localRefPath returns the cleaned path a $ref names when it is a file: URL
// or an absolute path.
func localRefPath(ref string) (string, bool) {
	u, err := url.Parse(ref)
	if err != nil || u.Host != "" || (u.Scheme != "" && u.Scheme != "file") || !strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	return path.Clean(u.Path), true
}

func (l *loader) isNamed(p string) bool {
	l.namedMu.Lock()
	defer l.namedMu.Unlock()
	return l.namedAll || l.named[path.Clean("/"+p)]
}
