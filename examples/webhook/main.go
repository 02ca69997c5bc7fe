// Command webhook shows weft serve's library end to end, in one process:
// a signed webhook starts the Hookdeck attach-integration-to-source
// workflow, and the finished run is announced by a signed notification.
//
//	go run ./examples/webhook
//
// It starts, on loopback ports: the fake Hookdeck API
// (internal/hookdeckfake), a receiver for the notifications, and a
// serve.Server (the library weft serve is built on: no subprocess) over a
// SQLite store in a temporary directory, with the flows of
// testdata/serve/attach.yml. Its configuration variables (the fake's URL,
// the API key, fresh signing secrets) are handed to the definition loader
// and the server directly, not through the environment. Then it POSTs one
// event signed per Standard Webhooks, prints the 202 answer, waits for the
// run, prints its steps and outputs, then the notification the receiver
// got (its signature verified), and stops the server the way SIGTERM
// stops weft serve. The exit status is 0 when the run succeeded and its
// notification arrived signed, 1 otherwise.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
	"github.com/weftflow/weft/store/sqlite"
	"github.com/weftflow/weft/webhook"
)

// definitionFile is the definition the example serves, from the module
// root.
const definitionFile = "testdata/serve/attach.yml"

// flowPath is the webhook path of its attach-source flow.
const flowPath = "/hooks/attach-source"

func main() { os.Exit(run(context.Background(), os.Stdout, os.Stderr)) }

// received is one notification the receiver got.
type received struct {
	header http.Header
	body   []byte
	err    error // the signature check's
}

// run is the example; it returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := example(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "webhook example:", err)
		return 1
	}
	return 0
}

