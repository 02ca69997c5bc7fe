package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const flagsAPI = `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: x
      responses: {'200': {description: ok}}
`

func flagsDoc(url string) string {
	return "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n  - {name: api, url: '" + url + "'}\n" +
		"workflows:\n  - workflowId: w\n    steps: [{stepId: a, operationId: x}]\n"
}

// The loader policy flags: the defaults deny, each flag opts in.
func TestLoaderPolicyFlags(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/main.yaml":
			fmt.Fprint(w, flagsDoc("api.yaml"))
		case "/api.yaml":
			fmt.Fprint(w, flagsAPI)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// A document from a loopback server naming a loopback source.
	r := weft(t, "", "validate", srv.URL+"/main.yaml")
	if r.code != exitFailed || !strings.Contains(r.stdout, "private-address") || !strings.Contains(r.stdout, "--allow-private") {
		t.Errorf("default: want a policy error\n%s", r)
	}
	for _, flags := range [][]string{{"--allow-private"}, {"--allow-host", strings.TrimPrefix(srv.URL, "http://")}} {
		if r := weft(t, "", append([]string{"validate"}, append(flags, srv.URL+"/main.yaml")...)...); r.code != exitOK {
			t.Errorf("%v: want valid\n%s", flags, r)
		}
	}
	if r := weft(t, "", "list", "--allow-private", "--max-total-bytes", "10", srv.URL+"/main.yaml"); r.code != exitUsage || !strings.Contains(r.stderr, "MaxTotalBytes") {
		t.Errorf("total cap: want a limit error\n%s", r)
	}

	// A local document naming a file beside its directory.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "arazzo"), 0o755)
	os.MkdirAll(filepath.Join(dir, "openapi"), 0o755)
	os.WriteFile(filepath.Join(dir, "openapi", "api.yaml"), []byte(flagsAPI), 0o644)
	doc := filepath.Join(dir, "arazzo", "flow.yaml")
	os.WriteFile(doc, []byte(flagsDoc("../openapi/api.yaml")), 0o644)
	if r := weft(t, "", "env", doc); r.code != exitUsage || !strings.Contains(r.stderr, "outside-tree") || !strings.Contains(r.stderr, "--local-root") {
		t.Errorf("default: want outside-tree\n%s", r)
	}
	for _, flags := range [][]string{{"--local-root", dir}, {"--allow-local-outside"}} {
		if r := weft(t, "", append([]string{"validate"}, append(flags, doc)...)...); r.code != exitOK {
			t.Errorf("%v: want valid\n%s", flags, r)
		}
	}
	if r := weft(t, "", "help"); !strings.Contains(r.stdout, "--allow-local-outside") || !strings.Contains(r.stdout, "--allow-host") {
		t.Errorf("help does not document the loader flags\n%s", r)
	}
}
