package arazzo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"
)

// manifestTransport serves the absolute source URLs that the corpus
// manifests map to local files, and 404 for everything else: the sweep
// never touches the network.
type manifestTransport map[string]string

func (m manifestTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp := &http.Response{Request: req, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	p, ok := m[req.URL.String()]
	var data []byte
	if ok {
		var err error
		data, err = os.ReadFile(p)
		ok = err == nil
	}
	if !ok {
		resp.StatusCode, resp.Status = 404, "404 Not Found"
		resp.Body = http.NoBody
		return resp, nil
	}
	resp.StatusCode, resp.Status = 200, "200 OK"
	resp.ContentLength = int64(len(data))
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// corpusTransport reads every _manifest.json of the corpus.
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
				Sources []struct{ URL, Local, Status string }
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

// sharedDir returns ../../shared relative to this package, skipping the
// test when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared"))
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skip("../shared is absent")
	}
	return dir
}

var arazzoKeyRE = regexp.MustCompile(`(?m)^\s*["']?arazzo["']?\s*:`)

// TestCorpusSweep loads every Arazzo document of the corpus.
func TestCorpusSweep(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus")
	jentic := filepath.Join(corpus, "jentic-public-apis") + string(filepath.Separator)
	var files []string
	filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		if strings.HasPrefix(filepath.Base(p), "_") {
			return nil
		}
		fi, err := d.Info()
		if err != nil || fi.Size() > 2<<20 {
			return nil
		}
		head := make([]byte, 4096)
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		n, _ := f.Read(head)
		f.Close()
		if arazzoKeyRE.Match(head[:n]) {
			files = append(files, p)
		}
		return nil
	})
	type result struct {
		clean, warn bool
		codes       []string
	}
	results := map[string]result{}
	var clean, warned, rejected int
	reasons := map[string]int{}
	warnCodes := map[string]int{}
	start := time.Now()
	client := &http.Client{Transport: corpusTransport(corpus)}
	var panics, unnamed int
	// SWEEP_SHOW=code,code lists every diagnostic with one of the codes.
	show := map[string]bool{}
	for _, c := range strings.Split(os.Getenv("SWEEP_SHOW"), ",") {
		show[c] = c != ""
	}
	for _, p := range files {
		rel, _ := filepath.Rel(corpus, p)
		opts := []Option{WithHTTPClient(client), WithPolicy(Policy{LocalRoot: corpus})}
		if strings.HasPrefix(p, jentic) {
			opts = append(opts, WithBaseURL(jentic))
		}
		doc, panicked, err := sweepLoad(p, opts)
		if panicked != "" {
			panics++
			t.Errorf("%s: load panicked: %s", rel, panicked)
			continue
		}
		var r result
		var ds Diagnostics
		if doc != nil {
			ds = doc.Diagnostics
		} else {
			if err == nil {
				t.Errorf("%s: no document and no error", rel)
			}
			ds = Diagnostics{{Severity: SeverityError, Code: "unreadable", Pos: Position{File: rel, Line: 1, Column: 1}}}
		}
		codes := map[string]bool{}
		for _, d := range ds {
			if show[d.Code] {
				t.Logf("%s: %s [%s]", rel, d, d.Code)
			}
			if d.Severity == SeverityError {
				codes[d.Code] = true
			} else {
				warnCodes[d.Code]++
			}
			// Every diagnostic names its reason and its place (D2).
			if d.Code == "" || d.Pos.Line == 0 {
				unnamed++
				t.Errorf("%s: diagnostic without a code or a position: %s", rel, d)
			}
		}
		switch {
		case len(codes) > 0:
			rejected++
			for c := range codes {
				reasons[c]++
				r.codes = append(r.codes, c)
			}
			sort.Strings(r.codes)
		case len(ds) > 0:
			warned++
			r.warn = true
		default:
			clean++
			r.clean = true
		}
		results[rel] = r
	}
	t.Logf("corpus sweep: %d documents in %v", len(files), time.Since(start).Round(time.Millisecond))
	jn, jok := 0, 0
	jreasons := map[string]int{}
	for rel, r := range results {
		if strings.HasPrefix(rel, "jentic-public-apis"+string(filepath.Separator)) {
			jn++
			if r.clean || r.warn {
				jok++
			} else {
				jreasons[strings.Join(r.codes, "+")]++
			}
		}
	}
	t.Logf("jentic-public-apis (WithBaseURL): %d documents, %d loaded; rejected: %v", jn, jok, jreasons)
	t.Logf("| documents | loaded clean | loaded with warnings | rejected | panics | diagnostics without code or position |")
	t.Logf("| %d | %d | %d | %d | %d | %d |", len(files), clean, warned, rejected, panics, unnamed)
	t.Logf("rejections by reason (a document may count under several):")
	for _, k := range sortedKeys(reasons) {
		t.Logf("  %-28s %d", k, reasons[k])
	}
	t.Logf("warnings by code:")
	for _, k := range sortedKeys(warnCodes) {
		t.Logf("  %-28s %d", k, warnCodes[k])
	}
	if len(files) < 800 {
		t.Errorf("found only %d Arazzo documents", len(files))
	}

	// Documents the inventory calls schema-valid (v1.0-dev) with all
	// sources local: list why the rejected ones are rejected.
	data, err := os.ReadFile(filepath.Join(corpus, "_inventory.json"))
	if err != nil {
		t.Skip("no _inventory.json")
	}
	var inv []struct {
		File        string `json:"file"`
		SourcesOK   bool   `json:"sources_ok"`
		SchemaValid bool   `json:"schema_valid_v10dev"`
	}
	if err := json.Unmarshal(data, &inv); err != nil {
		t.Fatal(err)
	}
	byReason := map[string]int{}
	n, ok := 0, 0
	for _, e := range inv {
		if !e.SourcesOK || !e.SchemaValid {
			continue
		}
		n++
		r, found := results[e.File]
		if !found {
			t.Errorf("inventory document %s not swept", e.File)
			continue
		}
		if r.clean || r.warn {
			ok++
			continue
		}
		byReason[strings.Join(r.codes, "+")]++
		if os.Getenv("SWEEP_VERBOSE") != "" {
			t.Logf("rejected %s: %v", e.File, r.codes)
		}
	}
	t.Logf("inventory schema-valid (v1.0-dev) with all sources local: %d; loaded: %d; rejected by reason:", n, ok)
	for _, k := range sortedKeys(byReason) {
		t.Logf("  %-40s %d", k, byReason[k])
	}
}

// sweepLoad loads one corpus document, turning a panic into a report so
// that one bad document does not hide the rest of the sweep.
func sweepLoad(p string, opts []Option) (doc *Document, panicked string, err error) {
	defer func() {
		if v := recover(); v != nil {
			panicked = fmt.Sprintf("%v\n%s", v, debug.Stack())
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doc, err = Load(ctx, p, opts...)
	return doc, "", err
}
