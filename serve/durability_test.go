package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
	"github.com/weftflow/weft/webhook"
)

// seed writes runs into the store file as a process killed mid-run would
// have left them: one queued, one running that sent nothing, one running
// that may have sent a request.
func seed(t *testing.T, path string) (queued, unsent, sent string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	mk := func(id, name string) {
		in, _ := json.Marshal(map[string]string{"sourceName": name, "integrationLabel": "L", "provider": "HMAC"})
		r := &store.Run{ID: id, Flow: "attach", Workflow: "attach-integration-to-source", Trigger: store.TriggerWebhook,
			Status: store.StatusQueued, Inputs: in, CreatedAt: now, UpdatedAt: now, Event: &store.Event{}}
		if _, _, err := st.Accept(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	mk("run-queued", "crash-q")
	mk("run-unsent", "crash-u")
	mk("run-sent", "crash-s")
	if _, err := st.StartAttempt(ctx, "run-unsent", now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartAttempt(ctx, "run-sent", now); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRequestSent(ctx, "run-sent", 1); err != nil {
		t.Fatal(err)
	}
	return "run-queued", "run-unsent", "run-sent"
}

// TestRestartResumes pins what a start does with what a killed process
// left: queued runs run, a run interrupted before it sent anything runs
// again, and one that may have sent a request is dead-lettered under
// resume-safe (the default) but run again under retry.
func TestRestartResumes(t *testing.T) {
	for _, policy := range []string{serve.PolicyResumeSafe, serve.PolicyRetry} {
		t.Run(policy, func(t *testing.T) {
			var q, u, s string
			h := newHarness(t, func(h *harness) {
				q, u, s = seed(t, h.dbPath)
				h.def.Flows[0].Retry.Interrupted = policy
			})
			for _, id := range []string{q, u} {
				if r := h.wait(id); r.Status != store.StatusSucceeded {
					t.Errorf("%s: %s %s", id, r.Status, r.Reason)
				}
			}
			r := h.wait(s)
			atts, _ := h.st.Attempts(context.Background(), s)
			switch policy {
			case serve.PolicyResumeSafe:
				if r.Status != store.StatusDead || !strings.Contains(r.Reason, "may have been sent") || len(atts) != 1 {
					t.Errorf("sent run = %s %q, %d attempts", r.Status, r.Reason, len(atts))
				}
				if atts[0].Status != store.StatusInterrupted {
					t.Errorf("attempt = %s", atts[0].Status)
				}
			case serve.PolicyRetry:
				if r.Status != store.StatusSucceeded || len(atts) != 2 || atts[0].Status != store.StatusInterrupted {
					t.Errorf("sent run = %s %q, %d attempts", r.Status, r.Reason, len(atts))
				}
			}
		})
	}
}

// TestDrainInterruptsThenRestartRetries pins SIGTERM's drain: a run still
// in flight when the drain times out is recorded as interrupted, and the
// next start runs it again by policy.
func TestDrainInterruptsThenRestartRetries(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h := newHarness(t, func(h *harness) { h.def.Flows[0].Retry.Interrupted = serve.PolicyRetry })
	h.setGate(func(r *http.Request) {
		// Held before the fake answers createSource: the request was sent
		// (so only the retry policy may send it again), but the fake has
		// not created the source, as when the process dies first.
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/sources") {
			select {
			case entered <- struct{}{}:
			default:
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	})
	a := h.deliver("drain-1", eventBody("drain-1"))
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not reach createSource")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	err := h.srv.Shutdown(ctx)
	cancel()
	if err == nil {
		t.Error("Shutdown returned nil with a run in flight past the timeout")
	}
	if a := h.deliver("drain-2", eventBody("drain-2")); a.Code != http.StatusServiceUnavailable {
		t.Errorf("delivery while stopping: %d", a.Code)
	}
	r, _ := h.st.Get(context.Background(), a.RunID)
	if r.Status != store.StatusInterrupted {
		t.Fatalf("after the drain: %s %q", r.Status, r.Reason)
	}
	h.stop()
	close(release)
	h.setGate(nil)
	h.open()
	r = h.wait(a.RunID)
	atts, _ := h.st.Attempts(context.Background(), a.RunID)
	if r.Status != store.StatusSucceeded || len(atts) != 2 {
		t.Errorf("after restart: %s %q, %d attempts; calls %+v", r.Status, r.Reason, len(atts), h.fake.Calls())
	}
}

// receiver is a notification endpoint that verifies Standard Webhooks
// signatures and fails its first answers.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string
	ids    []string
	fails  int
	bad    int
}

func newReceiver(t *testing.T, fails int) *receiver {
	v, err := webhook.New(webhook.Config{Preset: webhook.PresetStandardWebhooks, Secrets: []string{notifyKey}})
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{fails: fails}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if _, err := v.Verify(r.Header, b, time.Now()); err != nil {
			rc.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		rc.bodies = append(rc.bodies, string(b))
		rc.ids = append(rc.ids, r.Header.Get("webhook-id"))
		if rc.fails > 0 {
			rc.fails--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func notifyTarget(url string) *definition.Notify {
	return &definition.Notify{Name: "ops", URL: definition.Value{Text: url}, Secret: definition.Value{Text: notifyKey, Secret: true},
		On: []string{"succeeded", "failed", "dead"}, Outputs: []string{"sourceId"}, Attempts: 3,
		Initial: 5 * time.Millisecond, Max: 10 * time.Millisecond}
}

// TestNotificationSignedRetried pins the outbound notification: signed per
// Standard Webhooks, retried after a 500 with the same event id, each
// attempt recorded, the payload carrying the selected outputs.
func TestNotificationSignedRetried(t *testing.T) {
	rc := newReceiver(t, 1)
	h := newHarness(t, func(h *harness) { h.def.Flows[0].Notify = []*definition.Notify{notifyTarget(rc.srv.URL)} })
	a := h.deliver("n-1", eventBody("notify-1"))
	h.wait(a.RunID)
	var ns []*store.Notification
	deadline := time.Now().Add(10 * time.Second)
	for {
		ns, _ = h.st.Notifications(context.Background(), a.RunID)
		if len(ns) == 1 && ns[0].Status != store.NotificationPending || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(ns) != 1 || ns[0].Status != store.NotificationDelivered || len(ns[0].Deliveries) != 2 {
		t.Fatalf("notifications = %+v", ns)
	}
	if d := ns[0].Deliveries; d[0].StatusCode != 500 || d[0].Error == "" || d[1].StatusCode != 204 {
		t.Errorf("deliveries = %+v", d)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.bad != 0 || len(rc.ids) != 2 || rc.ids[0] != rc.ids[1] || rc.ids[0] != ns[0].ID {
		t.Errorf("receiver: bad %d, ids %v", rc.bad, rc.ids)
	}
	var ev serve.NotificationEvent
	if err := json.Unmarshal([]byte(rc.bodies[1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "run.succeeded" || ev.SchemaVersion != serve.NotificationSchemaVersion || ev.Data.RunID != a.RunID ||
		ev.Data.Flow != "attach" || ev.Data.Outputs["sourceId"] == nil || len(ev.Data.Outputs) != 1 || ev.OccurredAt == "" {
		t.Errorf("event = %+v", ev)
	}
}

// TestNotificationDeadLettered pins that a receiver that keeps failing
// gets Attempts attempts, then the notification is dead.
func TestNotificationDeadLettered(t *testing.T) {
	rc := newReceiver(t, 100)
	h := newHarness(t, func(h *harness) { h.def.Flows[0].Notify = []*definition.Notify{notifyTarget(rc.srv.URL)} })
	a := h.deliver("n-2", eventBody("notify-2"))
	h.wait(a.RunID)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ns, _ := h.st.Notifications(context.Background(), a.RunID)
		if len(ns) == 1 && ns[0].Status == store.NotificationDead {
			if len(ns[0].Deliveries) != 3 {
				t.Errorf("deliveries = %d, want 3", len(ns[0].Deliveries))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications = %+v", ns)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSourceLimits pins that a flow's sourceLimits bound the requests in
// flight to a source across its runs (and that without one they do not).
func TestSourceLimits(t *testing.T) {
	for _, limit := range []int{0, 1} {
		var cur, peak atomic.Int64
		h := newHarness(t, func(h *harness) {
			h.def.Flows[0].Concurrency = 6
			if limit > 0 {
				h.def.Flows[0].SourceLimits = map[string]int{"sourcesApi": limit}
			}
		})
		h.setGate(func(*http.Request) {
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(15 * time.Millisecond)
			cur.Add(-1)
		})
		var ids []string
		for i := range 6 {
			name := "lim-" + string(rune('a'+i)) + string(rune('0'+limit))
			ids = append(ids, h.deliver(name, eventBody(name)).RunID)
		}
		for _, id := range ids {
			if r := h.wait(id); r.Status != store.StatusSucceeded {
				t.Errorf("limit %d: %s %s", limit, r.Status, r.Reason)
			}
		}
		switch p := peak.Load(); {
		case limit > 0 && p > int64(limit):
			t.Errorf("limit %d: %d requests in flight at once", limit, p)
		case limit == 0 && p < 2:
			t.Errorf("without a limit, at most %d request in flight: the check cannot fail", p)
		}
	}
}
