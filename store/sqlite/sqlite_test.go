package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
	"github.com/weftflow/weft/store/storetest"
)

var bg = context.Background()

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(bg, path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "weft.db"))
	})
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weft.db")
	s := open(t, path)
	r := storetest.NewRun("r1", "f", "k", storetest.T0)
	r.Event = &store.Event{Body: []byte("hello"), BodyKept: true}
	if _, _, err := s.Accept(bg, r, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartAttempt(bg, "r1", storetest.T0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLastTick(bg, "f", storetest.T0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	defer s.Close()
	g, err := s.Get(bg, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if g.Status != store.StatusRunning || g.Attempt != 1 || string(g.Event.Body) != "hello" {
		t.Errorf("after reopen: %+v", g)
	}
	// Dedup still holds across the restart.
	if ex, dup, err := s.Accept(bg, storetest.NewRun("r2", "f", "k", storetest.T0), 0); err != nil || !dup || ex.ID != "r1" {
		t.Errorf("Accept after reopen: %v %v %v, want dup of r1", ex, dup, err)
	}
	if at, _ := s.LastTick(bg, "f"); !at.Equal(storetest.T0) {
		t.Errorf("LastTick after reopen = %v", at)
	}
}

// TestVisibleWithoutClose opens a second Store on the file while the first
// is still open (as a restarted process would find the file after a
// kill -9): every Accept that returned is there.
func TestVisibleWithoutClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weft.db")
	a := open(t, path)
	defer a.Close()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := a.Accept(bg, storetest.NewRun(fmt.Sprintf("r%02d", i), "f", "", storetest.T0), 0); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	b := open(t, path)
	defer b.Close()
	runs, err := b.Pending(bg)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 50 {
		t.Fatalf("second store sees %d runs, want 50", len(runs))
	}
	// And the second store's writes interleave with the first's (busy_timeout, BEGIN IMMEDIATE).
	if _, _, err := b.Accept(bg, storetest.NewRun("fromB", "f", "", storetest.T0), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(bg, "fromB"); err != nil {
		t.Errorf("first store does not see the second's run: %v", err)
	}
}

func TestSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weft.db")
	s := open(t, path)
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	var version int
	db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	db.QueryRow("PRAGMA user_version").Scan(&version)
	if mode != "wal" || version != 1 {
		t.Errorf("journal_mode %q user_version %d, want wal and 1", mode, version)
	}
	// A file from a newer weft is refused, naming the versions.
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(bg, path); err == nil {
		t.Error("Open of a schema version 99 file: no error")
	} else {
		t.Log(err)
	}
}

func TestCloseWhileWriting(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "weft.db"))
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				_, _, err := s.Accept(bg, storetest.NewRun(fmt.Sprintf("r%d-%d", i, j), "f", "", storetest.T0), 0)
				if err != nil {
					failed.Add(1)
					return
				}
				ok.Add(1)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	t.Logf("%d accepted before Close, %d callers stopped by it", ok.Load(), failed.Load())
}

// TestLoad is the load check: 100 goroutines × 50 Accepts, durable. It
// logs the throughput and latency quantiles and asserts only a loose bound.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load check skipped with -short")
	}
	s := open(t, filepath.Join(t.TempDir(), "weft.db"))
	defer s.Close()
	const callers, each = 100, 50
	lat := make([]time.Duration, callers*each)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				r := storetest.NewRun(fmt.Sprintf("r%03d-%02d", i, j), fmt.Sprintf("flow%d", i%4), fmt.Sprintf("k%03d-%02d", i, j), time.Now())
				r.Event = &store.Event{Body: []byte(`{"type":"order.created","data":{"id":"ord_123456"}}`), BodyKept: true,
					Header: map[string][]string{"Content-Type": {"application/json"}}}
				t0 := time.Now()
				if _, dup, err := s.Accept(bg, r, time.Hour); err != nil || dup {
					t.Errorf("Accept: dup %v, %v", dup, err)
					return
				}
				lat[i*each+j] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("%d durable accepts from %d callers in %v: %.0f accepts/s, p50 %v, p99 %v, max %v",
		len(lat), callers, elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(),
		q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
	if p99 := q(0.99); p99 > 500*time.Millisecond {
		t.Errorf("p99 %v > 500ms", p99)
	}
}

