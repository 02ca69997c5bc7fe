package arazzo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// policyDiag returns the diagnostic of code "policy" at the url of the
// i-th source description.
func policyDiag(t *testing.T, ds Diagnostics, i int) Diagnostic {
	t.Helper()
	ptr := fmt.Sprintf("/sourceDescriptions/%d/url", i)
	for _, d := range ds {
		if d.Pointer == ptr && d.Severity == SeverityError {
			if d.Code != "policy" {
				t.Errorf("source %d: code %q, want policy: %s", i, d.Code, d)
			}
			return d
		}
	}
	t.Errorf("source %d: no error diagnostic; got:\n%s", i, diagLines(ds))
	return Diagnostic{}
}

// verdict is what a policy diagnostic says beyond the location it names.
func verdict(d Diagnostic) string {
	_, after, _ := strings.Cut(d.Message, " is not allowed")
	return d.Code + "|" + after + "|" + d.Hint
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

const paramsDoc = "p: {name: id, in: query, schema: {type: string}}\n"

// opWithRef is an OpenAPI description whose only operation uses the
// parameter at ref.
func opWithRef(ref string) string {
	return "openapi: 3.0.3\ninfo: {title: a, version: '1'}\npaths:\n  /x:\n    get:\n      operationId: x\n" +
		"      parameters: [{$ref: '" + ref + "'}]\n      responses: {'200': {description: ok}}\n"
}

// Defect 4: a document fetched over http made the loader open local files
// (file:///etc/passwd, /proc/self/environ, local YAML) and follow the
// external $refs of a remote OpenAPI to local files.
func TestPolicyNetworkCannotNameLocal(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "secret.yaml"), []byte(testAPI), 0o644)
	os.WriteFile(filepath.Join(dir, "params.yaml"), []byte(paramsDoc), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/main.yaml":
			fmt.Fprint(w, docWith("  - {name: sec, url: 'file://"+dir+"/secret.yaml'}\n"+
				"  - {name: missing, url: 'file://"+dir+"/missing.yaml'}\n"+
				"  - {name: pw, url: 'file:///etc/passwd', type: openapi}\n"+
				"  - {name: env, url: '/proc/self/environ', type: openapi}\n"+
				"  - {name: api, url: api.yaml}\n",
				"  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.api.x}]\n", ""))
		case "/api.yaml":
			fmt.Fprint(w, opWithRef("file://"+dir+"/params.yaml#/p"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	doc, _ := Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowPrivate: true}))
	if doc == nil {
		t.Fatal("no document")
	}
	if doc.SourceDescriptions[0].OpenAPI != nil {
		t.Error("the local secret.yaml was loaded for a document from the network")
	}
	sec, missing := policyDiag(t, doc.Diagnostics, 0), policyDiag(t, doc.Diagnostics, 1)
	// The same words whether the file exists or not.
	if verdict(sec) != verdict(missing) || verdict(sec) == "policy||" {
		t.Errorf("the report tells an existing file from a missing one:\n%s\n%s", sec.Message, missing.Message)
	}
	if !strings.Contains(sec.Message, RuleNetworkToLocal) {
		t.Errorf("rule not named: %s", sec.Message)
	}
	policyDiag(t, doc.Diagnostics, 2)
	// /proc/self/environ resolves against the http document: a remote URL
	// (404), never the local file.
	for _, d := range doc.Diagnostics {
		if strings.Contains(d.Message, "top level is not an object") || d.Code == "source-invalid" {
			t.Errorf("a local file was read: %s", d)
		}
	}
	api := doc.SourceDescriptions[4].OpenAPI
	if api == nil {
		t.Fatalf("api.yaml not loaded:\n%s", diagLines(doc.Diagnostics))
	}
	// Binding the operation later follows its $refs under the same policy.
	ps, err := api.Operations()[0].Parameters(context.Background())
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Rule != RuleNetworkToLocal {
		t.Errorf("remote $ref to a local file: params %v, err %v; want a PolicyError %s", ps, err, RuleNetworkToLocal)
	}
}

