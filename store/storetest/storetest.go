// Package storetest is the conformance suite every store.Store must pass.
// An implementation's test calls Run with a function that opens a fresh,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { ... })
//	}
//
// Run closes each store it opens (through t.Cleanup) and calls Close
// again at the end of the suite's own close test, so Close must be
// idempotent.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/weftflow/weft/store"
)

// T0 is the base time of the suite's runs (an instant with nanoseconds, in
// a zone other than UTC, to check that times round-trip as instants).
var T0 = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("X", 3600))

// Run runs the conformance suite against the stores open makes. Each
// subtest opens its own store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	fresh := func(t *testing.T) store.Store {
		s := open(t)
		t.Cleanup(func() { s.Close() })
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"AcceptGetRoundTrip", testRoundTrip},
		{"Bodies", testBodies},
		{"AcceptRejects", testAcceptRejects},
		{"DedupWindow", testDedupWindow},
		{"DedupAcrossFlows", testDedupAcrossFlows},
		{"DedupConcurrent", testDedupConcurrent},
		{"Pending", testPending},
		{"Attempts", testAttempts},
		{"Finish", testFinish},
		{"List", testList},
		{"Notifications", testNotifications},
		{"Ticks", testTicks},
		{"NotFound", testNotFound},
		{"ContextCancelled", testContextCancelled},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, fresh(t)) })
	}
}

var bg = context.Background()

// NewRun returns a queued run of flow, with id and dedup key, created at at.
func NewRun(id, flow, key string, at time.Time) *store.Run {
	return &store.Run{ID: id, Flow: flow, Workflow: "wf", Trigger: store.TriggerWebhook,
		DedupKey: key, Status: store.StatusQueued, CreatedAt: at}
}

func mustAccept(t *testing.T, s store.Store, r *store.Run, window time.Duration) {
	t.Helper()
	ex, dup, err := s.Accept(bg, r, window)
	if err != nil {
		t.Fatalf("Accept(%s): %v", r.ID, err)
	}
	if dup {
		t.Fatalf("Accept(%s): dup of %s, want new", r.ID, ex.ID)
	}
}

