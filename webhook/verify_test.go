package webhook_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/webhook"
)

// Secrets used by the tests. Error texts are checked never to contain them.
const (
	// stdSecret and the vector below are the Standard Webhooks reference
	// library's signing test (standard-webhooks/standard-webhooks,
	// libraries/go/webhook_test.go, TestWebhookSign).
	stdSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	stdSecret2   = "whsec_c2Vjb25kLXJvdGF0ZWQta2V5LWZvci13ZWZ0LXRlc3Rz"
	rawSecret    = "hookdeck-project-secret-1"
	rawSecret2   = "hookdeck-project-secret-2"
	stripeSecret = "whsec_stripeTestSecretValue0123456789"
	wrongSecret  = "whsec_d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZw=="
)

var now = time.Unix(1_800_000_000, 0)

// mac computes HMAC(key, parts...) by hand with crypto/hmac.
func mac(h func() hash.Hash, key []byte, parts ...string) []byte {
	m := hmac.New(h, key)
	for _, p := range parts {
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// stdKey decodes a whsec_ secret independently of the package.
func stdKey(t testing.TB, s string) []byte {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func stdSig(t testing.TB, secret, id string, ts int64, body string) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(sha256.New, stdKey(t, secret), id, ".", strconv.FormatInt(ts, 10), ".", body))
}

func stdHeaders(id string, ts int64, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	h.Set("webhook-signature", sig)
	return h
}

func mustNew(t testing.TB, c webhook.Config) webhook.Verifier {
	t.Helper()
	v, err := webhook.New(c)
	if err != nil {
		t.Fatalf("New(%+v): %v", c.Preset, err)
	}
	return v
}

// check runs Verify and asserts the outcome: want "" means success.
func check(t *testing.T, v webhook.Verifier, h http.Header, body string, at time.Time, want webhook.Reason) webhook.Delivery {
	t.Helper()
	d, err := v.Verify(h, []byte(body), at)
	if want == "" {
		if err != nil {
			t.Fatalf("Verify: %v, want success", err)
		}
		return d
	}
	var we *webhook.Error
	if !errors.As(err, &we) {
		t.Fatalf("Verify: %v (%T), want *webhook.Error %s", err, err, want)
	}
	if we.Reason != want {
		t.Fatalf("Verify: reason %s (%v), want %s", we.Reason, err, want)
	}
	if d != (webhook.Delivery{}) {
		t.Fatalf("Verify failed but returned delivery %+v", d)
	}
	for _, secret := range []string{stdSecret, stdSecret2, rawSecret, rawSecret2, stripeSecret, strings.TrimPrefix(stdSecret, "whsec_")} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error text %q contains a secret", err)
		}
	}
	for _, vals := range h {
		for _, val := range vals {
			if len(val) >= 8 && strings.Contains(err.Error(), val) {
				t.Fatalf("error text %q quotes a header value %q", err, val)
			}
			for _, part := range strings.FieldsFunc(val, func(r rune) bool { return r == ' ' || r == ',' || r == '=' }) {
				if len(part) >= 16 && strings.Contains(err.Error(), part) {
					t.Fatalf("error text %q quotes a signature %q", err, part)
				}
			}
		}
	}
	return d
}

func TestStandardWebhooksOfficialVector(t *testing.T) {
	// Source: standard-webhooks/standard-webhooks libraries/go/webhook_test.go
	// (TestWebhookSign): this secret, id, timestamp and payload sign to
	// the expected value below.
	const (
		id       = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		ts       = 1614265330
		payload  = `{"test": 2432232314}`
		expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	if got := stdSig(t, stdSecret, id, ts, payload); got != expected {
		t.Fatalf("hand-computed %s, official %s", got, expected)
	}
	v := mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret}})
	d := check(t, v, stdHeaders(id, ts, expected), payload, time.Unix(ts+10, 0), "")
	if d.ID != id || !d.Timestamp.Equal(time.Unix(ts, 0)) {
		t.Fatalf("delivery %+v", d)
	}
	// The prefix is optional: the bare base64 key is the same secret.
	v = mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{strings.TrimPrefix(stdSecret, "whsec_")}})
	check(t, v, stdHeaders(id, ts, expected), payload, time.Unix(ts, 0), "")
	// Signer produces the official value too.
	h, err := webhook.Signer{Secret: stdSecret}.Sign(id, time.Unix(ts, 0), []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("webhook-signature") != expected || h.Get("webhook-id") != id || h.Get("webhook-timestamp") != "1614265330" {
		t.Fatalf("Sign: %v", h)
	}
}

