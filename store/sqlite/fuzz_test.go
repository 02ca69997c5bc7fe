package sqlite_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/storetest"
)

// FuzzEventRoundTrip stores events with arbitrary bytes in the body, the
// query, a header name and value and the dedup key, and checks that Get
// gives back the same bytes and that the key still dedups.
func FuzzEventRoundTrip(f *testing.F) {
	f.Add([]byte(`{"a":1}`), "a=1", "X-Event", "order.created", "msg_1")
	f.Add([]byte{0, 0xff, 0xfe}, "q=\xff", "X-Bin", "caf\xe9", "k\x00\xff")
	f.Add([]byte{}, "", "", "", "")
	s := open(f, filepath.Join(f.TempDir(), "weft.db"))
	defer s.Close()
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte, query, name, value, key string) {
		id := "r" + string(rune('a'+n.Add(1)%26)) + time.Now().Format("150405.000000000")
		r := storetest.NewRun(id, "fuzz-"+id, key, storetest.T0)
		r.Event = &store.Event{Body: body, BodyKept: true, Query: query, Header: map[string][]string{name: {value, value + "2"}}}
		if _, dup, err := s.Accept(bg, r, 0); err != nil || dup {
			t.Fatalf("Accept: dup %v, %v", dup, err)
		}
		g, err := s.Get(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.Event.Body, body) || g.Event.Query != query || g.DedupKey != key {
			t.Errorf("round trip: body %q query %q key %q; want %q %q %q", g.Event.Body, g.Event.Query, g.DedupKey, body, query, key)
		}
		if !reflect.DeepEqual(g.Event.Header, r.Event.Header) {
			t.Errorf("header %q, want %q", g.Event.Header, r.Event.Header)
		}
		if key != "" {
			ex, dup, err := s.Accept(bg, storetest.NewRun(id+"-again", r.Flow, key, storetest.T0), 0)
			if err != nil || !dup || ex.ID != id {
				t.Errorf("second delivery of key %q: %v %v, %v", key, ex, dup, err)
			}
		}
	})
}
