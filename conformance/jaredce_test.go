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
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/arazzotest"
	"github.com/weftflow/weft/runtime"
)

// jaredManifest maps a JaredCE document (relative path) to the local files
// of its sources, from the corpus's _manifest.json.
func jaredManifest(t *testing.T, root string) map[string][]string {
	data, err := os.ReadFile(filepath.Join(root, "_manifest.json"))
	if err != nil {
		t.Skip("no JaredCE manifest")
	}
	var man struct {
		Docs []struct {
			Path    string
			Sources []struct{ Local string }
		}
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range man.Docs {
		for _, s := range d.Sources {
			if s.Local != "" {
				out[d.Path] = append(out[d.Path], filepath.Join(root, s.Local))
			}
		}
	}
	return out
}

// sampleValue is the value a test passes for an input of the given schema:
// the OpenAPI specification's own style examples (blue / blue,black,brown /
// R=100,G=200,B=150).
func sampleValue(schema map[string]any) any {
	switch str(schema["type"]) {
	case "integer", "number":
		return 5.0
	case "array":
		return []any{"blue", "black", "brown"}
	case "object":
		return map[string]any{"R": 100.0, "G": 200.0, "B": 150.0}
	}
	return "blue"
}

var rgbOrders = [][]string{{"R", "G", "B"}, {"R", "B", "G"}, {"G", "R", "B"}, {"G", "B", "R"}, {"B", "R", "G"}, {"B", "G", "R"}}

// serialize returns the serializations the OpenAPI style table allows for
// value (one per order of an object's keys), decoded; ok is false when the
// specification does not define the combination.
func serialize(style string, explode bool, name string, value any) (outs []string, ok bool) {
	scalar := func(v any) string {
		if f, isNum := v.(float64); isNum {
			return fmt.Sprint(int(f))
		}
		return fmt.Sprint(v)
	}
	join := func(vals []string, sep string) string { return strings.Join(vals, sep) }
	switch v := value.(type) {
	case []any:
		var items []string
		for _, e := range v {
			items = append(items, scalar(e))
		}
		switch style {
		case "simple":
			return []string{join(items, ",")}, true
		case "label":
			if explode {
				return []string{"." + join(items, ".")}, true
			}
			return []string{"." + join(items, ",")}, true
		case "matrix":
			if explode {
				return []string{";" + name + "=" + join(items, ";"+name+"=")}, true
			}
			return []string{";" + name + "=" + join(items, ",")}, true
		case "form", "spaceDelimited", "pipeDelimited":
			if explode {
				return []string{name + "=" + join(items, "&"+name+"=")}, true
			}
			sep := map[string]string{"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}[style]
			return []string{name + "=" + join(items, sep)}, true
		}
		return nil, false
	case map[string]any:
		for _, order := range rgbOrders {
			var pairs, kv []string
			for _, k := range order {
				pairs = append(pairs, k, scalar(v[k]))
				kv = append(kv, k+"="+scalar(v[k]))
			}
			var s string
			switch style {
			case "simple":
				s = join(pairs, ",")
				if explode {
					s = join(kv, ",")
				}
			case "label":
				s = "." + join(pairs, ",")
				if explode {
					s = "." + join(kv, ".")
				}
			case "matrix":
				s = ";" + name + "=" + join(pairs, ",")
				if explode {
					s = ";" + join(kv, ";")
				}
			case "form":
				s = name + "=" + join(pairs, ",")
				if explode {
					s = join(kv, "&")
				}
			case "spaceDelimited", "pipeDelimited":
				if explode {
					return nil, false
				}
				s = name + "=" + join(pairs, map[string]string{"spaceDelimited": " ", "pipeDelimited": "|"}[style])
			case "deepObject":
				if !explode {
					return nil, false
				}
				var parts []string
				for _, k := range order {
					parts = append(parts, name+"["+k+"]="+scalar(v[k]))
				}
				s = join(parts, "&")
			default:
				return nil, false
			}
			outs = append(outs, s)
		}
		return outs, true
	default:
		s := scalar(v)
		switch style {
		case "simple":
			return []string{s}, true
		case "label":
			return []string{"." + s}, true
		case "matrix":
			return []string{";" + name + "=" + s}, true
		case "form":
			return []string{name + "=" + s}, true
		}
		return nil, false
	}
}

// findOperation returns the OpenAPI operation with operationId and its path.
func findOperation(spec map[string]any, opID string) (map[string]any, map[string]any, string) {
	paths := mapOf(spec["paths"])
	for _, p := range sortedKeys(paths) {
		item := mapOf(paths[p])
		for _, m := range []string{"get", "put", "post", "delete", "patch", "head", "options"} {
			if op := mapOf(item[m]); op != nil && str(op["operationId"]) == opID {
				return op, item, p
			}
		}
	}
	return nil, nil, ""
}

// TestJaredCEParameterStyles runs every parameter-serialization case of the
// JaredCE Arazzo-Runner corpus: the test passes the OpenAPI specification's
// example values as inputs and checks the request weft sends against the
// specification's style/explode table, for the style each OpenAPI
// description declares. OpenAPI 3.x ignores header parameter definitions
// named Accept, Content-Type or Authorization: the step's value for such a
// header is sent as given (simple style), not in the declared style.
func TestJaredCEParameterStyles(t *testing.T) {
	corpus := corpusDir(t)
	root := filepath.Join(corpus, "jaredce-arazzo-runner")
	man := jaredManifest(t, root)
	files, _ := filepath.Glob(filepath.Join(root, "test", "mocks", "arazzo", "openapi-parameter-tests", "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(root, "test", "mocks", "arazzo", "openapi-parameter-tests", "*", "*", "*.json"))
	files = append(files, more...)
	sort.Strings(files)
	client := &http.Client{Transport: corpusTransport(corpus)}
	var tl tally
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(rel), "test/mocks/arazzo/openapi-parameter-tests/"), ".json")
		outcome, reason := "", ""
		t.Run(name, func(t *testing.T) {
			outcome, reason = runJaredParamCase(t, f, man[filepath.ToSlash(rel)], client)
			switch outcome {
			case "fail":
				t.Error(reason)
			case "skip":
				t.Skip(reason)
			}
		})
		if outcome != "" {
			tl.add(name, outcome, reason)
		}
	}
	tl.log(t, "JaredCE parameter styles")
}

type recorded struct {
	path, rawQuery string
	header         http.Header
}

func runJaredParamCase(t *testing.T, f string, sources []string, client *http.Client) (string, string) {
	raw, err := readYAML(f)
	if err != nil {
		return "fail", err.Error()
	}
	if len(sources) == 0 {
		return "skip", "no local copy of the OpenAPI source"
	}
	specRaw, err := readYAML(sources[0])
	if err != nil {
		return "fail", err.Error()
	}
	spec := mapOf(specRaw)
	wf := mapOf(listOf(mapOf(raw)["workflows"])[0])
	step := mapOf(listOf(wf["steps"])[0])
	op, item, _ := findOperation(spec, str(step["operationId"]))
	if op == nil {
		return "fail", "operation not found in the OpenAPI description"
	}
	props := mapOf(mapOf(wf["inputs"])["properties"])
	inputs := map[string]any{}
	for k, s := range props {
		inputs[k] = sampleValue(mapOf(s))
	}
	// The declared parameters (operation over path item), by name and in.
	declared := map[string]map[string]any{}
	for _, list := range [][]any{listOf(item["parameters"]), listOf(op["parameters"])} {
		for _, p := range list {
			pm := mapOf(p)
			declared[str(pm["in"])+":"+str(pm["name"])] = pm
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doc, err := arazzo.Load(ctx, f, arazzo.WithHTTPClient(client))
	if err != nil {
		return "fail", "load: " + err.Error()
	}
	var mu sync.Mutex
	var got []recorded
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		got = append(got, recorded{r.URL.Path, r.URL.RawQuery, r.Header.Clone()})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id": 1, "name": "doggie"}`))
	}))
	defer hs.Close()
	r, err := runtime.New(doc, append(arazzotest.ServeAll(doc, hs.URL), runtime.WithHTTPClient(hs.Client()))...)
	if err != nil {
		return "fail", "runtime.New: " + err.Error()
	}
	res, err := r.Run(ctx, str(wf["workflowId"]), inputs)
	if err != nil {
		return "fail", "run: " + err.Error()
	}
	t.Logf("inputs %s\n%s", compact(inputs), arazzotest.Trace(res))
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		return "fail", fmt.Sprintf("%d requests, want 1", len(got))
	}
	req := got[0]
	var problems []string
	for _, p := range listOf(step["parameters"]) {
		pm := mapOf(p)
		in, pname := str(pm["in"]), str(pm["name"])
		value := inputs[strings.TrimPrefix(str(pm["value"]), "$inputs.")]
		if in == "header" && (strings.EqualFold(pname, "Accept") || strings.EqualFold(pname, "Content-Type") || strings.EqualFold(pname, "Authorization")) {
			// The OpenAPI definition (and its style) is ignored; the Arazzo
			// parameter is still sent, as an undeclared header: simple style.
			want := fmt.Sprint(value)
			if l, ok := value.([]any); ok {
				parts := make([]string, len(l))
				for i, x := range l {
					parts[i] = fmt.Sprint(x)
				}
				want = strings.Join(parts, ",")
			}
			if h := req.header.Get(pname); h != want {
				problems = append(problems, fmt.Sprintf("header %s = %q, want %q: OpenAPI ignores the definition of a header parameter named %s, so the step's value is sent without its style", pname, h, want, pname))
			}
			continue
		}
		d := declared[in+":"+pname]
		if d == nil {
			problems = append(problems, fmt.Sprintf("parameter %s in %s not declared by the operation", pname, in))
			continue
		}
		style := str(d["style"])
		if style == "" {
			style = map[string]string{"path": "simple", "header": "simple", "query": "form", "cookie": "form"}[in]
		}
		explode := style == "form"
		if e, ok := d["explode"].(bool); ok {
			explode = e
		}
		wants, ok := serialize(style, explode, pname, value)
		if !ok {
			return "skip", fmt.Sprintf("OpenAPI defines no serialization for style %s explode %v of %s", style, explode, compact(value))
		}
		var have string
		match := false
		switch in {
		case "path":
			have = req.path
			for _, w := range wants {
				if strings.HasSuffix(have, "/"+w) || strings.Contains(have, "/"+w+"/") {
					match = true
				}
			}
		case "query":
			have, _ = url.PathUnescape(strings.ReplaceAll(req.rawQuery, "+", "%20"))
			for _, w := range wants {
				if have == w {
					match = true
				}
			}
		case "header":
			have = req.header.Get(pname)
			for _, w := range wants {
				if have == w {
					match = true
				}
			}
		}
		if !match {
			problems = append(problems, fmt.Sprintf("%s %s (style %s, explode %v) = %q, want %q", in, pname, style, explode, have, wants[0]))
		}
	}
	if len(problems) > 0 {
		return "fail", strings.Join(problems, "; ")
	}
	return "pass", ""
}
