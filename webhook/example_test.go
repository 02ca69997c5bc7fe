package webhook_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/weftflow/weft/webhook"
)

// A receiver verifies a Standard Webhooks delivery over its raw body, then
// a forged one.
func ExampleNew() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	v, err := webhook.New(webhook.Config{Preset: "standard-webhooks", Secrets: []string{secret}})
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"test": 2432232314}`)
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", "1614265330")
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")

	d, err := v.Verify(h, body, time.Unix(1614265330, 0).Add(time.Minute))
	fmt.Println(d.ID, d.Timestamp.UTC().Format(time.RFC3339), err)

	_, err = v.Verify(h, []byte(`{"test": 1}`), time.Unix(1614265330, 0))
	var we *webhook.Error
	if errors.As(err, &we) {
		fmt.Println(we.Reason, "-", err)
	}
	fmt.Println("dedup key:", webhook.DedupKey("standard-webhooks"))
	// Output:
	// msg_p5jXN8AQM9LWM0D4loKWxJek 2021-02-25T15:02:10Z <nil>
	// mismatch - webhook: mismatch webhook-signature: no signature matches an active secret
	// dedup key: $request.header.webhook-id
}

// A sender signs a notification; the three headers go on the POST.
func ExampleSigner_Sign() {
	s := webhook.Signer{Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	h, err := s.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		fmt.Printf("%s: %s\n", k, h.Get(k))
	}
	// Output:
	// webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek
	// webhook-timestamp: 1614265330
	// webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}

// NewSecret makes a secret for a new notification target.
func ExampleNewSecret() {
	secret, err := webhook.NewSecret()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(secret, "whsec_"), len(secret))
	// Output: true 50
}

// Presets lists the schemes New accepts, with their default dedup keys.
func ExamplePresets() {
	for _, p := range webhook.Presets() {
		fmt.Printf("%s %q %v\n", p, webhook.DedupKey(p), webhook.SignatureHeaders(p))
	}
	// Output:
	// standard-webhooks "$request.header.webhook-id" [webhook-signature]
	// hookdeck "$request.header.x-hookdeck-eventid" [x-hookdeck-signature x-hookdeck-signature-2]
	// stripe "$request.body#/id" [Stripe-Signature]
	// github "$request.header.X-GitHub-Delivery" [X-Hub-Signature-256 X-Hub-Signature]
	// hmac "" []
}
