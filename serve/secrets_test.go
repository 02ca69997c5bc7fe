package serve_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
)

// TestSecretsNeverLeave pins that no secret reaches the store file, the
// logs, the admin API's answers or the notifications, in any common
// encoding: the admin token, the webhook and notification signing keys,
// the API credential, and a secret configuration value mapped into an
// input (which, being secret, is not stored but computed at each attempt).
func TestSecretsNeverLeave(t *testing.T) {
	rc := newReceiver(t, 0)
	h := newHarness(t, func(h *harness) {
		f := h.def.Flows[0]
		f.Inputs[1] = definition.Input{Name: "integrationLabel", Expr: "label " + configSecret, Secret: true}
		f.Notify = []*definition.Notify{notifyTarget(rc.srv.URL)}
	})
	ok := h.deliver("s-1", eventBody("secret-1"))
	if r := h.wait(ok.RunID); r.Status != store.StatusSucceeded {
		t.Fatalf("run: %s %s", r.Status, r.Reason)
	}
	if strings.Contains(string(mustGet(t, h, ok.RunID).Inputs), "integrationLabel") {
		t.Error("a secret input was stored")
	}
	// A failing run, whose reason and trace carry the API's error text.
	h.fake.FailNext("createIntegration", 5, http.StatusBadRequest)
	bad := h.deliver("s-2", eventBody("secret-2"))
	h.wait(bad.RunID)
	// A failed start too.
	h.deliver("s-3", `{"data":{}}`)

	var seen []string
	seen = append(seen, h.admin("GET", "/admin/runs", nil).raw)
	for _, id := range []string{ok.RunID, bad.RunID} {
		seen = append(seen, h.admin("GET", "/admin/runs/"+id, nil).raw)
	}
	seen = append(seen, h.admin("GET", "/admin/flows", nil).raw)
	rc.mu.Lock()
	seen = append(seen, rc.bodies...)
	rc.mu.Unlock()
	h.stop()
	seen = append(seen, h.logs.String())
	files, _ := filepath.Glob(h.dbPath + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, string(b))
	}
	if len(files) == 0 {
		t.Fatal("no store file")
	}
	secrets := []string{adminToken, webhookKey, strings.TrimPrefix(webhookKey, "whsec_"), notifyKey,
		strings.TrimPrefix(notifyKey, "whsec_"), hookdeckfake.DefaultAPIKey, configSecret}
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), url.QueryEscape(s)} {
			for i, text := range seen {
				if strings.Contains(text, form) {
					t.Errorf("secret %q (as %q) found in output %d", s, form, i)
				}
			}
		}
	}
	if !strings.Contains(strings.Join(seen, ""), "secret-1") {
		t.Error("the scan saw none of the run's data: it cannot fail")
	}
}

func mustGet(t *testing.T, h *harness, id string) *store.Run {
	t.Helper()
	r, err := h.st.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
