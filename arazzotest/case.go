package arazzotest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/weftflow/weft/internal/casefile"
	"github.com/weftflow/weft/runtime"
)

// CaseReport is the outcome of one case: the verdict (Passed), what did
// not match (Problems), the run's Result and Err, the requests the mock
// server received (Calls), the retry waits asked for and the duration.
// Its String method formats the verdict, the problems and, for a
// failure, the step trace and the requests.
type CaseReport = casefile.Report

// Mock is one entry of a case's mocks: a request pattern, the response to
// give and how many times it may answer (see casefile.Mock).
type Mock = casefile.Mock

// MockRequest is a request pattern of a Mock; empty fields match
// anything.
type MockRequest = casefile.MockRequest

// MockResponse is the response of a Mock.
type MockResponse = casefile.MockResponse

// MockServer is an http.Handler answering requests from an ordered list
// of mocks; Calls and Unmatched return the requests it received.
type MockServer = casefile.MockServer

// NewMockServer returns a handler serving mocks: the first matching entry
// with calls left answers; a request no entry matches gets 501 and is
// recorded as unmatched.
func NewMockServer(mocks []Mock) *MockServer { return casefile.NewMockServer(mocks) }

// ExecCase runs the case in dir: it loads the document, serves the mocks
// on a loopback server every source points at, runs the workflow (retry
// waits are recorded, not slept) and checks the expectations. The error
// is for a case that cannot be read; a case whose expectations fail is a
// report with Passed false.
func ExecCase(ctx context.Context, dir string) (CaseReport, error) {
	return casefile.Exec(ctx, dir)
}

// StepSequence lists the step executions of res as the case format names
// them: "stepId" for steps of workflow, "workflowId/stepId" for others.
func StepSequence(res *runtime.Result, workflow string) []string {
	return casefile.StepSequence(res, workflow)
}

// RunCase runs the case in dir as part of a test: a case that cannot be
// read ends the test; a case whose expectations fail marks it failed with
// the problems, the step trace and the requests received.
func RunCase(t testing.TB, dir string) {
	t.Helper()
	rep, err := casefile.Exec(t.Context(), dir)
	if err != nil {
		t.Fatalf("arazzotest: %v", err)
	}
	if !rep.Passed {
		t.Errorf("arazzotest: case %s failed:\n%s", dir, rep.String())
	}
}

// RunCases runs every case under root as a parallel subtest named after
// its directory.
func RunCases(t *testing.T, root string) {
	t.Helper()
	dirs, err := casefile.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		rel, err := filepath.Rel(root, dir)
		if err != nil || rel == "." {
			rel = filepath.Base(dir)
		}
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			RunCase(t, dir)
		})
	}
}
