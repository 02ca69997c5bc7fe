package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/openapi"
)

// shutdownGrace is how long -serve waits for requests in flight when it is
// interrupted.
const shutdownGrace = 5 * time.Second

// serve is -serve: it serves the fake Hookdeck API on addr until ctx ends
// (SIGINT, SIGTERM), after printing how to run docPath's reference workflow
// against it with weft. It returns the exit status.
func serve(ctx context.Context, addr, specDir, docPath string, stdout, stderr io.Writer) int {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "-serve %q: want HOST:PORT or :PORT: %v\n", addr, err)
		return 2
	}
	if host == "" {
		// A fake with a published API key is for this machine only unless
		// the caller says otherwise.
		host = "127.0.0.1"
	}
	fake, err := hookdeckfake.New(hookdeckfake.WithSpecDir(specDir))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	// The command line printed below names the document's sources and the
	// variables weft reads for them, so read them from the document.
	doc, err := arazzo.Load(ctx, docPath, arazzo.WithPolicy(arazzo.Policy{LocalRoot: filepath.Dir(filepath.Dir(docPath))}))
	if err != nil {
		fmt.Fprintf(stderr, "loading %s:\n%v\n", docPath, err)
		return 2
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(stderr, "-serve: %v\n", err)
		return 1
	}
	apiURL := "http://" + dialable(ln.Addr()) + hookdeckfake.BasePath
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	fmt.Fprintf(stdout, "fake Hookdeck API listening on %s\n", apiURL)
	fmt.Fprintf(stdout, "it accepts the API key %s as a bearer token\n", hookdeckfake.DefaultAPIKey)
	fmt.Fprintf(stdout, "run the %s workflow against it, from %s:\n\n", referenceWorkflow, cwdName())
	fmt.Fprint(stdout, weftCommands(doc, displayPath(docPath), apiURL))
	fmt.Fprintln(stdout, "\nthe fake keeps what is created until it stops, so a second run needs another sourceName")
	fmt.Fprintln(stdout, "serving until interrupted (Ctrl-C)")

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "-serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "-serve: shutting down: %v\n", err)
		return 1
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "-serve: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "stopped")
	return 0
}

// weftCommands is the shell text that runs the reference workflow of doc
// (at path) against the fake at apiURL: one export per bearer-token
// variable weft's default credentials provider reads, then `weft run` with
// a --server per source. The README shows the same text for apiURL
// http://127.0.0.1:8080/2025-07-01; a test checks that they agree.
func weftCommands(doc *arazzo.Document, path, apiURL string) string {
	var b strings.Builder
	for _, sd := range doc.SourceDescriptions {
		if sd.OpenAPI == nil {
			continue
		}
		names := make([]string, 0, len(sd.OpenAPI.SecuritySchemes))
		for name, sc := range sd.OpenAPI.SecuritySchemes {
			if sc.Type == "http" && sc.Scheme == "bearer" {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			fmt.Fprintf(&b, "export %s=%s\n", openapi.EnvVarName(sd.Name, name, "TOKEN"), hookdeckfake.DefaultAPIKey)
		}
	}
	fmt.Fprintf(&b, "weft run %s \\\n", path)
	for _, sd := range doc.SourceDescriptions {
		fmt.Fprintf(&b, "  --server %s=%s \\\n", sd.Name, apiURL)
	}
	b.WriteString("  --input sourceName=orders --input integrationLabel=Orders --input provider=HMAC \\\n")
	b.WriteString("  --json report.json --junit report.xml\n")
	return b.String()
}

// dialable is the host:port to give a client for a listener's address: an
// unspecified address (0.0.0.0, ::) is reached through loopback.
func dialable(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	switch {
	case ip == nil || ip.IsUnspecified() && ip.To4() != nil:
		ip = net.IPv4(127, 0, 0, 1)
	case ip.IsUnspecified():
		ip = net.IPv6loopback
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}

// displayPath is path relative to the working directory when it is below
// it, with forward slashes, as a user would type it.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// cwdName says where the printed paths are relative to.
func cwdName() string {
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return "the current directory"
}
