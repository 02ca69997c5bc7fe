package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/webhook"
)

const (
	serveAttachDef = "../../testdata/serve/attach.yml"
	// testWebhookSecret and testNotifySecret are Standard Webhooks secrets
	// of the tests only.
	testWebhookSecret = "whsec_dGVzdC13ZWJob29rLXNlY3JldC1vZi13ZWZ0LWNsaQ=="
	testNotifySecret  = "whsec_dGVzdC1ub3RpZnktc2VjcmV0LW9mLXdlZnQtY2xpLQ=="
	testAdminToken    = "adm-tok-5f0c1b2e9d"
)

// servedWeft is a weft serve running in-process.
type servedWeft struct {
	base   string
	stdout *syncBuffer
	stderr *syncBuffer
	stop   func() int // SIGTERM; returns the exit status
}

var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

// startServe runs weft serve args in-process under a context that stop
// cancels as SIGTERM does, and waits for its listen line.
func startServe(t *testing.T, args ...string) *servedWeft {
	t.Helper()
	ctx, cancel := context.WithCancelCause(context.Background())
	sw := &servedWeft{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, append([]string{"serve"}, args...), strings.NewReader(""), sw.stdout, sw.stderr)
	}()
	var once sync.Once
	code := -1
	sw.stop = func() int {
		once.Do(func() {
			cancel(signalCause{syscall.SIGTERM})
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Errorf("weft serve did not stop after SIGTERM\n%s", sw.stderr.String())
			}
		})
		return code
	}
	t.Cleanup(func() { sw.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenLine.FindStringSubmatch(sw.stdout.String()); m != nil {
			sw.base = m[1]
			return sw
		}
		select {
		case c := <-done:
			t.Fatalf("weft serve exited %d before listening\n%s\n%s", c, sw.stdout.String(), sw.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("weft serve did not listen\n%s\n%s", sw.stdout.String(), sw.stderr.String())
	return nil
}

// notifyReceiver is a local receiver of the server's notifications; it
// verifies each one's Standard Webhooks signature.
type notifyReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	events []map[string]any
	bad    int
}

func newNotifyReceiver(t *testing.T, secret string) *notifyReceiver {
	v, err := webhook.New(webhook.Config{Preset: "standard-webhooks", Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	nr := &notifyReceiver{}
	nr.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		nr.mu.Lock()
		defer nr.mu.Unlock()
		if _, err := v.Verify(r.Header, body, time.Now()); err != nil {
			nr.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev map[string]any
		_ = json.Unmarshal(body, &ev)
		nr.events = append(nr.events, ev)
	}))
	t.Cleanup(nr.Close)
	return nr
}

func (nr *notifyReceiver) received() []map[string]any {
	nr.mu.Lock()
	defer nr.mu.Unlock()
	return append([]map[string]any(nil), nr.events...)
}

// sendEvent POSTs body to url signed per Standard Webhooks with secret
// under event id, and returns the status and the decoded answer.
func sendEvent(t *testing.T, client *http.Client, url, secret, id string, body []byte) (int, map[string]any) {
	t.Helper()
	h, err := webhook.Signer{Secret: secret}.Sign(id, time.Now(), body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	var ans map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&ans)
	return resp.StatusCode, ans
}

// waitRun polls weft runs show ID until its status line says one of
// want, and returns the last output.
func waitRun(t *testing.T, server, id string, want ...string) cliResult {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var r cliResult
	for time.Now().Before(deadline) {
		r = weft(t, "", "runs", "show", id, "--server", server)
		for _, w := range want {
			if r.code == 0 && strings.Contains(r.stdout, "status   "+w) {
				return r
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %s never reached %v\n%s", id, want, r)
	return r
}

func serveTestEnv(t *testing.T, apiURL, notifyURL string) {
	t.Setenv("HOOKDECK_URL", apiURL)
	t.Setenv("HOOKDECK_API_KEY", hookdeckfake.DefaultAPIKey)
	t.Setenv("WEBHOOK_SECRET", testWebhookSecret)
	t.Setenv("NOTIFY_URL", notifyURL)
	t.Setenv("NOTIFY_SECRET", testNotifySecret)
	t.Setenv("WEFT_ADMIN_TOKEN", testAdminToken)
	t.Setenv("WEFT_SERVER", "")
}

// TestServeEndToEnd runs weft serve on testdata/serve/attach.yml against
// the Hookdeck fake, over loopback and a real SQLite file: a signed event
// is answered 202 with a run id, the run succeeds with the workflow's four
// steps, its signed notification arrives, runs list and trigger work, and
// a run dead-lettered by a failing API is replayed into a run that links
// to it.
func TestServeEndToEnd(t *testing.T) {
	fake, err := hookdeckfake.New()
	if err != nil {
		t.Fatal(err)
	}
	api := fake.Start()
	defer api.Close()
	nr := newNotifyReceiver(t, testNotifySecret)
	serveTestEnv(t, api.APIURL, nr.URL+"/notify")
	dbPath := filepath.Join(t.TempDir(), "weft.db")
	sw := startServe(t, serveAttachDef, "--listen", "127.0.0.1:0", "--store", dbPath)
	if !strings.Contains(sw.stdout.String(), "flow attach-source") || !strings.Contains(sw.stdout.String(), "POST "+sw.base+"/hooks/attach-source") {
		t.Errorf("the start lines do not name the flow's route:\n%s", sw.stdout.String())
	}
	hook := sw.base + "/hooks/attach-source"
	client := &http.Client{Timeout: 10 * time.Second}

	// A signed event: 202 and a run id, then a run of four steps.
	code, ans := sendEvent(t, client, hook, testWebhookSecret, "evt_1", []byte(`{"data":{"name":"shop","label":"one"}}`))
	id, _ := ans["runId"].(string)
	if code != http.StatusAccepted || id == "" {
		t.Fatalf("event: %d %v", code, ans)
	}
	r := waitRun(t, sw.base, id, "succeeded", "dead", "failed")
	if !strings.Contains(r.stdout, "status   succeeded after 1 attempt(s)") {
		t.Fatalf("run %s did not succeed:\n%s", id, r.stdout)
	}
	steps := regexp.MustCompile(`(?m)^  (createSource|createIntegration|attachIntegration|confirmSource)  (GET|POST|PUT) \S+ → 200  succeeded`).FindAllStringSubmatch(r.stdout, -1)
	if len(steps) != 4 || steps[0][1] != "createSource" || steps[3][1] != "confirmSource" {
		t.Errorf("want the four steps answered 200, in order:\n%s", r.stdout)
	}
	for _, want := range []string{"trigger  webhook, event evt_1", `"sourceName":"shop"`, `"integrationLabel":"Label one"`, `"sourceId":"src_`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("runs show lacks %q:\n%s", want, r.stdout)
		}
	}
	// The notification: signed, delivered, shown in the trace.
	deadline := time.Now().Add(10 * time.Second)
	for len(nr.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if evs := nr.received(); len(evs) != 1 || nr.bad != 0 {
		t.Errorf("notifications received: %v (bad signatures: %d)", evs, nr.bad)
	}
	r = waitRunText(t, sw.base, id, "to ops: delivered after 1 attempt(s)")
	if !regexp.MustCompile(`(?m)^  1 at \S+ → 200`).MatchString(r.stdout) {
		t.Errorf("the trace lacks the notification's delivery:\n%s", r.stdout)
	}
	// --json is the admin API's answer.
	r = weft(t, "", "runs", "show", id, "--json", "--server", sw.base)
	var detail struct {
		Run      struct{ ID, Status string }
		Attempts []struct{ Steps []json.RawMessage }
	}
	if err := json.Unmarshal([]byte(r.stdout), &detail); err != nil || detail.Run.ID != id || detail.Run.Status != "succeeded" ||
		len(detail.Attempts) != 1 || len(detail.Attempts[0].Steps) != 4 {
		t.Errorf("runs show --json: %v\n%s", err, r)
	}

	// runs list --status succeeded lists it; --status dead does not.
	r = weft(t, "", "runs", "list", "--status", "succeeded", "--server", sw.base)
	if r.code != 0 || !regexp.MustCompile(`(?m)^`+id+`\s+attach-source\s+succeeded\s+1\s+webhook`).MatchString(r.stdout) {
		t.Errorf("runs list --status succeeded:\n%s", r)
	}
	r = weft(t, "", "runs", "list", "--status", "dead", "--json", "--server", sw.base)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("runs list --status dead --json: want []\n%s", r)
	}

	// weft trigger starts one by hand; --wait prints its trace once it
	// ended.
	r = weft(t, "", "trigger", "attach-source", "--input", "sourceName=by-hand", "--input", "integrationLabel=manual",
		"--input", "provider=HMAC", "--server", sw.base)
	manual := strings.TrimSpace(r.stdout)
	if r.code != 0 || manual == "" || strings.Contains(manual, "\n") {
		t.Fatalf("trigger:\n%s", r)
	}
	r = waitRun(t, sw.base, manual, "succeeded", "dead", "failed")
	if !strings.Contains(r.stdout, "status   succeeded") || !strings.Contains(r.stdout, "trigger  manual") || !strings.Contains(r.stdout, `"sourceName":"by-hand"`) {
		t.Errorf("the manual run:\n%s", r.stdout)
	}
	r = weft(t, `{"sourceName": "waited", "integrationLabel": "w", "provider": "API_KEY"}`,
		"trigger", "attach-source", "--wait", "--inputs", "-", "--input", "provider=HMAC", "--server", sw.base)
	if r.code != 0 || !regexp.MustCompile(`^[0-9a-f]{24}\nrun [0-9a-f]{24}  flow attach-source`).MatchString(r.stdout) ||
		!strings.Contains(r.stdout, "status   succeeded") || !strings.Contains(r.stdout, `"provider":"HMAC"`) || !strings.Contains(r.stdout, `"sourceName":"waited"`) {
		t.Errorf("trigger --wait (inputs from stdin, --input winning):\n%s", r)
	}
	// Pages: --limit 1, then --before the first page's run.
	r = weft(t, "", "runs", "list", "--limit", "1", "--json", "--server", sw.base)
	var page []struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page) != 1 {
		t.Fatalf("runs list --limit 1: %v\n%s", err, r)
	}
	r = weft(t, "", "runs", "list", "--before", page[0].ID, "--json", "--server", sw.base)
	var rest []struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &rest); err != nil || len(rest) != 2 || rest[0].ID == page[0].ID {
		t.Errorf("runs list --before %s: want the 2 older runs: %v\n%s", page[0].ID, err, r)
	}
	// A trigger whose inputs do not validate (a number for a string) is a
	// failed start: exit 1.
	r = weft(t, "", "trigger", "attach-source", "--input", "sourceName=42", "--server", sw.base)
	if r.code != 1 || !strings.Contains(r.stderr, "failed to start") || !strings.Contains(r.stderr, "sourceName") {
		t.Errorf("trigger without the required inputs: want exit 1, failed to start\n%s", r)
	}
	r = weft(t, "", "trigger", "no-such-flow", "--server", sw.base)
	if r.code != 1 || !strings.Contains(r.stderr, "404 Not Found") || !strings.Contains(r.stderr, "no-such-flow") {
		t.Errorf("trigger of an unknown flow: want exit 1 and a 404\n%s", r)
	}

	// The API fails createSource on both attempts: the run is dead; a
	// replay (the API fixed) runs again with the same inputs and links to
	// the original.
	fake.FailNext("createSource", 2, http.StatusInternalServerError)
	code, ans = sendEvent(t, client, hook, testWebhookSecret, "evt_2", []byte(`{"data":{"name":"shop-2","label":"two"}}`))
	deadID, _ := ans["runId"].(string)
	if code != http.StatusAccepted || deadID == "" {
		t.Fatalf("event 2: %d %v", code, ans)
	}
	r = waitRun(t, sw.base, deadID, "dead", "succeeded")
	if !strings.Contains(r.stdout, "status   dead after 2 attempt(s)") || strings.Count(r.stdout, "createSource  POST") != 2 ||
		!strings.Contains(r.stdout, "→ 500") {
		t.Errorf("want a dead run after two attempts answered 500:\n%s", r.stdout)
	}
	r = weft(t, "", "runs", "replay", deadID, "--server", sw.base)
	replay := strings.TrimSpace(r.stdout)
	if r.code != 0 || replay == "" || replay == deadID {
		t.Fatalf("replay:\n%s", r)
	}
	r = waitRun(t, sw.base, replay, "succeeded", "dead", "failed")
	if !strings.Contains(r.stdout, "status   succeeded") || !strings.Contains(r.stdout, "replays  "+deadID) || !strings.Contains(r.stdout, `"sourceName":"shop-2"`) {
		t.Errorf("the replay does not link to %s or did not succeed:\n%s", deadID, r.stdout)
	}
	r = weft(t, "", "runs", "list", "--flow", "attach-source", "--server", sw.base)
	if !regexp.MustCompile(`(?m)^` + replay + `\s+attach-source\s+succeeded\s+1\s+replay of ` + deadID).MatchString(r.stdout) {
		t.Errorf("runs list does not show the replay's link:\n%s", r.stdout)
	}
	// trigger --wait on a run that ends dead: its trace, exit 1.
	fake.FailNext("createSource", 2, http.StatusServiceUnavailable)
	r = weft(t, "", "trigger", "attach-source", "--wait", "--input", "sourceName=doomed", "--server", sw.base)
	if r.code != 1 || !strings.Contains(r.stdout, "status   dead after 2 attempt(s)") || !strings.Contains(r.stderr, " dead: ") {
		t.Errorf("trigger --wait of a run that ends dead: want its trace and exit 1\n%s", r)
	}
	// A succeeded run cannot be replayed (409); an unknown one is a 404.
	r = weft(t, "", "runs", "replay", id, "--server", sw.base)
	if r.code != 1 || !strings.Contains(r.stderr, "409 Conflict") {
		t.Errorf("replay of a succeeded run: want exit 1 and 409\n%s", r)
	}
	r = weft(t, "", "runs", "show", "nope", "--server", sw.base)
	if r.code != 1 || !strings.Contains(r.stderr, "404 Not Found") || !strings.Contains(r.stderr, `"nope"`) {
		t.Errorf("show of an unknown run: want exit 1 and 404\n%s", r)
	}

	if c := sw.stop(); c != 0 {
		t.Errorf("weft serve after SIGTERM: exit %d\n%s", c, sw.stderr.String())
	}
	logs := sw.stdout.String() + sw.stderr.String()
	for _, want := range []string{"msg=serving", "msg=\"event accepted\"", "msg=stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
	for _, secret := range []string{hookdeckfake.DefaultAPIKey, testWebhookSecret, testNotifySecret, testAdminToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret leaked into weft serve's output: %q", secret)
		}
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Errorf("the store: %v", err)
	}
}

// waitRunText polls weft runs show ID until its output has text.
func waitRunText(t *testing.T, server, id, text string) cliResult {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var r cliResult
	for time.Now().Before(deadline) {
		if r = weft(t, "", "runs", "show", id, "--server", server); strings.Contains(r.stdout, text) {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("runs show %s never said %q\n%s", id, text, r)
	return r
}

// TestServeAdminToken pins that weft runs and weft trigger say 401
// clearly, telling a missing token from a wrong one, and never print the
// token.
func TestServeAdminToken(t *testing.T) {
	serveTestEnv(t, "http://127.0.0.1:9/2025-07-01", "http://127.0.0.1:9/notify")
	sw := startServe(t, serveAttachDef, "--listen", "127.0.0.1:0", "--store", filepath.Join(t.TempDir(), "weft.db"), "--log-format", "json")
	defer func() {
		// --log-format json: every record is one JSON object.
		if c := sw.stop(); c != 0 {
			t.Errorf("exit %d after SIGTERM", c)
		}
		lines := strings.Split(strings.TrimSpace(sw.stderr.String()), "\n")
		msgs := map[string]bool{}
		for _, l := range lines {
			var rec struct{ Msg, Level string }
			if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.Level == "" {
				t.Errorf("a log line is not a JSON record: %q", l)
			}
			msgs[rec.Msg] = true
		}
		if !msgs["serving"] || !msgs["stopped"] {
			t.Errorf("the JSON log lacks serving/stopped: %v", msgs)
		}
	}()
	t.Setenv("WEFT_ADMIN_TOKEN", "")
	for _, args := range [][]string{{"runs", "list"}, {"runs", "show", "x"}, {"runs", "replay", "x"}, {"trigger", "attach-source"}} {
		r := weft(t, "", append(args, "--server", sw.base)...)
		if r.code != 1 || !strings.Contains(r.stderr, "401 Unauthorized") || !strings.Contains(r.stderr, "WEFT_ADMIN_TOKEN is not set") {
			t.Errorf("%v without a token: want exit 1 and a clear 401\n%s", args, r)
		}
	}
	const wrong = "not-the-token-31337"
	t.Setenv("WEFT_ADMIN_TOKEN", wrong)
	// $WEFT_SERVER is the default of --server.
	t.Setenv("WEFT_SERVER", sw.base)
	r := weft(t, "", "runs", "list")
	if r.code != 1 || !strings.Contains(r.stderr, "401 Unauthorized: the server refused the token in $WEFT_ADMIN_TOKEN") {
		t.Errorf("runs list with a wrong token: want exit 1 and a clear 401\n%s", r)
	}
	if strings.Contains(r.stdout+r.stderr, wrong) {
		t.Errorf("the token was printed:\n%s", r)
	}
	t.Setenv("WEFT_ADMIN_TOKEN", testAdminToken)
	if r := weft(t, "", "runs", "list", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("runs list with the token: want exit 0 and []\n%s", r)
	}
	// Nothing listens: a clear error, exit 1.
	r = weft(t, "", "runs", "list", "--server", "http://127.0.0.1:9")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot reach the weft serve at http://127.0.0.1:9") {
		t.Errorf("runs list against nothing:\n%s", r)
	}
}

// TestServeDefinitionMistakes pins that a definition with mistakes exits 2
// with every mistake at its file:line:col, from weft serve and --check,
// before anything listens or a store is created.
func TestServeDefinitionMistakes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "weft.db")
	for _, args := range [][]string{
		{"serve", "../../testdata/serve/mistakes.yml", "--store", db, "--listen", "127.0.0.1:0"},
		{"serve", "--check", "../../testdata/serve/mistakes.yml"},
	} {
		r := weft(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r)
		}
		for _, want := range []string{
			"mistakes.yml:10:15: error: flow broken: webhook.path",
			"mistakes.yml:11:26: error: flow broken: webhook.verify.preset",
			"mistakes.yml:12:23: error: flow broken: retry.attempts",
			"mistakes.yml:12:39: error: flow broken: retry.interrupted",
			"mistakes.yml:13:18: error: flow broken: concurrency",
			"the definition has 5 error(s)",
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%v: stderr lacks %q\n%s", args, want, r.stderr)
			}
		}
	}
	// A mistake only compiling the flow finds (the workflow's name).
	r := weft(t, "", "serve", "--check", "../../testdata/serve/unknown-workflow.yml")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown-workflow.yml:3:3: error: flow typo: the document has no workflow \"attach-integration-to-sauce\"") {
		t.Errorf("--check of an unknown workflow: want exit 2 at 3:3\n%s", r)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a definition with mistakes created the store (%v)", err)
	}
	// A missing file, usage mistakes.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", filepath.Join(dir, "absent.yml")}, "absent.yml: error: cannot read the definition file"},
		{[]string{"serve"}, "want exactly one definition file"},
		{[]string{"serve", "a.yml", "b.yml"}, "want exactly one definition file"},
		{[]string{"serve", "--log-format", "xml", serveAttachDef}, "--log-format must be text or json"},
		{[]string{"runs"}, "want list, show or replay"},
		{[]string{"runs", "delete"}, `unknown subcommand "delete"`},
		{[]string{"runs", "list", "--status", "done"}, `--status "done"`},
		{[]string{"runs", "list", "--since", "yesterday"}, `--since "yesterday"`},
		{[]string{"runs", "list", "--limit", "0", "--flow", "x"}, ""},
		{[]string{"runs", "list", "--limit", "5000"}, "--limit 5000: want 1 to 1000"},
		{[]string{"runs", "show"}, "want exactly one run id"},
		{[]string{"runs", "list", "--server", "ftp://x"}, `--server "ftp://x"`},
		{[]string{"runs", "list", "--server", "http://u:p@127.0.0.1:9"}, "must not carry credentials"},
		{[]string{"trigger"}, "want exactly one flow name"},
		{[]string{"trigger", "f", "--input", "novalue"}, `--input "novalue": want name=value`},
	} {
		r := weft(t, "", c.args...)
		if c.want == "" {
			continue
		}
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: want exit 2 with %q\n%s", c.args, c.want, r)
		}
	}
}

