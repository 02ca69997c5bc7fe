package hookdeckfake

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

const testKey = "test-key-7f3a9c"

var specDir = filepath.Join("..", "..", "testdata", "hookdeck", "openapi")

// startFake runs a fake on loopback for the test.
func startFake(t *testing.T, opts ...Option) *Running {
	t.Helper()
	opts = append([]Option{WithAPIKeys(testKey), WithSpecDir(specDir)}, opts...)
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	r := s.Start()
	t.Cleanup(r.Close)
	return r
}

type reply struct {
	status int
	raw    string
	obj    map[string]any
}

// call sends one request with the bearer key unless auth is given.
func call(t *testing.T, f *Running, method, path string, body any, auth ...string) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.APIURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(auth) > 0 {
		if auth[0] != "" {
			req.Header.Set("Authorization", auth[0])
		}
	} else {
		req.Header.Set("Authorization", "Bearer "+testKey)
	}
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := reply{status: resp.StatusCode, raw: string(raw)}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: content type %q", method, path, ct)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
	}
	out.obj, _ = v.(map[string]any)
	return out
}

func mustStatus(t *testing.T, r reply, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
}

// checkError asserts Hookdeck's error shape.
func checkError(t *testing.T, r reply, status int) {
	t.Helper()
	mustStatus(t, r, status)
	if r.obj["handled"] != true || r.obj["status"] != float64(status) {
		t.Fatalf("error body %s lacks handled/status", r.raw)
	}
	if msg, _ := r.obj["message"].(string); msg == "" {
		t.Fatalf("error body %s lacks a message", r.raw)
	}
	if code, _ := r.obj["code"].(string); code == "" {
		t.Fatalf("error body %s lacks a code", r.raw)
	}
}

func TestSpecsLoadWithKinOpenAPI(t *testing.T) {
	want := map[string][]string{
		"hookdeck-sources-api-openapi.yml": {
			"GET /sources getSources", "POST /sources createSource", "PUT /sources upsertSource",
			"GET /sources/{id} getSource", "PUT /sources/{id} updateSource", "DELETE /sources/{id} deleteSource",
			"PUT /sources/{id}/disable disableSource", "PUT /sources/{id}/enable enableSource",
		},
		"hookdeck-integrations-api-openapi.yml": {
			"POST /integrations createIntegration", "GET /integrations/{id} getIntegration",
			"PUT /integrations/{id}/attach/{source_id} attachIntegrationToSource",
			"PUT /integrations/{id}/detach/{source_id} detachIntegrationToSource",
		},
		"hookdeck-connections-api-openapi.yml": {
			"POST /connections createConnection", "PUT /connections upsertConnection",
			"GET /connections/{id} getConnection", "PUT /connections/{id}/pause pauseConnection",
			"PUT /connections/{id}/unpause unpauseConnection",
		},
		"hookdeck-destinations-api-openapi.yml": {"POST /destinations createDestination", "GET /destinations/{id} getDestination"},
		"hookdeck-transformations-api-openapi.yml": {
			"POST /transformations createTransformation", "GET /transformations/{id} getTransformation",
			"PUT /transformations/{id} updateTransformation", "PUT /transformations/run testTransformation",
		},
	}
	for _, name := range SpecFiles {
		doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(specDir, name))
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("%s: validate: %v", name, err)
		}
		if len(doc.Servers) == 0 || doc.Servers[0].URL != "https://api.hookdeck.com/2025-07-01" {
			t.Errorf("%s: server %v", name, doc.Servers)
		}
		if doc.Components == nil || doc.Components.SecuritySchemes["bearerAuth"] == nil || doc.Components.SecuritySchemes["basicAuth"] == nil {
			t.Fatalf("%s: bearerAuth and basicAuth schemes missing", name)
		}
		if b := doc.Components.SecuritySchemes["bearerAuth"].Value; b.Type != "http" || b.Scheme != "bearer" {
			t.Errorf("%s: bearerAuth is %s/%s", name, b.Type, b.Scheme)
		}
		if b := doc.Components.SecuritySchemes["basicAuth"].Value; b.Type != "http" || b.Scheme != "basic" {
			t.Errorf("%s: basicAuth is %s/%s", name, b.Type, b.Scheme)
		}
		if len(doc.Security) != 2 {
			t.Errorf("%s: global security should offer bearer or basic, got %v", name, doc.Security)
		}
		for _, w := range want[name] {
			parts := strings.Fields(w)
			item := doc.Paths.Value(parts[1])
			if item == nil || item.GetOperation(parts[0]) == nil {
				t.Errorf("%s: no %s %s", name, parts[0], parts[1])
				continue
			}
			if got := item.GetOperation(parts[0]).OperationID; got != parts[2] {
				t.Errorf("%s: %s %s has operationId %q, want %q", name, parts[0], parts[1], got, parts[2])
			}
		}
	}
}