func TestStandardWebhooks(t *testing.T) {
	const id, body = "msg_2", `{"type":"order.created","id":42}`
	ts := now.Unix()
	good := stdSig(t, stdSecret, id, ts, body)
	v := mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret}})
	tol := webhook.DefaultTolerance

	t.Run("good", func(t *testing.T) {
		d := check(t, v, stdHeaders(id, ts, good), body, now, "")
		if d.ID != id || d.Timestamp.Unix() != ts {
			t.Fatalf("delivery %+v", d)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		check(t, v, stdHeaders(id, ts, stdSig(t, wrongSecret, id, ts, body)), body, now, webhook.ReasonMismatch)
	})
	t.Run("tampered body", func(t *testing.T) {
		check(t, v, stdHeaders(id, ts, good), body+" ", now, webhook.ReasonMismatch)
	})
	t.Run("tampered id", func(t *testing.T) {
		check(t, v, stdHeaders("msg_3", ts, good), body, now, webhook.ReasonMismatch)
	})
	t.Run("tampered timestamp", func(t *testing.T) {
		check(t, v, stdHeaders(id, ts+1, good), body, now, webhook.ReasonMismatch)
	})
	for _, hdr := range []string{"webhook-signature", "webhook-id", "webhook-timestamp"} {
		t.Run("missing "+hdr, func(t *testing.T) {
			h := stdHeaders(id, ts, good)
			h.Del(hdr)
			check(t, v, h, body, now, webhook.ReasonMissing)
			h.Set(hdr, "  ")
			check(t, v, h, body, now, webhook.ReasonMissing)
		})
	}
	for name, sig := range map[string]string{
		"no version":   strings.TrimPrefix(good, "v1,"),
		"only v2":      strings.Replace(good, "v1,", "v2,", 1),
		"not base64":   "v1,@@@not-base64@@@",
		"v1 empty":     "v1,",
		"asymmetric":   "v1a,AAAA",
		"just a comma": ",",
	} {
		t.Run("malformed signature "+name, func(t *testing.T) {
			check(t, v, stdHeaders(id, ts, sig), body, now, webhook.ReasonMalformed)
		})
	}
	for name, tsText := range map[string]string{
		"letters": "yesterday", "negative": "-5", "plus": "+1800000000", "float": "1800000000.5",
		"overflow": "99999999999999999999", "spaces inside": "18 00",
	} {
		t.Run("malformed timestamp "+name, func(t *testing.T) {
			h := stdHeaders(id, ts, good)
			h.Set("webhook-timestamp", tsText)
			check(t, v, h, body, now, webhook.ReasonMalformed)
		})
	}
	t.Run("repeated id", func(t *testing.T) {
		h := stdHeaders(id, ts, good)
		h.Add("webhook-id", "msg_other")
		check(t, v, h, body, now, webhook.ReasonMalformed)
	})
	t.Run("stale", func(t *testing.T) {
		old := ts - int64(tol/time.Second) - 1
		check(t, v, stdHeaders(id, old, stdSig(t, stdSecret, id, old, body)), body, now, webhook.ReasonStale)
		edge := ts - int64(tol/time.Second)
		check(t, v, stdHeaders(id, edge, stdSig(t, stdSecret, id, edge, body)), body, now, "")
	})
	t.Run("future", func(t *testing.T) {
		fut := ts + int64(tol/time.Second) + 1
		check(t, v, stdHeaders(id, fut, stdSig(t, stdSecret, id, fut, body)), body, now, webhook.ReasonStale)
		edge := ts + int64(tol/time.Second)
		check(t, v, stdHeaders(id, edge, stdSig(t, stdSecret, id, edge, body)), body, now, "")
		far := int64(1) << 62
		check(t, v, stdHeaders(id, far, stdSig(t, stdSecret, id, far, body)), body, now, webhook.ReasonStale)
	})
	t.Run("custom tolerance", func(t *testing.T) {
		v := mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret}, Tolerance: 10 * time.Second})
		old := ts - 11
		check(t, v, stdHeaders(id, old, stdSig(t, stdSecret, id, old, body)), body, now, webhook.ReasonStale)
		check(t, v, stdHeaders(id, old, stdSig(t, stdSecret, id, old, body)), body, now.Add(-time.Second), "")
	})
	t.Run("forged and stale is a mismatch", func(t *testing.T) {
		old := ts - 3600
		check(t, v, stdHeaders(id, old, stdSig(t, wrongSecret, id, old, body)), body, now, webhook.ReasonMismatch)
	})
	t.Run("rotation", func(t *testing.T) {
		v := mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret, stdSecret2}})
		check(t, v, stdHeaders(id, ts, stdSig(t, stdSecret2, id, ts, body)), body, now, "")
		check(t, v, stdHeaders(id, ts, good), body, now, "")
		check(t, v, stdHeaders(id, ts, stdSig(t, wrongSecret, id, ts, body)), body, now, webhook.ReasonMismatch)
	})
	t.Run("several signatures one valid", func(t *testing.T) {
		bad := stdSig(t, wrongSecret, id, ts, body)
		for _, sig := range []string{
			bad + " " + good,
			good + " " + bad,
			"v1a,AAAA v2,abc " + bad + "   v1,@@@ " + good,
		} {
			check(t, v, stdHeaders(id, ts, sig), body, now, "")
		}
		check(t, v, stdHeaders(id, ts, bad+" "+bad), body, now, webhook.ReasonMismatch)
		// Entries spread over two header lines count too.
		h := stdHeaders(id, ts, bad)
		h.Add("webhook-signature", good)
		check(t, v, h, body, now, "")
	})
	t.Run("signature budget", func(t *testing.T) {
		bad := stdSig(t, wrongSecret, id, ts, body)
		sig := strings.Repeat(bad+" ", webhook.MaxSignatures-1) + good
		check(t, v, stdHeaders(id, ts, sig), body, now, "")
		sig = strings.Repeat(bad+" ", webhook.MaxSignatures) + good
		if len(sig) > webhook.MaxHeaderBytes {
			t.Fatalf("test header %d bytes; want it under the byte budget", len(sig))
		}
		_, err := v.Verify(stdHeaders(id, ts, sig), []byte(body), now)
		if err == nil || !strings.Contains(err.Error(), "MaxSignatures") {
			t.Fatalf("65 signatures: %v, want the MaxSignatures budget named", err)
		}
		check(t, v, stdHeaders(id, ts, sig), body, now, webhook.ReasonMalformed)
	})
	t.Run("byte budget", func(t *testing.T) {
		sig := good + strings.Repeat(" ", webhook.MaxHeaderBytes)
		_, err := v.Verify(stdHeaders(id, ts, sig), []byte(body), now)
		if err == nil || !strings.Contains(err.Error(), "MaxHeaderBytes") {
			t.Fatalf("oversized header: %v, want the MaxHeaderBytes budget named", err)
		}
		check(t, v, stdHeaders(id, ts, sig), body, now, webhook.ReasonMalformed)
		h := stdHeaders(strings.Repeat("i", webhook.MaxHeaderBytes+1), ts, good)
		check(t, v, h, body, now, webhook.ReasonMalformed)
	})
	t.Run("empty body", func(t *testing.T) {
		check(t, v, stdHeaders(id, ts, stdSig(t, stdSecret, id, ts, "")), "", now, "")
	})
}

