// Package conformance runs weft against Arazzo test suites written by
// others: the Jentic runner fixtures and the JaredCE and usearazzo corpora.
// The tests read the corpus from ../shared/corpus (next to the module root)
// and skip when it is absent; no corpus file is copied into this repository. The load-and-validate sweep of
// the whole corpus is arazzo.TestCorpusSweep.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// corpusDir returns ../shared/corpus relative to the module root, skipping
// the test when it is absent.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Skip(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("module root not found")
		}
		dir = parent
	}
	c := filepath.Join(filepath.Dir(dir), "shared", "corpus")
	if fi, err := os.Stat(c); err != nil || !fi.IsDir() {
		t.Skip("../shared/corpus is absent")
	}
	return c
}

// readYAML decodes a YAML or JSON file into plain Go values (maps with
// string keys).
func readYAML(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plain(v), nil
}

// plain turns map[any]any into map[string]any recursively and normalizes
// numbers so that values compare like JSON.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = plain(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return v
}

// jsonPlain round-trips v through JSON so that runtime values and YAML
// values compare with reflect-free equality.
func jsonPlain(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(data, &out) != nil {
		return v
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compact(v any) string {
	data, _ := json.Marshal(v)
	s := string(data)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// tally counts outcomes of a suite for its summary table.
type tally struct {
	cases, passed, failed, skipped, disagree int
	reasons                                  []string
}

func (t *tally) add(name, outcome, reason string) {
	t.cases++
	switch outcome {
	case "pass":
		t.passed++
	case "fail":
		t.failed++
		t.reasons = append(t.reasons, name+": "+reason)
	case "disagree":
		t.disagree++
		t.reasons = append(t.reasons, name+" (known disagreement): "+reason)
	default:
		t.skipped++
		t.reasons = append(t.reasons, name+" (skipped): "+reason)
	}
}

func (t *tally) log(tb testing.TB, suite string) {
	tb.Logf("| suite | cases | passed | known disagreements | failed | not runnable |")
	tb.Logf("| %s | %d | %d | %d | %d | %d |", suite, t.cases, t.passed, t.disagree, t.failed, t.skipped)
	for _, r := range t.reasons {
		tb.Logf("  - %s", strings.TrimSpace(r))
	}
}

// manifestTransport serves the absolute source URLs that the corpus
// manifests map to local files and answers 404 for everything else, so the
// sweep never touches the network (the corpus load-and-validate sweep itself is arazzo.TestCorpusSweep).
type manifestTransport map[string]string

func (m manifestTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp := &http.Response{Request: req, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		StatusCode: 404, Status: "404 Not Found", Body: http.NoBody}
	if p, ok := m[req.URL.String()]; ok {
		if data, err := os.ReadFile(p); err == nil {
			resp.StatusCode, resp.Status = 200, "200 OK"
			resp.ContentLength = int64(len(data))
			resp.Body = io.NopCloser(bytes.NewReader(data))
		}
	}
	return resp, nil
}

func corpusTransport(corpus string) manifestTransport {
	m := manifestTransport{}
	filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "_manifest.json" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		var man struct {
			Docs []struct {
				Sources []struct{ URL, Local string }
			}
		}
		if json.Unmarshal(data, &man) != nil {
			return nil
		}
		for _, doc := range man.Docs {
			for _, s := range doc.Sources {
				if s.Local != "" && (strings.HasPrefix(s.URL, "http://") || strings.HasPrefix(s.URL, "https://")) {
					m[s.URL] = filepath.Join(filepath.Dir(p), s.Local)
				}
			}
		}
		return nil
	})
	return m
}
