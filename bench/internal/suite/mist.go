package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mistRel is the mist.com description, relative to the shared directory.
const mistRel = "corpus/jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json"

// firstRequests is a loopback server that answers every request 200 with
// an empty JSON object and records when the first request of a run
// arrived and how many arrived.
type firstRequests struct {
	*httptest.Server
	mu    sync.Mutex
	first time.Time
	n     int
}

func newFirstRequests() *firstRequests {
	f := &firstRequests{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		f.mu.Lock()
		if f.n == 0 {
			f.first = now
		}
		f.n++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
	}))
	return f
}

// measure runs cmd and returns its cost and the time from its start to the
// first request, checking that it made want requests.
func (f *firstRequests) measure(ctx context.Context, c *Config, cmd Command, want int) (Proc, time.Duration, error) {
	f.mu.Lock()
	f.n, f.first = 0, time.Time{}
	f.mu.Unlock()
	p, err := c.run(ctx, cmd)
	if err != nil {
		return p, 0, err
	}
	f.mu.Lock()
	n, first := f.n, f.first
	f.mu.Unlock()
	if n != want {
		return p, 0, fmt.Errorf("%s made %d requests, want %d", filepath.Base(cmd.Path), n, want)
	}
	return p, first.Sub(p.Start), nil
}

// rowMist is row 3: the time from process start to the first request of a
// three-step workflow on a large description, vs the time kin-openapi takes
// to load that description fully (kinload loads it, then sends one request,
// measured the same way).
func rowMist(ctx context.Context, c *Config) ([]Line, error) {
	desc := c.Mist
	if desc == "" {
		desc = filepath.Join(c.Shared, filepath.FromSlash(mistRel))
	}
	if _, err := os.Stat(desc); err != nil {
		return nil, skip("no description at %s", desc)
	}
	weft, err := c.bin("weft")
	if err != nil {
		return nil, err
	}
	kinload, err := c.bin("kinload")
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "weftbench-mist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	doc, ops, err := threeStepDoc(desc, tmp)
	if err != nil {
		return nil, err
	}
	c.logf("  %s: steps %s", filepath.Base(doc), strings.Join(ops, ", "))
	env, err := credentialEnv(ctx, c, weft, doc)
	if err != nil {
		return nil, err
	}
	srv := newFirstRequests()
	defer srv.Close()
	weftCmd := Command{Path: weft, Args: []string{"run", doc, "--allow-local-outside", "--server", "api=" + srv.URL}, Env: env}
	kinCmd := Command{Path: kinload, Args: []string{desc, srv.URL + "/loaded"}}

	var ttfr, cpu, rss [2][]float64
	side := func(i int, cmd Command, want int) func() error {
		return func() error {
			p, t, err := srv.measure(ctx, c, cmd, want)
			if err != nil {
				return err
			}
			ttfr[i] = append(ttfr[i], float64(t))
			cpu[i] = append(cpu[i], float64(p.CPU))
			rss[i] = append(rss[i], mib(p.MaxRSS))
			return ctx.Err()
		}
	}
	// One warm-up run of each: the description into the page cache.
	if !c.NoWarmup {
		if err := interleave(1, side(0, weftCmd, len(ops)), side(1, kinCmd, 1)); err != nil {
			return nil, err
		}
	}
	ttfr, cpu, rss = [2][]float64{}, [2][]float64{}, [2][]float64{}
	if err := interleave(c.Rounds, side(0, weftCmd, len(ops)), side(1, kinCmd, 1)); err != nil {
		return nil, err
	}
	const r = "mist"
	return []Line{
		{Row: r, Measure: "time to first request, weft / kin-openapi full load", Unit: "x", Stats: Summarize(ratios(ttfr[0], ttfr[1])), Goal: "≤ 0.10"},
		{Row: r, Measure: "CPU of the whole process, weft (3 steps) / kinload", Unit: "x", Stats: Summarize(ratios(cpu[0], cpu[1]))},
		{Row: r, Measure: "peak RSS, weft", Unit: "MiB", Stats: Summarize(rss[0])},
		{Row: r, Measure: "peak RSS, kinload", Unit: "MiB", Stats: Summarize(rss[1])},
	}, nil
}

// threeStepDoc writes into dir an Arazzo document whose one workflow calls
// three operations of the JSON description desc, one after the other, each
// expecting 200: the first three GET operations (by path) with an
// operationId, no path template and no required or referenced parameter.
// The source description is named "api" and named by absolute path.
func threeStepDoc(desc, dir string) (string, []string, error) {
	data, err := os.ReadFile(desc)
	if err != nil {
		return "", nil, err
	}
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return "", nil, fmt.Errorf("%s: %w", desc, err)
	}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var ops []string
	for _, p := range paths {
		if strings.Contains(p, "{") || !simpleParams(d.Paths[p]["parameters"]) {
			continue
		}
		var op struct {
			OperationID string          `json:"operationId"`
			Parameters  json.RawMessage `json:"parameters"`
		}
		if raw, ok := d.Paths[p]["get"]; !ok || json.Unmarshal(raw, &op) != nil || op.OperationID == "" || !simpleParams(op.Parameters) {
			continue
		}
		ops = append(ops, op.OperationID)
		if len(ops) == 3 {
			break
		}
	}
	if len(ops) < 3 {
		return "", nil, fmt.Errorf("%s: found %d simple GET operations, want 3", desc, len(ops))
	}
	abs, err := filepath.Abs(desc)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "arazzo: 1.0.1\ninfo:\n  title: weft bench, three steps\n  version: 1.0.0\n")
	fmt.Fprintf(&b, "sourceDescriptions:\n- name: api\n  url: %s\n  type: openapi\n", strconv.Quote(abs))
	fmt.Fprintf(&b, "workflows:\n- workflowId: three-steps\n  steps:\n")
	for i, id := range ops {
		fmt.Fprintf(&b, "  - stepId: step%d\n    operationId: %s\n    successCriteria:\n    - condition: $statusCode == 200\n", i+1, strconv.Quote(id))
	}
	out := filepath.Join(dir, "three-steps.arazzo.yaml")
	return out, ops, os.WriteFile(out, []byte(b.String()), 0o644)
}

// simpleParams reports whether a parameters array has no required and no
// referenced parameter.
func simpleParams(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return true
	}
	var ps []map[string]any
	if json.Unmarshal(raw, &ps) != nil {
		return false
	}
	for _, p := range ps {
		if _, ref := p["$ref"]; ref || p["required"] == true || p["in"] == "path" {
			return false
		}
	}
	return true
}

// credentialEnv asks `weft env` which variables the document's credentials
// are read from, and gives each a dummy value.
func credentialEnv(ctx context.Context, c *Config, weft, doc string) ([]string, error) {
	p, err := c.run(ctx, Command{Path: weft, Args: []string{"env", doc, "--allow-local-outside"}})
	if err != nil {
		return nil, err
	}
	var env []string
	for _, line := range strings.Split(string(p.Stdout), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "WEFT_") {
			env = append(env, f[0]+"=bench")
		}
	}
	return env, nil
}
