package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/store"
)

// TestWebhookRunsReferenceWorkflow pins the reference flow: a signed event
// is answered 202 with a run id once it is in the store, and the run
// executes attach-integration-to-source against the API, its steps and
// outputs stored as it goes.
func TestWebhookRunsReferenceWorkflow(t *testing.T) {
	h := newHarness(t, nil)
	a := h.deliver("msg_1", eventBody("shop-1"))
	if a.Code != http.StatusAccepted || a.RunID == "" || a.Status != "queued" {
		t.Fatalf("answer = %d %s", a.Code, a.raw)
	}
	r := h.wait(a.RunID)
	if r.Status != store.StatusSucceeded {
		t.Fatalf("run %s: %s", r.Status, r.Reason)
	}
	if r.Trigger != store.TriggerWebhook || r.DedupKey != "msg_1" || r.Attempt != 1 {
		t.Errorf("run = %+v", r)
	}
	var outs map[string]any
	if err := json.Unmarshal(r.Outputs, &outs); err != nil || outs["sourceId"] == nil || outs["attached"] != true {
		t.Errorf("outputs = %s (%v)", r.Outputs, err)
	}
	var in map[string]any
	_ = json.Unmarshal(r.Inputs, &in)
	if in["sourceName"] != "shop-1" || in["integrationLabel"] != "Label shop-1" || in["provider"] != "HMAC" {
		t.Errorf("inputs = %s", r.Inputs)
	}
	atts, err := h.st.Attempts(context.Background(), a.RunID)
	if err != nil || len(atts) != 1 {
		t.Fatalf("attempts = %v %v", atts, err)
	}
	var steps []string
	for _, s := range atts[0].Steps {
		var rec struct{ StepID string }
		_ = json.Unmarshal(s, &rec)
		steps = append(steps, rec.StepID)
	}
	if got := strings.Join(steps, ","); got != "createSource,createIntegration,attachIntegration,confirmSource" {
		t.Errorf("steps = %s", got)
	}
	if !atts[0].RequestSent || atts[0].Status != store.StatusSucceeded {
		t.Errorf("attempt = %+v", atts[0])
	}
	if r.Event == nil || !r.Event.BodyKept || string(r.Event.Body) != eventBody("shop-1") {
		t.Errorf("event = %+v", r.Event)
	}
	for k := range r.Event.Header {
		if strings.EqualFold(k, "webhook-signature") {
			t.Errorf("the signature header was stored")
		}
	}
}

// TestWebhookRefusals pins the answers to deliveries that must start
// nothing: unsigned, wrongly signed, stale, too large, replayed; and to a
// sender's retry of one event, which answers with the first run's id.
func TestWebhookRefusals(t *testing.T) {
	h := newHarness(t, nil)
	url := h.http.URL + hookPath
	body := eventBody("shop-r")

	unsigned, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if a := do(t, unsigned); a.Code != http.StatusUnauthorized {
		t.Errorf("unsigned: %d %s", a.Code, a.raw)
	}
	wrong := "whsec_" + "d3Jvbmcta2V5LXdyb25nLWtleQ=="
	if a := do(t, signed(t, url, "m1", time.Now(), body, wrong)); a.Code != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d %s", a.Code, a.raw)
	}
	if a := do(t, signed(t, url, "m1", time.Now().Add(-10*time.Minute), body, webhookKey)); a.Code != http.StatusUnauthorized {
		t.Errorf("stale: %d %s", a.Code, a.raw)
	}
	tampered := signed(t, url, "m1", time.Now(), body, webhookKey)
	tampered.Body = http.NoBody
	tampered.ContentLength = 0
	if a := do(t, tampered); a.Code != http.StatusUnauthorized {
		t.Errorf("tampered: %d %s", a.Code, a.raw)
	}
	big := `{"data":{"name":"x","label":"` + strings.Repeat("a", 5000) + `"}}`
	if a := do(t, signed(t, url, "m2", time.Now(), big, webhookKey)); a.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %d %s", a.Code, a.raw)
	}
	get, _ := http.NewRequest(http.MethodGet, url, nil)
	if a := do(t, get); a.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", a.Code)
	}
	runs, _ := h.st.List(context.Background(), store.Filter{})
	if len(runs) != 0 || len(h.fake.Calls()) != 0 {
		t.Fatalf("refused deliveries started %d runs, %d calls", len(runs), len(h.fake.Calls()))
	}

	// The first delivery runs; the very same request again is a replay.
	first := signed(t, url, "m3", time.Now(), body, webhookKey)
	again := first.Clone(context.Background())
	again.Body = http.NoBody
	a1 := do(t, first)
	if a1.Code != http.StatusAccepted {
		t.Fatalf("first: %d %s", a1.Code, a1.raw)
	}
	again.Body, again.GetBody = nil, nil
	replayed := signed(t, url, "m3", time.Unix(mustUnix(t, first.Header.Get("webhook-timestamp")), 0), body, webhookKey)
	if a := do(t, replayed); a.Code != http.StatusUnauthorized || !strings.Contains(a.Error, "replayed") {
		t.Errorf("replayed: %d %s", a.Code, a.raw)
	}
	// The sender's retry re-signs with a new timestamp: a duplicate.
	retry := signed(t, url, "m3", time.Now().Add(2*time.Second), body, webhookKey)
	a2 := do(t, retry)
	if a2.Code != http.StatusOK || !a2.Duplicate || a2.RunID != a1.RunID {
		t.Errorf("retry: %d %s, want 200 duplicate of %s", a2.Code, a2.raw, a1.RunID)
	}
	h.wait(a1.RunID)
	runs, _ = h.st.List(context.Background(), store.Filter{})
	if len(runs) != 1 || h.calls("createSource") != 1 {
		t.Errorf("runs = %d, createSource calls = %d; want 1, 1", len(runs), h.calls("createSource"))
	}
}