func TestSignerRoundTrip(t *testing.T) {
	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := webhook.NewSecret()
	if secret == other || !strings.HasPrefix(secret, "whsec_") || len(stdKey(t, secret)) != 32 {
		t.Fatalf("NewSecret: %q, %q", secret, other)
	}
	body := []byte(`{"eventId":"evt_1","type":"run.finished"}`)
	h, err := webhook.Signer{Secret: secret}.Sign("evt_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	// The header is what an independent computation gives.
	if want := stdSig(t, secret, "evt_1", now.Unix(), string(body)); h.Get("webhook-signature") != want {
		t.Fatalf("Sign %q, hand-computed %q", h.Get("webhook-signature"), want)
	}
	v := mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{other, secret}})
	d := check(t, v, h, string(body), now.Add(time.Minute), "")
	if d.ID != "evt_1" || !d.Timestamp.Equal(now) {
		t.Fatalf("delivery %+v", d)
	}
	check(t, v, h, string(body)+"x", now, webhook.ReasonMismatch)
	check(t, mustNew(t, webhook.Config{Preset: "standard-webhooks", Secrets: []string{other}}), h, string(body), now, webhook.ReasonMismatch)

	for name, c := range map[string]struct {
		s     webhook.Signer
		id    string
		ts    time.Time
		field string
	}{
		"empty secret":   {webhook.Signer{}, "a", now, "Secret"},
		"bad secret":     {webhook.Signer{Secret: "whsec_not*base64"}, "a", now, "Secret"},
		"empty id":       {webhook.Signer{Secret: secret}, "", now, "id"},
		"id with space":  {webhook.Signer{Secret: secret}, "a b", now, "id"},
		"id with crlf":   {webhook.Signer{Secret: secret}, "a\r\nX-Evil: 1", now, "id"},
		"before 1970":    {webhook.Signer{Secret: secret}, "a", time.Unix(-1, 0), "ts"},
		"id over budget": {webhook.Signer{Secret: secret}, strings.Repeat("a", webhook.MaxHeaderBytes+1), now, "id"},
	} {
		_, err := c.s.Sign(c.id, c.ts, body)
		var ce *webhook.ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: %v, want ConfigError on %s", name, err, c.field)
		}
		if err != nil && c.s.Secret != "" && strings.Contains(err.Error(), c.s.Secret) {
			t.Errorf("%s: error quotes the secret", name)
		}
	}
}

