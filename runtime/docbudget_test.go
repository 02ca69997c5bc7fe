package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// laughsYAML is a "billion laughs" block: levels anchors of ten aliases to
// the previous one (about 10^levels nodes expanded), indented by indent.
func laughsYAML(indent string, levels int) string {
	var b strings.Builder
	b.WriteString(indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "%sl%d: &l%d [%s*l%d]\n", indent, i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	return b.String()
}

// An alias bomb in an OpenAPI description (in a parameter and a response
// schema, or in a lazily decoded components section of a description over
// 32 KB) fails Load with a diagnostic that names the limit and its position,
// and runtime.New refuses the document with the same words; memory and time
// stay bounded. Before: Load and New passed and the run expanded the aliases
// (10^4 nodes: ~80 MB; 10^7: ~7 GB and 36 s; 10^9: out of memory).
func TestAliasBombDescription(t *testing.T) {
	flow := doc(`
  - workflowId: w
    steps:
      - stepId: list
        operationId: listItems
        parameters:
          - {name: limit, in: query, value: 1}
`)
	small := func(levels int) string {
		return "openapi: 3.0.3\ninfo: {title: bomb, version: \"1\"}\npaths:\n  /items:\n    get:\n      operationId: listItems\n" +
			"      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n            x-laughs:\n" +
			laughsYAML("              ", levels) +
			"      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Items'\n" +
			"components:\n  schemas:\n    Items:\n      type: object\n      example:\n" + laughsYAML("        ", levels)
	}
	// big: the bomb only in components (lazily decoded), behind 40 KB of
	// other schemas.
	big := func(levels int) string {
		var pad strings.Builder
		for i := 0; pad.Len() < 40<<10; i++ {
			fmt.Fprintf(&pad, "    Pad%d: {type: object, properties: {a: {type: string}, b: {type: integer}}}\n", i)
		}
		return "openapi: 3.0.3\ninfo: {title: bomb, version: \"1\"}\npaths:\n  /items:\n    get:\n      operationId: listItems\n" +
			"      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Items'\n" +
			"components:\n  schemas:\n" + pad.String() + "    Items:\n      type: object\n      description: |\n        not an &anchor: prose\n      properties:\n        x:\n" + laughsYAML("          ", levels)
	}
	named := regexp.MustCompile(`limit MaxAliasNodes \(10000\) reached at [^ ]*api\.yaml:\d+:\d+`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	// 10^4 nodes: enough to pass the budget, small enough that the code
	// before it did not exhaust the test machine (the openapi tests and the
	// fuzz seeds hold a real billion laughs).
	for _, c := range []struct{ name, api string }{
		{"small", small(4)},
		{"lazy section", big(4)},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"api.yaml": c.api, "flow.arazzo.yaml": flow})
			var ms goruntime.MemStats
			goruntime.ReadMemStats(&ms)
			before := ms.TotalAlloc
			start := time.Now()
			d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
			var runErr error
			if err == nil {
				var r *runtime.Runner
				r, runErr = runtime.New(d, runtime.WithHTTPClient(srv.Client()), runtime.WithServer("api", srv.URL))
				if runErr == nil {
					_, runErr = r.Run(context.Background(), "w", nil)
				}
			}
			goruntime.ReadMemStats(&ms)
			alloc, el := ms.TotalAlloc-before, time.Since(start)
			t.Logf("%d KB allocated in %v", alloc>>10, el)
			if alloc > 32<<20 || el > 2*time.Second {
				t.Errorf("%d MB allocated in %v", alloc>>20, el)
			}
			if err == nil || !named.MatchString(err.Error()) {
				t.Fatalf("Load: %v\nNew/Run: %v\nwant the named limit with its position", err, runErr)
			}
			var ds arazzo.Diagnostics
			tooLarge := false
			if errors.As(err, &ds) {
				for _, d := range ds.Errors() {
					tooLarge = tooLarge || d.Code == "too-large"
				}
			}
			if !tooLarge {
				t.Errorf("Load diagnostics %v: want one with code too-large", err)
			}
			if _, nerr := runtime.New(d); nerr == nil || !named.MatchString(nerr.Error()) {
				t.Errorf("runtime.New: %v", nerr)
			}
		})
	}
}