func mustUnix(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("timestamp %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// TestFailedStarts pins that a body that is not JSON (400) and inputs
// that do not map or validate (422) are recorded as failed starts with the
// reason, kept for replay, and run nothing.
func TestFailedStarts(t *testing.T) {
	h := newHarness(t, nil)
	a := h.deliver("bad-json", `{"data": {"name": `)
	if a.Code != http.StatusBadRequest || a.RunID == "" || a.Status != "failed" || !strings.Contains(a.Error, "not JSON") {
		t.Errorf("malformed JSON: %d %s", a.Code, a.raw)
	}
	b := h.deliver("no-name", `{"data": {"label": "x"}}`)
	if b.Code != http.StatusUnprocessableEntity || b.RunID == "" || !strings.Contains(b.Error, "sourceName") {
		t.Errorf("missing input: %d %s", b.Code, b.raw)
	}
	c := h.deliver("wrong-type", `{"data": {"name": 7, "label": "x"}}`)
	if c.Code != http.StatusUnprocessableEntity || !strings.Contains(c.Error, "sourceName") {
		t.Errorf("wrong type: %d %s", c.Code, c.raw)
	}
	for _, id := range []string{a.RunID, b.RunID, c.RunID} {
		r, err := h.st.Get(context.Background(), id)
		if err != nil || r.Status != store.StatusFailed || r.Reason == "" || !r.Event.BodyKept {
			t.Errorf("run %s = %+v %v", id, r, err)
		}
	}
	if n := len(h.fake.Calls()); n != 0 {
		t.Errorf("failed starts made %d calls", n)
	}
	// A failed start is replayed by mapping its kept body again: still
	// failing here, recorded as a new failed run linked to the first.
	rp := h.admin(http.MethodPost, "/admin/runs/"+b.RunID+"/replay", nil)
	if rp.Code != http.StatusUnprocessableEntity || rp.ReplayOf != b.RunID || rp.RunID == b.RunID {
		t.Errorf("replay of a failed start: %d %s", rp.Code, rp.raw)
	}
}

// TestRetriesThenDeadLetterThenReplay pins the retry policy: a failing
// run is attempted Attempts times, then dead-lettered with every attempt
// kept; a replay runs it again with the original inputs, linked to it.
func TestRetriesThenDeadLetterThenReplay(t *testing.T) {
	h := newHarness(t, nil)
	h.fake.FailNext("createSource", 3, http.StatusInternalServerError)
	a := h.deliver("m-dead", eventBody("shop-dead"))
	r := h.wait(a.RunID)
	if r.Status != store.StatusDead || r.Attempt != 3 || !strings.Contains(r.Reason, "dead-lettered after 3 attempt") {
		t.Fatalf("run = %s attempt %d reason %q", r.Status, r.Attempt, r.Reason)
	}
	atts, _ := h.st.Attempts(context.Background(), a.RunID)
	if len(atts) != 3 {
		t.Fatalf("attempts = %d", len(atts))
	}
	for _, at := range atts {
		if at.Status != store.StatusFailed || at.Error == "" || len(at.Steps) == 0 {
			t.Errorf("attempt %d = %+v", at.N, at)
		}
	}
	if got := h.calls("createSource"); got != 3 {
		t.Errorf("createSource calls = %d, want 3", got)
	}
	dead := h.admin(http.MethodGet, "/admin/runs?status=dead", nil)
	if dead.Code != 200 || !strings.Contains(dead.raw, a.RunID) {
		t.Errorf("dead list: %d %s", dead.Code, dead.raw)
	}
	rp := h.admin(http.MethodPost, "/admin/runs/"+a.RunID+"/replay", nil)
	if rp.Code != http.StatusAccepted || rp.ReplayOf != a.RunID {
		t.Fatalf("replay: %d %s", rp.Code, rp.raw)
	}
	nr := h.wait(rp.RunID)
	if nr.Status != store.StatusSucceeded || nr.ReplayOf != a.RunID || nr.Trigger != store.TriggerReplay {
		t.Errorf("replayed run = %+v", nr)
	}
	if string(nr.Inputs) != string(r.Inputs) {
		t.Errorf("replay inputs %s, original %s", nr.Inputs, r.Inputs)
	}
	// A succeeded run is not replayed.
	if c := h.admin(http.MethodPost, "/admin/runs/"+rp.RunID+"/replay", nil); c.Code != http.StatusConflict {
		t.Errorf("replay of a succeeded run: %d %s", c.Code, c.raw)
	}
}

// TestAdminNeedsToken pins that every admin route answers 401 without the
// bearer token, with a wrong one, and always when none is configured.
func TestAdminNeedsToken(t *testing.T) {
	routes := [][2]string{{"GET", "/admin/flows"}, {"GET", "/admin/runs"}, {"GET", "/admin/runs/x"},
		{"POST", "/admin/runs/x/replay"}, {"POST", "/admin/flows/attach/runs"}, {"GET", "/admin/nope"}}
	h := newHarness(t, nil)
	for _, rt := range routes {
		for _, auth := range []string{"", "Bearer wrong", "Basic " + adminToken, "Bearer " + adminToken + "x"} {
			req, _ := http.NewRequest(rt[0], h.http.URL+rt[1], nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			if a := do(t, req); a.Code != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d", rt[0], rt[1], auth, a.Code)
			}
		}
	}
	if a := h.admin("GET", "/admin/flows", nil); a.Code != 200 || !strings.Contains(a.raw, `"attach"`) {
		t.Errorf("with the token: %d %s", a.Code, a.raw)
	}
	if a := h.admin("GET", "/admin/runs/nope", nil); a.Code != http.StatusNotFound {
		t.Errorf("unknown run: %d", a.Code)
	}

	off := newHarness(t, func(h *harness) { h.def.AdminToken.Text = "" })
	for _, rt := range routes {
		req, _ := http.NewRequest(rt[0], off.http.URL+rt[1], nil)
		req.Header.Set("Authorization", "Bearer ")
		if a := do(t, req); a.Code != http.StatusUnauthorized {
			t.Errorf("no token configured: %s %s: %d", rt[0], rt[1], a.Code)
		}
	}
}

// TestManualTrigger pins manual starts through the admin API: inputs
// given, validated (422 and a failed run when they do not), listed by
// flow and status.
func TestManualTrigger(t *testing.T) {
	h := newHarness(t, nil)
	a := h.admin("POST", "/admin/flows/attach/runs", map[string]any{"inputs": map[string]any{"sourceName": "manual-1", "integrationLabel": "M"}})
	if a.Code != http.StatusAccepted {
		t.Fatalf("trigger: %d %s", a.Code, a.raw)
	}
	r := h.wait(a.RunID)
	if r.Status != store.StatusSucceeded || r.Trigger != store.TriggerManual {
		t.Errorf("run = %s %s %s", r.Status, r.Trigger, r.Reason)
	}
	bad := h.admin("POST", "/admin/flows/attach/runs", map[string]any{"inputs": map[string]any{"integrationLabel": "M"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Error, "sourceName") {
		t.Errorf("bad inputs: %d %s", bad.Code, bad.raw)
	}
	if u := h.admin("POST", "/admin/flows/nope/runs", map[string]any{}); u.Code != http.StatusNotFound {
		t.Errorf("unknown flow: %d", u.Code)
	}
	list := h.admin("GET", "/admin/runs?flow=attach&status=succeeded", nil)
	var got struct{ Runs []store.Run }
	_ = json.Unmarshal([]byte(list.raw), &got)
	if len(got.Runs) != 1 || got.Runs[0].ID != a.RunID {
		t.Errorf("list = %s", list.raw)
	}
	show := h.admin("GET", "/admin/runs/"+a.RunID, nil)
	var d serve.RunDetail
	if err := json.Unmarshal([]byte(show.raw), &d); err != nil || len(d.Attempts) != 1 || len(d.Attempts[0].Steps) != 4 {
		t.Errorf("show = %s", show.raw)
	}
}
