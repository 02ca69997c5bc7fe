package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// writeDoc writes an OpenAPI description (api.yaml) and an Arazzo document
// naming it as source "api" into a fresh directory; it returns the
// document's path.
func writeDoc(t *testing.T, oas, workflows string) string {
	dir := t.TempDir()
	arz := `arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - name: api
    url: ./api.yaml
    type: openapi
workflows:
` + workflows
	for name, text := range map[string]string{"api.yaml": oas, "flow.arazzo.yaml": arz} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "flow.arazzo.yaml")
}

// TestRunOnlyServers pins issue 11 item 2: a redirect from the staging
// server named with --server to another host was followed.
func TestRunOnlyServers(t *testing.T) {
	prod := newCounting(t)
	staging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, prod.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer staging.Close()
	doc := prodDoc(t, prod.srv.URL)
	r := runIn(t, "", "run", doc, "--server", "sourcesApi="+staging.URL, "--only-servers")
	if r.code != exitFailed {
		t.Errorf("want exit 1\n%s", r)
	}
	want := "request to http://" + strings.TrimPrefix(prod.srv.URL, "http://") + " refused: --only-servers allows only " + staging.URL
	if !strings.Contains(r.stdout, want) {
		t.Errorf("want %q in the step error\n%s", want, r)
	}
	if n := prod.hits.Load(); n != 0 {
		t.Errorf("production received %d request(s)", n)
	}
	// Without the guard the redirect is followed (the default policy).
	if r := runIn(t, "", "run", doc, "--server", "sourcesApi="+staging.URL); r.code != 0 || prod.hits.Load() != 1 {
		t.Errorf("without --only-servers: want exit 0 and production reached\n%s", r)
	}
	r = runIn(t, "", "run", doc, "--only-servers")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--only-servers needs at least one --server") {
		t.Errorf("--only-servers alone: want exit 2\n%s", r)
	}
}

const validatedAPI = `openapi: 3.1.0
info: {title: v, version: "1"}
servers: [{url: https://v.example.invalid}]
paths:
  /thing:
    get:
      operationId: getThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties:
                  id: {type: string}
`

const oneStep = `  - workflowId: w
    steps:
      - stepId: get
        operationId: getThing
`

func TestRunValidateResponses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id": 5}`))
	}))
	defer srv.Close()
	doc := writeDoc(t, validatedAPI, oneStep)
	base := []string{"run", doc, "--server", "api=" + srv.URL}
	if r := runIn(t, "", base...); r.code != 0 || strings.Contains(r.stdout, "warning") {
		t.Errorf("no validation: want exit 0 and no warning\n%s", r)
	}
	if r := runIn(t, "", append(base, "--validate-responses", "warn")...); r.code != 0 || !strings.Contains(r.stdout, "warning") {
		t.Errorf("warn: want exit 0 and a warning\n%s", r)
	}
	if r := runIn(t, "", append(base, "--validate-responses=error")...); r.code != exitFailed {
		t.Errorf("error: want exit 1\n%s", r)
	}
	if r := runIn(t, "", append(base, "--validate-responses", "strict")...); r.code != exitUsage || !strings.Contains(r.stderr, "want warn or error") {
		t.Errorf("bad mode: want exit 2\n%s", r)
	}
}

