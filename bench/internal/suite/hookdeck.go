package suite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/hookdeckfake"
	"gopkg.in/yaml.v3"
)

// referenceDoc is the reference workflow, from the module root.
const referenceDoc = "testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"

// referenceWorkflowID is its workflow.
const referenceWorkflowID = "attach-integration-to-source"

// referenceSources are the description files it names, relative to the
// document, and the operations it calls, in order.
var (
	referenceSources = []string{
		"../openapi/hookdeck-sources-api-openapi.yml",
		"../openapi/hookdeck-integrations-api-openapi.yml",
	}
	referenceOps = []string{"createSource", "createIntegration", "attachIntegrationToSource", "getSource"}
)

// referenceEnv is the environment weft reads the fake's key from.
var referenceEnv = []string{
	"WEFT_SOURCESAPI_BEARERAUTH_TOKEN=" + hookdeckfake.DefaultAPIKey,
	"WEFT_INTEGRATIONSAPI_BEARERAUTH_TOKEN=" + hookdeckfake.DefaultAPIKey,
}

// fake is the fake Hookdeck API, served by the driver on a loopback port for
// both sides of a comparison.
type fake struct {
	*hookdeckfake.Running
	n int // runs so far, for unique names
}

func startFake(root string) (*fake, error) {
	s, err := hookdeckfake.New(hookdeckfake.WithSpecDir(filepath.Join(root, filepath.FromSlash(hookdeckfake.SpecDirInModule))))
	if err != nil {
		return nil, err
	}
	return &fake{Running: s.Start()}, nil
}

// weftRun is the weft run command of the reference workflow in doc
// (extra flags before the document's inputs).
func (f *fake) weftRun(weft, doc string, extra ...string) Command {
	f.n++
	args := append([]string{"run", doc, "--workflow", referenceWorkflowID}, extra...)
	args = append(args,
		"--server", "sourcesApi="+f.APIURL, "--server", "integrationsApi="+f.APIURL,
		"--input", "sourceName=bench-"+strconv.Itoa(f.n), "--input", "integrationLabel=Bench", "--input", "provider=HMAC")
	return Command{Path: weft, Args: args, Env: referenceEnv}
}

// plainRun is the plain Go program making the same four requests.
func (f *fake) plainRun(plain string) Command {
	f.n++
	return Command{Path: plain, Args: []string{"reference", "-url", f.APIURL, "-key", hookdeckfake.DefaultAPIKey,
		"-source-name", "bench-" + strconv.Itoa(f.n), "-label", "Bench", "-provider", "HMAC"}}
}

// measure runs cmd against a reset fake and checks that it made the four
// requests of the reference workflow, each answered 200.
func (f *fake) measure(ctx context.Context, c *Config, cmd Command) (Proc, error) {
	f.Reset()
	p, err := c.run(ctx, cmd)
	if err != nil {
		return p, err
	}
	calls := f.Calls()
	var got []string
	ok := len(calls) == len(referenceOps)
	for i, call := range calls {
		got = append(got, fmt.Sprintf("%s %s %d", call.OperationID, call.Method, call.Status))
		if ok && (call.OperationID != referenceOps[i] || call.Status != 200) {
			ok = false
		}
	}
	if !ok {
		return p, fmt.Errorf("%s made %d requests %v, want %v each answered 200", filepath.Base(cmd.Path), len(calls), got, referenceOps)
	}
	return p, nil
}

// rowProcess is row 1: weft run against the fake vs the plain program.
func rowProcess(ctx context.Context, c *Config) ([]Line, error) {
	weft, err := c.bin("weft")
	if err != nil {
		return nil, err
	}
	plain, err := c.bin("plain")
	if err != nil {
		return nil, err
	}
	f, err := startFake(c.Root)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc := filepath.Join(c.Root, filepath.FromSlash(referenceDoc))
	run := func(cmd Command) (Proc, error) { return f.measure(ctx, c, cmd) }
	s, err := compare(ctx, c, run, func() Command { return f.weftRun(weft, doc) }, func() Command { return f.plainRun(plain) })
	if err != nil {
		return nil, err
	}
	const r = "process"
	return []Line{
		{Row: r, Measure: "wall, weft / plain", Unit: "x", Stats: Summarize(ratios(s.wall[0], s.wall[1])), Goal: "≤ 2.0"},
		{Row: r, Measure: "CPU (user+sys), weft / plain", Unit: "x", Stats: Summarize(ratios(s.cpu[0], s.cpu[1])), Goal: "≤ 2.0"},
		{Row: r, Measure: "peak RSS, weft", Unit: "MiB", Stats: Summarize(s.rss[0]), Goal: "≤ 12"},
		{Row: r, Measure: "peak RSS, plain", Unit: "MiB", Stats: Summarize(s.rss[1])},
	}, nil
}

