// Command hookdeck runs a Hookdeck Arazzo workflow with weft.
//
// With no flags it starts an in-process fake of the Hookdeck API on a
// loopback port and runs the attach-integration-to-source workflow from
// testdata/hookdeck/arazzo against it: no setup, no network. Each step is
// printed as it completes, then the workflow's outputs. The exit status is 0
// when the workflow succeeded and 1 when it failed.
//
//	go run ./examples/hookdeck
//	go run ./examples/hookdeck -source-name shop -label "Shop HMAC" -provider HMAC
//	HOOKDECK_API_KEY=... go run ./examples/hookdeck -live
//	go run ./examples/hookdeck -serve :8080
//
// -serve ADDR runs no workflow: it serves the fake on ADDR (a missing host
// means 127.0.0.1; give 0.0.0.0:8080 to listen on every interface), prints
// its URL, the API key it accepts, and the environment variables and
// `weft run` command line that run the reference workflow against it, and
// serves until interrupted (SIGINT or SIGTERM), then shuts down cleanly and
// exits 0. The README's command-line example runs against it.
//
// -workflow runs another Hookdeck workflow against the fake. Those documents
// belong to the public Hookdeck corpus and are not part of this repository;
// they are read from -corpus (default ../shared/corpus/hookdeck/arazzo next
// to the module root) and
// run against our OpenAPI descriptions, with whatever resources they expect
// created in the fake first.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
)

const referenceWorkflow = "attach-integration-to-source"

// referenceDoc is the document of referenceWorkflow, from the module root.
const referenceDoc = "testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"

