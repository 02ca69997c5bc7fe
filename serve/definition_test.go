package serve_test

import (
	"context"
	"errors"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store/sqlite"
)

// TestDefinitionFileCompiles pins that the worked definition file of
// serve/definition compiles into a Server with the default load policy
// (its document lies outside the definition's directory, under the
// directory the two share).
func TestDefinitionFileCompiles(t *testing.T) {
	env := map[string]string{"HOOKDECK_KEY": "k", "WEBHOOK_SECRET": webhookKey, "NOTIFY_SECRET": notifyKey, "ADMIN_TOKEN": adminToken}
	def, err := definition.Load(context.Background(), "definition/testdata/hookdeck.yml",
		definition.WithLookupEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/weft.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := serve.New(context.Background(), def, st)
	if err != nil {
		t.Fatal(err)
	}
	fi := srv.Flows()
	if len(fi) != 2 || fi[0].Trigger != "webhook" || fi[0].Path != "/hooks/attach-source" || fi[1].Trigger != "schedule" {
		t.Errorf("flows = %+v", fi)
	}
}

// TestNewDiagnostics pins the mistakes New finds beyond the definition
// loader, each a diagnostic with its code at the flow's position.
func TestNewDiagnostics(t *testing.T) {
	cases := map[string]struct {
		edit func(f *definition.Flow)
		code string
	}{
		"unknown workflow": {func(f *definition.Flow) { f.Workflow = "nope" }, serve.CodeUnknownWorkflow},
		"secret input from the event": {func(f *definition.Flow) {
			f.Inputs[1] = definition.Input{Name: "integrationLabel", Expr: "$request.body#/label", Secret: true}
		}, serve.CodeSecretFromEvent},
		"limited source without a server": {func(f *definition.Flow) { f.SourceLimits = map[string]int{"other": 1} }, serve.CodeSourceLimit},
		"bad mapping":                     {func(f *definition.Flow) { f.Inputs[0].Expr = "$request.body#/a/{" }, serve.CodeMapping},
		"bad verify secret":               {func(f *definition.Flow) { f.Trigger.Webhook.Verify.Secrets[0].Text = "whsec_!!!" }, serve.CodeVerify},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := attachFlow("http://127.0.0.1:1/2025-07-01")
			f.Pos = arazzo.Position{File: "serve.yaml", Line: 7, Column: 3}
			c.edit(f)
			st, err := sqlite.Open(context.Background(), t.TempDir()+"/weft.db")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			_, err = serve.New(context.Background(), &definition.File{Path: "serve.yaml", Flows: []*definition.Flow{f}}, st,
				serve.WithLoadOptions(arazzo.WithPolicy(arazzo.Policy{LocalRoot: "../testdata/hookdeck"})))
			var ds arazzo.Diagnostics
			if !errors.As(err, &ds) || len(ds) != 1 || ds[0].Code != c.code {
				t.Fatalf("err = %v, want one %s diagnostic", err, c.code)
			}
		})
	}
}