func TestRunMaxStepsAndRequestTimeout(t *testing.T) {
	_, shelterSrv := newShelter(t)
	r := runIn(t, "", "run", petsDoc, "--server", "shelter="+shelterSrv.URL, "--input", "name=Rex", "--max-steps", "1")
	if r.code != exitFailed || !strings.Contains(r.stdout, "MaxStepExecutions (1)") {
		t.Errorf("--max-steps 1 with two steps: want exit 1 naming the limit\n%s", r)
	}
	if r := runIn(t, "", "run", petsDoc, "--max-steps", "-1"); r.code != exitUsage {
		t.Errorf("--max-steps -1: want exit 2\n%s", r)
	}
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	start := time.Now()
	junit := filepath.Join(t.TempDir(), "report.xml")
	r = runIn(t, "", "run", petsDoc, "--server", "shelter="+slow.URL, "--input", "name=Rex", "--request-timeout", "150ms", "--junit", junit)
	if r.code != exitFailed || time.Since(start) > 5*time.Second {
		t.Errorf("--request-timeout 150ms: want exit 1 quickly (took %s)\n%s", time.Since(start), r)
	}
	if !strings.Contains(r.stdout, "limit RequestTimeout (150ms) reached") {
		t.Errorf("the step error should say the request timed out\n%s", r)
	}
	// In JUnit the timeout is an <error> with its real cause, not a
	// criteria failure, and the step never reached is skipped.
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	checkJUnitXSD(t, data)
	for _, want := range []string{`<error message="request timed out after 150ms (limit RequestTimeout)" type="timeout">`, `<skipped message="not reached">`, `failures="0" errors="1" skipped="1"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JUnit report lacks %s:\n%s", want, data)
		}
	}
}

// TestBaseURLJentic loads a jentic-public-apis document from the shared
// corpus (never copied here: its licence differs), whose source URL is
// relative to that repository's top and not to the document.
func TestBaseURLJentic(t *testing.T) {
	top, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", "jentic-public-apis"))
	if err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(top, "workflows", "archive.org~search", "workflows.arazzo.json")
	if _, err := os.Stat(doc); err != nil {
		t.Skip("../shared/corpus is absent")
	}
	r := runIn(t, "", "validate", "--local-root", top, doc)
	if r.code != exitFailed || !strings.Contains(r.stdout, "--base-url") {
		t.Errorf("without --base-url: want exit 1 and a hint naming --base-url\n%s", r)
	}
	for _, cmd := range []string{"validate", "list"} {
		if r := runIn(t, "", cmd, "--local-root", top, "--base-url", top+"/", doc); r.code != 0 {
			t.Errorf("%s --base-url: want exit 0\n%s", cmd, r)
		}
	}
}

func TestOffline(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(validatedAPI))
	}))
	defer srv.Close()
	dir := t.TempDir()
	doc := filepath.Join(dir, "remote.arazzo.yaml")
	os.WriteFile(doc, []byte(`arazzo: 1.0.1
info: {title: t, version: "1"}
sourceDescriptions:
  - name: api
    url: `+srv.URL+`/api.yaml
    type: openapi
workflows:
`+oneStep), 0o600)
	if r := runIn(t, "", "validate", doc); r.code != 0 || hits.Load() == 0 {
		t.Fatalf("online: want exit 0 and a fetch\n%s", r)
	}
	hits.Store(0)
	r := runIn(t, "", "validate", "--offline", doc)
	if r.code != exitFailed || !strings.Contains(r.stdout, offlineHint) {
		t.Errorf("validate --offline: want exit 1 and the --offline hint\n%s", r)
	}
	for _, cmd := range []string{"list", "env", "run"} {
		if r := runIn(t, "", cmd, "--offline", doc); r.code != exitUsage || !strings.Contains(r.stderr, offlineHint) {
			t.Errorf("%s --offline: want exit 2 and the --offline hint\n%s", cmd, r)
		}
	}
	if r := runIn(t, "", "validate", "--offline", srv.URL+"/flow.arazzo.yaml"); r.code != exitFailed || !strings.Contains(r.stdout, offlineHint) {
		t.Errorf("validate --offline URL: want exit 1 and the hint\n%s", r)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("--offline fetched %d time(s)", n)
	}
}

// writePEM writes PEM blocks to a file in dir.
func writePEM(t *testing.T, dir, name, typ string, der ...[]byte) string {
	var b strings.Builder
	for _, d := range der {
		pem.Encode(&b, &pem.Block{Type: typ, Bytes: d})
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunClientCertificate(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "weft-ci"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	clientCert, _ := x509.ParseCertificate(certDER)
	pool := x509.NewCertPool()
	pool.AddCert(clientCert)
	var seen atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.TLS.PeerCertificates[0].Subject.CommonName)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"1"}`))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	defer srv.Close()

	dir := t.TempDir()
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile := writePEM(t, dir, "client.pem", "CERTIFICATE", certDER)
	keyFile := writePEM(t, dir, "client.key", "PRIVATE KEY", keyDER)
	caFile := writePEM(t, dir, "ca.pem", "CERTIFICATE", srv.Certificate().Raw)
	doc := writeDoc(t, validatedAPI, oneStep)
	base := []string{"run", doc, "--server", "api=" + srv.URL}

	if r := runIn(t, "", base...); r.code != exitFailed || !strings.Contains(r.stdout, "certificate") {
		t.Errorf("no CA: want exit 1 with a certificate error\n%s", r)
	}
	if r := runIn(t, "", append(base, "--cacert", caFile)...); r.code != exitFailed {
		t.Errorf("CA but no client certificate: want exit 1\n%s", r)
	}
	r := runIn(t, "", append(base, "--cacert", caFile, "--cert", certFile, "--key", keyFile)...)
	if r.code != 0 || seen.Load() != "weft-ci" {
		t.Errorf("client certificate: want exit 0 and the server to see weft-ci\n%s", r)
	}
	if r := runIn(t, "", append(base, "--cert", certFile)...); r.code != exitUsage || !strings.Contains(r.stderr, "--cert and --key go together") {
		t.Errorf("--cert alone: want exit 2\n%s", r)
	}
	if r := runIn(t, "", append(base, "--cert", certFile, "--key", certFile)...); r.code != exitUsage || strings.Contains(r.stderr, "BEGIN") {
		t.Errorf("bad key: want exit 2 without file content\n%s", r)
	}
	if r := runIn(t, "", append(base, "--cacert", keyFile+".none")...); r.code != exitUsage {
		t.Errorf("missing --cacert file: want exit 2\n%s", r)
	}
}

