package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQueryPlans pins that the dedup check and the List filters use their
// indexes: a scan would make Accept slower as the file grows.
func TestQueryPlans(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "weft.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cases := []struct {
		q     string
		args  []any
		index string
	}{
		{dedupQuery(true), []any{"f", "k", 1}, "runs_dedup"},
		{dedupQuery(false), []any{"f", "k"}, "runs_dedup"},
		{`SELECT id FROM runs WHERE flow = ? ORDER BY created_at DESC, id DESC LIMIT 5`, []any{"f"}, "runs_flow_created"},
		{`SELECT id FROM runs WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT 5`, []any{"queued"}, "runs_status_created"},
		{`SELECT id FROM runs WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 5`, []any{1}, "runs_created"},
	}
	for _, c := range cases {
		rows, err := s.rdb.Query("EXPLAIN QUERY PLAN "+c.q, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, c.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan of %.60q…: %s; want %s without a sort", c.q, p, c.index)
		}
	}
}

// TestWriterSettings pins the per-connection settings durability rests
// on: synchronous=FULL, WAL, foreign keys and a busy timeout, on the
// writer's connection and on the readers'.
func TestWriterSettings(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "weft.db"), WithBusyTimeout(1234*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]string{"synchronous": "2", "journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "1234"}
	for name, w := range want {
		var got string
		err := s.write(context.Background(), func(tx *sql.Tx) error {
			return tx.QueryRow("PRAGMA " + name).Scan(&got)
		})
		if err != nil || got != w {
			t.Errorf("writer PRAGMA %s = %q, %v; want %s", name, got, err, w)
		}
		if err := s.rdb.QueryRow("PRAGMA " + name).Scan(&got); err != nil || got != w {
			t.Errorf("reader PRAGMA %s = %q, %v; want %s", name, got, err, w)
		}
	}
}

func TestHeaderEncoding(t *testing.T) {
	for _, h := range []map[string][]string{
		{"Content-Type": {"application/json"}},
		{"X-Bin": {"caf\xe9", ""}, "Ok": {"x"}, "\xff": {"y"}},
		{},
	} {
		text, err := encodeHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeHeader(text)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%q", back) != fmt.Sprintf("%q", h) {
			t.Errorf("%q → %s → %q", h, text, back)
		}
	}
	if text, _ := encodeHeader(map[string][]string{"A": {"b"}}); text != `{"A":["b"]}` {
		t.Errorf("a UTF-8 header is stored as %s, want plain JSON", text)
	}
	if _, err := decodeHeader(`[["!!"]]`); err == nil {
		t.Error("decodeHeader of bad base64: no error")
	}
}