// BenchmarkAccept measures durable Accepts from about 100 concurrent
// callers (SetParallelism scaled to GOMAXPROCS).
func BenchmarkAccept(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "weft.db"))
	defer s.Close()
	procs := max(1, runtime.GOMAXPROCS(0))
	b.SetParallelism((100 + procs - 1) / procs)
	var n atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	body := []byte(`{"type":"order.created","data":{"id":"ord_123456"}}`)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			i := n.Add(1)
			r := storetest.NewRun(fmt.Sprintf("r%09d", i), "f", fmt.Sprintf("k%09d", i), time.Now())
			r.Event = &store.Event{Body: body, BodyKept: true}
			t0 := time.Now()
			if _, _, err := s.Accept(bg, r, time.Hour); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "accepts/s")
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

func Example() {
	dir, _ := os.MkdirTemp("", "weft-store")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "weft.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, id := range []string{"run_1", "run_2"} {
		r := &store.Run{ID: id, Flow: "orders", Workflow: "attach", Trigger: store.TriggerWebhook,
			DedupKey: "msg_42", Status: store.StatusQueued, CreatedAt: at}
		existing, dup, err := s.Accept(ctx, r, 24*time.Hour)
		if err != nil {
			fmt.Println(err)
			return
		}
		if dup {
			fmt.Println(id, "is a repeat of", existing.ID)
		} else {
			fmt.Println(id, "accepted")
		}
	}
	// Output:
	// run_1 accepted
	// run_2 is a repeat of run_1
}

func sqliteOpen(path string) (*sqlite.Store, error) { return sqlite.Open(bg, path) }

// Listing a flow's runs a page at a time, newest first, with the cursor.
func ExampleStore_List() {
	dir, _ := os.MkdirTemp("", "weft-store")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "weft.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 5 {
		r := &store.Run{ID: fmt.Sprintf("run_%d", i), Flow: "orders", Workflow: "attach",
			Trigger: store.TriggerManual, Status: store.StatusQueued, CreatedAt: at.Add(time.Duration(i) * time.Minute)}
		if _, _, err := s.Accept(ctx, r, 0); err != nil {
			fmt.Println(err)
			return
		}
	}
	f := store.Filter{Flow: "orders", Limit: 2}
	for {
		page, err := s.List(ctx, f)
		if err != nil || len(page) == 0 {
			break
		}
		for _, r := range page {
			fmt.Print(r.ID, " ")
		}
		fmt.Println("|")
		f.Before = page[len(page)-1].ID
	}
	// Output:
	// run_4 run_3 |
	// run_2 run_1 |
	// run_0 |
}

// TestOddPath opens a file whose name needs escaping in a URI, and
// checks that this very file (not another, oddly named one) holds the data.
func TestOddPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my weft?#%.db")
	s := open(t, path)
	if _, _, err := s.Accept(bg, storetest.NewRun("r", "f", "", storetest.T0), 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v; the directory holds %q", err, names)
	}
	s = open(t, path)
	defer s.Close()
	if _, err := s.Get(bg, "r"); err != nil {
		t.Errorf("reopened %q: %v", path, err)
	}
}

// TestFinishKeepsOutputs pins this store's reading of Update.Outputs: nil
// keeps the outputs stored, a value replaces them.
func TestFinishKeepsOutputs(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "weft.db"))
	defer s.Close()
	if _, _, err := s.Accept(bg, storetest.NewRun("r", "f", "", storetest.T0), 0); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		out  string
		want string
	}{{`{"a":1}`, `{"a":1}`}, {"", `{"a":1}`}, {`{"b":2}`, `{"b":2}`}}
	for _, st := range steps {
		u := store.Update{Status: store.StatusRetrying}
		if st.out != "" {
			u.Outputs = []byte(st.out)
		}
		if err := s.Finish(bg, "r", u, storetest.T0); err != nil {
			t.Fatal(err)
		}
		if g, _ := s.Get(bg, "r"); string(g.Outputs) != st.want {
			t.Errorf("after Finish with outputs %q: %s, want %s", st.out, g.Outputs, st.want)
		}
	}
	if err := s.Finish(bg, "r", store.Update{Status: store.StatusDead, Outputs: []byte("{nope")}, storetest.T0); err == nil {
		t.Error("Finish with invalid JSON outputs: no error")
	}
}

func TestListBound(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "weft.db"))
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 110 {
				s.Accept(bg, storetest.NewRun(fmt.Sprintf("r%d-%03d", g, i), "f", "", storetest.T0), 0)
			}
		}()
	}
	wg.Wait()
	runs, err := s.List(bg, store.Filter{Limit: 1 << 30})
	if err != nil || len(runs) != sqlite.MaxListLimit {
		t.Errorf("List with a huge Limit = %d runs, %v; want %d", len(runs), err, sqlite.MaxListLimit)
	}
}
