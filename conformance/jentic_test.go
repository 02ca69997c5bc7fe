package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/arazzotest"
	"github.com/weftflow/weft/runtime"
)

// jenticMock is one entry of a test_config.yaml custom_mocks list, or a
// response generated from an OpenAPI operation.
type jenticMock struct {
	origin   string // "workflow", "source <name>", "generated"
	method   string
	patterns []*regexp.Regexp
	query    map[string]any // query_params / request_params
	body     any            // request_body
	status   int
	headers  map[string]any
	response any
	text     *string
}

// jenticVersionPrefix is the Jentic harness's path normalization: it strips
// /api/vN, /vN and /api before comparing paths.
var jenticVersionPrefix = regexp.MustCompile(`^(/api/v\d+|/v\d+|/api)(/.*)$`)

// pathPatterns compiles the patterns a mock path matches: the path itself,
// the path without any known server base path, and Jentic's version-prefix
// normalization. {name} segments match any segment, as in Jentic.
func pathPatterns(p string, prefixes []string) []*regexp.Regexp {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		if u, err := url.Parse(p); err == nil {
			p = u.Path
		}
	}
	cands := map[string]bool{p: true}
	for _, pre := range prefixes {
		if pre != "" && pre != "/" && strings.HasPrefix(p, pre+"/") {
			cands[strings.TrimPrefix(p, pre)] = true
		}
	}
	if m := jenticVersionPrefix.FindStringSubmatch(p); m != nil {
		cands[m[2]] = true
	}
	var out []*regexp.Regexp
	for _, c := range sortedKeys(cands) {
		parts := regexp.MustCompile(`\{[^}]+\}`).Split(c, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, regexp.MustCompile("^"+strings.Join(parts, "[^/]+")+"$"))
	}
	return out
}

func newJenticMock(origin string, m map[string]any, prefixes []string) (*jenticMock, bool) {
	p := str(m["path"])
	if p == "" {
		p = str(m["url"]) // spotify writes url: instead of path:
	}
	if p == "" {
		return nil, false
	}
	jm := &jenticMock{origin: origin, method: strings.ToUpper(str(m["method"])), status: 200,
		patterns: pathPatterns(p, prefixes), response: m["response"], headers: mapOf(m["headers"])}
	if jm.method == "" {
		jm.method = "GET"
	}
	if s, ok := m["status_code"].(float64); ok {
		jm.status = int(s)
	}
	if q := mapOf(m["query_params"]); q != nil {
		jm.query = q
	}
	if q := mapOf(m["request_params"]); q != nil {
		jm.query = q
	}
	jm.body = m["request_body"]
	if t, ok := m["text"].(string); ok {
		jm.text = &t
	}
	return jm, true
}

