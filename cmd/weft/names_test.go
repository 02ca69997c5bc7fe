package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// runIn runs weft in-process.
func runIn(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errb strings.Builder
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return cliResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// counting is a loopback server that counts requests and the ones that
// carried the bearer token.
type counting struct {
	srv            *httptest.Server
	hits, withAuth atomic.Int32
}

func newCounting(t *testing.T) *counting {
	c := &counting{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			c.withAuth.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"1","name":"x"}`))
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// prodDoc writes an Arazzo document whose one source, sourcesApi, has
// production as its server and a bearer scheme, with a workflow whose
// inputs list their properties. It returns the document's path.
func prodDoc(t *testing.T, production string) string {
	dir := t.TempDir()
	oas := `openapi: 3.1.0
info: {title: prod, version: "1"}
servers:
  - url: ` + production + `
security:
  - bearerAuth: []
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
paths:
  /sources:
    get:
      operationId: listSources
      responses:
        '200': {description: ok}
`
	arz := `arazzo: 1.0.1
info: {title: prod, version: "1"}
sourceDescriptions:
  - name: sourcesApi
    url: ./prod.openapi.yaml
    type: openapi
workflows:
  - workflowId: list
    inputs:
      type: object
      properties:
        limit: {type: integer}
        name: {type: string}
    steps:
      - stepId: list
        operationId: listSources
        successCriteria:
          - condition: $statusCode == 200
`
	for name, text := range map[string]string{"prod.openapi.yaml": oas, "prod.arazzo.yaml": arz} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "prod.arazzo.yaml")
}

// TestRunUnknownSourceName pins issue 11 item 1: a misspelt source name in
// --server was ignored and the run went to the description's production
// server with the credential attached.
func TestRunUnknownSourceName(t *testing.T) {
	prod, staging := newCounting(t), newCounting(t)
	doc := prodDoc(t, prod.srv.URL)
	t.Setenv("WEFT_SOURCESAPI_BEARERAUTH_TOKEN", "s3cret-token")
	r := runIn(t, "", "run", doc, "--server", "sorcesApi="+staging.srv.URL)
	if r.code != exitUsage {
		t.Errorf("want exit 2\n%s", r)
	}
	if !strings.Contains(r.stderr, "did you mean sourcesApi?") || !strings.Contains(r.stderr, "known: sourcesApi") {
		t.Errorf("want the known source and a suggestion\n%s", r)
	}
	if n := prod.hits.Load(); n != 0 {
		t.Errorf("production received %d request(s) (%d with the credential)", n, prod.withAuth.Load())
	}
	if strings.Contains(r.stdout+r.stderr, "s3cret-token") {
		t.Errorf("the credential leaked\n%s", r)
	}
	// The right name runs against staging.
	if r := runIn(t, "", "run", doc, "--server", "sourcesApi="+staging.srv.URL); r.code != 0 || staging.withAuth.Load() != 1 {
		t.Errorf("right name: want exit 0 and one authorized request to staging\n%s", r)
	}
}

func TestRunUnknownServerVariable(t *testing.T) {
	for _, tt := range []struct{ arg, want string }{
		{"pinnger.port=1", "did you mean pinger?"},
		{"pinger.prot=1", "did you mean port?"},
	} {
		r := runIn(t, "", "run", "testdata/vars.arazzo.yaml", "--server-var", tt.arg)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("--server-var %s: want exit 2 and %q\n%s", tt.arg, tt.want, r)
		}
	}
}

func TestRunUnknownCredentialVariable(t *testing.T) {
	prod := newCounting(t)
	doc := prodDoc(t, prod.srv.URL)
	t.Setenv("WEFT_SORCESAPI_BEARERAUTH_TOKEN", "s3cret-token")
	r := runIn(t, "", "run", doc, "--server", "sourcesApi="+prod.srv.URL)
	if r.code != exitUsage || !strings.Contains(r.stderr, `"WEFT_SORCESAPI_BEARERAUTH_TOKEN"`) ||
		!strings.Contains(r.stderr, "did you mean WEFT_SOURCESAPI_BEARERAUTH_TOKEN?") {
		t.Errorf("want exit 2 naming the variable and the one it should be\n%s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "s3cret-token") {
		t.Errorf("the value leaked\n%s", r)
	}
	if prod.hits.Load() != 0 {
		t.Errorf("a request was sent")
	}
	// weft env still lists what the document reads.
	if r := runIn(t, "", "env", doc); r.code != 0 || !strings.Contains(r.stdout, "WEFT_SOURCESAPI_BEARERAUTH_TOKEN") {
		t.Errorf("env must keep working with a stray variable set\n%s", r)
	}
	// Variables that are not credential-shaped are not checked.
	t.Setenv("WEFT_SORCESAPI_BEARERAUTH_TOKEN", "")
	os.Unsetenv("WEFT_SORCESAPI_BEARERAUTH_TOKEN")
	t.Setenv("WEFT_KIN_FULL", "1")
	if r := runIn(t, "", "run", doc, "--server", "sourcesApi="+prod.srv.URL); r.code != 0 {
		t.Errorf("WEFT_KIN_FULL is not a credential\n%s", r)
	}
}

func TestRunUnknownInputName(t *testing.T) {
	prod := newCounting(t)
	doc := prodDoc(t, prod.srv.URL)
	r := runIn(t, "", "run", doc, "--server", "sourcesApi="+prod.srv.URL, "--input", "limt=3")
	if r.code != exitUsage || !strings.Contains(r.stderr, "did you mean limit?") || !strings.Contains(r.stderr, "known: limit, name") {
		t.Errorf("--input limt: want exit 2 and a suggestion\n%s", r)
	}
	r = runIn(t, `{"nmae": "x"}`, "run", doc, "--server", "sourcesApi="+prod.srv.URL, "--inputs", "-")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--inputs") || !strings.Contains(r.stderr, "did you mean name?") {
		t.Errorf("--inputs with nmae: want exit 2 and a suggestion\n%s", r)
	}
	if prod.hits.Load() != 0 {
		t.Errorf("a request was sent")
	}
}

// TestRunServerVariableOfOperation: a variable of an operation's own
// servers is known to --server-var, and is applied.
func TestRunServerVariableOfOperation(t *testing.T) {
	var path atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { path.Store(r.URL.Path) }))
	defer srv.Close()
	doc := writeDoc(t, `openapi: 3.1.0
info: {title: v, version: "1"}
servers: [{url: https://v.example.invalid}]
paths:
  /thing:
    get:
      operationId: getThing
      servers:
        - url: `+srv.URL+`/{region}
          variables:
            region: {default: eu}
      responses: {"200": {description: ok}}
`, oneStep)
	if r := runIn(t, "", "run", doc, "--server-var", "api.region=us"); r.code != 0 || path.Load() != "/us/thing" {
		t.Errorf("want exit 0 and a request to /us/thing, got %v\n%s", path.Load(), r)
	}
	if r := runIn(t, "", "run", doc, "--server-var", "api.regoin=us"); r.code != exitUsage || !strings.Contains(r.stderr, "did you mean region?") {
		t.Errorf("want exit 2 and a suggestion\n%s", r)
	}
}