func TestReferenceWorkflowCopiedUnchanged(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "hookdeck", "arazzo", "hookdeck-attach-integration-to-source-workflow.yml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	// When the shared corpus is present, the copy must be byte for byte equal.
	corpus := filepath.Join("..", "..", "..", "shared", "corpus", "hookdeck", "arazzo", filepath.Base(path))
	if orig, err := os.ReadFile(corpus); err == nil && !bytes.Equal(orig, data) {
		t.Errorf("%s differs from %s", path, corpus)
	}
	for _, s := range []string{"operationId: createSource", "operationId: createIntegration", "operationId: attachIntegrationToSource", "operationId: getSource"} {
		if !strings.Contains(doc, s) {
			t.Errorf("reference workflow lacks %q", s)
		}
	}
}

func TestNewFailsWithoutSpecs(t *testing.T) {
	if _, err := New(WithSpecDir(t.TempDir())); err == nil {
		t.Fatal("New succeeded with an empty spec directory")
	}
	if _, err := New(WithAPIKeys(""), WithSpecDir(specDir)); err == nil {
		t.Fatal("New succeeded with no usable key")
	}
}

func TestAuthentication(t *testing.T) {
	f := startFake(t)
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	for name, h := range map[string]string{
		"none":             "",
		"wrong bearer":     "Bearer nope",
		"empty bearer":     "Bearer ",
		"basic with pass":  basic(testKey, "x"),
		"basic wrong user": basic("nope", ""),
		"basic garbage":    "Basic !!!",
		"other scheme":     "Token " + testKey,
	} {
		r := call(t, f, "GET", "/sources", nil, h)
		checkError(t, r, http.StatusUnauthorized)
		if strings.Contains(r.raw, testKey) || (h != "" && strings.Contains(r.raw, h)) {
			t.Errorf("%s: 401 body echoes the credentials: %s", name, r.raw)
		}
	}
	mustStatus(t, call(t, f, "GET", "/sources", nil, "Bearer "+testKey), http.StatusOK)
	mustStatus(t, call(t, f, "GET", "/sources", nil, basic(testKey, "")), http.StatusOK)

	// Unauthenticated writes change nothing.
	call(t, f, "POST", "/sources", map[string]any{"name": "sneaky"}, "")
	if r := call(t, f, "GET", "/sources/count", nil); r.obj["count"] != float64(0) {
		t.Fatalf("count after rejected create: %s", r.raw)
	}
}

func TestValidationErrors(t *testing.T) {
	f := startFake(t)
	for name, body := range map[string]any{
		"missing name":  map[string]any{"type": "WEBHOOK"},
		"bad type":      map[string]any{"name": "a", "type": "CARRIER_PIGEON"},
		"bad name":      map[string]any{"name": "has spaces"},
		"unknown field": map[string]any{"name": "a", "colour": "red"},
		"name too long": map[string]any{"name": strings.Repeat("x", 156)},
	} {
		r := call(t, f, "POST", "/sources", body)
		checkError(t, r, http.StatusUnprocessableEntity)
		data, _ := r.obj["data"].([]any)
		if len(data) == 0 {
			t.Errorf("%s: 422 without data: %s", name, r.raw)
		}
		if len(r.obj["message"].(string)) > 200 {
			t.Errorf("%s: message too long: %s", name, r.obj["message"])
		}
		if name == "missing name" && !strings.Contains(r.obj["message"].(string), "name") {
			t.Errorf("%s: message does not name the field: %s", name, r.raw)
		}
	}
	checkError(t, call(t, f, "POST", "/sources", "{not json"), http.StatusBadRequest)
	checkError(t, call(t, f, "POST", "/sources", nil), http.StatusUnprocessableEntity)
	checkError(t, call(t, f, "GET", "/sources?limit=9999", nil), http.StatusUnprocessableEntity)

	// Values sent in an invalid body are not echoed back.
	secret := "whsec_do_not_echo_123"
	r := call(t, f, "POST", "/integrations", map[string]any{
		"label": "x", "provider": "NOT_A_PROVIDER", "configs": map[string]any{"webhook_secret_key": secret},
	})
	checkError(t, r, http.StatusUnprocessableEntity)
	if strings.Contains(r.raw, secret) || strings.Contains(r.raw, "NOT_A_PROVIDER") {
		t.Fatalf("422 body echoes request values: %s", r.raw)
	}
	// The inline destination of a connection is checked too.
	r = call(t, f, "POST", "/connections", map[string]any{
		"name": "c", "source": map[string]any{"name": "s"}, "destination": map[string]any{"name": "d", "config": map[string]any{"url": 5}},
	})
	checkError(t, r, http.StatusUnprocessableEntity)
}

