package storetest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
	"github.com/weftflow/weft/store/storetest"
)

// An implementation's test runs the suite with a function that opens a
// fresh, empty store; here the SQLite store on a file in t.TempDir().
func ExampleRun() {
	conformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "weft.db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		})
	}
	_ = conformance // in a _test.go file: func TestConformance(t *testing.T) { ... }
}

// ExampleNewRun shows the run the suite's tests start from.
func ExampleNewRun() {
	r := storetest.NewRun("run_1", "orders", "msg_1", storetest.T0)
	_ = r.Status // queued
}