func (m *jenticMock) matches(r *http.Request, body []byte) bool {
	if r.Method != m.method {
		return false
	}
	ok := false
	for _, re := range m.patterns {
		if re.MatchString(r.URL.Path) || re.MatchString(r.URL.EscapedPath()) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	q := r.URL.Query()
	for k, want := range m.query {
		var got []string
		for name, vs := range q {
			if strings.EqualFold(name, k) {
				got = vs
			}
		}
		if len(got) == 0 {
			return false
		}
		if wl, isList := want.([]any); isList {
			found := false
			for _, w := range wl {
				for _, g := range got {
					for _, part := range strings.Split(g, ",") {
						if fmt.Sprint(w) == part {
							found = true
						}
					}
				}
			}
			if !found {
				return false
			}
		} else if got[0] != scalarText(want) {
			return false
		}
	}
	if m.body != nil {
		var got any
		if json.Unmarshal(body, &got) != nil || !subsetJSON(jsonPlain(m.body), got) {
			return false
		}
	}
	return true
}

func scalarText(v any) string {
	switch x := v.(type) {
	case float64:
		return strings.TrimSuffix(fmt.Sprintf("%v", x), ".0")
	case bool:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

// subsetJSON reports whether every member of want is in got.
func subsetJSON(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !subsetJSON(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subsetJSON(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// jenticServer answers like the Jentic MockHTTPExecutor: the first matching
// mock answers; nothing matching answers 404 {"error": "Not found"}.
type jenticServer struct {
	mocks []*jenticMock
	mu    sync.Mutex
	calls []string
}

func (s *jenticServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.calls = append(s.calls, r.Method+" "+r.URL.String())
	s.mu.Unlock()
	for _, m := range s.mocks {
		if !m.matches(r, body) {
			continue
		}
		for k, v := range m.headers {
			w.Header().Set(k, fmt.Sprint(v))
		}
		var out []byte
		if m.text != nil {
			out = []byte(*m.text)
			if w.Header().Get("Content-Type") == "" {
				w.Header().Set("Content-Type", "text/plain")
			}
		} else {
			resp := m.response
			if resp == nil {
				resp = map[string]any{}
			}
			out, _ = json.Marshal(resp)
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(m.status)
		w.Write(out)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(404)
	w.Write([]byte(`{"error":"Not found"}`))
}

// generatedMocks mirrors the Jentic harness's _mock_all_api_operations: every
// operation of every OpenAPI description answers 200 with a sample built from
// its 200/201 application/json schema (no $ref resolution, as in Jentic).
func generatedMocks(spec map[string]any, prefixes []string) []*jenticMock {
	var out []*jenticMock
	paths := mapOf(spec["paths"])
	for _, p := range sortedKeys(paths) {
		ops := mapOf(paths[p])
		for _, method := range []string{"get", "post", "put", "delete", "patch"} {
			op := mapOf(ops[method])
			if op == nil {
				continue
			}
			data := sampleResponse(op)
			if data == nil {
				data = map[string]any{"status": "success"}
			}
			out = append(out, &jenticMock{origin: "generated", method: strings.ToUpper(method), status: 200,
				patterns: pathPatterns(p, prefixes), response: data})
		}
	}
	return out
}

func sampleResponse(op map[string]any) any {
	resps := mapOf(op["responses"])
	ok := mapOf(resps["200"])
	if len(ok) == 0 {
		ok = mapOf(resps["201"])
	}
	schema := mapOf(mapOf(mapOf(ok["content"])["application/json"])["schema"])
	if len(schema) == 0 {
		return nil
	}
	scalar := func(ps map[string]any, name string) any {
		switch str(ps["type"]) {
		case "string":
			switch str(ps["format"]) {
			case "date-time":
				return "2023-01-01T12:00:00Z"
			case "uuid":
				return "00000000-0000-0000-0000-000000000000"
			case "email":
				return "test@example.com"
			}
			if e := listOf(ps["enum"]); len(e) > 0 {
				return e[0]
			}
			return "test-" + name
		case "integer":
			return 123.0
		case "number":
			return 123.45
		case "boolean":
			return true
		}
		return nil
	}
	switch str(schema["type"]) {
	case "object":
		res := map[string]any{}
		props := mapOf(schema["properties"])
		for _, k := range sortedKeys(props) {
			ps := mapOf(props[k])
			switch str(ps["type"]) {
			case "array":
				switch it := str(mapOf(ps["items"])["type"]); it {
				case "string":
					res[k] = []any{"test-item"}
				case "integer":
					res[k] = []any{123.0}
				case "number":
					res[k] = []any{123.45}
				case "boolean":
					res[k] = []any{true}
				case "object":
					res[k] = []any{map[string]any{"id": 1.0, "name": "test-object"}}
				default:
					res[k] = []any{}
				}
			case "object":
				if _, ok := mapOf(ps["properties"])["id"]; ok {
					res[k] = map[string]any{"id": 123.0}
				} else {
					res[k] = map[string]any{"name": "test-" + k}
				}
			default:
				if v := scalar(ps, k); v != nil {
					res[k] = v
				}
			}
		}
		return res
	case "array":
		items := mapOf(schema["items"])
		switch str(items["type"]) {
		case "object":
			item := map[string]any{}
			props := mapOf(items["properties"])
			for _, k := range sortedKeys(props) {
				if v := scalar(mapOf(props[k]), k); v != nil {
					item[k] = v
				}
			}
			return []any{item}
		case "string":
			return []any{"test-item-1", "test-item-2"}
		case "integer":
			return []any{123.0, 456.0}
		case "number":
			return []any{123.45, 678.9}
		case "boolean":
			return []any{true, false}
		}
		return []any{}
	}
	return map[string]any{"result": "success"}
}

// jenticDisagreements lists the fixture expectations that contradict the
// Arazzo specification or decisions.md: the subtest asserts weft's
// spec-correct result instead, and docs/conformance.md gives the reason.
var jenticDisagreements = map[string]disagreement{
	"bnpl/ApplyForLoanAtCheckout": {calls: 1,
		why: "the mock for step checkLoanCanBeProvided answers 200 with `existingCustomerNotEligible: false`, so the criteria of its first onSuccess action `existingCustomerNotEligible` (type end: `$statusCode == 200`, `$response.body#/existingCustomerNotEligible == false`) all pass; the spec says the first sequential matching action SHALL be executed, so the workflow ends successfully after 1 call (Jentic expects 6 calls and the later steps' outputs)"},
	"discord/getUserInfoAndSendMessage": {load: "expected string",
		why: "step getUserGuilds declares `guildCount: 2`: an outputs value must be a runtime expression (a string) per the spec and its JSON Schema, so the whole document is invalid"},
	"discord/listUserGuilds":     {load: "expected string", why: "same document: outputs value `guildCount: 2` is not a runtime expression"},
	"discord/postChannelMessage": {load: "expected string", why: "same document: outputs value `guildCount: 2` is not a runtime expression"},
	"newyork_times/Search Articles by Keyword": {load: "does not match",
		why: "output name `Search ArticlesResponse` contains a space; the spec requires output keys to match ^[a-zA-Z0-9\\.\\-_]+$ (the workflow output `$steps.<id>.outputs.Search ArticlesResponse` that reads it is not a runtime expression either)"},
	"pet_coupons/apply-coupon": {load: `path parameter "pet_id" is not in the path`,
		why: "step find-coupons passes path parameter `pet_id` to getPetCoupons whose template is /pet/{petId}/coupons; a parameter's name must be the operation's parameter name (Jentic maps names fuzzily), so the request cannot be built: weft rejects the document before any request (unknown-parameter)"},
	"pet_coupons/buy-available-pet": {load: `path parameter "pet_id" is not in the path`,
		why: "same document: rejected for step find-coupons (its step place-order also reads $statusCode of a workflow step, null by decisions E2: a no-http-exchange warning)"},
	"pet_coupons/place-order":   {load: `path parameter "pet_id" is not in the path`, why: "same document: rejected for step find-coupons"},
	"pet_coupons/place-order#2": {load: `path parameter "pet_id" is not in the path`, why: "same document: rejected for step find-coupons"},
	"spotify/searchTracks": {run: "missing properties",
		why: "dependsOn getSpotifyToken, whose inputs require client_id and client_secret; decisions F6 runs a dependency with the inputs given for its own workflow id (none here), so it fails its inputs schema (Jentic hands the dependent's inputs to the dependency)"},
	"spotify/getTrackDetails": {run: "missing properties", why: "same document and reason: dependency getSpotifyToken runs without inputs (decisions F6)"},
	"xkcd/getCurrentComic": {load: "expected string",
		why: "workflow getCurrentComic declares the output `date: null`: an outputs value must be a runtime expression (a string), so the document is invalid"},
	"xkcd/getComicById": {load: "expected string", why: "same document: output `date: null`"},
}

// disagreement is a fixture expectation weft does not meet because the
// fixture contradicts the specification: the subtest asserts weft's
// spec-correct result instead (the document is rejected with a positioned
// error containing load, the run fails with an error containing run, or
// the run succeeds after exactly calls API calls).
type disagreement struct {
	why, load, run string
	calls          int
}

type jenticCase struct {
	fixture, name string
	cfg           map[string]any // the workflow entry
	top           map[string]any // the whole test_config.yaml
	dir           string
	arazzoDocs    []string
	openapiDocs   []string
}

func discoverJentic(t *testing.T, root string) []jenticCase {
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "test_config.yaml"))
	sort.Strings(dirs)
	var cases []jenticCase
	for _, cfgPath := range dirs {
		dir := filepath.Dir(cfgPath)
		v, err := readYAML(cfgPath)
		if err != nil {
			t.Fatalf("%s: %v", cfgPath, err)
		}
		top := mapOf(v)
		var az, oas []string
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		sort.Strings(files)
		for _, f := range files {
			ext := filepath.Ext(f)
			if filepath.Base(f) == "test_config.yaml" || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
				continue
			}
			d, err := readYAML(f)
			if err != nil {
				continue
			}
			m := mapOf(d)
			if _, ok := m["arazzo"]; ok && ext != ".json" {
				az = append(az, f)
			}
			if _, ok := m["openapi"]; ok {
				oas = append(oas, f)
			}
		}
		seen := map[string]int{}
		for _, w := range listOf(top["workflows"]) {
			wm := mapOf(w)
			id := str(wm["id"])
			seen[id]++
			name := filepath.Base(dir) + "/" + id
			if seen[id] > 1 {
				name += fmt.Sprintf("#%d", seen[id])
			}
			cases = append(cases, jenticCase{fixture: filepath.Base(dir), name: name, cfg: wm, top: top,
				dir: dir, arazzoDocs: az, openapiDocs: oas})
		}
	}
	return cases
}

// TestJentic runs every workflow case of the Jentic arazzo-engine runner
// fixtures against a loopback server scripted with the fixture's mocks.
func TestJentic(t *testing.T) {
	root := filepath.Join(corpusDir(t), "jentic-arazzo-engine", "runner", "tests", "fixtures")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no Jentic fixtures")
	}
	cases := discoverJentic(t, root)
	var tl tally
	for _, c := range cases {
		c := c
		outcome, reason := "", ""
		t.Run(c.name, func(t *testing.T) {
			outcome, reason = runJenticCase(t, c)
			switch outcome {
			case "fail":
				t.Error(reason)
			case "skip":
				t.Skip(reason)
			case "disagree":
				t.Logf("known disagreement (weft's spec-correct result asserted): %s", reason)
			}
		})
		if outcome != "" {
			tl.add(c.name, outcome, reason)
		}
	}
	tl.log(t, "Jentic arazzo-engine fixtures")
	if len(cases) < 20 && !strings.Contains(strings.Join(os.Args, " "), "-test.run") {
		t.Errorf("found only %d Jentic workflow cases", len(cases))
	}
}

func runJenticCase(t *testing.T, c jenticCase) (outcome, reason string) {
	if mode := str(c.cfg["mode"]); mode == "real" {
		return "skip", "mode: real (the case only runs against the live API in Jentic too)"
	}
	docPath := ""
	if p := str(c.cfg["arazzo_spec"]); p != "" {
		docPath = filepath.Join(c.dir, p)
	} else if len(c.arazzoDocs) > 0 {
		docPath = c.arazzoDocs[0]
	}
	if docPath == "" {
		return "skip", "the fixture has no Arazzo document (Jentic's fixture discovery skips it too)"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dis, isDis := jenticDisagreements[c.name]
	doc, err := arazzo.Load(ctx, docPath)
	if isDis && dis.load != "" {
		if doc == nil {
			return "fail", fmt.Sprintf("known disagreement expects a rejection with diagnostics, got %v", err)
		}
		for _, d := range doc.Diagnostics {
			if d.Severity == arazzo.SeverityError && strings.Contains(d.Message, dis.load) && d.Pos.Line > 0 && d.Code != "" {
				t.Logf("rejected as expected: %s [%s]", d.String(), d.Code)
				return "disagree", dis.why
			}
		}
		return "fail", fmt.Sprintf("known disagreement: expected an error diagnostic containing %q; load: %v", dis.load, err)
	}
	if err != nil || doc == nil {
		var ds []string
		if doc != nil {
			for _, d := range doc.Diagnostics {
				ds = append(ds, d.String())
			}
		}
		return "fail", fmt.Sprintf("load: %v %v", err, ds)
	}

	// Known server base paths, to relate absolute and prefixed mock paths to
	// the operation paths the loopback server receives.
	var prefixes []string
	for _, v := range mapOf(c.top["base_urls"]) {
		if u, err := url.Parse(str(v)); err == nil {
			prefixes = append(prefixes, strings.TrimSuffix(u.Path, "/"))
		}
	}
	var specs []map[string]any
	for _, f := range c.openapiDocs {
		v, _ := readYAML(f)
		spec := mapOf(v)
		specs = append(specs, spec)
		for _, s := range listOf(spec["servers"]) {
			if u, err := url.Parse(str(mapOf(s)["url"])); err == nil {
				prefixes = append(prefixes, strings.TrimSuffix(u.Path, "/"))
			}
		}
	}
	// Order: workflow mocks, then the fixture-wide mocks of every source,
	// then responses generated from the OpenAPI descriptions.
	srv := &jenticServer{}
	for _, m := range listOf(c.cfg["custom_mocks"]) {
		if jm, ok := newJenticMock("workflow", mapOf(m), prefixes); ok {
			srv.mocks = append(srv.mocks, jm)
		}
	}
	global := mapOf(c.top["custom_mocks"])
	for _, src := range sortedKeys(global) {
		for _, m := range listOf(global[src]) {
			if jm, ok := newJenticMock("source "+src, mapOf(m), prefixes); ok {
				srv.mocks = append(srv.mocks, jm)
			}
		}
	}
	for _, spec := range specs {
		srv.mocks = append(srv.mocks, generatedMocks(spec, prefixes)...)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	// Jentic's harness flattens every step output into "<stepId>.<name>" and
	// looks expected outputs up there too: expose them as workflow outputs.
	wfID := str(c.cfg["id"])
	var wf *arazzo.Workflow
	for _, w := range doc.Workflows {
		if w.WorkflowID == wfID {
			wf = w
		}
	}
	if wf == nil {
		return "fail", "workflow " + wfID + " not found in " + filepath.Base(docPath)
	}
	declared := map[string]bool{}
	for _, o := range wf.Outputs {
		declared[o.Name] = true
	}
	for _, s := range wf.Steps {
		for _, o := range s.Outputs {
			name := s.StepID + "." + o.Name
			if !declared[name] {
				wf.Outputs = append(wf.Outputs, &arazzo.Output{Name: name, Value: "$steps." + s.StepID + ".outputs." + o.Name})
			}
		}
	}

	client := hs.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	opts := append(arazzotest.ServeAll(doc, hs.URL), runtime.WithHTTPClient(client),
		runtime.WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() }))
	r, err := runtime.New(doc, opts...)
	if err != nil {
		return "fail", "runtime.New: " + err.Error()
	}
	inputs := mapOf(c.cfg["inputs"])
	if inputs == nil {
		inputs = mapOf(c.cfg["params"])
	}
	if inputs == nil {
		inputs = map[string]any{}
	}
	res, err := r.Run(ctx, wfID, inputs)
	srv.mu.Lock()
	calls := append([]string(nil), srv.calls...)
	srv.mu.Unlock()
	trace := ""
	if res != nil {
		trace = arazzotest.Trace(res)
	}
	t.Logf("calls: %v\n%s", calls, trace)
	if err != nil {
		return "fail", "run: " + err.Error()
	}

	if isDis && dis.run != "" {
		if res.Succeeded() || !strings.Contains(res.Error, dis.run) {
			return "fail", fmt.Sprintf("known disagreement: expected the run to fail with %q, got %s %q", dis.run, res.Status, res.Error)
		}
		return "disagree", dis.why
	}
	if isDis && dis.calls > 0 {
		if !res.Succeeded() || len(calls) != dis.calls {
			return "fail", fmt.Sprintf("known disagreement: expected the run to succeed after %d API calls, got %s after %d: %v", dis.calls, res.Status, len(calls), calls)
		}
		return "disagree", dis.why
	}
	var problems []string
	expectSuccess := true
	if b, ok := c.cfg["expect_success"].(bool); ok {
		expectSuccess = b
	}
	if res.Succeeded() != expectSuccess {
		problems = append(problems, fmt.Sprintf("expect_success %v, weft: %s (%s)", expectSuccess, res.Status, res.Error))
	}
	if n, ok := c.cfg["expected_api_calls"].(float64); ok && int(n) != len(calls) {
		problems = append(problems, fmt.Sprintf("expected_api_calls %d, weft made %d: %v", int(n), len(calls), calls))
	}
	outs := mapOf(jsonPlain(res.Outputs))
	exp := mapOf(c.cfg["expected_outputs"])
	for _, k := range sortedKeys(exp) {
		got, found := outs[k]
		if !found || got == nil {
			for _, name := range sortedKeys(outs) {
				if i := strings.LastIndex(name, "."); i >= 0 && name[i+1:] == k && outs[name] != nil {
					got, found = outs[name], true
					break
				}
			}
		}
		want := jsonPlain(exp[k])
		switch {
		case !found || got == nil:
			problems = append(problems, fmt.Sprintf("output %q: missing (want %s)", k, compact(want)))
		case !reflect.DeepEqual(got, want):
			problems = append(problems, fmt.Sprintf("output %q = %s, want %s", k, compact(got), compact(want)))
		}
	}
	if len(problems) > 0 {
		return "fail", strings.Join(problems, "; ")
	}
	return "pass", ""
}
