package runtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/hookdeckfake"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
)

// The reference workflow runs green against the Hookdeck fake; its
// negative twin (attach answers {"success": false}) fails at
// attachIntegration with the JSONPath criterion named.
func TestReferenceWorkflowAgainstFake(t *testing.T) {
	fake, err := hookdeckfake.New(hookdeckfake.WithAPIKeys("hk-test-key"))
	if err != nil {
		t.Fatal(err)
	}
	srv := fake.Start()
	defer srv.Close()
	doc, err := arazzo.Load(context.Background(), referenceWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Diagnostics) != 0 {
		t.Errorf("diagnostics: %v", doc.Diagnostics)
	}
	r, err := runtime.New(doc,
		runtime.WithHTTPClient(srv.Client()),
		runtime.WithServer("sourcesApi", srv.APIURL),
		runtime.WithServer("integrationsApi", srv.APIURL),
		runtime.WithCredentials(staticCreds{
			"sourcesApi/bearerAuth":      {Token: "hk-test-key"},
			"integrationsApi/bearerAuth": {Token: "hk-test-key"},
		}))
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"sourceName": "orders-in", "integrationLabel": "Orders HMAC", "provider": "HMAC"}
	res, err := r.Run(context.Background(), "attach-integration-to-source", in)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Succeeded() {
		t.Fatalf("failed: %s\n%s", res.Error, trace(res))
	}
	sid, _ := res.Outputs["sourceId"].(string)
	iid, _ := res.Outputs["integrationId"].(string)
	if !strings.HasPrefix(sid, "src_") || iid == "" || res.Outputs["attached"] != true {
		t.Errorf("outputs = %v", res.Outputs)
	}
	if got := trace(res); got != "createSource#1:next createIntegration#1:next attachIntegration#1:next confirmSource#1:next" {
		t.Errorf("trace = %s", got)
	}

	fake.SetAttachResult(false)
	in["sourceName"] = "orders-in-2"
	res, err = r.Run(context.Background(), "attach-integration-to-source", in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded() || res.FailedStep != "attachIntegration" {
		t.Fatalf("status %s failed at %q", res.Status, res.FailedStep)
	}
	last := res.Steps[len(res.Steps)-1]
	if len(last.FailedCriteria) != 1 || last.FailedCriteria[0].Condition != "$.success == true" {
		t.Errorf("failed criteria = %+v", last.FailedCriteria)
	}
	if !strings.Contains(res.Error, "$.success == true") {
		t.Errorf("error %q does not name the criterion", res.Error)
	}
}

var _ openapi.Credentials = staticCreds(nil)
