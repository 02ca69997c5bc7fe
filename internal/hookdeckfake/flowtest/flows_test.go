package flowtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
)

const key = "flow-test-key"

var (
	repoRoot  = filepath.Join("..", "..", "..")
	specDir   = filepath.Join(repoRoot, "testdata", "hookdeck", "openapi")
	corpusDir = filepath.Join(repoRoot, "..", "shared", "corpus", "hookdeck", "arazzo")
)

// bearer hands the fake's key to every bearerAuth scheme.
var bearer = openapi.CredentialsFunc(func(_ context.Context, _ string, sc *openapi.SecurityScheme) (openapi.Credential, bool, error) {
	if sc.Name == "bearerAuth" {
		return openapi.Credential{Token: key}, true, nil
	}
	return openapi.Credential{}, false, nil
})

// place copies a workflow next to our OpenAPI descriptions in a temporary
// tree (arazzo/ and openapi/ siblings), so its relative source URLs resolve
// to our descriptions, not the public ones.
func place(t *testing.T, workflow string) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"arazzo", "openapi"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range hookdeckfake.SpecFiles {
		copyFile(t, filepath.Join(specDir, name), filepath.Join(dir, "openapi", name))
	}
	dst := filepath.Join(dir, "arazzo", filepath.Base(workflow))
	copyFile(t, workflow, dst)
	return dst
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Skipf("%v", err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// api calls the fake directly, to set up what a workflow expects to exist.
func api(t *testing.T, f *hookdeckfake.Running, method, path string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, f.APIURL+path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setup %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

func run(t *testing.T, path, workflowID string, f *hookdeckfake.Running, inputs map[string]any) *runtime.Result {
	t.Helper()
	ctx := context.Background()
	// arazzo/ beside openapi/: the local tree is the directory above.
	doc, err := arazzo.Load(ctx, path, arazzo.WithPolicy(arazzo.Policy{LocalRoot: filepath.Dir(filepath.Dir(path))}))
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	var opts []runtime.Option
	for _, sd := range doc.SourceDescriptions {
		opts = append(opts, runtime.WithServer(sd.Name, f.APIURL))
	}
	opts = append(opts, runtime.WithCredentials(bearer), runtime.WithHTTPClient(f.Client()))
	r, err := runtime.New(doc, opts...)
	if err != nil {
		t.Fatalf("runtime.New: %v", err)
	}
	res, err := r.Run(ctx, workflowID, inputs)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, s := range res.Steps {
		t.Logf("%s %s %s -> %d %s %s %v", s.StepID, s.Method, s.URL, s.StatusCode, s.Status, s.Action, s.FailedCriteria)
	}
	t.Logf("status %s outputs %v error %q warnings %v", res.Status, res.Outputs, res.Error, res.Warnings)
	return res
}

func start(t *testing.T, opts ...hookdeckfake.Option) *hookdeckfake.Running {
	t.Helper()
	s, err := hookdeckfake.New(append([]hookdeckfake.Option{hookdeckfake.WithAPIKeys(key), hookdeckfake.WithSpecDir(specDir)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	f := s.Start()
	t.Cleanup(f.Close)
	return f
}

func corpus(name string) string {
	return filepath.Join(corpusDir, "hookdeck-"+name+"-workflow.yml")
}

func TestAttachReferenceWorkflow(t *testing.T) {
	f := start(t)
	path := filepath.Join(repoRoot, "testdata", "hookdeck", "arazzo", "hookdeck-attach-integration-to-source-workflow.yml")
	res := run(t, path, "attach-integration-to-source", f, map[string]any{
		"sourceName": "stripe-in", "integrationLabel": "Stripe", "provider": "STRIPE",
	})
	if !res.Succeeded() || res.Outputs["attached"] != true {
		t.Fatalf("attach workflow: %s %v", res.Error, res.Outputs)
	}
	src := api(t, f, "GET", "/sources/"+res.Outputs["sourceId"].(string), nil)
	if src["authenticated"] != true {
		t.Fatalf("source not authenticated after the workflow: %v", src)
	}

	f.SetAttachResult(false)
	res = run(t, path, "attach-integration-to-source", f, map[string]any{
		"sourceName": "stripe-in-2", "integrationLabel": "Stripe", "provider": "STRIPE",
	})
	if res.Succeeded() || res.FailedStep != "attachIntegration" {
		t.Fatalf("attach answering success=false should fail the workflow at attachIntegration: %+v", res)
	}
}

func TestCorpusWorkflows(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus absent")
	}
	code := `addHandler("transform", (request, context) => request);`
	sample := map[string]any{"hello": "world"}
	cases := []struct {
		name, id string
		opts     []hookdeckfake.Option
		inputs   func(t *testing.T, f *hookdeckfake.Running) map[string]any
		// nullOK names outputs that are rightly null.
		nullOK string
	}{
		{"decommission-source", "decommission-source", nil, func(t *testing.T, f *hookdeckfake.Running) map[string]any {
			return map[string]any{"sourceId": api(t, f, "POST", "/sources", map[string]any{"name": "old"})["id"]}
		}, ""},
		{"pause-resume-connection", "pause-resume-connection", nil, func(t *testing.T, f *hookdeckfake.Running) map[string]any {
			c := api(t, f, "POST", "/connections", map[string]any{"name": "c", "source": map[string]any{"name": "s"},
				"destination": map[string]any{"name": "d", "config": map[string]any{"url": "https://example.com/"}}})
			return map[string]any{"connectionId": c["id"]}
		}, "pausedAtAfterResume"},
		{"upsert-connection", "upsert-connection", []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, func(t *testing.T, f *hookdeckfake.Running) map[string]any {
			s := api(t, f, "POST", "/sources", map[string]any{"name": "s"})
			d := api(t, f, "POST", "/destinations", map[string]any{"name": "d", "config": map[string]any{"url": "https://example.com/"}})
			return map[string]any{"connectionName": "c", "sourceId": s["id"], "destinationId": d["id"]}
		}, ""},
		{"inline-connection", "inline-connection", []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, func(*testing.T, *hookdeckfake.Running) map[string]any {
			return map[string]any{"connectionName": "c", "sourceName": "s", "destinationName": "d", "destinationUrl": "https://example.com/"}
		}, ""},
		{"provision-connection", "provision-connection", []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, func(*testing.T, *hookdeckfake.Running) map[string]any {
			return map[string]any{"connectionName": "c", "sourceName": "s", "destinationName": "d", "destinationUrl": "https://example.com/"}
		}, ""},
		{"author-transformation", "author-transformation", nil, func(*testing.T, *hookdeckfake.Running) map[string]any {
			return map[string]any{"transformationName": "t", "code": code, "sampleBody": sample}
		}, ""},
		{"update-transformation", "update-transformation", nil, func(t *testing.T, f *hookdeckfake.Running) map[string]any {
			tr := api(t, f, "POST", "/transformations", map[string]any{"name": "t", "code": code})
			return map[string]any{"transformationId": tr["id"], "newCode": code + " // v2", "sampleBody": sample}
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := start(t, c.opts...)
			res := run(t, place(t, corpus(c.name)), c.id, f, c.inputs(t, f))
			if !res.Succeeded() {
				t.Fatalf("%s failed: %s", c.name, res.Error)
			}
			for k, v := range res.Outputs {
				if v == nil && k != c.nullOK {
					t.Errorf("output %s is null", k)
				}
			}
		})
	}
}

// The published API returns a connection's source and destination as
// embedded objects only. Workflows that read source_id/destination_id from a
// connection still succeed (their criteria check the status alone) but
// those outputs are null.
func TestConnectionWorkflowsReadFieldsTheAPIDoesNotReturn(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus absent")
	}
	f := start(t)
	res := run(t, place(t, corpus("inline-connection")), "inline-connection", f, map[string]any{
		"connectionName": "c", "sourceName": "s", "destinationName": "d", "destinationUrl": "https://example.com/",
	})
	if !res.Succeeded() {
		t.Fatalf("inline-connection failed: %s", res.Error)
	}
	if res.Outputs["connectionId"] == nil || res.Outputs["sourceId"] != nil || res.Outputs["destinationId"] != nil {
		t.Fatalf("outputs %v: want connectionId set, sourceId and destinationId null", res.Outputs)
	}
}

// A failing transformation test takes the document's "testFailed" action,
// an end inside onSuccess: the run stops before readTransformation and
// still counts as succeeded.
func TestAuthorTransformationErrorBranch(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skip("shared corpus absent")
	}
	f := start(t)
	f.ForceRunLogLevel("error")
	res := run(t, place(t, corpus("author-transformation")), "author-transformation", f, map[string]any{
		"transformationName": "t", "code": "throw new Error('no')", "sampleBody": map[string]any{},
	})
	for _, s := range res.Steps {
		if s.StepID == "readTransformation" {
			t.Fatalf("readTransformation ran after an error log level")
		}
	}
	if res.Outputs["testLogLevel"] != "error" {
		t.Fatalf("outputs %v", res.Outputs)
	}
	if !res.Succeeded() {
		t.Fatalf("end from a success action should succeed (decision F3): %s", res.Error)
	}
}