func TestHookdeck(t *testing.T) {
	const body = `{"id":"evt_abc","type":"connection.created"}`
	sig := func(secret, b string) string {
		return base64.StdEncoding.EncodeToString(mac(sha256.New, []byte(secret), b))
	}
	hd := func(s string) http.Header {
		h := http.Header{}
		h.Set("x-hookdeck-signature", s)
		h.Set("x-hookdeck-eventid", "evt_hd_1")
		return h
	}
	v := mustNew(t, webhook.Config{Preset: "hookdeck", Secrets: []string{rawSecret}})
	d := check(t, v, hd(sig(rawSecret, body)), body, now, "")
	if d.ID != "evt_hd_1" || !d.Timestamp.IsZero() {
		t.Fatalf("delivery %+v", d)
	}
	check(t, v, hd(sig(rawSecret2, body)), body, now, webhook.ReasonMismatch)
	check(t, v, hd(sig(rawSecret, body)), body+"\n", now, webhook.ReasonMismatch)
	check(t, v, hd("%%%"), body, now, webhook.ReasonMalformed)
	h := hd("")
	check(t, v, h, body, now, webhook.ReasonMissing)
	h.Del("x-hookdeck-signature")
	check(t, v, h, body, now, webhook.ReasonMissing)

	// While Hookdeck rolls its secret, the second header carries the other
	// signature; either header may hold the valid one.
	h = hd(sig(rawSecret2, body))
	h.Set("x-hookdeck-signature-2", sig(rawSecret, body))
	check(t, v, h, body, now, "")
	h = http.Header{}
	h.Set("x-hookdeck-signature-2", sig(rawSecret, body))
	if d := check(t, v, h, body, now, ""); d.ID != "" {
		t.Fatalf("no eventid header, got ID %q", d.ID)
	}
	// Rotation on our side: the second active secret signs.
	v2 := mustNew(t, webhook.Config{Preset: "hookdeck", Secrets: []string{rawSecret, rawSecret2}})
	check(t, v2, hd(sig(rawSecret2, body)), body, now, "")
	// Several signatures, one valid.
	h = hd(sig("nope", body))
	h.Add("x-hookdeck-signature", "garbage!!")
	h.Add("x-hookdeck-signature", sig(rawSecret, body))
	check(t, v, h, body, now, "")
	// Hookdeck has no timestamp: an old delivery is not stale.
	check(t, v, hd(sig(rawSecret, body)), body, now.Add(1000*time.Hour), "")
	// Budget on repeated headers.
	h = http.Header{}
	for i := 0; i <= webhook.MaxSignatures; i++ {
		h.Add("x-hookdeck-signature", "AAAA")
	}
	check(t, v, h, body, now, webhook.ReasonMalformed)
}

