package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/weftflow/weft/webhook"
)

// fuzzVerifiers are one verifier per preset, with the header the fuzzer's
// value goes in.
var fuzzVerifiers = func() []struct {
	v      webhook.Verifier
	header string
} {
	mk := func(c webhook.Config) webhook.Verifier {
		v, err := webhook.New(c)
		if err != nil {
			panic(err)
		}
		return v
	}
	return []struct {
		v      webhook.Verifier
		header string
	}{
		{mk(webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret, stdSecret2}}), "webhook-signature"},
		{mk(webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret}}), "webhook-timestamp"},
		{mk(webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret}}), "webhook-id"},
		{mk(webhook.Config{Preset: "hookdeck", Secrets: []string{rawSecret}}), "x-hookdeck-signature"},
		{mk(webhook.Config{Preset: "stripe", Secrets: []string{stripeSecret}}), "Stripe-Signature"},
		{mk(webhook.Config{Preset: "github", Secrets: []string{rawSecret}}), "X-Hub-Signature-256"},
		{mk(webhook.Config{Preset: "hmac", Secrets: []string{rawSecret}, Header: "X-Sig", Algorithm: "sha512", Encoding: "base64", Prefix: "v1="}), "X-Sig"},
	}
}()

// FuzzVerify feeds arbitrary header values and bodies to every preset:
// Verify must not panic, must fail only with a *webhook.Error that quotes
// no secret, and must not accept a body it cannot have seen signed.
func FuzzVerify(f *testing.F) {
	const signed = `{"test": 2432232314}`
	body := signed
	ts := now.Unix()
	f.Add(uint8(0), stdSig(f, stdSecret, "msg_1", ts, body), body)
	f.Add(uint8(0), "v1,AAAA v1a,BBBB v2,"+strings.Repeat("x", 50), body)
	f.Add(uint8(1), strconv.FormatInt(ts, 10), body)
	f.Add(uint8(1), "-9223372036854775808", body)
	f.Add(uint8(2), "msg_1", body)
	f.Add(uint8(3), "YWJj", "")
	f.Add(uint8(4), "t=1800000000,v1=00ff,v0=zz,,t", body)
	f.Add(uint8(5), "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "Hello, World!")
	f.Add(uint8(6), "v1=AAAA", body)
	f.Fuzz(func(t *testing.T, which uint8, value, body string) {
		fv := fuzzVerifiers[int(which)%len(fuzzVerifiers)]
		// A plausible delivery around the fuzzed header, so the fuzzer
		// reaches past the presence checks.
		h := http.Header{}
		h.Set("webhook-id", "msg_1")
		h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		h.Set("webhook-signature", stdSig(t, stdSecret, "msg_1", ts, signed))
		h.Set("x-hookdeck-eventid", "evt_1")
		h[http.CanonicalHeaderKey(fv.header)] = strings.Split(value, "\n")
		d, err := fv.v.Verify(h, []byte(body), now)
		if err != nil {
			var we *webhook.Error
			if !errors.As(err, &we) || we.Reason == "" {
				t.Fatalf("error %v (%T) is not a *webhook.Error with a reason", err, err)
			}
			for _, s := range []string{stdSecret, strings.TrimPrefix(stdSecret, "whsec_"), stdSecret2, rawSecret, stripeSecret} {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error %q quotes a secret", err)
				}
			}
			return
		}
		// Success means the signed parts are the ones signed: the
		// fuzzer cannot forge a MAC.
		switch int(which) % len(fuzzVerifiers) {
		case 0:
			if body != signed {
				t.Fatalf("accepted body %q under a fuzzed signature header", body)
			}
		case 1:
			if d.Timestamp.Unix() != ts || body != signed {
				t.Fatalf("accepted timestamp %q / body %q", value, body)
			}
		case 2:
			if d.ID != "msg_1" || body != signed {
				t.Fatalf("accepted id %q / body %q", value, body)
			}
		}
	})
}
