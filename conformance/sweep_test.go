package conformance

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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
)

// manifestTransport serves the absolute source URLs that the corpus
// manifests map to local files and answers 404 for everything else, so the
// sweep never touches the network (the approach of arazzo/sweep_test.go).
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

var arazzoKey = regexp.MustCompile(`(?m)^\s*["']?arazzo["']?\s*:`)

// corpusDocuments lists every Arazzo document of the corpus (a file whose
// first 4 KiB has an `arazzo:` key), skipping files over 2 MiB.
func corpusDocuments(corpus string) []string {
	var files []string
	filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if (ext != ".yaml" && ext != ".yml" && ext != ".json") || strings.HasPrefix(d.Name(), "_") {
			return nil
		}
		if fi, err := d.Info(); err != nil || fi.Size() > 2<<20 {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		head := make([]byte, 4096)
		n, _ := f.Read(head)
		f.Close()
		if arazzoKey.Match(head[:n]) {
			files = append(files, p)
		}
		return nil
	})
	return files
}

type sweepResult struct {
	rel      string
	panicked string
	errCodes map[string]bool
	warnings int
	problems []string // error diagnostics without a code or a position
	noLine   []string // error diagnostics with a pointer but no line
}

// TestCorpusSweep loads and validates every Arazzo document of the corpus:
// no load may panic, and every rejection must name its reason (an error
// diagnostic with a Code) with a position.
func TestCorpusSweep(t *testing.T) {
	corpus := corpusDir(t)
	files := corpusDocuments(corpus)
	jentic := filepath.Join(corpus, "jentic-public-apis") + string(filepath.Separator)
	client := &http.Client{Transport: corpusTransport(corpus)}
	start := time.Now()

	results := make([]sweepResult, len(files))
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results[i] = sweepOne(corpus, files[i], jentic, client)
			}
		}()
	}
	for i := range files {
		work <- i
	}
	close(work)
	wg.Wait()

	var clean, warned, rejected, panics, unnamed, noLine int
	var noLineEx []string
	reasons := map[string]int{}
	for _, r := range results {
		switch {
		case r.panicked != "":
			panics++
			t.Errorf("%s: load panicked: %s", r.rel, r.panicked)
		case len(r.errCodes) > 0:
			rejected++
			for c := range r.errCodes {
				reasons[c]++
			}
		case r.warnings > 0:
			warned++
		default:
			clean++
		}
		noLine += len(r.noLine)
		for _, x := range r.noLine {
			if len(noLineEx) < 5 {
				noLineEx = append(noLineEx, r.rel+": "+x)
			}
		}
		for _, p := range r.problems {
			unnamed++
			t.Errorf("%s: %s", r.rel, p)
		}
	}
	t.Logf("corpus sweep: %d documents in %v", len(files), time.Since(start).Round(time.Millisecond))
	t.Logf("| documents | loaded clean | loaded with warnings | rejected | panics | diagnostics without code or position |")
	t.Logf("| %d | %d | %d | %d | %d | %d |", len(files), clean, warned, rejected, panics, unnamed)
	t.Logf("rejections by reason (a document may count under several):")
	for _, k := range sortedKeys(reasons) {
		t.Logf("  %-28s %d", k, reasons[k])
	}
	t.Logf("error diagnostics with a JSON pointer but no line/column: %d", noLine)
	for _, x := range noLineEx {
		t.Logf("  e.g. %s", x)
	}
	if len(files) < 800 {
		t.Errorf("found only %d Arazzo documents", len(files))
	}
}

func sweepOne(corpus, p, jentic string, client *http.Client) (r sweepResult) {
	r.rel, _ = filepath.Rel(corpus, p)
	r.errCodes = map[string]bool{}
	defer func() {
		if v := recover(); v != nil {
			r.panicked = fmt.Sprintf("%v\n%s", v, debug.Stack())
		}
	}()
	opts := []arazzo.Option{arazzo.WithHTTPClient(client)}
	if strings.HasPrefix(p, jentic) {
		opts = append(opts, arazzo.WithBaseURL(jentic))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doc, err := arazzo.Load(ctx, p, opts...)
	if doc == nil {
		r.errCodes["unreadable"] = true
		if err == nil {
			r.problems = append(r.problems, "no document and no error")
		}
		return r
	}
	for _, d := range doc.Diagnostics {
		if d.Severity != arazzo.SeverityError {
			r.warnings++
			continue
		}
		r.errCodes[d.Code] = true
		if d.Code == "" {
			r.problems = append(r.problems, "error diagnostic without a Code: "+d.String())
		}
		if d.Pos.Line == 0 && !strings.HasSuffix(d.Code, "unreadable") {
			if d.Pointer == "" {
				r.problems = append(r.problems, "error diagnostic without a position or pointer: "+d.String())
			} else {
				r.noLine = append(r.noLine, fmt.Sprintf("[%s] %s (pointer %s)", d.Code, d.Message, d.Pointer))
			}
		}
	}
	if len(r.errCodes) == 0 && err != nil {
		r.errCodes["load-error"] = true
		r.problems = append(r.problems, "load error without an error diagnostic: "+err.Error())
	}
	return r
}
