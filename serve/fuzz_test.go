package serve_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzWebhook feeds the webhook handler arbitrary bodies, queries and
// header values on an unverified flow (so that the mapping, the dedup key
// and the store see them): it never panics and answers only with the
// documented codes.
func FuzzWebhook(f *testing.F) {
	f.Add(`{"data":{"name":"a","label":"b"}}`, "", "id-1")
	f.Add(`{"data":{"name":7}}`, "x=1&x=2", "")
	f.Add(`{"data":`, "%zz", "\x00")
	f.Add(`[]`, "", strings.Repeat("k", 300))
	f.Add(`"text"`, "a=b", "id")
	f.Add(`{"data":{"name":"n","label":{"deep":[1,2,{"x":null}]}}}`, "", "id-2")
	h := newHarness(f, func(h *harness) {
		h.def.Flows[0].Trigger.Webhook.Verify = nil
		h.def.Flows[0].Dedup.Key = "$request.header.X-Event-Id"
	})
	f.Fuzz(func(t *testing.T, body, query, id string) {
		req := httptest.NewRequest(http.MethodPost, hookPath, strings.NewReader(body))
		req.URL.RawQuery = query
		if id != "" && !strings.ContainsAny(id, "\r\n\x00") {
			req.Header["X-Event-Id"] = []string{id}
		}
		rec := httptest.NewRecorder()
		h.srv.Handler().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusAccepted, http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("answer %d %s", rec.Code, rec.Body.String())
		}
	})
}