func TestNotFound(t *testing.T) {
	f := startFake(t)
	for _, p := range []string{
		"/sources/src_missing", "/integrations/int_missing", "/connections/web_missing",
		"/destinations/des_missing", "/transformations/trs_missing",
	} {
		r := call(t, f, "GET", p, nil)
		checkError(t, r, http.StatusNotFound)
		if !strings.Contains(r.obj["message"].(string), "missing") {
			t.Errorf("%s: message does not name the id: %s", p, r.raw)
		}
	}
	checkError(t, call(t, f, "PUT", "/sources/src_missing/disable", nil), http.StatusNotFound)
	checkError(t, call(t, f, "DELETE", "/sources/src_missing", nil), http.StatusNotFound)
	checkError(t, call(t, f, "GET", "/no/such/path", nil), http.StatusNotFound)
	checkError(t, call(t, f, "DELETE", "/sources", nil), http.StatusMethodNotAllowed)

	// Without the version prefix nothing is served.
	req, _ := http.NewRequest("GET", f.URL+"/sources", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unprefixed path answered %d", resp.StatusCode)
	}

	src := call(t, f, "POST", "/sources", map[string]any{"name": "s1"}).obj
	it := call(t, f, "POST", "/integrations", map[string]any{"label": "l", "provider": "HMAC"}).obj
	checkError(t, call(t, f, "PUT", "/integrations/int_missing/attach/"+src["id"].(string), nil), http.StatusNotFound)
	checkError(t, call(t, f, "PUT", "/integrations/"+it["id"].(string)+"/attach/src_missing", nil), http.StatusNotFound)
}

var (
	idShape = map[string]*regexp.Regexp{
		"src": regexp.MustCompile(`^src_[A-Za-z0-9]{16}$`),
		"int": regexp.MustCompile(`^int_[A-Za-z0-9]{16}$`),
		"web": regexp.MustCompile(`^web_[A-Za-z0-9]{16}$`),
		"des": regexp.MustCompile(`^des_[A-Za-z0-9]{16}$`),
		"trs": regexp.MustCompile(`^trs_[A-Za-z0-9]{16}$`),
		"tm":  regexp.MustCompile(`^tm_[A-Za-z0-9]{16}$`),
	}
)

func checkResource(t *testing.T, obj map[string]any, prefix string) string {
	t.Helper()
	id, _ := obj["id"].(string)
	if !idShape[prefix].MatchString(id) {
		t.Fatalf("id %q is not shaped like %s_...", id, prefix)
	}
	if tm, _ := obj["team_id"].(string); !idShape["tm"].MatchString(tm) {
		t.Fatalf("team_id %q", obj["team_id"])
	}
	for _, k := range []string{"created_at", "updated_at"} {
		s, _ := obj[k].(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Fatalf("%s %q is not RFC 3339", k, s)
		}
	}
	return id
}

