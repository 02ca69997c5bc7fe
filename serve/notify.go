package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/webhook"
)

// NotificationSchemaVersion is the schemaVersion of the events weft serve
// sends when a run finishes.
const NotificationSchemaVersion = "1"

// NotificationEvent is the JSON body of a notification, signed per
// Standard Webhooks (webhook-id is EventID).
type NotificationEvent struct {
	EventID       string `json:"eventId"`
	OccurredAt    string `json:"occurredAt"`
	Type          string `json:"type"` // run.succeeded, run.failed, run.dead
	SchemaVersion string `json:"schemaVersion"`
	Data          struct {
		RunID    string         `json:"runId"`
		Flow     string         `json:"flow"`
		Workflow string         `json:"workflow"`
		Status   string         `json:"status"`
		Attempts int            `json:"attempts"`
		Reason   string         `json:"reason,omitempty"`
		ReplayOf string         `json:"replayOf,omitempty"`
		Outputs  map[string]any `json:"outputs,omitempty"`
	} `json:"data"`
}

// notifier delivers the outbox: every notification is in the store before
// its first attempt, and each attempt is recorded.
type notifier struct {
	s       *Server
	client  *http.Client
	mu      sync.Mutex
	stopped bool
	timers  map[string]*time.Timer
	wg      sync.WaitGroup
	ctx     context.Context
	cancel  context.CancelFunc
}

func newNotifier(s *Server) *notifier {
	c := s.opts.notifyClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &notifier{s: s, client: c, timers: map[string]*time.Timer{}, ctx: ctx, cancel: cancel}
}

// start schedules the notifications the store holds as pending.
func (n *notifier) start(ctx context.Context) error {
	pending, err := n.s.st.PendingNotifications(ctx)
	if err != nil {
		return err
	}
	for _, no := range pending {
		n.schedule(no, no.NextAttemptAt.Sub(n.s.opts.now()))
	}
	return nil
}

// target returns the flow and notify target of no (nil when the
// definition no longer has them).
func (n *notifier) target(no *store.Notification) (*flow, *definition.Notify) {
	f := n.s.flows[no.Flow]
	if f == nil {
		return nil, nil
	}
	for i, t := range f.def.Notify {
		if targetName(t, i) == no.Target {
			return f, t
		}
	}
	return f, nil
}

func targetName(t *definition.Notify, i int) string {
	if t.Name != "" {
		return t.Name
	}
	return strconv.Itoa(i)
}

// runFinished records and schedules the notifications of a run that
// reached a final status.
func (n *notifier) runFinished(ctx context.Context, f *flow, run *store.Run) {
	for i, t := range f.def.Notify {
		if !slices.Contains(t.On, string(run.Status)) {
			continue
		}
		now := n.s.opts.now()
		ev := NotificationEvent{EventID: newID(now), OccurredAt: now.UTC().Format(time.RFC3339Nano),
			Type: "run." + string(run.Status), SchemaVersion: NotificationSchemaVersion}
		ev.Data.RunID, ev.Data.Flow, ev.Data.Workflow = run.ID, run.Flow, run.Workflow
		ev.Data.Status, ev.Data.Attempts, ev.Data.Reason, ev.Data.ReplayOf = string(run.Status), run.Attempt, run.Reason, run.ReplayOf
		if len(t.Outputs) > 0 && len(run.Outputs) > 0 {
			var outs map[string]any
			if json.Unmarshal(run.Outputs, &outs) == nil {
				ev.Data.Outputs = map[string]any{}
				for _, name := range t.Outputs {
					if v, ok := outs[name]; ok {
						ev.Data.Outputs[name] = v
					}
				}
			}
		}
		body, err := json.Marshal(ev)
		if err != nil {
			continue
		}
		no := &store.Notification{ID: ev.EventID, RunID: run.ID, Flow: f.def.Name, Target: targetName(t, i),
			Payload: n.s.mask.Bytes(body), Status: store.NotificationPending, CreatedAt: now, NextAttemptAt: now}
		if err := n.s.st.AddNotification(ctx, no); err != nil {
			n.s.log.Error("could not record a notification", slog.String(runtime.LogKeyRunID, run.ID), slog.String(runtime.LogKeyError, err.Error()))
			continue
		}
		n.schedule(no, 0)
	}
}

// schedule delivers no after d, unless the notifier stops first (the
// store keeps it pending for the next start).
func (n *notifier) schedule(no *store.Notification, d time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return
	}
	if d < 0 {
		d = 0
	}
	n.wg.Add(1)
	n.timers[no.ID] = time.AfterFunc(d, func() {
		defer n.wg.Done()
		n.mu.Lock()
		delete(n.timers, no.ID)
		stopped := n.stopped
		n.mu.Unlock()
		if !stopped {
			n.deliver(no)
		}
	})
}

// deliver makes one attempt to send no and records it.
func (n *notifier) deliver(no *store.Notification) {
	_, t := n.target(no)
	if t == nil {
		n.s.log.Warn("a pending notification's target is not in the definition; left pending",
			slog.String(LogKeyFlow, no.Flow), slog.String("target", no.Target))
		return
	}
	now := n.s.opts.now()
	attempt := no.Attempts + 1
	d := store.Delivery{N: attempt, At: now}
	code, err := n.send(t, no, now)
	d.Duration = n.s.opts.now().Sub(now)
	d.StatusCode = code
	status, next := store.NotificationDelivered, time.Time{}
	if err != nil {
		d.Error = n.s.mask.String(err.Error())
		if attempt >= t.Attempts {
			status = store.NotificationDead
		} else {
			status = store.NotificationPending
			next = now.Add(backoff(definition.Retry{Initial: t.Initial, Max: t.Max}, attempt, 0, n.s.opts.jitter))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := n.s.st.RecordDelivery(ctx, no.ID, d, status, next); err != nil {
		n.s.log.Error("could not record a notification attempt", slog.String("notification", no.ID), slog.String(runtime.LogKeyError, err.Error()))
		return
	}
	no.Attempts = attempt
	level := slog.LevelInfo
	if status != store.NotificationDelivered {
		level = slog.LevelWarn
	}
	n.s.log.LogAttrs(ctx, level, "notification "+status, slog.String(LogKeyFlow, no.Flow), slog.String(runtime.LogKeyRunID, no.RunID),
		slog.String("notification", no.ID), slog.Int("attempt", attempt), slog.Int(runtime.LogKeyStatusCode, code))
	if status == store.NotificationPending {
		n.schedule(no, next.Sub(n.s.opts.now()))
	}
}

// send POSTs no, signed now; a status other than 2xx is an error.
func (n *notifier) send(t *definition.Notify, no *store.Notification, now time.Time) (int, error) {
	h, err := webhook.Signer{Secret: t.Secret.Text}.Sign(no.ID, now, no.Payload)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, t.URL.Text, bytes.NewReader(no.Payload))
	if err != nil {
		return 0, err
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "weft-serve")
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, unwrapURL(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &httpStatusError{code: resp.StatusCode}
	}
	return resp.StatusCode, nil
}

type httpStatusError struct{ code int }

func (e *httpStatusError) Error() string { return "the receiver answered " + strconv.Itoa(e.code) }

// stop cancels the timers and waits for deliveries in flight.
func (n *notifier) stop() {
	n.mu.Lock()
	n.stopped = true
	for id, t := range n.timers {
		if t.Stop() {
			n.wg.Done()
		}
		delete(n.timers, id)
	}
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}
