package arazzo

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeConn is a connection that was allowed through the dial check: it
// records the write (the request) and answers nothing.
type fakeConn struct {
	net.Conn
	remote net.Addr
	wrote  *sync.Map
}

func (c *fakeConn) RemoteAddr() net.Addr { return c.remote }
func (c *fakeConn) LocalAddr() net.Addr  { return c.remote }
func (c *fakeConn) Write(b []byte) (int, error) {
	c.wrote.Store(c.remote.String(), true)
	return len(b), nil
}
func (c *fakeConn) Read([]byte) (int, error)    { return 0, io.EOF }
func (c *fakeConn) Close() error                { return nil }
func (c *fakeConn) SetDeadline(time.Time) error { return nil }
func (c *fakeConn) SetReadDeadline(time.Time) error {
	return nil
}
func (c *fakeConn) SetWriteDeadline(time.Time) error { return nil }

// oraclePublic is an independent statement of "public address", from
// net/netip's own predicates and the ranges they do not cover.
func oraclePublic(a netip.Addr) bool {
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || a.Is4In6() {
		return false
	}
	if a.Is4() {
		b := a.As4()
		switch {
		case b[0] == 0, b[0] >= 240, b[0] == 100 && b[1]&0xc0 == 64, b[0] == 169 && b[1] == 254:
			return false
		}
	}
	return true
}

// FuzzPolicy: whatever the referring document's location and the
// reference it writes, the loader never returns a local file outside the
// tree, never returns a local file to a document from the network, and
// never sends a request to a non-public address for one.
func FuzzPolicy(f *testing.F) {
	base := f.TempDir()
	tree := filepath.Join(base, "tree")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.MkdirAll(filepath.Join(base, "outside"), 0o755)
	os.WriteFile(filepath.Join(tree, "in.yaml"), []byte("LOCAL inside"), 0o644)
	os.WriteFile(filepath.Join(tree, "sub", "in.yaml"), []byte("LOCAL inside"), 0o644)
	os.WriteFile(filepath.Join(base, "outside", "secret.yaml"), []byte("LOCAL SECRET"), 0o644)
	os.Symlink(filepath.Join("..", "outside", "secret.yaml"), filepath.Join(tree, "out.yaml"))
	os.Symlink(filepath.Join(base, "outside"), filepath.Join(tree, "outdir"))
	os.Symlink("in.yaml", filepath.Join(tree, "link.yaml"))

	var wrote sync.Map
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return nil, errors.New("no DNS in the fuzzer")
		}
		return &fakeConn{remote: net.TCPAddrFromAddrPort(ap), wrote: &wrote}, nil
	}
	client := &http.Client{Transport: &http.Transport{DialContext: dial}}

	for _, s := range [][2]string{
		{"main.yaml", "in.yaml"}, {"main.yaml", "../outside/secret.yaml"}, {"sub/x.yaml", "../../outside/secret.yaml"},
		{"main.yaml", "out.yaml"}, {"main.yaml", "outdir/secret.yaml"}, {"main.yaml", "file:///etc/passwd"},
		{"main.yaml", "sub/../in.yaml"}, {"main.yaml", "%2e%2e/outside/secret.yaml"}, {"main.yaml", "link.yaml"},
		{"main.yaml", "http://127.0.0.1/x"}, {"main.yaml", "http://[::ffff:127.0.0.1]/x"}, {"main.yaml", "http://169.254.169.254/"},
		{"main.yaml", "http://8.8.8.8/x"}, {"main.yaml", "http://[fd00::1]:8080/"}, {"main.yaml", "http://100.64.1.1/"},
		{"main.yaml", "//127.0.0.1/x"}, {"main.yaml", "http://0x7f000001/"}, {"main.yaml", "http://[fe80::1%25eth0]/"},
	} {
		f.Add(s[0], s[1], false)
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, docPath, ref string, remote bool) {
		var doc *url.URL
		if remote {
			doc = &url.URL{Scheme: "http", Host: "93.184.216.34", Path: "/" + docPath}
		} else {
			doc = &url.URL{Scheme: "file", Path: filepath.ToSlash(tree) + "/" + strings.TrimPrefix(filepath.ToSlash(filepath.Clean("/"+docPath)), "/")}
		}
		r, err := url.Parse(ref)
		if err != nil {
			return
		}
		u := doc.ResolveReference(r)
		l := newLoader(loadConfig{httpClient: client, schemes: []string{"file", "http", "https"}})
		l.tree.add(tree)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		wrote.Clear()
		data, err := l.read(ctx, u, trustOf(doc))
		if err == nil {
			s := string(data)
			if strings.Contains(s, "SECRET") {
				t.Fatalf("%s + %q: read a file outside the tree", doc, ref)
			}
			if remote && strings.Contains(s, "LOCAL") {
				t.Fatalf("%s + %q: a document from the network read a local file", doc, ref)
			}
		}
		if remote {
			wrote.Range(func(k, _ any) bool {
				ap := netip.MustParseAddrPort(k.(string))
				if !oraclePublic(ap.Addr()) {
					t.Fatalf("%s + %q: a request went to %s", doc, ref, ap)
				}
				return true
			})
		}
	})
}

// FuzzDialCheck: the address check made at dial time passes only public
// addresses under the default policy.
func FuzzDialCheck(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::1", "10.0.0.1", "8.8.8.8", "::ffff:10.0.0.1", "fe80::1", "100.64.0.1", "2606:4700::1111", "0.0.0.0", "ff02::1"} {
		a := netip.MustParseAddr(s)
		f.Add(a.AsSlice(), uint16(80))
	}
	check := dialCheck(&Policy{}, nil)
	f.Fuzz(func(t *testing.T, ip []byte, port uint16) {
		a, ok := netip.AddrFromSlice(ip)
		if !ok {
			return
		}
		if check(netip.AddrPortFrom(a, port).String()) == nil && !oraclePublic(a) {
			t.Fatalf("%s passed the dial check", a)
		}
	})
}
