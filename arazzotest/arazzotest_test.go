package arazzotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/weftflow/weft/arazzotest"
)

// bookshop is a tiny fake of testdata/bookshop.openapi.yaml.
func bookshop(t *testing.T, stock map[string]string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		books := []map[string]any{}
		if isbn, ok := stock[r.URL.Query().Get("q")]; ok {
			books = append(books, map[string]any{"isbn": isbn, "title": r.URL.Query().Get("q")})
		}
		json.NewEncoder(w).Encode(books)
	})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"orderId": fmt.Sprintf("order-%v-%v", body["isbn"], body["quantity"])})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestRunSucceeds(t *testing.T) {
	srv := bookshop(t, map[string]string{"Dune": "978-0441013593"})
	doc := arazzotest.Load(t, "testdata/bookshop.arazzo.yaml")
	res := arazzotest.RunDocument(t, doc, "buy-book", map[string]any{"title": "Dune", "quantity": 2},
		arazzotest.ServeAll(doc, srv.URL)...)
	if got := res.Outputs["orderId"]; got != "order-978-0441013593-2" {
		t.Errorf("orderId = %v", got)
	}
	if got := arazzotest.StepSequence(res, "buy-book"); !slices.Equal(got, []string{"find", "order"}) {
		t.Errorf("steps = %v", got)
	}
}

// recorder is a testing.TB that records failures instead of failing the
// test, so that the harness's own failure reports can be checked.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}
func (r *recorder) Logf(string, ...any) {}

// record runs f with a recorder on its own goroutine (Fatalf exits it).
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec
}

func TestRunReportsFailedWorkflowWithTrace(t *testing.T) {
	srv := bookshop(t, map[string]string{})
	doc := arazzotest.Load(t, "testdata/bookshop.arazzo.yaml")
	rec := record(t, func(tb testing.TB) {
		res := arazzotest.RunDocument(tb, doc, "buy-book", map[string]any{"title": "Nothing"}, arazzotest.ServeAll(doc, srv.URL)...)
		if res == nil || res.Succeeded() {
			t.Errorf("want a failed result, got %+v", res)
		}
	})
	if rec.fatal || len(rec.errors) != 1 {
		t.Fatalf("want one non-fatal error, got fatal=%v %q", rec.fatal, rec.errors)
	}
	msg := rec.errors[0]
	for _, want := range []string{"buy-book failed", "find", "GET " + srv.URL + "/books?q=Nothing", "-> 200", "criterion 1 failed", "#/0/isbn"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
}

func TestRunFailsOnDiagnostics(t *testing.T) {
	rec := record(t, func(tb testing.TB) {
		arazzotest.Run(tb, "testdata/cases/invalid-document/broken.arazzo.yaml", "x", nil)
		t.Error("Run should not return after error diagnostics")
	})
	if !rec.fatal || len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "error:") || !strings.Contains(rec.errors[0], "broken.arazzo.yaml") {
		t.Errorf("want a fatal error listing diagnostics, got %q", rec.errors)
	}
}

func TestRunFailsOnUnknownWorkflow(t *testing.T) {
	rec := record(t, func(tb testing.TB) {
		arazzotest.Run(tb, "testdata/bookshop.arazzo.yaml", "no-such-workflow", nil)
	})
	if !rec.fatal || len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "no-such-workflow") {
		t.Errorf("want a fatal error naming the workflow, got %q", rec.errors)
	}
}

func TestServeAllCoversNestedDocuments(t *testing.T) {
	doc := arazzotest.Load(t, "testdata/nested.arazzo.yaml")
	if n := len(arazzotest.ServeAll(doc, "http://127.0.0.1:1")); n != 2 {
		t.Errorf("ServeAll gave %d options, want 2", n)
	}
	srv := bookshop(t, map[string]string{"Dune": "isbn-1"})
	res := arazzotest.RunDocument(t, doc, "buy-via-flow", nil, arazzotest.ServeAll(doc, srv.URL)...)
	if res.Outputs["orderId"] != "order-isbn-1-1" {
		t.Errorf("outputs = %v", res.Outputs)
	}
}