func TestAttachFlowByHand(t *testing.T) {
	f := startFake(t)
	src := call(t, f, "POST", "/sources", map[string]any{"name": "stripe-in", "type": "WEBHOOK"})
	mustStatus(t, src, http.StatusOK)
	srcID := checkResource(t, src.obj, "src")
	if src.obj["authenticated"] != false || src.obj["disabled_at"] != nil {
		t.Fatalf("new source: %s", src.raw)
	}
	if u, _ := src.obj["url"].(string); !strings.HasPrefix(u, "https://hkdk.events/") {
		t.Fatalf("source url %q", u)
	}

	secret := "whsec_abc"
	it := call(t, f, "POST", "/integrations", map[string]any{
		"label": "Stripe prod", "provider": "STRIPE", "configs": map[string]any{"webhook_secret_key": secret},
	})
	mustStatus(t, it, http.StatusOK)
	intID := checkResource(t, it.obj, "int")
	if s, _ := it.obj["sources"].([]any); s == nil || len(s) != 0 {
		t.Fatalf("new integration sources: %s", it.raw)
	}

	att := call(t, f, "PUT", "/integrations/"+intID+"/attach/"+srcID, nil)
	mustStatus(t, att, http.StatusOK)
	if att.raw != `{"success":true}` {
		t.Fatalf("attach answered %s", att.raw)
	}

	got := call(t, f, "GET", "/sources/"+srcID, nil)
	mustStatus(t, got, http.StatusOK)
	cfg, _ := got.obj["config"].(map[string]any)
	if got.obj["id"] != srcID || got.obj["authenticated"] != true || cfg["auth_type"] != "STRIPE" {
		t.Fatalf("source after attach: %s", got.raw)
	}
	if strings.Contains(got.raw, secret) {
		t.Fatalf("source shows auth without include=config.auth: %s", got.raw)
	}
	withAuth := call(t, f, "GET", "/sources/"+srcID+"?include=config.auth", nil)
	if auth, _ := withAuth.obj["config"].(map[string]any)["auth"].(map[string]any); auth["webhook_secret_key"] != secret {
		t.Fatalf("include=config.auth: %s", withAuth.raw)
	}
	itAfter := call(t, f, "GET", "/integrations/"+intID, nil)
	if s, _ := itAfter.obj["sources"].([]any); len(s) != 1 || s[0] != srcID {
		t.Fatalf("integration after attach: %s", itAfter.raw)
	}

	// Attaching twice keeps one entry; detaching undoes it.
	call(t, f, "PUT", "/integrations/"+intID+"/attach/"+srcID, nil)
	if s, _ := call(t, f, "GET", "/integrations/"+intID, nil).obj["sources"].([]any); len(s) != 1 {
		t.Fatalf("second attach duplicated the source: %v", s)
	}
	det := call(t, f, "PUT", "/integrations/"+intID+"/detach/"+srcID, nil)
	if det.status != http.StatusOK || det.raw != `{}` {
		t.Fatalf("detach: %d %s", det.status, det.raw)
	}
	if got := call(t, f, "GET", "/sources/"+srcID, nil); got.obj["authenticated"] != false {
		t.Fatalf("source after detach: %s", got.raw)
	}

	var ops []string
	for _, c := range f.Calls() {
		ops = append(ops, c.OperationID)
	}
	if want := "createSource createIntegration attachIntegrationToSource getSource"; !strings.HasPrefix(strings.Join(ops, " "), want) {
		t.Fatalf("calls %v", ops)
	}
}

func TestSourceLifecycleAndNames(t *testing.T) {
	f := startFake(t)
	a := call(t, f, "POST", "/sources", map[string]any{"name": "dup"})
	mustStatus(t, a, http.StatusOK)
	checkError(t, call(t, f, "POST", "/sources", map[string]any{"name": "dup"}), http.StatusUnprocessableEntity)
	id := a.obj["id"].(string)

	up := call(t, f, "PUT", "/sources", map[string]any{"name": "dup", "description": "changed"})
	if up.obj["id"] != id || up.obj["description"] != "changed" {
		t.Fatalf("upsert by name: %s", up.raw)
	}
	upd := call(t, f, "PUT", "/sources/"+id, map[string]any{"name": "renamed"})
	if upd.obj["name"] != "renamed" {
		t.Fatalf("update: %s", upd.raw)
	}
	if r := call(t, f, "GET", "/sources?name=renamed", nil); r.obj["count"] != float64(1) {
		t.Fatalf("list by name: %s", r.raw)
	}

	dis := call(t, f, "PUT", "/sources/"+id+"/disable", nil)
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(dis.obj["disabled_at"])); err != nil {
		t.Fatalf("disable: %s", dis.raw)
	}
	if r := call(t, f, "GET", "/sources", nil); r.obj["count"] != float64(0) {
		t.Fatalf("disabled source listed by default: %s", r.raw)
	}
	if r := call(t, f, "GET", "/sources?disabled=true", nil); r.obj["count"] != float64(1) {
		t.Fatalf("disabled=true: %s", r.raw)
	}
	if en := call(t, f, "PUT", "/sources/"+id+"/enable", nil); en.obj["disabled_at"] != nil {
		t.Fatalf("enable: %s", en.raw)
	}
	del := call(t, f, "DELETE", "/sources/"+id, nil)
	if del.status != http.StatusOK || del.raw != fmt.Sprintf(`{"id":%q}`, id) {
		t.Fatalf("delete: %s", del.raw)
	}
	checkError(t, call(t, f, "GET", "/sources/"+id, nil), http.StatusNotFound)
}

