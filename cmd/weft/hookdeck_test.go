package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

const hookdeckAttach = "../../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"

// hookdeckAttachAPI is a minimal stand-in for the four Hookdeck operations
// of the attach workflow, requiring the bearer token.
func hookdeckAttachAPI(t *testing.T, token string) *httptest.Server {
	var mu sync.Mutex
	sources := map[string]map[string]any{}
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("POST /sources", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		mu.Lock()
		defer mu.Unlock()
		src := map[string]any{"id": "src_1", "name": in["name"], "type": in["type"]}
		sources["src_1"] = src
		reply(w, src)
	})
	mux.HandleFunc("POST /integrations", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		reply(w, map[string]any{"id": "int_1", "label": in["label"], "provider": in["provider"]})
	})
	mux.HandleFunc("PUT /integrations/{id}/attach/{source}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if src, ok := sources[r.PathValue("source")]; ok && r.PathValue("id") == "int_1" {
			src["integration_id"] = "int_1"
			reply(w, map[string]any{"success": true})
			return
		}
		http.NotFound(w, r)
	})
	mux.HandleFunc("GET /sources/{id}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if src, ok := sources[r.PathValue("id")]; ok {
			reply(w, src)
			return
		}
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"message":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRunHookdeckReference(t *testing.T) {
	if _, err := os.Stat(hookdeckAttach); err != nil {
		t.Skip("reference workflow not present:", err)
	}
	const token = "hk-secret-4711"
	srv := hookdeckAttachAPI(t, token)
	env := []string{"WEFT_SOURCESAPI_BEARERAUTH_TOKEN=" + token, "WEFT_INTEGRATIONSAPI_BEARERAUTH_TOKEN=" + token}
	r := weftEnv(t, env, "", "run", hookdeckAttach, "--server", "sourcesApi="+srv.URL, "--server", "integrationsApi="+srv.URL,
		"--input", "sourceName=shop", "--input", "integrationLabel=shop-hmac", "--input", "provider=HMAC", "--json", "-", "-v")
	if r.code != 0 {
		t.Fatalf("want exit 0\n%s", r)
	}
	rep := decodeReport(t, r.stdout)
	outs, _ := rep["outputs"].(map[string]any)
	if rep["status"] != "succeeded" || outs["sourceId"] != "src_1" || outs["integrationId"] != "int_1" || outs["attached"] != true {
		t.Errorf("report: %v", rep)
	}
	steps, _ := rep["steps"].([]any)
	var ids []string
	for _, s := range steps {
		ids = append(ids, s.(map[string]any)["stepId"].(string))
	}
	if strings.Join(ids, ",") != "createSource,createIntegration,attachIntegration,confirmSource" {
		t.Errorf("steps = %v", ids)
	}
	if !strings.Contains(r.stderr, "→ PUT "+srv.URL+"/integrations/int_1/attach/src_1") {
		t.Errorf("verbose output lacks the attach request\n%s", r)
	}
	if strings.Contains(r.stdout+r.stderr, token) {
		t.Errorf("the token leaked into the output\n%s", r)
	}
	// Without credentials the API answers 401 and the run fails.
	r = weft(t, "", "run", hookdeckAttach, "--server", "sourcesApi="+srv.URL, "--server", "integrationsApi="+srv.URL,
		"--input", "sourceName=shop", "--input", "integrationLabel=l", "--input", "provider=HMAC")
	if r.code != 1 || !strings.Contains(r.stdout, "401") {
		t.Errorf("want exit 1 with a 401 step\n%s", r)
	}
}