// Defect 4: the documents of a loopback server reached loopback. By
// default a location named by the network may not reach a non-public
// address; the opt-ins are AllowPrivate and an IP entry of AllowHosts.
func TestPolicyNetworkDeniesPrivate(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/main.yaml":
			fmt.Fprint(w, docWith("  - {name: pets, url: pets.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", ""))
		case "/byname.yaml":
			u, _ := url.Parse("http://" + r.Host)
			fmt.Fprint(w, docWith("  - {name: pets, url: 'http://localhost:"+u.Port()+"/pets.yaml'}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", ""))
		case "/pets.yaml":
			hits++
			fmt.Fprint(w, testAPI)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	load := func(entry string, p Policy) *Document {
		t.Helper()
		doc, _ := Load(context.Background(), srv.URL+entry, WithHTTPClient(srv.Client()), WithPolicy(p))
		if doc == nil {
			t.Fatal("no document")
		}
		return doc
	}
	// Default: denied, and the server never sees the request.
	doc := load("/main.yaml", Policy{})
	if d := policyDiag(t, doc.Diagnostics, 0); !strings.Contains(d.Message, RulePrivateAddress) {
		t.Errorf("rule: %s", d.Message)
	}
	if hits != 0 {
		t.Errorf("the denied source was fetched %d times", hits)
	}
	for _, p := range []Policy{{AllowPrivate: true}, {AllowHosts: []string{u.Host}}, {AllowHosts: []string{"127.0.0.1"}}} {
		if doc := load("/main.yaml", p); doc.SourceDescriptions[0].OpenAPI == nil {
			t.Errorf("%+v: not loaded:\n%s", p, diagLines(doc.Diagnostics))
		}
	}
	// A transport weft cannot see into: IP-literal hosts are checked
	// before the request.
	opaque := &http.Client{Transport: roundTripFunc(srv.Client().Transport.RoundTrip)}
	hits = 0
	doc, _ = Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(opaque))
	if d := policyDiag(t, doc.Diagnostics, 0); !strings.Contains(d.Message, RulePrivateAddress) || hits != 0 {
		t.Errorf("opaque transport: %s (hits %d)", d.Message, hits)
	}
	// The allow-list restricts hosts too.
	doc = load("/main.yaml", Policy{AllowPrivate: true, AllowHosts: []string{"example.com"}})
	if d := policyDiag(t, doc.Diagnostics, 0); !strings.Contains(d.Message, RuleHost) {
		t.Errorf("rule: %s", d.Message)
	}
	// A host name entry passes the name, not the address: localhost
	// resolves to loopback and is refused when dialled (as a name rebound
	// to an internal address would be).
	doc = load("/byname.yaml", Policy{AllowHosts: []string{"localhost"}})
	if d := policyDiag(t, doc.Diagnostics, 0); !strings.Contains(d.Message, RulePrivateAddress) {
		t.Errorf("rule: %s", d.Message)
	}
}

// Defect 4: redirects are locations named by the network and are checked
// on every hop.
func TestPolicyRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, testAPI) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/main.yaml":
			fmt.Fprint(w, docWith("  - {name: a, url: to-other.yaml, type: openapi}\n  - {name: b, url: to-file.yaml, type: openapi}\n  - {name: c, url: to-self.yaml, type: openapi}\n",
				"  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.c.listPets}]\n", ""))
		case "/entry.yaml":
			http.Redirect(w, r, "/main.yaml", http.StatusFound)
		case "/to-other.yaml":
			http.Redirect(w, r, other.URL+"/pets.yaml", http.StatusFound)
		case "/to-file.yaml":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/to-self.yaml":
			http.Redirect(w, r, "/pets.yaml", http.StatusMovedPermanently)
		case "/pets.yaml":
			fmt.Fprint(w, testAPI)
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	// Only the first server's address is allowed.
	doc, _ := Load(context.Background(), srv.URL+"/entry.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowHosts: []string{u.Host}}))
	if doc == nil {
		t.Fatal("the entry's same-origin redirect was not followed")
	}
	for i, rule := range []string{RuleHost, RuleNetworkToLocal} {
		if d := policyDiag(t, doc.Diagnostics, i); !strings.Contains(d.Message, rule) {
			t.Errorf("source %d: want rule %s: %s", i, rule, d.Message)
		}
	}
	if doc.SourceDescriptions[2].OpenAPI == nil {
		t.Errorf("same-origin redirect not followed:\n%s", diagLines(doc.Diagnostics))
	}
	// Host allowed by name, address not: the redirect's dial is refused.
	o, _ := url.Parse(other.URL)
	doc, _ = Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowHosts: []string{u.Host, "127.0.0.1"}}))
	if doc.SourceDescriptions[0].OpenAPI == nil {
		t.Errorf("allowed redirect target %s not loaded:\n%s", o.Host, diagLines(doc.Diagnostics))
	}
}

