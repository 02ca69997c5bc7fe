package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/store"
)

// TestDedupInsideOneBatch holds the writer on a blocking write, queues two
// Accepts of one key behind it, and releases it: the two are committed in
// one batch, and the second is answered as a dup of the first.
func TestDedupInsideOneBatch(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mu sync.Mutex
	var sizes []int
	s.onBatch = func(n int) { mu.Lock(); sizes = append(sizes, n); mu.Unlock() }

	started, release := make(chan struct{}), make(chan struct{})
	go s.write(context.Background(), func(*sql.Tx) error { close(started); <-release; return nil })
	<-started
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type result struct {
		id  string
		dup bool
		err error
	}
	results := make(chan result, 2)
	for _, id := range []string{"a", "b"} {
		go func() {
			r := &store.Run{ID: id, Flow: "f", Workflow: "w", Trigger: store.TriggerWebhook, DedupKey: "k",
				Status: store.StatusQueued, CreatedAt: at}
			ex, dup, err := s.Accept(context.Background(), r, time.Hour)
			if dup {
				id = ex.ID
			}
			results <- result{id, dup, err}
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); len(s.ops) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the two Accepts never queued")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	r1, r2 := <-results, <-results
	if r1.err != nil || r2.err != nil {
		t.Fatal(r1.err, r2.err)
	}
	if r1.dup == r2.dup || r1.id != r2.id {
		t.Errorf("results %+v %+v: want one new run and one dup answering its id", r1, r2)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 2 {
		t.Errorf("batch sizes %v, want [1 2]", sizes)
	}
}

// TestFailingWriteAloneRolledBack puts a failing write between two good
// ones in one batch: the failing one's changes are undone, the others
// commit.
func TestFailingWriteAloneRolledBack(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	started, release := make(chan struct{}), make(chan struct{})
	go s.write(context.Background(), func(*sql.Tx) error { close(started); <-release; return nil })
	<-started
	errs := make(chan error, 3)
	tick := func(flow string, fail bool) {
		errs <- s.write(context.Background(), func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO ticks (flow, at) VALUES (?, 1)`, flow); err != nil {
				return err
			}
			if fail {
				return sql.ErrTxDone // any error
			}
			return nil
		})
	}
	go tick("one", false)
	go tick("bad", true)
	go tick("two", false)
	for len(s.ops) < 3 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	failed := 0
	for range 3 {
		if <-errs != nil {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d writes failed, want 1", failed)
	}
	for flow, want := range map[string]bool{"one": true, "two": true, "bad": false} {
		at, err := s.LastTick(context.Background(), flow)
		if err != nil || at.IsZero() == want {
			t.Errorf("tick %s: %v, %v; want stored %v", flow, at, err, want)
		}
	}
}