// rowReal is row 2: the reference workflow on the real Hookdeck
// descriptions vs on the trimmed testdata ones. Both documents are
// generated in a temporary directory and name their descriptions by
// absolute path, so that they differ in nothing else.
func rowReal(ctx context.Context, c *Config) ([]Line, error) {
	realDir := c.HookdeckReal
	if realDir == "" {
		realDir = filepath.Join(c.Shared, "corpus", "hookdeck", "openapi")
	}
	if _, err := os.Stat(realDir); err != nil {
		return nil, skip("no real Hookdeck descriptions at %s", realDir)
	}
	weft, err := c.bin("weft")
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "weftbench-real-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	trimmedDir := filepath.Join(c.Root, filepath.FromSlash(hookdeckfake.SpecDirInModule))
	realDoc, err := referenceDocOn(c.Root, realDir, filepath.Join(tmp, "real.arazzo.yaml"))
	if err != nil {
		return nil, err
	}
	trimmedDoc, err := referenceDocOn(c.Root, trimmedDir, filepath.Join(tmp, "trimmed.arazzo.yaml"))
	if err != nil {
		return nil, err
	}
	f, err := startFake(c.Root)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	run := func(cmd Command) (Proc, error) { return f.measure(ctx, c, cmd) }
	s, err := compare(ctx, c, run,
		func() Command { return f.weftRun(weft, realDoc, "--allow-local-outside") },
		func() Command { return f.weftRun(weft, trimmedDoc, "--allow-local-outside") })
	if err != nil {
		return nil, err
	}
	const r = "real"
	return []Line{
		{Row: r, Measure: "wall, real / trimmed descriptions", Unit: "x", Stats: Summarize(ratios(s.wall[0], s.wall[1])), Goal: "≤ 1.2"},
		{Row: r, Measure: "CPU (user+sys), real / trimmed", Unit: "x", Stats: Summarize(ratios(s.cpu[0], s.cpu[1])), Goal: "≤ 1.2"},
		{Row: r, Measure: "peak RSS, weft on the real descriptions", Unit: "MiB", Stats: Summarize(s.rss[0]), Goal: "≤ 12"},
		{Row: r, Measure: "peak RSS, weft on the trimmed descriptions", Unit: "MiB", Stats: Summarize(s.rss[1]), Goal: "≤ 12"},
	}, nil
}

// referenceDocOn writes to out the reference workflow with its source
// descriptions pointing, by absolute path, at the files of the same names
// in dir, after checking that those files declare the operations the
// workflow calls. It returns out.
func referenceDocOn(root, dir, out string) (string, error) {
	text, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(referenceDoc)))
	if err != nil {
		return "", err
	}
	doc := string(text)
	ops := map[string]bool{}
	for _, rel := range referenceSources {
		abs, err := filepath.Abs(filepath.Join(dir, filepath.Base(rel)))
		if err != nil {
			return "", err
		}
		ids, err := yamlOperationIDs(abs)
		if err != nil {
			return "", err
		}
		for id := range ids {
			ops[id] = true
		}
		from := "url: " + rel
		if !strings.Contains(doc, from) {
			return "", fmt.Errorf("%s no longer names %s; update bench/internal/suite", referenceDoc, rel)
		}
		doc = strings.Replace(doc, from, "url: "+strconv.Quote(abs), 1)
	}
	for _, id := range referenceOps {
		if !ops[id] {
			return "", fmt.Errorf("the descriptions in %s declare no operation %s", dir, id)
		}
	}
	return out, os.WriteFile(out, []byte(doc), 0o644)
}

// yamlOperationIDs lists the operationIds of an OpenAPI description in
// YAML (or JSON).
func yamlOperationIDs(path string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ids := map[string]bool{}
	for _, item := range d.Paths {
		for _, n := range item {
			var op struct {
				OperationID string `yaml:"operationId"`
			}
			if n.Kind == yaml.MappingNode && n.Decode(&op) == nil && op.OperationID != "" {
				ids[op.OperationID] = true
			}
		}
	}
	return ids, nil
}