func TestConnections(t *testing.T) {
	f := startFake(t)
	src := call(t, f, "POST", "/sources", map[string]any{"name": "in"}).obj
	dst := call(t, f, "POST", "/destinations", map[string]any{"name": "out", "type": "HTTP", "config": map[string]any{"url": "https://example.com/hook"}})
	mustStatus(t, dst, http.StatusOK)
	dstID := checkResource(t, dst.obj, "des")
	checkError(t, call(t, f, "POST", "/destinations", map[string]any{"name": "nourl", "type": "HTTP"}), http.StatusUnprocessableEntity)

	c := call(t, f, "POST", "/connections", map[string]any{"name": "route", "source_id": src["id"], "destination_id": dstID})
	mustStatus(t, c, http.StatusOK)
	cID := checkResource(t, c.obj, "web")
	if c.obj["source"].(map[string]any)["id"] != src["id"] || c.obj["destination"].(map[string]any)["id"] != dstID {
		t.Fatalf("connection endpoints: %s", c.raw)
	}
	if _, ok := c.obj["source_id"]; ok {
		t.Fatalf("source_id present without WithConnectionIDFields: %s", c.raw)
	}
	checkError(t, call(t, f, "POST", "/connections", map[string]any{"name": "route", "source_id": src["id"], "destination_id": dstID}), http.StatusUnprocessableEntity)
	checkError(t, call(t, f, "POST", "/connections", map[string]any{"name": "x", "source_id": "src_nope", "destination_id": dstID}), http.StatusUnprocessableEntity)
	checkError(t, call(t, f, "POST", "/connections", map[string]any{"name": "x", "source_id": src["id"]}), http.StatusUnprocessableEntity)

	// Upsert by name is idempotent.
	u1 := call(t, f, "PUT", "/connections", map[string]any{"name": "route", "source_id": src["id"], "destination_id": dstID, "description": "d"})
	if u1.obj["id"] != cID || u1.obj["description"] != "d" {
		t.Fatalf("upsert existing: %s", u1.raw)
	}

	p := call(t, f, "PUT", "/connections/"+cID+"/pause", nil)
	if p.obj["paused_at"] == nil {
		t.Fatalf("pause: %s", p.raw)
	}
	if up := call(t, f, "PUT", "/connections/"+cID+"/unpause", nil); up.obj["paused_at"] != nil || up.obj["id"] != cID {
		t.Fatalf("unpause: %s", up.raw)
	}

	// Inline source and destination are created in the same call.
	in := call(t, f, "POST", "/connections", map[string]any{
		"name":        "inline",
		"source":      map[string]any{"name": "inline-src", "type": "WEBHOOK"},
		"destination": map[string]any{"name": "inline-dst", "type": "HTTP", "config": map[string]any{"url": "https://example.com/x"}},
	})
	mustStatus(t, in, http.StatusOK)
	inSrc := in.obj["source"].(map[string]any)
	checkResource(t, inSrc, "src")
	mustStatus(t, call(t, f, "GET", "/sources/"+inSrc["id"].(string), nil), http.StatusOK)

	// Disabling the source disables its connections; deleting it removes them.
	call(t, f, "PUT", "/sources/"+src["id"].(string)+"/disable", nil)
	if g := call(t, f, "GET", "/connections/"+cID, nil); g.obj["disabled_at"] == nil {
		t.Fatalf("connection after source disabled: %s", g.raw)
	}
	call(t, f, "DELETE", "/sources/"+src["id"].(string), nil)
	checkError(t, call(t, f, "GET", "/connections/"+cID, nil), http.StatusNotFound)
}

func TestConnectionIDFieldsOption(t *testing.T) {
	f := startFake(t, WithConnectionIDFields())
	c := call(t, f, "POST", "/connections", map[string]any{
		"name": "c", "source": map[string]any{"name": "s"},
		"destination": map[string]any{"name": "d", "config": map[string]any{"url": "http://localhost:9/x"}},
	})
	mustStatus(t, c, http.StatusOK)
	if c.obj["source_id"] != c.obj["source"].(map[string]any)["id"] || c.obj["destination_id"] != c.obj["destination"].(map[string]any)["id"] {
		t.Fatalf("id fields: %s", c.raw)
	}
}