// Defect 4: a local document may name files only inside its tree: "..",
// absolute paths and symlinks out of it are refused, with the same words
// whether the target exists or not.
func TestPolicyLocalTree(t *testing.T) {
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.MkdirAll(filepath.Join(base, "outside"), 0o755)
	os.WriteFile(filepath.Join(base, "outside", "api.yaml"), []byte(testAPI), 0o644)
	os.WriteFile(filepath.Join(tree, "sub", "api.yaml"), []byte(testAPI), 0o644)
	if err := os.Symlink(filepath.Join("..", "outside", "api.yaml"), filepath.Join(tree, "link.yaml")); err != nil {
		t.Skip(err)
	}
	os.Symlink(filepath.Join(base, "outside", "missing.yaml"), filepath.Join(tree, "dangling.yaml"))
	os.Symlink(filepath.Join("sub", "api.yaml"), filepath.Join(tree, "inner.yaml"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, testAPI) }))
	defer srv.Close()
	main := docWith("  - {name: up, url: ../outside/api.yaml}\n"+
		"  - {name: upmissing, url: ../outside/missing.yaml}\n"+
		"  - {name: abs, url: 'file:///etc/passwd', type: openapi}\n"+
		"  - {name: link, url: link.yaml}\n"+
		"  - {name: dangling, url: dangling.yaml}\n"+
		"  - {name: inner, url: inner.yaml}\n"+
		"  - {name: sub, url: sub/../sub/api.yaml}\n"+
		"  - {name: loop, url: '"+srv.URL+"/api.yaml'}\n",
		"  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.inner.listPets}]\n", "")
	os.WriteFile(filepath.Join(tree, "main.yaml"), []byte(main), 0o644)
	entry := filepath.Join(tree, "main.yaml")
	doc, _ := Load(context.Background(), entry)
	if doc == nil {
		t.Fatal("no document")
	}
	var msgs []string
	for i := 0; i < 5; i++ {
		d := policyDiag(t, doc.Diagnostics, i)
		if !strings.Contains(d.Message, RuleOutsideTree) {
			t.Errorf("source %d: rule: %s", i, d.Message)
		}
		msgs = append(msgs, verdict(d))
	}
	// Existing, missing, absolute, symlink out, dangling symlink out: one verdict.
	for i := 1; i < len(msgs); i++ {
		if msgs[i] != msgs[0] {
			t.Errorf("the report tells the targets apart:\n%s", strings.Join(msgs, "\n"))
			break
		}
	}
	// Inside the tree (a symlink within it, a ".." that stays in it) and
	// remote URLs: read. A local document may name loopback.
	for i := 5; i < 8; i++ {
		if doc.SourceDescriptions[i].OpenAPI == nil {
			t.Errorf("source %d not loaded:\n%s", i, diagLines(doc.Diagnostics))
		}
	}
	// The opt-ins.
	for _, p := range []Policy{{LocalRoot: base}, {AllowLocalOutside: true}} {
		doc, _ := Load(context.Background(), entry, WithPolicy(p))
		for _, i := range []int{0, 3} {
			if doc.SourceDescriptions[i].OpenAPI == nil {
				t.Errorf("%+v: source %d not loaded:\n%s", p, i, diagLines(doc.Diagnostics))
			}
		}
	}
}