func example(ctx context.Context, out io.Writer) error {
	specDir, err := hookdeckfake.FindSpecDir()
	if err != nil {
		return err
	}
	root := filepath.Dir(filepath.Dir(filepath.Dir(specDir))) // testdata/hookdeck/openapi -> module root

	// The Hookdeck API: the fake, on a loopback port.
	fake, err := hookdeckfake.New()
	if err != nil {
		return err
	}
	api := fake.Start()
	defer api.Close()

	// The notifications' receiver checks each one's signature.
	webhookSecret, err := webhook.NewSecret()
	if err != nil {
		return err
	}
	notifySecret, err := webhook.NewSecret()
	if err != nil {
		return err
	}
	notified, notifyURL, stopReceiver, err := startReceiver(notifySecret)
	if err != nil {
		return err
	}
	defer stopReceiver()

	// The definition's variables, handed over instead of read from the
	// environment.
	vars := map[string]string{
		"HOOKDECK_URL":     api.APIURL,
		"HOOKDECK_API_KEY": hookdeckfake.DefaultAPIKey,
		"WEBHOOK_SECRET":   webhookSecret,
		"NOTIFY_URL":       notifyURL,
		"NOTIFY_SECRET":    notifySecret,
		"WEFT_ADMIN_TOKEN": randomHex(16),
	}
	lookup := func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
	def, err := definition.Load(ctx, filepath.Join(root, filepath.FromSlash(definitionFile)), definition.WithLookupEnv(lookup))
	if err != nil {
		return fmt.Errorf("loading %s: %w", definitionFile, err)
	}

	// The store: one SQLite file, here in a temporary directory.
	dir, err := os.MkdirTemp("", "weft-webhook-example-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "weft.db"))
	if err != nil {
		return err
	}
	defer st.Close()

	// The server: its Handler on a loopback port, then Start.
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := serve.New(ctx, def, st, serve.WithLookupEnv(lookup), serve.WithLogger(logger))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	if err := srv.Start(ctx); err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "weft serve (library) on %s, store %s\n", base, filepath.Join(dir, "weft.db"))
	for _, f := range srv.Flows() {
		fmt.Fprintf(out, "  flow %s: %s %s → workflow %s\n", f.Name, f.Trigger, base+f.Path, f.Workflow)
	}

	// One event, signed per Standard Webhooks.
	eventID := "evt_" + randomHex(8)
	body := fmt.Appendf(nil, `{"type":"shop.created","data":{"name":"shop-%s","label":"Shop HMAC"}}`, randomHex(4))
	h, err := webhook.Signer{Secret: webhookSecret}.Sign(eventID, time.Now(), body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+flowPath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	fmt.Fprintf(out, "\nPOST %s  webhook-id: %s\n  %s\n", flowPath, eventID, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	fmt.Fprintf(out, "→ %s %s\n", resp.Status, bytes.TrimSpace(answer))
	var acc serve.Accepted
	if err := json.Unmarshal(answer, &acc); err != nil || resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("the event was not accepted: %s", resp.Status)
	}

	// The run, once final.
	d, err := waitFinal(ctx, srv, acc.RunID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nrun %s: %s after %d attempt(s)\n", d.Run.ID, d.Run.Status, d.Run.Attempt)
	if len(d.Attempts) > 0 {
		for _, raw := range d.Attempts[len(d.Attempts)-1].Steps {
			var s runtime.StepRecord
			if err := json.Unmarshal(raw, &s); err != nil {
				return err
			}
			fmt.Fprintf(out, "  %-18s %-4s %s → %d  %s\n", s.StepID, s.Method, strings.TrimPrefix(s.URL, api.APIURL), s.StatusCode, s.Status)
		}
	}
	var outputs map[string]any
	_ = json.Unmarshal(d.Run.Outputs, &outputs)
	names := make([]string, 0, len(outputs))
	for k := range outputs {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintln(out, "outputs:")
	for _, k := range names {
		fmt.Fprintf(out, "  %s: %v\n", k, outputs[k])
	}
	if d.Run.Status != store.StatusSucceeded {
		return fmt.Errorf("run %s %s: %s", d.Run.ID, d.Run.Status, d.Run.Reason)
	}

	// The notification the finished run sent.
	var n received
	select {
	case n = <-notified:
	case <-ctx.Done():
		return errors.New("no notification arrived")
	}
	fmt.Fprintf(out, "\nnotification received by %s\n", notifyURL)
	for _, k := range []string{"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"} {
		fmt.Fprintf(out, "  %s: %s\n", k, n.header.Get(k))
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, n.body, "  ", "  ")
	fmt.Fprintf(out, "  %s\n", pretty.String())
	if n.err != nil {
		return fmt.Errorf("the notification's signature does not verify: %v", n.err)
	}
	fmt.Fprintln(out, "  signature verified (Standard Webhooks, the NOTIFY_SECRET)")

	// Stop as SIGTERM stops weft serve: no new requests, drain, close.
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	_ = hs.Shutdown(sctx)
	return srv.Shutdown(sctx)
}

// waitFinal polls the server until run id is final.
func waitFinal(ctx context.Context, srv *serve.Server, id string) (*serve.RunDetail, error) {
	for {
		d, err := srv.Inspect(ctx, id)
		if err != nil {
			return nil, err
		}
		if d.Run.Status.Final() {
			return d, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("run %s still %s: %w", id, d.Run.Status, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// startReceiver serves, on a loopback port, a receiver of notifications
// signed with secret; each one received is sent on the channel.
func startReceiver(secret string) (<-chan received, string, func(), error) {
	v, err := webhook.New(webhook.Config{Preset: "standard-webhooks", Secrets: []string{secret}})
	if err != nil {
		return nil, "", nil, err
	}
	ch := make(chan received, 8)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	hs := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		_, verr := v.Verify(r.Header, body, time.Now())
		select {
		case ch <- received{header: r.Header.Clone(), body: body, err: verr}:
		default:
		}
		if verr != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = hs.Serve(ln) }()
	return ch, "http://" + ln.Addr().String() + "/notify", func() { _ = hs.Close() }, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
