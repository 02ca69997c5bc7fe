package arazzotest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/weftflow/weft/arazzotest"
)

// A complete test of a workflow: a fake of the API on a loopback port,
// every source of the document pointed at it, the workflow run, its
// outputs checked. Run fails the test with the diagnostics when the
// document does not load, and with the step trace when the workflow fails.
func Example() {
	// In a _test.go file this is: func TestBuyBook(t *testing.T) { ... }
	TestBuyBook := func(t *testing.T) {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			switch r.Method + " " + r.URL.Path {
			case "GET /books":
				w.Write([]byte(`[{"isbn": "978-0441013593", "title": "Dune"}]`))
			case "POST /orders":
				w.WriteHeader(http.StatusCreated)
				w.Write([]byte(`{"orderId": "o-1"}`))
			default:
				http.NotFound(w, r)
			}
		}))
		defer api.Close()

		doc := arazzotest.Load(t, "testdata/bookshop.arazzo.yaml")
		res := arazzotest.RunDocument(t, doc, "buy-book",
			map[string]any{"title": "Dune"},
			arazzotest.ServeAll(doc, api.URL)...)

		if got := res.Outputs["orderId"]; got != "o-1" {
			t.Errorf("orderId = %v, want o-1", got)
		}
	}
	_ = TestBuyBook
}
