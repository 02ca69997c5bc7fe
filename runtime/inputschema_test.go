package runtime_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/weftflow/weft/runtime"
)

// The runner reads the inputs schema as arazzo.Workflow.InputSchema does:
// through a components.inputs $ref chain five hops deep, a property's
// default two $refs down applies and a format: password two $refs down is
// masked. (arazzo.TestInputSchemaRefChains pins the validator and the
// reader on the same schema; cmd/weft.TestListInputsThroughRefChains the
// CLI.)
func TestInputSchemaRefChainRun(t *testing.T) {
	const pin = "hunter2-pin-value"
	var logs bytes.Buffer
	f := setup(t, doc(`  - workflowId: w
    inputs: {$ref: '#/components/inputs/a1'}
    steps:
      - stepId: s
        operationId: getItem
        parameters:
          - {name: id, in: path, value: $inputs.code}
          - {name: X-Echo, in: header, value: $inputs.pin}
        successCriteria:
          - condition: $response.body#/echo == 'no'
components:
  inputs:
    a1: {$ref: '#/components/inputs/a2'}
    a2: {$ref: '#/components/inputs/a3'}
    a3: {$ref: '#/components/inputs/a4'}
    a4: {$ref: '#/components/inputs/a5'}
    a5:
      type: object
      properties:
        code: {$ref: '#/components/inputs/c1'}
        pin: {$ref: '#/components/inputs/pw1'}
    c1: {$ref: '#/components/inputs/c2', description: The code.}
    c2: {type: string, default: x7}
    pw1: {$ref: '#/components/inputs/pw2'}
    pw2: {type: string, format: password}
`), map[string][]reply{"GET /v1/items/x7": {{status: 200, body: `{"ok":false,"echo":"` + pin + `"}`}}}, nil,
		runtime.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	res := f.run("w", map[string]any{"pin": pin})
	if got := strings.Join(f.api.Calls(), " "); got != "GET /v1/items/x7" {
		t.Fatalf("calls %q, want the default two $refs down", got)
	}
	all, _ := json.Marshal(res)
	if text := string(all) + logs.String(); strings.Contains(text, pin) {
		t.Errorf("secret two $refs down leaked:\n%s", text)
	}
}