func main() { os.Exit(runWithSignals(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }

// runWithSignals is run with a context that SIGINT and SIGTERM end (as
// does ctx), so that they stop -serve (and cancel a run) cleanly.
func runWithSignals(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout, stderr)
}

// run is the command; ctx ends -serve and cancels a run.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("hookdeck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sourceName := fl.String("source-name", fmt.Sprintf("weft-demo-%d", time.Now().Unix()), "name of the source to create")
	label := fl.String("label", "weft demo integration", "label of the integration to create")
	provider := fl.String("provider", "HMAC", "integration provider (HMAC, API_KEY, BASIC_AUTH, STRIPE, ...)")
	live := fl.Bool("live", false, "run against the real Hookdeck API with HOOKDECK_API_KEY")
	workflow := fl.String("workflow", referenceWorkflow, "workflow to run: "+strings.Join(workflowIDs(), ", "))
	corpusDir := fl.String("corpus", "", "directory of the Hookdeck corpus workflows, for -workflow (default <module root>/../shared/corpus/hookdeck/arazzo)")
	serveAddr := fl.String("serve", "", "serve the fake Hookdeck API on `ADDR` (\":8080\" is 127.0.0.1:8080) until interrupted, printing the weft run command to use, instead of running a workflow")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fl.Args())
		return 2
	}
	w, ok := workflows[*workflow]
	if !ok {
		fmt.Fprintf(stderr, "unknown workflow %q; choose one of: %s\n", *workflow, strings.Join(workflowIDs(), ", "))
		return 2
	}

	specDir, err := hookdeckfake.FindSpecDir()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(specDir))) // testdata/hookdeck/openapi -> module root
	if *corpusDir == "" {
		*corpusDir = filepath.Join(root, "..", "shared", "corpus", "hookdeck", "arazzo")
	}
	if *serveAddr != "" {
		if *live || *workflow != referenceWorkflow {
			fmt.Fprintln(stderr, "-serve serves the fake for the attach-integration-to-source workflow; it takes neither -live nor -workflow")
			return 2
		}
		return serve(ctx, *serveAddr, specDir, filepath.Join(root, filepath.FromSlash(referenceDoc)), stdout, stderr)
	}

	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	var (
		docPath string
		inputs  map[string]any
		creds   openapi.Credentials
		client  = http.DefaultClient
		servers = map[string]string{} // source name -> base URL override
	)
	if *workflow == referenceWorkflow {
		docPath = filepath.Join(root, filepath.FromSlash(referenceDoc))
		inputs = map[string]any{"sourceName": *sourceName, "integrationLabel": *label, "provider": *provider}
	}

	if *live {
		if *workflow != referenceWorkflow {
			fmt.Fprintln(stderr, "-live runs only the attach-integration-to-source workflow")
			return 2
		}
		key := os.Getenv("HOOKDECK_API_KEY")
		if key == "" {
			fmt.Fprintln(stderr, "-live needs a Hookdeck API key: set HOOKDECK_API_KEY to your project's key (Hookdeck dashboard, project settings, API keys)")
			return 2
		}
		creds = bearerFromEnv(key)
		fmt.Fprintln(stdout, "running against https://api.hookdeck.com")
	} else {
		fake, err := hookdeckfake.New(append([]hookdeckfake.Option{hookdeckfake.WithSpecDir(specDir)}, w.opts...)...)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		srv := fake.Start()
		defer srv.Close()
		client = srv.Client()
		creds = bearerFromEnv(hookdeckfake.DefaultAPIKey)
		fmt.Fprintf(stdout, "fake Hookdeck API listening on %s\n", srv.APIURL)
		if *workflow != referenceWorkflow {
			docPath, err = placeCorpusWorkflow(*corpusDir, specDir, w.file)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 2
			}
			defer os.RemoveAll(filepath.Dir(filepath.Dir(docPath)))
			inputs, err = w.setup(&fakeAPI{url: srv.APIURL, client: client, key: hookdeckfake.DefaultAPIKey})
			if err != nil {
				fmt.Fprintf(stderr, "preparing the fake for %s: %v\n", *workflow, err)
				return 2
			}
		}
		servers["*"] = srv.APIURL
	}

	// Hookdeck's layout: arazzo/ beside openapi/, so the local tree is the
	// directory above the workflow's.
	doc, err := arazzo.Load(ctx, docPath, arazzo.WithPolicy(arazzo.Policy{LocalRoot: filepath.Dir(filepath.Dir(docPath))}))
	if err != nil {
		fmt.Fprintf(stderr, "loading %s:\n%v\n", docPath, err)
		return 2
	}
	opts := []runtime.Option{runtime.WithHTTPClient(client), runtime.WithCredentials(creds)}
	if base, ok := servers["*"]; ok {
		for _, sd := range doc.SourceDescriptions {
			opts = append(opts, runtime.WithServer(sd.Name, base))
		}
	}
	opts = append(opts, runtime.WithObserver(&runtime.Observer{
		StepFinished: func(s runtime.StepRecord) {
			path := s.URL
			if u, err := url.Parse(s.URL); err == nil {
				path = u.Path
			}
			fmt.Fprintf(stdout, "  %-20s %-9s %3d %-6s %s (%s)\n", s.StepID, s.Status, s.StatusCode, s.Method, path, s.Duration.Round(time.Microsecond))
		},
	}))
	runner, err := runtime.NewContext(ctx, doc, opts...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	fmt.Fprintf(stdout, "workflow %s\n", *workflow)
	res, err := runner.Run(ctx, *workflow, inputs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, "outputs:")
	keys := make([]string, 0, len(res.Outputs))
	for k := range res.Outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(res.Outputs[k])
		fmt.Fprintf(stdout, "  %s: %s\n", k, v)
	}
	if !res.Succeeded() {
		fmt.Fprintf(stdout, "workflow %s failed at %s: %s\n", *workflow, res.FailedStep, res.Error)
		return 1
	}
	fmt.Fprintf(stdout, "workflow %s succeeded in %s\n", *workflow, res.Duration.Round(time.Millisecond))
	return 0
}

// bearerFromEnv is the credentials provider the example uses: weft's
// environment-variable provider, with the variables it would read for the
// bearerAuth scheme answered by key. A user sets those variables instead;
// `weft env` lists them.
func bearerFromEnv(key string) openapi.Credentials {
	return openapi.CredentialsFunc(func(ctx context.Context, source string, sc *openapi.SecurityScheme) (openapi.Credential, bool, error) {
		want := openapi.EnvVarName(source, "bearerAuth", "TOKEN")
		return openapi.EnvCredentials{Lookup: func(name string) (string, bool) {
			if name == want {
				return key, true
			}
			return os.LookupEnv(name)
		}}.Credential(ctx, source, sc)
	})
}