// Defect 4: a remote document pulled in by a local description's $ref may
// not make the loader read local files for it, nor reach loopback.
func TestPolicyLocalDescriptionRemoteRef(t *testing.T) {
	tree := t.TempDir()
	os.WriteFile(filepath.Join(tree, "params.yaml"), []byte(paramsDoc), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// JSON escapes must not hide the path.
		fmt.Fprintf(w, `{"p": {"$ref": "file:\/\/%s/params.yaml#/p"}}`, tree)
	}))
	defer srv.Close()
	os.WriteFile(filepath.Join(tree, "api.yaml"), []byte(opWithRef(srv.URL+"/ext.json#/p")), 0o644)
	os.WriteFile(filepath.Join(tree, "local.yaml"), []byte(opWithRef("params.yaml#/p")), 0o644)
	os.WriteFile(filepath.Join(tree, "main.yaml"), []byte(docWith("  - {name: api, url: api.yaml}\n  - {name: local, url: local.yaml}\n",
		"  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.api.x}]\n", "")), 0o644)
	bind := func(p Policy, i int) error {
		doc, err := Load(context.Background(), filepath.Join(tree, "main.yaml"), WithPolicy(p))
		if err != nil {
			t.Fatal(err)
		}
		_, err = doc.SourceDescriptions[i].OpenAPI.Operations()[0].Parameters(context.Background())
		return err
	}
	// A local description's own $ref to a file in the tree: followed.
	if err := bind(Policy{}, 1); err != nil {
		t.Errorf("local $ref: %v", err)
	}
	var pe *PolicyError
	// Its $ref to loopback: named by the network as far as weft can tell.
	if err := bind(Policy{}, 0); !errors.As(err, &pe) || pe.Rule != RulePrivateAddress {
		t.Errorf("$ref to loopback: %v", err)
	}
	// Allowed to reach loopback, the remote document's own $ref to a local
	// file is refused.
	if err := bind(Policy{AllowPrivate: true}, 0); !errors.As(err, &pe) || pe.Rule != RuleNetworkToLocal {
		t.Errorf("remote document's $ref to a local file: %v", err)
	}
}

// Defect 4: a per-document and a total byte cap, named when reached.
func TestPolicyByteCaps(t *testing.T) {
	big := testAPI + "x-pad: '" + strings.Repeat("a", 100<<10) + "'\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/main.yaml" {
			fmt.Fprint(w, docWith("  - {name: a, url: a.yaml}\n  - {name: b, url: b.yaml}\n  - {name: c, url: c.yaml}\n",
				"  - workflowId: w\n    steps: [{stepId: a, operationId: $sourceDescriptions.a.listPets}]\n", ""))
			return
		}
		fmt.Fprint(w, big)
	}))
	defer srv.Close()
	doc, _ := Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowPrivate: true, MaxTotalBytes: 250 << 10}))
	if doc.SourceDescriptions[0].OpenAPI == nil || doc.SourceDescriptions[1].OpenAPI == nil {
		t.Fatalf("first two not loaded:\n%s", diagLines(doc.Diagnostics))
	}
	d, ok := findDiag(doc.Diagnostics, "limit", "/sourceDescriptions/2/url")
	if !ok || !strings.Contains(d.Message, "MaxTotalBytes") {
		t.Errorf("total cap: %s", diagLines(doc.Diagnostics))
	}
	doc, _ = Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowPrivate: true, MaxDocumentBytes: 50 << 10}))
	if d, ok := findDiag(doc.Diagnostics, "limit", "/sourceDescriptions/0/url"); !ok || !strings.Contains(d.Message, "MaxDocumentBytes") {
		t.Errorf("document cap: %s", diagLines(doc.Diagnostics))
	}
	// Options compose: a later WithMaxSources overrides the policy's.
	doc, _ = Load(context.Background(), srv.URL+"/main.yaml", WithHTTPClient(srv.Client()),
		WithPolicy(Policy{AllowPrivate: true}), WithMaxSources(2))
	if _, ok := findDiag(doc.Diagnostics, "source-limit", "/sourceDescriptions/1/url"); !ok {
		t.Errorf("source cap: %s", diagLines(doc.Diagnostics))
	}
}

// Defect 5: a source that is a FIFO held Load past its deadline (it
// blocked in open until a writer came). Non-regular files are refused
// before they are opened.
func TestLoadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "api.yaml"), 0o644); err != nil {
		t.Skip(err)
	}
	os.WriteFile(filepath.Join(dir, "main.yaml"), []byte(docWith("  - {name: pets, url: api.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")), 0o644)
	for name, load := range map[string]func(ctx context.Context) (*Document, error){
		"file":   func(ctx context.Context) (*Document, error) { return Load(ctx, filepath.Join(dir, "main.yaml")) },
		"entry":  func(ctx context.Context) (*Document, error) { return Load(ctx, filepath.Join(dir, "api.yaml")) },
		"dirfs":  func(ctx context.Context) (*Document, error) { return Load(ctx, "main.yaml", WithFS(os.DirFS(dir))) },
		"dirfs2": func(ctx context.Context) (*Document, error) { return Load(ctx, "api.yaml", WithFS(os.DirFS(dir))) },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		done := make(chan error, 1)
		go func() { _, err := load(ctx); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v", name, err)
			}
			if el := time.Since(start); el > 200*time.Millisecond {
				t.Errorf("%s: took %v", name, el)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("%s: Load still blocked 2s after a 300ms deadline", name)
		}
		cancel()
	}
}