func TestStripe(t *testing.T) {
	const body = `{"id":"evt_1Nstripe","object":"event","type":"payment_intent.succeeded"}`
	ts := now.Unix()
	sig := func(secret string, ts int64, b string) string {
		return hex.EncodeToString(mac(sha256.New, []byte(secret), strconv.FormatInt(ts, 10), ".", b))
	}
	hs := func(v string) http.Header {
		h := http.Header{}
		h.Set("Stripe-Signature", v)
		return h
	}
	good := fmt.Sprintf("t=%d,v1=%s", ts, sig(stripeSecret, ts, body))
	v := mustNew(t, webhook.Config{Preset: "stripe", Secrets: []string{stripeSecret}})
	d := check(t, v, hs(good), body, now, "")
	if d.ID != "" || d.Timestamp.Unix() != ts {
		t.Fatalf("delivery %+v", d)
	}
	check(t, v, hs(fmt.Sprintf("t=%d,v1=%s", ts, sig("whsec_other", ts, body))), body, now, webhook.ReasonMismatch)
	check(t, v, hs(good), strings.Replace(body, "succeeded", "failed", 1), now, webhook.ReasonMismatch)
	check(t, v, hs(fmt.Sprintf("t=%d,v1=%s", ts+1, sig(stripeSecret, ts, body))), body, now, webhook.ReasonMismatch)
	check(t, v, http.Header{}, body, now, webhook.ReasonMissing)
	check(t, v, hs(""), body, now, webhook.ReasonMissing)
	for name, val := range map[string]string{
		"no t":        "v1=" + sig(stripeSecret, ts, body),
		"no v1":       fmt.Sprintf("t=%d,v0=%s", ts, sig(stripeSecret, ts, body)),
		"bad hex":     fmt.Sprintf("t=%d,v1=zz", ts),
		"bad t":       "t=soon,v1=" + sig(stripeSecret, ts, body),
		"two t":       fmt.Sprintf("t=%d,t=%d,v1=%s", ts, ts, sig(stripeSecret, ts, body)),
		"not k=v":     fmt.Sprintf("t=%d,%s", ts, sig(stripeSecret, ts, body)),
		"over budget": fmt.Sprintf("t=%d", ts) + strings.Repeat(",v1=00", webhook.MaxSignatures),
	} {
		t.Run(name, func(t *testing.T) { check(t, v, hs(val), body, now, webhook.ReasonMalformed) })
	}
	// Stale and future, both over the 5-minute default.
	old := ts - 301
	check(t, v, hs(fmt.Sprintf("t=%d,v1=%s", old, sig(stripeSecret, old, body))), body, now, webhook.ReasonStale)
	fut := ts + 301
	check(t, v, hs(fmt.Sprintf("t=%d,v1=%s", fut, sig(stripeSecret, fut, body))), body, now, webhook.ReasonStale)
	// Several v1 (Stripe sends one per active secret while one is rolled),
	// one valid among invalid; v0 ignored; spaces tolerated.
	multi := fmt.Sprintf("t=%d, v1=%s, v1=%s ,v0=%s", ts, sig("whsec_old", ts, body), sig(stripeSecret, ts, body), sig("x", ts, body))
	check(t, v, hs(multi), body, now, "")
	// Rotation: the second active secret signs.
	v2 := mustNew(t, webhook.Config{Preset: "stripe", Secrets: []string{"whsec_retired", stripeSecret}})
	check(t, v2, hs(good), body, now, "")
}