// placeCorpusWorkflow copies a corpus workflow into a temporary tree next to
// copies of our OpenAPI descriptions, so that its relative source URLs
// (../openapi/...) resolve to them. It returns the copied document's path.
func placeCorpusWorkflow(corpusDir, specDir, file string) (string, error) {
	data, err := os.ReadFile(filepath.Join(corpusDir, file))
	if err != nil {
		return "", fmt.Errorf("this workflow comes from the Hookdeck corpus, which was not found: %w (set -corpus)", err)
	}
	dir, err := os.MkdirTemp("", "weft-hookdeck-")
	if err != nil {
		return "", err
	}
	for _, sub := range []string{"arazzo", "openapi"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			return "", err
		}
	}
	for _, name := range hookdeckfake.SpecFiles {
		b, err := os.ReadFile(filepath.Join(specDir, name))
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "openapi", name), b, 0o644); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, "arazzo", file)
	return path, os.WriteFile(path, data, 0o644)
}

// fakeAPI creates what a workflow expects to exist before it runs.
type fakeAPI struct {
	url, key string
	client   *http.Client
}

func (f *fakeAPI) post(path string, body any) (map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, f.url+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+f.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	if _, ok := out["id"].(string); !ok {
		return nil, errors.New("POST " + path + ": no id in the answer")
	}
	return out, nil
}

type workflowSpec struct {
	file  string
	opts  []hookdeckfake.Option
	setup func(*fakeAPI) (map[string]any, error)
}

const demoCode = `addHandler("transform", (request, context) => request);`

var demoSample = map[string]any{"hello": "world"}

// workflows are the runnable Hookdeck workflows. The connection workflows
// read source_id and destination_id from connections, which the published
// API does not return, so the fake adds them for those.
var workflows = map[string]workflowSpec{
	referenceWorkflow: {},
	"decommission-source": {file: "hookdeck-decommission-source-workflow.yml", setup: func(f *fakeAPI) (map[string]any, error) {
		s, err := f.post("/sources", map[string]any{"name": "to-retire"})
		if err != nil {
			return nil, err
		}
		return map[string]any{"sourceId": s["id"]}, nil
	}},
	"pause-resume-connection": {file: "hookdeck-pause-resume-connection-workflow.yml", setup: func(f *fakeAPI) (map[string]any, error) {
		c, err := f.post("/connections", map[string]any{"name": "demo", "source": map[string]any{"name": "demo-in"},
			"destination": map[string]any{"name": "demo-out", "config": map[string]any{"url": "https://example.com/hooks"}}})
		if err != nil {
			return nil, err
		}
		return map[string]any{"connectionId": c["id"]}, nil
	}},
	"upsert-connection": {file: "hookdeck-upsert-connection-workflow.yml", opts: []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, setup: func(f *fakeAPI) (map[string]any, error) {
		s, err := f.post("/sources", map[string]any{"name": "demo-in"})
		if err != nil {
			return nil, err
		}
		d, err := f.post("/destinations", map[string]any{"name": "demo-out", "config": map[string]any{"url": "https://example.com/hooks"}})
		if err != nil {
			return nil, err
		}
		return map[string]any{"connectionName": "demo", "sourceId": s["id"], "destinationId": d["id"]}, nil
	}},
	"inline-connection": {file: "hookdeck-inline-connection-workflow.yml", opts: []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, setup: func(*fakeAPI) (map[string]any, error) {
		return map[string]any{"connectionName": "demo", "sourceName": "demo-in", "destinationName": "demo-out", "destinationUrl": "https://example.com/hooks"}, nil
	}},
	"provision-connection": {file: "hookdeck-provision-connection-workflow.yml", opts: []hookdeckfake.Option{hookdeckfake.WithConnectionIDFields()}, setup: func(*fakeAPI) (map[string]any, error) {
		return map[string]any{"connectionName": "demo", "sourceName": "demo-in", "destinationName": "demo-out", "destinationUrl": "https://example.com/hooks"}, nil
	}},
	"author-transformation": {file: "hookdeck-author-transformation-workflow.yml", setup: func(*fakeAPI) (map[string]any, error) {
		return map[string]any{"transformationName": "demo", "code": demoCode, "sampleBody": demoSample}, nil
	}},
	"update-transformation": {file: "hookdeck-update-transformation-workflow.yml", setup: func(f *fakeAPI) (map[string]any, error) {
		t, err := f.post("/transformations", map[string]any{"name": "demo", "code": demoCode})
		if err != nil {
			return nil, err
		}
		return map[string]any{"transformationId": t["id"], "newCode": demoCode + " // v2", "sampleBody": demoSample}, nil
	}},
}

func workflowIDs() []string {
	ids := make([]string, 0, len(workflows))
	for id := range workflows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
