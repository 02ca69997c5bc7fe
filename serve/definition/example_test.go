package definition_test

import (
	"context"
	"fmt"
	"os"

	"github.com/weftflow/weft/serve/definition"
)

// Load reads the definition file, substituting ${NAME} from the
// configuration variables, which read the environment.
func ExampleLoad() {
	env := map[string]string{"HOOKDECK_KEY": "hk_test", "WEBHOOK_SECRET": "whsec_c2VjcmV0", "NOTIFY_SECRET": "whsec_bm90aWZ5"}
	f, err := definition.Load(context.Background(), "testdata/hookdeck.yml",
		definition.WithLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, fl := range f.Flows {
		switch t := fl.Trigger; {
		case t.Webhook != nil:
			fmt.Printf("%s: POST %s (%s, %d secret), retry %d×, dedup %s\n", fl.Name, t.Webhook.Path,
				t.Webhook.Verify.Preset, len(t.Webhook.Verify.Secrets), fl.Retry.Attempts, fl.Dedup.Key)
		case t.Schedule != nil:
			fmt.Printf("%s: cron %q in %s\n", fl.Name, t.Schedule.Cron, t.Schedule.TimeZone)
		}
	}
	// Output:
	// attach-source: POST /hooks/attach-source (standard-webhooks, 1 secret), retry 3×, dedup $request.header.webhook-id
	// nightly: cron "0 3 * * *" in Europe/Paris
}

// Parse reports every mistake with its position; a secret variable's
// value is never shown.
func ExampleParse() {
	src := []byte(`weft: serve/v1
vars:
  SECRET: {secret: true}
flows:
  orders:
    document: orders.arazzo.yaml
    workflow: take-order
    trigger:
      webhook:
        path: /hooks/orders
        verify: {preset: github, secrets: [literal-secret]}
    retry: {attempts: 3, interupted: retry}
`)
	_, err := definition.Parse("serve.yml", src, definition.WithLookupEnv(func(string) (string, bool) { return "s3cr3t", true }))
	fmt.Fprintln(os.Stdout, err)
	// Output:
	// serve.yml:11:44: error: signing secrets must come from a secret variable (declare a variable with secret: true and write ${NAME})
	// serve.yml:12:26: error: unknown field "interupted" in flow orders: retry (did you mean "interrupted"?)
}