// blockFS is a file system whose file reads block until closed.
type blockFS struct{ main string }

type blockFile struct {
	fs.File
	closed chan struct{}
}

func (b *blockFile) Read([]byte) (int, error) { <-b.closed; return 0, fs.ErrClosed }
func (b *blockFile) Close() error {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
	return nil
}

func (b blockFS) Open(name string) (fs.File, error) {
	m := fstest.MapFS{"main.yaml": {Data: []byte(b.main)}, "slow.yaml": {Data: []byte(testAPI)}}
	f, err := m.Open(name)
	if err != nil || name != "slow.yaml" {
		return f, err
	}
	return &blockFile{File: f, closed: make(chan struct{})}, nil
}

// Defect 5: every read honours the context, even one that blocks.
func TestLoadBlockingReadHonoursContext(t *testing.T) {
	fsys := blockFS{main: docWith("  - {name: pets, url: slow.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	doc, _ := Load(ctx, "main.yaml", WithFS(fsys))
	if el := time.Since(start); el > time.Second {
		t.Errorf("Load took %v with a 200ms deadline", el)
	}
	if _, ok := findDiag(doc.Diagnostics, "cancelled", "/sourceDescriptions/0/url"); !ok {
		t.Errorf("got:\n%s", diagLines(doc.Diagnostics))
	}
}

func TestPublicAddr(t *testing.T) {
	for _, c := range []struct {
		ip     string
		public bool
	}{
		{"8.8.8.8", true}, {"2606:4700:4700::1111", true}, {"93.184.216.34", true},
		{"127.0.0.1", false}, {"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false},
		{"169.254.169.254", false}, {"100.64.0.1", false}, {"0.0.0.0", false}, {"224.0.0.1", false},
		{"255.255.255.255", false}, {"::1", false}, {"::", false}, {"::ffff:127.0.0.1", false},
		{"::ffff:8.8.8.8", false}, {"fc00::1", false}, {"fd12::1", false}, {"fe80::1", false},
		{"ff02::1", false}, {"64:ff9b::a00:1", false}, {"2002:7f00:1::", false},
	} {
		a := netip.MustParseAddr(c.ip)
		if got := publicAddr(a); got != c.public {
			t.Errorf("%s: public = %v", c.ip, got)
		}
	}
}

// The default tree of a local entry is its directory, widened to the top
// of the repository holding it: arazzo/ beside openapi/ loads in a
// checkout, not outside one.
func TestPolicyLocalTreeRepository(t *testing.T) {
	base := t.TempDir()
	os.MkdirAll(filepath.Join(base, "arazzo"), 0o755)
	os.MkdirAll(filepath.Join(base, "openapi"), 0o755)
	os.WriteFile(filepath.Join(base, "openapi", "api.yaml"), []byte(testAPI), 0o644)
	entry := filepath.Join(base, "arazzo", "main.yaml")
	os.WriteFile(entry, []byte(docWith("  - {name: pets, url: ../openapi/api.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")), 0o644)
	if _, err := Load(context.Background(), entry); err == nil || !strings.Contains(err.Error(), RuleOutsideTree) {
		t.Errorf("no repository: want %s, got %v", RuleOutsideTree, err)
	}
	os.Mkdir(filepath.Join(base, ".git"), 0o755)
	if _, err := Load(context.Background(), entry); err != nil {
		t.Errorf("in a repository: %v", err)
	}
	// Not above the repository top.
	os.WriteFile(filepath.Join(base, "arazzo", "up.yaml"), []byte(docWith("  - {name: pets, url: ../../x/api.yaml}\n", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")), 0o644)
	if _, err := Load(context.Background(), filepath.Join(base, "arazzo", "up.yaml")); err == nil || !strings.Contains(err.Error(), RuleOutsideTree) {
		t.Errorf("above the repository: want %s, got %v", RuleOutsideTree, err)
	}
}