func TestGitHub(t *testing.T) {
	v := mustNew(t, webhook.Config{Preset: "github", Secrets: []string{"It's a Secret to Everybody"}})
	// Source: GitHub docs, "Validating webhook deliveries", testing the
	// webhook payload validation: secret "It's a Secret to Everybody",
	// payload "Hello, World!".
	const official = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	if got := "sha256=" + hex.EncodeToString(mac(sha256.New, []byte("It's a Secret to Everybody"), "Hello, World!")); got != official {
		t.Fatalf("hand-computed %s, official %s", got, official)
	}
	gh := func(sig string) http.Header {
		h := http.Header{}
		h.Set("X-Hub-Signature-256", sig)
		h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		return h
	}
	d := check(t, v, gh(official), "Hello, World!", now, "")
	if d.ID != "72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Fatalf("delivery %+v", d)
	}
	check(t, v, gh(strings.ToUpper(official[:7])+official[7:]), "Hello, World!", now, webhook.ReasonMalformed)
	check(t, v, gh(official), "Hello, World?", now, webhook.ReasonMismatch)

	const secret, body = "gh-hook-secret", `{"action":"opened","number":7}`
	good := "sha256=" + hex.EncodeToString(mac(sha256.New, []byte(secret), body))
	v = mustNew(t, webhook.Config{Preset: "github", Secrets: []string{"gh-old", secret}}) // rotation: second signs
	check(t, v, gh(good), body, now, "")
	check(t, v, gh("sha256="+hex.EncodeToString(mac(sha256.New, []byte("nope"), body))), body, now, webhook.ReasonMismatch)
	check(t, v, gh(strings.TrimPrefix(good, "sha256=")), body, now, webhook.ReasonMalformed)
	check(t, v, gh("sha256=xyz"), body, now, webhook.ReasonMalformed)
	h := gh("")
	h.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac(sha1.New, []byte(secret), body)))
	check(t, v, h, body, now, webhook.ReasonMissing)
	h = gh("sha256=00")
	h.Add("X-Hub-Signature-256", good)
	check(t, v, h, body, now, "")
}