func mustGet(t *testing.T, s store.Store, id string) *store.Run {
	t.Helper()
	r, err := s.Get(bg, id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func sameJSON(t *testing.T, what string, got, want json.RawMessage) {
	t.Helper()
	var g, w bytes.Buffer
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if err := json.Compact(&g, got); err != nil {
		t.Errorf("%s: stored %q is not JSON: %v", what, got, err)
		return
	}
	json.Compact(&w, want)
	if g.String() != w.String() {
		t.Errorf("%s = %s, want %s", what, g.String(), w.String())
	}
}

func testRoundTrip(t *testing.T, s store.Store) {
	body := []byte("{\"a\":1}\x00\xff\xfe not utf-8")
	r := &store.Run{
		ID: "r1", Flow: "orders", Workflow: "attach", Trigger: store.TriggerWebhook,
		DedupKey: "msg_1", BodyHash: "abc123", ReplayOf: "r0", Status: store.StatusQueued,
		Reason: "", Attempt: 0, Inputs: json.RawMessage(`{"id": "x", "n": [1, 2]}`),
		Event: &store.Event{
			Header:   map[string][]string{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}},
			Query:    "a=1&b=%20",
			Body:     body,
			BodyKept: true,
			FiredAt:  T0.Add(-time.Second),
		},
		TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		CreatedAt:   T0,
		UpdatedAt:   T0.Add(time.Millisecond),
	}
	mustAccept(t, s, r, time.Hour)
	g := mustGet(t, s, "r1")
	if g.ID != r.ID || g.Flow != r.Flow || g.Workflow != r.Workflow || g.Trigger != r.Trigger ||
		g.DedupKey != r.DedupKey || g.BodyHash != r.BodyHash || g.ReplayOf != r.ReplayOf ||
		g.Status != r.Status || g.Reason != r.Reason || g.Attempt != 0 || g.TraceParent != r.TraceParent {
		t.Errorf("Get = %+v\nwant %+v", g, r)
	}
	sameJSON(t, "Inputs", g.Inputs, r.Inputs)
	if g.Outputs != nil {
		t.Errorf("Outputs = %s, want none", g.Outputs)
	}
	sameTime(t, "CreatedAt", g.CreatedAt, r.CreatedAt)
	sameTime(t, "UpdatedAt", g.UpdatedAt, r.UpdatedAt)
	if !g.NextAttemptAt.IsZero() || !g.FinishedAt.IsZero() {
		t.Errorf("NextAttemptAt %v FinishedAt %v, want zero", g.NextAttemptAt, g.FinishedAt)
	}
	if g.Event == nil {
		t.Fatal("Event is nil")
	}
	if !bytes.Equal(g.Event.Body, body) {
		t.Errorf("Body = %q, want %q", g.Event.Body, body)
	}
	if !g.Event.BodyKept || g.Event.Query != r.Event.Query {
		t.Errorf("Event = %+v", g.Event)
	}
	if fmt.Sprint(g.Event.Header) != fmt.Sprint(r.Event.Header) {
		t.Errorf("Header = %v, want %v", g.Event.Header, r.Event.Header)
	}
	sameTime(t, "FiredAt", g.Event.FiredAt, r.Event.FiredAt)

	// A run with no event and a zero UpdatedAt (taken as CreatedAt).
	mustAccept(t, s, &store.Run{ID: "r2", Flow: "f", Workflow: "w", Trigger: store.TriggerManual,
		Status: store.StatusFailed, Reason: "input id: missing", CreatedAt: T0}, 0)
	g = mustGet(t, s, "r2")
	if g.Event != nil || g.Status != store.StatusFailed || g.Reason != "input id: missing" {
		t.Errorf("r2 = %+v", g)
	}
	sameTime(t, "r2 UpdatedAt", g.UpdatedAt, T0)
}

func testBodies(t *testing.T, s store.Store) {
	cases := []struct {
		id   string
		ev   store.Event
		kept bool
	}{
		{"kept-empty", store.Event{Body: []byte{}, BodyKept: true}, true},
		{"kept-nil", store.Event{BodyKept: true}, true},
		{"not-kept", store.Event{}, false},
	}
	for _, c := range cases {
		ev := c.ev
		r := NewRun(c.id, "f", "", T0)
		r.Event = &ev
		mustAccept(t, s, r, 0)
		g := mustGet(t, s, c.id)
		if g.Event == nil {
			t.Fatalf("%s: Event nil", c.id)
		}
		if g.Event.BodyKept != c.kept || len(g.Event.Body) != 0 {
			t.Errorf("%s: BodyKept %v Body %q, want kept %v and empty", c.id, g.Event.BodyKept, g.Event.Body, c.kept)
		}
		if !c.kept && g.Event.Body != nil {
			t.Errorf("%s: a body not kept comes back as %q, want nil", c.id, g.Event.Body)
		}
	}
}

func testAcceptRejects(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("a", "f", "", T0), 0)
	if _, _, err := s.Accept(bg, NewRun("a", "f", "", T0), 0); err == nil {
		t.Error("Accept of an existing id: no error")
	}
	bad := NewRun("b", "f", "", T0)
	bad.Status = store.StatusSucceeded
	if _, _, err := s.Accept(bg, bad, 0); err == nil {
		t.Error("Accept with status succeeded: no error")
	}
	if _, err := s.Get(bg, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a rejected run was stored: Get = %v", err)
	}
}

