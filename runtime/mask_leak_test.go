package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/leakfixture"
	"github.com/weftflow/weft/runtime"
)

// H4 (issue 10 item 2): every credential kind and every secret-input kind,
// placed in every position a request has, echoed back and exposed as
// outputs, errors and failed criteria, appears in no encoding in anything
// the runtime emits: the Result (steps, outputs, error, warnings), the
// observer events, the debug log and the returned error.
func TestMaskingMatrix(t *testing.T) {
	f := leakfixture.New(t)
	d, err := arazzo.Load(context.Background(), f.Doc)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events, exchanges []string
	var tokenReq *runtime.RequestInfo
	var tokenResp *runtime.ResponseInfo
	record := func(kind string, v any) {
		mu.Lock()
		defer mu.Unlock()
		j, _ := json.Marshal(v)
		events = append(events, fmt.Sprintf("%s %s %+v", kind, j, v))
		switch x := v.(type) {
		case runtime.RequestInfo:
			events = append(events, string(x.Body))
			exchanges = append(exchanges, fmt.Sprintf("%s %s/%s %s %s", kind, x.StepID, x.Kind, x.Method, x.URL))
			if x.Kind == runtime.KindToken {
				tokenReq = &x
			}
		case runtime.ResponseInfo:
			events = append(events, string(x.Body))
			exchanges = append(exchanges, fmt.Sprintf("%s %s/%s %d", kind, x.StepID, x.Kind, x.StatusCode))
			if x.Kind == runtime.KindToken {
				tokenResp = &x
			}
		}
	}
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r, err := runtime.New(d,
		runtime.WithServer("api", f.BaseURL),
		runtime.WithServer("dead", f.DeadURL),
		runtime.WithCredentials(f),
		runtime.WithLogger(logger),
		runtime.WithObserver(&runtime.Observer{
			StepStarted:      func(i runtime.StepInfo) { record("started", i) },
			StepFinished:     func(s runtime.StepRecord) { record("finished", s) },
			RequestSent:      func(i runtime.RequestInfo) { record("request", i) },
			ResponseReceived: func(i runtime.ResponseInfo) { record("response", i) },
		}))
	if err != nil {
		t.Fatal(err)
	}
	res, runErr := r.Run(context.Background(), "leak", f.Inputs)
	if res == nil {
		t.Fatalf("no result: %v", runErr)
	}
	// The run did what the matrix needs: every step ran, the dead source
	// gave a transport error, and the last step failed its criteria.
	ran := map[string]bool{}
	for _, s := range res.Steps {
		ran[s.StepID] = true
	}
	for _, id := range []string{"params", "json", "form", "text", "open", "bin", "dead", "crit"} {
		if !ran[id] {
			t.Errorf("step %s did not run; steps: %+v", id, res.Steps)
		}
	}
	if res.Status != runtime.StatusFailed || res.FailedStep != "crit" || res.Outputs["bin"] == nil || res.Outputs["params"] == nil {
		t.Errorf("status %s at %q, outputs %v: the fixture did not run as planned", res.Status, res.FailedStep, res.Outputs)
	}

	// Step records carry their start and their (masked) outputs, which the
	// scan below reads through the Result.
	withOutputs := 0
	for _, s := range res.Steps {
		if s.Started.IsZero() {
			t.Errorf("step %s has no start time", s.StepID)
		}
		if len(s.Outputs) > 0 {
			withOutputs++
		}
	}
	if withOutputs == 0 {
		t.Error("no step record carries its outputs")
	}

	// The OAuth2 token request of step "form" (the one client-credentials
	// fetch; later uses hit the cache) is an exchange of its own, right
	// before the request that needed it, with the client's basic
	// credentials masked whole and the issued tokens masked in the body.
	tokenAt := -1
	for i, e := range exchanges {
		if strings.HasPrefix(e, "request form/token POST ") {
			if tokenAt >= 0 {
				t.Errorf("two token requests: %v", exchanges)
			}
			tokenAt = i
		}
	}
	if tokenAt < 0 || tokenAt+2 >= len(exchanges) || exchanges[tokenAt] != "request form/token POST "+f.Server.URL+"/token" ||
		exchanges[tokenAt+1] != "response form/token 200" || !strings.HasPrefix(exchanges[tokenAt+2], "request form/ POST ") || !strings.HasSuffix(exchanges[tokenAt+2], "/form") {
		t.Errorf("token exchange missing or out of order:\n  %s", strings.Join(exchanges, "\n  "))
	}
	if tokenReq == nil || tokenResp == nil {
		t.Fatal("no token request or response event")
	}
	if got := tokenReq.Header.Get("Authorization"); got != runtime.Mask {
		t.Errorf("token request Authorization = %q, want it masked whole", got)
	}
	if b := string(tokenResp.Body); !strings.Contains(b, `"access_token":"`+runtime.Mask+`"`) || !strings.Contains(b, `"refresh_token":"`+runtime.Mask+`"`) ||
		!strings.Contains(b, `"id_token":"`+runtime.Mask+`"`) || !strings.Contains(b, `"token_type":"Bearer"`) {
		t.Errorf("token response body %s: want the tokens masked and the rest kept", b)
	}
	if string(tokenReq.Body) != "grant_type=client_credentials" || tokenResp.Duration <= 0 {
		t.Errorf("token request body %q, duration %v", tokenReq.Body, tokenResp.Duration)
	}

	resJSON, _ := json.Marshal(res)
	texts := map[string]string{
		"Result (json)":   string(resJSON),
		"Result (%+v)":    fmt.Sprintf("%+v", *res),
		"observer events": strings.Join(events, "\n"),
		"slog debug log":  logBuf.String(),
	}
	if runErr != nil {
		texts["Run error"] = runErr.Error()
	}
	if os.Getenv("LEAK_DUMP") != "" {
		for k, v := range texts {
			t.Logf("== %s\n%s", k, v)
		}
	}
	var leaks []string
	for where, text := range texts {
		leaks = append(leaks, f.Leaks(where, text)...)
	}
	if len(leaks) > 0 {
		t.Errorf("%d secret leaks:\n  %s", len(leaks), strings.Join(leaks, "\n  "))
	}
	// Masking left the trace useful: the mask is there, and so are the
	// non-secret values around the secrets.
	if !strings.Contains(texts["observer events"], runtime.Mask) || !strings.Contains(texts["Result (json)"], `"holder":"bob"`) {
		t.Errorf("the trace lost more than the secrets:\n%s", texts["Result (json)"])
	}
}