func TestGenericHMAC(t *testing.T) {
	const secret, body = "generic-secret", `{"n":1}`
	for _, c := range []struct {
		alg, enc, prefix string
		h                func() hash.Hash
	}{
		{"", "", "", sha256.New},
		{"sha256", "hex", "sha256=", sha256.New},
		{"sha1", "base64", "", sha1.New},
		{"sha512", "hex", "v1=", sha512.New},
		{"sha512", "base64", "hmac ", sha512.New},
	} {
		name := fmt.Sprintf("%s/%s/%q", c.alg, c.enc, c.prefix)
		t.Run(name, func(t *testing.T) {
			v := mustNew(t, webhook.Config{Preset: "hmac", Secrets: []string{"x-old", secret}, Header: "x-signature",
				Algorithm: c.alg, Encoding: c.enc, Prefix: c.prefix})
			enc := func(b []byte) string {
				if c.enc == "base64" {
					return base64.StdEncoding.EncodeToString(b)
				}
				return hex.EncodeToString(b)
			}
			hh := func(s string) http.Header {
				h := http.Header{}
				h.Set("X-Signature", s)
				return h
			}
			good := c.prefix + enc(mac(c.h, []byte(secret), body))
			if d := check(t, v, hh(good), body, now, ""); d != (webhook.Delivery{}) {
				t.Fatalf("delivery %+v", d)
			}
			check(t, v, hh(c.prefix+enc(mac(c.h, []byte("wrong"), body))), body, now, webhook.ReasonMismatch)
			check(t, v, hh(good), body+"!", now, webhook.ReasonMismatch)
			check(t, v, http.Header{}, body, now, webhook.ReasonMissing)
			check(t, v, hh(c.prefix+"!!!***"), body, now, webhook.ReasonMalformed)
			if c.prefix != "" {
				check(t, v, hh(enc(mac(c.h, []byte(secret), body))), body, now, webhook.ReasonMalformed)
			}
			// A MAC of the other algorithm does not pass.
			other := sha256.New
			if c.alg == "" || c.alg == "sha256" {
				other = sha512.New
			}
			check(t, v, hh(c.prefix+enc(mac(other, []byte(secret), body))), body, now, webhook.ReasonMismatch)
			if got := v.SignatureHeaders(); len(got) != 1 || got[0] != "X-Signature" {
				t.Fatalf("SignatureHeaders %v", got)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, c := range []struct {
		cfg   webhook.Config
		field string
	}{
		{webhook.Config{Secrets: []string{"s"}}, "Preset"},
		{webhook.Config{Preset: "svix", Secrets: []string{"s"}}, "Preset"},
		{webhook.Config{Preset: "github"}, "Secrets"},
		{webhook.Config{Preset: "github", Secrets: []string{"a", ""}}, "Secrets[1]"},
		{webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret, "whsec_not base64!"}}, "Secrets[1]"},
		{webhook.Config{Preset: "standard-webhooks", Secrets: []string{"whsec_"}}, "Secrets[0]"},
		{webhook.Config{Preset: "stripe", Secrets: []string{"s"}, Tolerance: -time.Second}, "Tolerance"},
		{webhook.Config{Preset: "github", Secrets: []string{"s"}, Header: "X-Sig"}, "Header"},
		{webhook.Config{Preset: "stripe", Secrets: []string{"s"}, Encoding: "hex"}, "Encoding"},
		{webhook.Config{Preset: "hmac", Secrets: []string{"s"}}, "Header"},
		{webhook.Config{Preset: "hmac", Secrets: []string{"s"}, Header: "X Sig"}, "Header"},
		{webhook.Config{Preset: "hmac", Secrets: []string{"s"}, Header: "X-Sig", Algorithm: "md5"}, "Algorithm"},
		{webhook.Config{Preset: "hmac", Secrets: []string{"s"}, Header: "X-Sig", Encoding: "base32"}, "Encoding"},
	} {
		_, err := webhook.New(c.cfg)
		var ce *webhook.ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("New(%+v): %v, want ConfigError on %s", c.cfg, err, c.field)
			continue
		}
		if !strings.Contains(err.Error(), c.field) {
			t.Errorf("error %q does not name %s", err, c.field)
		}
		for _, s := range c.cfg.Secrets {
			if k := strings.TrimPrefix(s, "whsec_"); len(k) > 2 && strings.Contains(err.Error(), k) {
				t.Errorf("error %q quotes a secret", err)
			}
		}
	}
}

func TestPresetTables(t *testing.T) {
	want := map[string]string{
		"standard-webhooks": "$request.header.webhook-id",
		"hookdeck":          "$request.header.x-hookdeck-eventid",
		"stripe":            "$request.body#/id",
		"github":            "$request.header.X-GitHub-Delivery",
		"hmac":              "",
		"unknown":           "",
	}
	for p, k := range want {
		if got := webhook.DedupKey(p); got != k {
			t.Errorf("DedupKey(%s) = %q, want %q", p, got, k)
		}
	}
	if got := webhook.Presets(); len(got) != 5 {
		t.Fatalf("Presets %v", got)
	}
	secrets := map[string]string{"standard-webhooks": stdSecret}
	for _, p := range webhook.Presets() {
		if p == "hmac" {
			if webhook.SignatureHeaders(p) != nil {
				t.Errorf("SignatureHeaders(hmac) should be nil")
			}
			continue
		}
		s := secrets[p]
		if s == "" {
			s = "k"
		}
		v := mustNew(t, webhook.Config{Preset: p, Secrets: []string{s}})
		if fmt.Sprint(v.SignatureHeaders()) != fmt.Sprint(webhook.SignatureHeaders(p)) || len(v.SignatureHeaders()) == 0 {
			t.Errorf("%s: method %v, func %v", p, v.SignatureHeaders(), webhook.SignatureHeaders(p))
		}
	}
	if got := webhook.SignatureHeaders("hookdeck"); fmt.Sprint(got) != "[x-hookdeck-signature x-hookdeck-signature-2]" {
		t.Errorf("hookdeck headers %v", got)
	}
}

// BenchmarkVerifyStandard measures one Standard Webhooks check of a 1 KiB
// body with two active secrets and two signatures in the header.
func BenchmarkVerifyStandard(b *testing.B) {
	body := strings.Repeat("x", 1024)
	ts := now.Unix()
	h := stdHeaders("msg_1", ts, stdSig(b, wrongSecret, "msg_1", ts, body)+" "+stdSig(b, stdSecret, "msg_1", ts, body))
	v := mustNew(b, webhook.Config{Preset: "standard-webhooks", Secrets: []string{stdSecret2, stdSecret}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(h, []byte(body), now); err != nil {
			b.Fatal(err)
		}
	}
}