func testDedupWindow(t *testing.T, s store.Store) {
	w := 5 * time.Minute
	mustAccept(t, s, NewRun("a", "f", "k", T0), w)
	ex, dup, err := s.Accept(bg, NewRun("b", "f", "k", T0.Add(time.Minute)), w)
	if err != nil || !dup || ex == nil || ex.ID != "a" {
		t.Fatalf("within the window: existing %v dup %v err %v, want a, true", ex, dup, err)
	}
	if _, err := s.Get(bg, "b"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a dup was written: Get(b) = %v", err)
	}
	// Exactly at the window's edge is still within.
	if _, dup, _ := s.Accept(bg, NewRun("edge", "f", "k", T0.Add(w)), w); !dup {
		t.Error("at CreatedAt+window: not a dup")
	}
	// Outside the window: a new run.
	mustAccept(t, s, NewRun("c", "f", "k", T0.Add(w+time.Nanosecond)), w)
	// Window 0: forever; the latest run of the key is the one answered.
	ex, dup, err = s.Accept(bg, NewRun("d", "f", "k", T0.Add(1000*time.Hour)), 0)
	if err != nil || !dup || ex.ID != "c" {
		t.Fatalf("window 0: existing %v dup %v err %v, want c, true", ex, dup, err)
	}
	// No dedup key: never a dup.
	mustAccept(t, s, NewRun("e1", "f", "", T0), 0)
	mustAccept(t, s, NewRun("e2", "f", "", T0), 0)
}

func testDedupAcrossFlows(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("a", "f1", "k", T0), 0)
	mustAccept(t, s, NewRun("b", "f2", "k", T0), 0)
	ex, dup, err := s.Accept(bg, NewRun("c", "f2", "k", T0), 0)
	if err != nil || !dup || ex.ID != "b" {
		t.Fatalf("existing %v dup %v err %v, want b", ex, dup, err)
	}
}

func testDedupConcurrent(t *testing.T, s store.Store) {
	const n = 100
	var wg sync.WaitGroup
	ids := make([]string, n)
	dups := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("r%03d", i)
			ex, dup, err := s.Accept(bg, NewRun(id, "f", "same", T0.Add(time.Duration(i)*time.Microsecond)), time.Hour)
			errs[i], dups[i] = err, dup
			if dup {
				ids[i] = ex.ID
			} else {
				ids[i] = id
			}
		}()
	}
	wg.Wait()
	var winner string
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Accept %d: %v", i, errs[i])
		}
		if !dups[i] {
			if winner != "" {
				t.Fatalf("two non-dups: %s and %s", winner, ids[i])
			}
			winner = ids[i]
		}
	}
	if winner == "" {
		t.Fatal("no Accept was new")
	}
	for i := range n {
		if ids[i] != winner {
			t.Errorf("Accept %d answered %s, want %s", i, ids[i], winner)
		}
	}
	runs, err := s.List(bg, store.Filter{Flow: "f", Limit: 1000})
	if err != nil || len(runs) != 1 {
		t.Errorf("List = %d runs, %v; want 1", len(runs), err)
	}
}

