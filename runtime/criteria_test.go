package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/runtime"
)

// nestedBody is {"a":{"a":...}} about 6 KB long.
var nestedBody = strings.Repeat(`{"a":`, 877) + "1" + strings.Repeat("}", 877)

const hostileCriterion = `
  - workflowId: w
    steps:
      - stepId: s
        operationId: poll
        successCriteria:
          - context: $response.body
            type: jsonpath
            condition: $..*..*..*
`

// Issue 10 item 7: "$..*..*..*" over a 6 KB nested response took 75 s and
// 11.7 GB, ignored a 1 s deadline and reported the step SUCCEEDED. It now
// fails the run fast with the limit named.
func TestLimitCriterionNodes(t *testing.T) {
	f := setup(t, doc(hostileCriterion), map[string][]reply{"GET /v1/poll": {{body: nestedBody}}}, nil)
	// The report's deadline was 1 s; under the race detector and a loaded
	// machine the budget takes longer to spend, so give it room and check
	// the time separately.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	res, err := f.runner.Run(ctx, "w", nil)
	took := time.Since(start)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxCriterionNodes" || le.Value != runtime.DefaultMaxCriterionNodes {
		t.Fatalf("err = %v, want LimitError MaxCriterionNodes", err)
	}
	if took > time.Second && !raceEnabled {
		t.Errorf("took %v", took)
	}
	if res == nil || res.Succeeded() || len(res.Steps) != 1 || res.Steps[0].Status == runtime.StatusSucceeded ||
		!strings.Contains(res.Steps[0].Error, "MaxCriterionNodes") {
		t.Fatalf("result: %+v", res)
	}
}

// The budget is configurable, and a deadline reached while a criterion is
// evaluated ends the run with the context's error.
func TestCriterionHonoursDeadline(t *testing.T) {
	f := setup(t, doc(hostileCriterion), map[string][]reply{"GET /v1/poll": {{body: nestedBody}}}, nil,
		runtime.WithLimits(runtime.Limits{MaxCriterionNodes: 1 << 40}))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := f.runner.Run(ctx, "w", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v after a 200ms deadline", took)
	}
	if res != nil && res.Succeeded() {
		t.Fatal("run succeeded")
	}
}

// Action criteria share the budget: a limit reached while choosing an
// action ends the run too.
func TestLimitCriterionNodesInActions(t *testing.T) {
	f := setup(t, doc(`
  - workflowId: w
    steps:
      - stepId: s
        operationId: poll
        onSuccess:
          - name: deep
            type: end
            criteria:
              - context: $response.body
                type: jsonpath
                condition: $..*..*
`), map[string][]reply{"GET /v1/poll": {{body: nestedBody}}}, nil, runtime.WithLimits(runtime.Limits{MaxCriterionNodes: 5000}))
	_, err := f.runner.Run(context.Background(), "w", nil)
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != "MaxCriterionNodes" || le.Value != 5000 {
		t.Fatalf("err = %v", err)
	}
}