// TestServeCheck pins weft serve --check on a sound file: exit 0, the
// flows listed, nothing listening, the file's store not created.
func TestServeCheck(t *testing.T) {
	serveTestEnv(t, "http://127.0.0.1:9/2025-07-01", "http://127.0.0.1:9/notify")
	dir := t.TempDir()
	src, err := os.ReadFile(serveAttachDef)
	if err != nil {
		t.Fatal(err)
	}
	// The copy names its document by an absolute path and its store
	// beside it.
	abs, _ := filepath.Abs("../../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml")
	def := filepath.Join(dir, "def.yml")
	text := strings.Replace(string(src), "../hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml", abs, 1)
	if err := os.WriteFile(def, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := weft(t, "", "serve", "--check", def)
	if r.code != 0 || !strings.Contains(r.stdout, "1 flow(s), ok") || !strings.Contains(r.stdout, "flow attach-source") ||
		!strings.Contains(r.stdout, "POST /hooks/attach-source") {
		t.Errorf("--check: want exit 0 and the flow\n%s", r)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("--check wrote beside the file: %v", entries)
	}
	// A required variable unset is a positioned mistake.
	t.Setenv("HOOKDECK_API_KEY", "")
	os.Unsetenv("HOOKDECK_API_KEY")
	r = weft(t, "", "serve", "--check", def)
	if r.code != 2 || !strings.Contains(r.stderr, "HOOKDECK_API_KEY") || !regexp.MustCompile(`def\.yml:\d+:\d+: error`).MatchString(r.stderr) {
		t.Errorf("--check with a required variable unset: want exit 2 at a position\n%s", r)
	}
}

// TestServeCLIDoc pins that docs/cli.md documents every flag of weft
// serve, weft trigger and weft runs (the loader flags under "Loader
// flags"), that weft help knows the commands, and that the loader flags
// replace serve's default local tree.
func TestServeCLIDoc(t *testing.T) {
	data, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	sect := func(heading string) string {
		i := strings.Index(doc, "\n"+heading+"\n")
		if i < 0 {
			t.Fatalf("docs/cli.md has no %q section", heading)
		}
		s := doc[i+len(heading)+1:]
		if j := strings.Index(s, "\n## "); j >= 0 {
			s = s[:j]
		}
		return s
	}
	loader := sect("## Loader flags")
	flagRE := regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
	for _, c := range []struct {
		args    []string
		section string
	}{
		{[]string{"serve"}, "## weft serve"},
		{[]string{"trigger"}, "## weft trigger, weft runs"},
		{[]string{"runs", "list"}, "## weft trigger, weft runs"},
		{[]string{"runs", "show"}, "## weft trigger, weft runs"},
		{[]string{"runs", "replay"}, "## weft trigger, weft runs"},
	} {
		res := weft(t, "", append(c.args, "-h")...)
		flags := flagRE.FindAllStringSubmatch(res.stderr, -1)
		if res.code != 0 || len(flags) == 0 {
			t.Fatalf("weft %v -h: %s", c.args, res)
		}
		text := sect(c.section)
		for _, f := range flags {
			if !strings.Contains(text, "`--"+f[1]) && !strings.Contains(loader, "`--"+f[1]) {
				t.Errorf("docs/cli.md %q does not document weft %v's flag -%s", c.section, c.args, f[1])
			}
		}
	}
	for _, cmd := range []string{"serve", "trigger", "runs"} {
		if r := weft(t, "", "help", cmd); r.code != 0 || !strings.Contains(r.stdout, "Usage: weft "+cmd) {
			t.Errorf("weft help %s:\n%s", cmd, r)
		}
		if r := weft(t, "", "help"); !strings.Contains(r.stdout, "weft "+cmd) {
			t.Errorf("weft help does not list %s", cmd)
		}
	}
	serveTestEnv(t, "http://127.0.0.1:9/2025-07-01", "http://127.0.0.1:9/notify")
	// serve's default tree (the directory the file and the document
	// share, testdata) reads the workflow's descriptions; --local-root
	// narrowed to the file's own directory refuses them, --offline alone
	// takes weft run's default (the repository).
	if r := weft(t, "", "serve", "--check", serveAttachDef); r.code != 0 {
		t.Errorf("--check: %s", r)
	}
	r := weft(t, "", "serve", "--check", "--local-root", "../../testdata/serve", serveAttachDef)
	if r.code != 2 || !strings.Contains(r.stderr, "outside-tree") || !strings.Contains(r.stderr, "hookdeck-attach-integration-to-source-workflow.yml:") {
		t.Errorf("--check --local-root testdata/serve: want exit 2 and a policy diagnostic in the document\n%s", r)
	}
	if r := weft(t, "", "serve", "--check", "--offline", serveAttachDef); r.code != 0 {
		t.Errorf("--check --offline: %s", r)
	}
}