func TestTransformations(t *testing.T) {
	f := startFake(t)
	code := `addHandler("transform", (request, context) => request);`
	tr := call(t, f, "POST", "/transformations", map[string]any{"name": "noop", "code": code})
	mustStatus(t, tr, http.StatusOK)
	id := checkResource(t, tr.obj, "trs")
	checkError(t, call(t, f, "POST", "/transformations", map[string]any{"name": "noop", "code": code}), http.StatusUnprocessableEntity)
	checkError(t, call(t, f, "POST", "/transformations", map[string]any{"name": "nocode"}), http.StatusUnprocessableEntity)

	sample := map[string]any{"headers": map[string]any{"content-type": "application/json"}, "body": map[string]any{"a": 1}}
	run := call(t, f, "PUT", "/transformations/run", map[string]any{"transformation_id": id, "request": sample})
	mustStatus(t, run, http.StatusOK)
	if run.obj["log_level"] != "info" || run.obj["transformation_id"] != id {
		t.Fatalf("run: %s", run.raw)
	}
	if body := run.obj["request"].(map[string]any)["body"].(map[string]any); body["a"] != float64(1) {
		t.Fatalf("run did not echo the sample: %s", run.raw)
	}
	bad := call(t, f, "PUT", "/transformations/run", map[string]any{"code": "throw new Error('x')", "request": sample})
	if bad.obj["log_level"] != "error" {
		t.Fatalf("run of bad code: %s", bad.raw)
	}
	checkError(t, call(t, f, "PUT", "/transformations/run", map[string]any{"request": sample}), http.StatusUnprocessableEntity)
	checkError(t, call(t, f, "PUT", "/transformations/run", map[string]any{"code": code, "request": map[string]any{}}), http.StatusUnprocessableEntity)

	f.ForceRunLogLevel("error")
	if r := call(t, f, "PUT", "/transformations/run", map[string]any{"code": code, "request": sample}); r.obj["log_level"] != "error" {
		t.Fatalf("forced level: %s", r.raw)
	}
	f.ForceRunLogLevel("")

	time.Sleep(2 * time.Millisecond)
	up := call(t, f, "PUT", "/transformations/"+id, map[string]any{"code": "addHandler(\"transform\", r => r) // v2"})
	if up.obj["code"] != "addHandler(\"transform\", r => r) // v2" || up.obj["updated_at"] == tr.obj["updated_at"] {
		t.Fatalf("update: %s", up.raw)
	}
	if g := call(t, f, "GET", "/transformations/"+id, nil); g.obj["code"] != up.obj["code"] {
		t.Fatalf("read after update: %s", g.raw)
	}
}

func TestInjectedFailures(t *testing.T) {
	f := startFake(t)
	src := call(t, f, "POST", "/sources", map[string]any{"name": "s"}).obj
	id := src["id"].(string)

	f.FailNext("getSource", 2, http.StatusServiceUnavailable)
	checkError(t, call(t, f, "GET", "/sources/"+id, nil), http.StatusServiceUnavailable)
	checkError(t, call(t, f, "GET", "/sources/"+id, nil), http.StatusServiceUnavailable)
	mustStatus(t, call(t, f, "GET", "/sources/"+id, nil), http.StatusOK)

	it := call(t, f, "POST", "/integrations", map[string]any{"label": "l", "provider": "HMAC"}).obj
	f.SetAttachResult(false)
	att := call(t, f, "PUT", "/integrations/"+it["id"].(string)+"/attach/"+id, nil)
	if att.status != http.StatusOK || att.raw != `{"success":false}` {
		t.Fatalf("attach with failure set: %d %s", att.status, att.raw)
	}
	if g := call(t, f, "GET", "/sources/"+id, nil); g.obj["authenticated"] != false {
		t.Fatalf("failed attach changed the source: %s", g.raw)
	}
	f.SetAttachResult(true)
	if att := call(t, f, "PUT", "/integrations/"+it["id"].(string)+"/attach/"+id, nil); att.raw != `{"success":true}` {
		t.Fatalf("attach after reset: %s", att.raw)
	}

	f.Reset()
	checkError(t, call(t, f, "GET", "/sources/"+id, nil), http.StatusNotFound)
}

func TestConcurrentCreates(t *testing.T) {
	f := startFake(t)
	var wg sync.WaitGroup
	errs := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("s%d", i)})
			req, _ := http.NewRequest("POST", f.APIURL+"/sources", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := f.Client().Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Sprint("status ", resp.StatusCode)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if r := call(t, f, "GET", "/sources/count", nil); r.obj["count"] != float64(20) {
		t.Fatalf("count: %s", r.raw)
	}
}