func testPending(t *testing.T, s store.Store) {
	// Created out of order, so that oldest first is not insertion order.
	statuses := []struct {
		id     string
		at     int
		status store.Status
	}{
		{"retrying", 3, store.StatusRetrying},
		{"queued", 5, store.StatusQueued},
		{"succeeded", 1, store.StatusSucceeded},
		{"running", 4, store.StatusRunning},
		{"interrupted", 2, store.StatusInterrupted},
		{"dead", 0, store.StatusDead},
		{"failed", 6, store.StatusFailed},
	}
	for _, c := range statuses {
		r := NewRun(c.id, "f", "", T0.Add(time.Duration(c.at)*time.Second))
		r.Event = &store.Event{Body: []byte(c.id), BodyKept: true}
		if c.status == store.StatusFailed {
			r.Status = store.StatusFailed
		}
		mustAccept(t, s, r, 0)
		if c.status == store.StatusQueued || c.status == store.StatusFailed {
			continue
		}
		if _, err := s.StartAttempt(bg, c.id, T0); err != nil {
			t.Fatal(err)
		}
		if c.status != store.StatusRunning {
			if err := s.Finish(bg, c.id, store.Update{Status: c.status, AttemptStatus: store.StatusFailed}, T0); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.Pending(bg)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
		if r.Event == nil || string(r.Event.Body) != r.ID {
			t.Errorf("Pending %s: Event %+v, want the body kept", r.ID, r.Event)
		}
	}
	want := "[interrupted retrying running queued]"
	if fmt.Sprint(ids) != want {
		t.Errorf("Pending = %v, want %s", ids, want)
	}
}

func testAttempts(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	a1, err := s.StartAttempt(bg, "r", T0.Add(time.Second))
	if err != nil || a1.N != 1 || a1.RunID != "r" || a1.Status != store.StatusRunning {
		t.Fatalf("StartAttempt = %+v, %v", a1, err)
	}
	sameTime(t, "Started", a1.Started, T0.Add(time.Second))
	if g := mustGet(t, s, "r"); g.Status != store.StatusRunning || g.Attempt != 1 {
		t.Errorf("after StartAttempt: status %s attempt %d", g.Status, g.Attempt)
	}
	steps := []string{`{"step":"a"}`, `{"step":"b","n":2}`, `{"step":"c"}`}
	for _, st := range steps {
		if err := s.AppendStep(bg, "r", 1, json.RawMessage(st)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendStep(bg, "r", 1, json.RawMessage(`{"broken`)); err == nil {
		t.Error("AppendStep of invalid JSON: no error")
	}
	if err := s.Finish(bg, "r", store.Update{Status: store.StatusRetrying, AttemptStatus: store.StatusFailed,
		AttemptError: "HTTP 503", NextAttemptAt: T0.Add(time.Minute)}, T0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	a2, err := s.StartAttempt(bg, "r", T0.Add(3*time.Second))
	if err != nil || a2.N != 2 {
		t.Fatalf("second StartAttempt = %+v, %v", a2, err)
	}
	if err := s.AppendStep(bg, "r", 2, json.RawMessage(`{"step":"z"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRequestSent(bg, "r", 2); err != nil {
		t.Fatal(err)
	}
	if g := mustGet(t, s, "r"); g.Attempt != 2 || g.Status != store.StatusRunning || !g.NextAttemptAt.IsZero() {
		t.Errorf("after the second StartAttempt: %+v", g)
	}
	as, err := s.Attempts(bg, "r")
	if err != nil || len(as) != 2 {
		t.Fatalf("Attempts = %v, %v", as, err)
	}
	if as[0].N != 1 || as[0].Status != store.StatusFailed || as[0].Error != "HTTP 503" || as[0].RequestSent {
		t.Errorf("attempt 1 = %+v", as[0])
	}
	sameTime(t, "attempt 1 Finished", as[0].Finished, T0.Add(2*time.Second))
	if len(as[0].Steps) != 3 {
		t.Fatalf("attempt 1 has %d steps, want 3", len(as[0].Steps))
	}
	for i, st := range steps {
		sameJSON(t, fmt.Sprintf("step %d", i), as[0].Steps[i], json.RawMessage(st))
	}
	if as[1].N != 2 || as[1].Status != store.StatusRunning || !as[1].RequestSent || !as[1].Finished.IsZero() || len(as[1].Steps) != 1 {
		t.Errorf("attempt 2 = %+v", as[1])
	}
	sameTime(t, "attempt 2 Started", as[1].Started, T0.Add(3*time.Second))
}

func testFinish(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	if _, err := s.StartAttempt(bg, "r", T0); err != nil {
		t.Fatal(err)
	}
	out := json.RawMessage(`{"sourceId":"src_1"}`)
	end := T0.Add(time.Minute)
	if err := s.Finish(bg, "r", store.Update{Status: store.StatusSucceeded, Outputs: out,
		AttemptStatus: store.StatusSucceeded}, end); err != nil {
		t.Fatal(err)
	}
	g := mustGet(t, s, "r")
	if g.Status != store.StatusSucceeded || g.Attempt != 1 {
		t.Errorf("run = %+v", g)
	}
	sameJSON(t, "Outputs", g.Outputs, out)
	sameTime(t, "FinishedAt", g.FinishedAt, end)
	sameTime(t, "UpdatedAt", g.UpdatedAt, end)
	as, _ := s.Attempts(bg, "r")
	if len(as) != 1 || as[0].Status != store.StatusSucceeded {
		t.Fatalf("attempts = %+v", as)
	}
	sameTime(t, "attempt Finished", as[0].Finished, end)

	// A failed start is finished without an attempt to close.
	r := NewRun("d", "f", "", T0)
	mustAccept(t, s, r, 0)
	if err := s.Finish(bg, "d", store.Update{Status: store.StatusDead, Reason: "gave up"}, end); err != nil {
		t.Fatal(err)
	}
	if g := mustGet(t, s, "d"); g.Status != store.StatusDead || g.Reason != "gave up" || !g.FinishedAt.Equal(end) {
		t.Errorf("dead run = %+v", g)
	}
}

func testList(t *testing.T, s store.Store) {
	// 12 runs, one second apart: flows a/b alternate, every third failed.
	for i := range 12 {
		r := NewRun(fmt.Sprintf("r%02d", i), []string{"a", "b"}[i%2], "", T0.Add(time.Duration(i)*time.Second))
		if i%3 == 0 {
			r.Status = store.StatusFailed
		}
		r.Event = &store.Event{Body: []byte("x"), BodyKept: true}
		mustAccept(t, s, r, 0)
	}
	// Two runs at the same instant: the cursor must tell them apart.
	mustAccept(t, s, NewRun("same1", "c", "", T0.Add(time.Hour)), 0)
	mustAccept(t, s, NewRun("same2", "c", "", T0.Add(time.Hour)), 0)
	list := func(f store.Filter) string {
		t.Helper()
		rs, err := s.List(bg, f)
		if err != nil {
			t.Fatalf("List(%+v): %v", f, err)
		}
		var ids []string
		for _, r := range rs {
			if r.Event != nil {
				t.Errorf("List returned %s with its Event", r.ID)
			}
			ids = append(ids, r.ID)
		}
		return fmt.Sprint(ids)
	}
	check := func(f store.Filter, want string) {
		t.Helper()
		if got := list(f); got != want {
			t.Errorf("List(%+v) = %s, want %s", f, got, want)
		}
	}
	check(store.Filter{Flow: "a"}, "[r10 r08 r06 r04 r02 r00]")
	check(store.Filter{Status: store.StatusFailed}, "[r09 r06 r03 r00]")
	check(store.Filter{Flow: "b", Status: store.StatusQueued}, "[r11 r07 r05 r01]")
	check(store.Filter{Since: T0.Add(3 * time.Second), Until: T0.Add(6 * time.Second)}, "[r05 r04 r03]")
	check(store.Filter{Limit: 3}, "[same2 same1 r11]")
	check(store.Filter{Limit: 2, Before: "same2"}, "[same1 r11]")
	check(store.Filter{Flow: "a", Before: "r06"}, "[r04 r02 r00]")
	check(store.Filter{Flow: "nope"}, "[]")
	// Paging with the cursor visits every run once.
	seen := map[string]bool{}
	before := ""
	for page := 0; page < 20; page++ {
		rs, err := s.List(bg, store.Filter{Limit: 5, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			break
		}
		for _, r := range rs {
			if seen[r.ID] {
				t.Errorf("page %d repeats %s", page, r.ID)
			}
			seen[r.ID] = true
		}
		before = rs[len(rs)-1].ID
	}
	if len(seen) != 14 {
		t.Errorf("paging saw %d runs, want 14", len(seen))
	}
	// Limit 0 means 100.
	for i := range 110 {
		mustAccept(t, s, NewRun(fmt.Sprintf("m%03d", i), "many", "", T0), 0)
	}
	rs, err := s.List(bg, store.Filter{Flow: "many"})
	if err != nil || len(rs) != 100 {
		t.Errorf("List with Limit 0 = %d runs, %v; want 100", len(rs), err)
	}
	if _, err := s.List(bg, store.Filter{Before: "unknown"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("List with an unknown cursor = %v, want ErrNotFound", err)
	}
}

func testNotifications(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	mustAccept(t, s, NewRun("r2", "f", "", T0), 0)
	n := &store.Notification{ID: "evt_1", RunID: "r", Flow: "f", Target: "0",
		Payload: json.RawMessage(`{"type":"run.finished","data":{"runId":"r"}}`), CreatedAt: T0}
	if err := s.AddNotification(bg, n); err != nil {
		t.Fatal(err)
	}
	if err := s.AddNotification(bg, &store.Notification{ID: "evt_2", RunID: "r2", Flow: "f", Target: "ops",
		Payload: json.RawMessage(`{}`), CreatedAt: T0.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddNotification(bg, &store.Notification{ID: "evt_x", RunID: "nope", Payload: json.RawMessage(`{}`), CreatedAt: T0}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddNotification for an unknown run = %v, want ErrNotFound", err)
	}
	p, err := s.PendingNotifications(bg)
	if err != nil || len(p) != 2 || p[0].ID != "evt_1" || p[1].ID != "evt_2" {
		t.Fatalf("PendingNotifications = %+v, %v", p, err)
	}
	if p[0].Status != store.NotificationPending || p[0].Attempts != 0 || p[0].Target != "0" || p[0].RunID != "r" {
		t.Errorf("pending = %+v", p[0])
	}
	sameJSON(t, "Payload", p[0].Payload, n.Payload)
	sameTime(t, "CreatedAt", p[0].CreatedAt, T0)

	next := T0.Add(30 * time.Second)
	d1 := store.Delivery{N: 1, At: T0.Add(time.Second), StatusCode: 500, Error: "HTTP 500", Duration: 12 * time.Millisecond}
	if err := s.RecordDelivery(bg, "evt_1", d1, store.NotificationPending, next); err != nil {
		t.Fatal(err)
	}
	p, _ = s.PendingNotifications(bg)
	if len(p) != 2 || p[0].Attempts != 1 || !p[0].NextAttemptAt.Equal(next) || len(p[0].Deliveries) != 1 {
		t.Fatalf("after a failed delivery: %+v", p)
	}
	d2 := store.Delivery{N: 2, At: T0.Add(31 * time.Second), StatusCode: 204, Duration: 3 * time.Millisecond}
	if err := s.RecordDelivery(bg, "evt_1", d2, store.NotificationDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordDelivery(bg, "evt_1", d2, store.NotificationDelivered, time.Time{}); err == nil {
		t.Error("recording delivery 2 twice: no error")
	}
	if err := s.RecordDelivery(bg, "evt_2", store.Delivery{At: T0}, "bogus", time.Time{}); err == nil {
		t.Error("RecordDelivery with status bogus: no error")
	}
	p, _ = s.PendingNotifications(bg)
	if len(p) != 1 || p[0].ID != "evt_2" {
		t.Errorf("PendingNotifications after delivery = %+v, want evt_2 only", p)
	}
	ns, err := s.Notifications(bg, "r")
	if err != nil || len(ns) != 1 {
		t.Fatalf("Notifications(r) = %+v, %v", ns, err)
	}
	g := ns[0]
	if g.Status != store.NotificationDelivered || g.Attempts != 2 || len(g.Deliveries) != 2 {
		t.Fatalf("notification = %+v", g)
	}
	for i, want := range []store.Delivery{d1, d2} {
		got := g.Deliveries[i]
		if got.N != want.N || !got.At.Equal(want.At) || got.StatusCode != want.StatusCode ||
			got.Error != want.Error || got.Duration != want.Duration {
			t.Errorf("delivery %d = %+v, want %+v", i, got, want)
		}
	}
	if ns, err := s.Notifications(bg, "r2"); err != nil || len(ns) != 1 || ns[0].ID != "evt_2" {
		t.Errorf("Notifications(r2) = %+v, %v", ns, err)
	}
}

func testTicks(t *testing.T, s store.Store) {
	if at, err := s.LastTick(bg, "nightly"); err != nil || !at.IsZero() {
		t.Fatalf("LastTick before any = %v, %v", at, err)
	}
	if err := s.SetLastTick(bg, "nightly", T0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLastTick(bg, "hourly", T0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLastTick(bg, "nightly", T0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	at, err := s.LastTick(bg, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	sameTime(t, "nightly", at, T0.Add(24*time.Hour))
	at, _ = s.LastTick(bg, "hourly")
	sameTime(t, "hourly", at, T0.Add(time.Hour))
}

func testNotFound(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	nf := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", what, err)
		}
	}
	_, err := s.Get(bg, "x")
	nf("Get", err)
	_, err = s.StartAttempt(bg, "x", T0)
	nf("StartAttempt", err)
	nf("AppendStep unknown run", s.AppendStep(bg, "x", 1, json.RawMessage(`{}`)))
	nf("AppendStep unknown attempt", s.AppendStep(bg, "r", 1, json.RawMessage(`{}`)))
	nf("MarkRequestSent", s.MarkRequestSent(bg, "r", 7))
	nf("Finish", s.Finish(bg, "x", store.Update{Status: store.StatusDead}, T0))
	_, err = s.Attempts(bg, "x")
	nf("Attempts", err)
	nf("RecordDelivery", s.RecordDelivery(bg, "x", store.Delivery{N: 1, At: T0}, store.NotificationDead, time.Time{}))
	_, err = s.Notifications(bg, "x")
	nf("Notifications", err)
	if as, err := s.Attempts(bg, "r"); err != nil || len(as) != 0 {
		t.Errorf("Attempts of a run not started = %v, %v; want none", as, err)
	}
}

func testContextCancelled(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if _, _, err := s.Accept(ctx, NewRun("r", "f", "", T0), 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Accept = %v, want context.Canceled", err)
	}
	if _, err := s.Get(bg, "r"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Accept with a cancelled context wrote the run: Get = %v", err)
	}
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	if _, err := s.Get(ctx, "r"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get = %v, want context.Canceled", err)
	}
	if _, err := s.List(ctx, store.Filter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("List = %v, want context.Canceled", err)
	}
	if _, err := s.StartAttempt(ctx, "r", T0); !errors.Is(err, context.Canceled) {
		t.Errorf("StartAttempt = %v, want context.Canceled", err)
	}
	if err := s.SetLastTick(ctx, "f", T0); !errors.Is(err, context.Canceled) {
		t.Errorf("SetLastTick = %v, want context.Canceled", err)
	}
	if g := mustGet(t, s, "r"); g.Attempt != 0 {
		t.Errorf("StartAttempt with a cancelled context changed the run: %+v", g)
	}
}

func testClosed(t *testing.T, s store.Store) {
	mustAccept(t, s, NewRun("r", "f", "", T0), 0)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s.Close() // a second Close must not panic
	if _, _, err := s.Accept(bg, NewRun("r2", "f", "", T0), 0); err == nil {
		t.Error("Accept after Close: no error")
	}
	if _, err := s.Get(bg, "r"); err == nil {
		t.Error("Get after Close: no error")
	}
	if _, err := s.Pending(bg); err == nil {
		t.Error("Pending after Close: no error")
	}
	if err := s.SetLastTick(bg, "f", T0); err == nil {
		t.Error("SetLastTick after Close: no error")
	}
}