func TestRunInputEnv(t *testing.T) {
	sh, srv := newShelter(t)
	t.Setenv("PETIN_name", "Rex")
	t.Setenv("PETIN_age", "3")
	r := runIn(t, `{"name": "File", "age": 1, "tags": ["a"]}`, "run", petsDoc, "--server", "shelter="+srv.URL,
		"--inputs", "-", "--input-env", "PETIN_", "--input", "age=4")
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	sh.mu.Lock()
	got := sh.created[0]
	sh.mu.Unlock()
	// --inputs < --input-env < --input.
	if got["name"] != "Rex" || got["age"] != 4.0 || len(got["tags"].([]any)) != 1 {
		t.Errorf("server received %v", got)
	}
	t.Setenv("PETIN_age", "old")
	if r := runIn(t, "", "run", petsDoc, "--input-env", "PETIN_"); r.code != exitUsage || !strings.Contains(r.stderr, "PETIN_age") || strings.Contains(r.stderr, "old") {
		t.Errorf("bad value: want exit 2 naming the variable, not its value\n%s", r)
	}
	t.Setenv("PETIN_age", "3")
	t.Setenv("PETIN_nmae", "x")
	if r := runIn(t, "", "run", petsDoc, "--input-env", "PETIN_"); r.code != exitUsage || !strings.Contains(r.stderr, "--input-env PETIN_nmae") || !strings.Contains(r.stderr, "did you mean name?") {
		t.Errorf("unknown name: want exit 2 with a suggestion\n%s", r)
	}
}

// TestHelp pins issue 11 item 4: weft help run printed the overview.
func TestHelp(t *testing.T) {
	r := weft(t, "", "help")
	for _, c := range []string{"validate", "list", "env", "run", "test", "version", "help"} {
		if r.code != 0 || !strings.Contains(r.stdout, "weft "+c) {
			t.Errorf("weft help should list %s\n%s", c, r)
		}
	}
	flags := map[string][]string{
		"run":      {"-only-servers", "-validate-responses", "-max-steps", "-request-timeout", "-base-url", "-offline", "-cert", "-key", "-cacert", "-input-env", "-inputs", "-server-var", "-json"},
		"validate": {"-offline", "-base-url", "-allow-host"},
		"list":     {"-offline", "-base-url"},
		"env":      {"-offline", "-base-url"},
		"test":     {"-junit", "-run"},
		"version":  {"no flags"},
	}
	for cmd, want := range flags {
		h := weft(t, "", "help", cmd)
		if h.code != 0 || !strings.HasPrefix(h.stdout, "Usage: weft "+cmd) {
			t.Errorf("weft help %s: want exit 0 and its usage on stdout\n%s", cmd, h)
		}
		for _, w := range want {
			if !strings.Contains(h.stdout, w) {
				t.Errorf("weft help %s lacks %s\n%s", cmd, w, h)
			}
		}
		for _, flag := range []string{"-h", "--help"} {
			f := weft(t, "", cmd, flag)
			if f.code != 0 || !strings.Contains(f.stdout+f.stderr, "Usage: weft "+cmd) || !strings.Contains(f.stdout+f.stderr, want[0]) {
				t.Errorf("weft %s %s: want exit 0 and the flags\n%s", cmd, flag, f)
			}
		}
	}
	if r := weft(t, "", "help", "nosuch"); r.code != exitUsage || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("help nosuch: want exit 2\n%s", r)
	}
}

// TestRunOnlyServersTokenRequest: --only-servers refuses an OAuth2 token
// request to a host not named, until --allow-origin names it.
func TestRunOnlyServersTokenRequest(t *testing.T) {
	var tokens atomic.Int32
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"tok","token_type":"Bearer","expires_in":60}`))
	}))
	defer tokenSrv.Close()
	api := newCounting(t)
	doc := writeDoc(t, `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: https://o.example.invalid}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: `+tokenSrv.URL+`/token
          scopes: {}
security: [{cc: []}]
paths:
  /thing:
    get:
      operationId: getThing
      responses: {"200": {description: ok}}
`, oneStep)
	t.Setenv("WEFT_API_CC_CLIENT_ID", "id")
	t.Setenv("WEFT_API_CC_CLIENT_SECRET", "client-s3cret")
	base := []string{"run", doc, "--server", "api=" + api.srv.URL, "--only-servers"}
	r := runIn(t, "", base...)
	if r.code != exitFailed || tokens.Load() != 0 || api.hits.Load() != 0 ||
		!strings.Contains(r.stdout, "request to "+tokenSrv.URL+" refused: --only-servers") {
		t.Errorf("token request: want exit 1, refused before sending\n%s", r)
	}
	if r := runIn(t, "", append(base, "--allow-origin", tokenSrv.URL+"/token")...); r.code != 0 || tokens.Load() != 1 || api.withAuth.Load() != 1 {
		t.Errorf("--allow-origin the token endpoint: want exit 0\n%s", r)
	}
	if r := runIn(t, "", "run", doc, "--allow-origin", tokenSrv.URL); r.code != exitUsage {
		t.Errorf("--allow-origin without --only-servers: want exit 2\n%s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "client-s3cret") {
		t.Error("secret leaked")
	}
}
