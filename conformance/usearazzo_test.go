package conformance

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/arazzotest"
	"github.com/weftflow/weft/runtime"
)

var workflowPointer = regexp.MustCompile(`^/workflows/(\d+)`)

// loadValidSubset loads the document at dir/name as is, then, when it has
// error diagnostics, drops (in memory) every workflow an error points into
// and reloads, until the rest loads cleanly. It returns the full load's
// diagnostics, the loaded subset and the ids of the dropped workflows.
func loadValidSubset(t *testing.T, dir, name string, extra ...string) (arazzo.Diagnostics, *arazzo.Document, map[string]bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	full, _ := arazzo.Load(ctx, filepath.Join(dir, name))
	if full == nil {
		t.Fatalf("%s does not parse", name)
	}
	raw, err := readYAML(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	root := mapOf(raw)
	dropped := map[string]bool{}
	diags := full.Diagnostics
	fsys := fstest.MapFS{}
	for _, f := range extra {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		fsys[f] = &fstest.MapFile{Data: data}
	}
	for round := 0; round < 10; round++ {
		wfs := listOf(root["workflows"])
		bad := map[int]bool{}
		for _, d := range diags {
			if d.Severity != arazzo.SeverityError {
				continue
			}
			m := workflowPointer.FindStringSubmatch(d.Pointer)
			if m == nil {
				t.Fatalf("error outside any workflow, cannot subset: %s", d.String())
			}
			i, _ := strconv.Atoi(m[1])
			bad[i] = true
		}
		if len(bad) == 0 {
			break
		}
		var keep []any
		for i, w := range wfs {
			if bad[i] {
				dropped[str(mapOf(w)["workflowId"])] = true
			} else {
				keep = append(keep, w)
			}
		}
		root["workflows"] = keep
		data, err := yaml.Marshal(root)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
		doc, _ := arazzo.Load(ctx, name, arazzo.WithFS(fsys))
		if doc == nil {
			t.Fatalf("subset of %s does not parse", name)
		}
		diags = doc.Diagnostics
		if !diags.HasErrors() {
			return full.Diagnostics, doc, dropped
		}
	}
	if diags.HasErrors() {
		t.Fatalf("subset of %s still has errors: %v", name, diags)
	}
	return full.Diagnostics, full, dropped
}

// flowCase is one workflow of a usearazzo document run against mocks
// derived from the document, with the behaviour its comment describes.
type flowCase struct {
	name     string // subtest name; default workflow
	workflow string
	inputs   map[string]any
	mocks    []arazzotest.Mock
	limits   *runtime.Limits
	depIn    map[string]map[string]any // dependencyInputs by workflow id
	status   runtime.Status
	steps    []string
	calls    int
	outputs  map[string]any // nil value: must be absent or null
	runErr   string         // Run must return an error containing this
	// rejectedWhy explains a loader rejection of this workflow (a weft finding).
	rejectedWhy string
	// disagree names the decisions.md rule weft follows where usearazzo's
	// comment describes a different behaviour; the assertion is weft's.
	disagree string
}

func mock(method, path string, status int, body any, times int) arazzotest.Mock {
	return arazzotest.Mock{Request: arazzotest.MockRequest{Method: method, Path: path},
		Response: arazzotest.MockResponse{Status: status, Body: body}, Times: times}
}

var (
	inv200  = mock("GET", "/store/inventory", 200, map[string]any{"available": 1}, 0)
	inv500  = mock("GET", "/store/inventory", 500, map[string]any{"error": "boom"}, 0)
	find200 = mock("GET", "/pet/findByStatus", 200, map[string]any{"id": 7}, 0)
	pet200  = mock("GET", "/pet/7", 200, map[string]any{"id": 7, "name": "doggie"}, 0)
)

func controlFlowCases() []flowCase {
	return []flowCase{
		{workflow: "linear", inputs: map[string]any{"status": "available"}, mocks: []arazzotest.Mock{find200, pet200},
			status: "succeeded", steps: []string{"findPets", "getPet"}, calls: 2, outputs: map[string]any{"name": "doggie", "id": 7.0}},
		{workflow: "gotoStep", mocks: []arazzotest.Mock{inv200, find200, pet200},
			status: "succeeded", steps: []string{"first", "third"}, calls: 2, outputs: map[string]any{"thirdReached": 200.0, "secondRan": nil}},
		{workflow: "endEarly", mocks: []arazzotest.Mock{inv200, find200},
			status: "succeeded", steps: []string{"first"}, calls: 1, outputs: map[string]any{"first": 200.0, "second": nil}},
		{workflow: "failBreak", mocks: []arazzotest.Mock{inv500, find200},
			status: "failed", steps: []string{"doomed"}, calls: 1, outputs: map[string]any{"neverRan": nil}},
		{workflow: "infiniteGoto", mocks: []arazzotest.Mock{inv200}, limits: &runtime.Limits{MaxStepExecutions: 10},
			calls: 10, runErr: "step"},
		{workflow: "transfersToTarget", mocks: []arazzotest.Mock{inv200, pet200},
			status: "succeeded", steps: []string{"only", "transferTarget/first", "transferTarget/second"}, calls: 3,
			outputs:  map[string]any{"neverEvaluated": 200.0},
			disagree: "F4: after a goto to a workflow the current workflow's own outputs are evaluated as far as they resolve (usearazzo never evaluates them)"},
		{workflow: "transferChainStart", mocks: []arazzotest.Mock{inv200, pet200},
			status: "succeeded", steps: []string{"only", "transferChainMiddle/only", "transferTarget/first", "transferTarget/second"}, calls: 4},
		{workflow: "transfersToFailing", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 200, map[string]any{}, 1), inv500},
			status: "failed", steps: []string{"only", "failBreak/doomed"}, calls: 2,
			disagree: "F4: a goto to a workflow makes the current workflow's result the target's status (usearazzo reports 'transferred' and exposes the settled 'failed' separately)"},
		{workflow: "retryThenSucceed", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 503, nil, 2), inv200},
			status: "succeeded", steps: []string{"flaky", "flaky", "flaky"}, calls: 3, outputs: map[string]any{"status": 200.0}},
		{workflow: "retryThenSucceedThenNext", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 500, nil, 1), inv200, find200},
			status: "succeeded", steps: []string{"flaky", "flaky", "after"}, calls: 3, outputs: map[string]any{"after": 200.0}},
		{workflow: "retryExhaustedThenEnd", mocks: []arazzotest.Mock{inv500, find200},
			status: "failed", steps: []string{"doomed", "doomed", "doomed"}, calls: 3},
		{workflow: "retryExhaustedThenBreak", mocks: []arazzotest.Mock{inv500},
			status: "failed", steps: []string{"doomed", "doomed", "doomed"}, calls: 3},
		{workflow: "retryDefaultLimit", mocks: []arazzotest.Mock{inv500},
			status: "failed", steps: []string{"doomed", "doomed"}, calls: 2},
		{workflow: "retryChainIndependentBudgets", mocks: []arazzotest.Mock{inv500},
			status: "failed", steps: []string{"doomed", "doomed", "doomed", "doomed", "doomed", "doomed"}, calls: 6},
		{workflow: "retryExhaustedThenGoto", mocks: []arazzotest.Mock{inv500, find200, pet200},
			status: "succeeded", steps: []string{"doomed", "doomed", "recovery"}, calls: 3,
			outputs: map[string]any{"recovery": 200.0, "skipped": nil}},
		{workflow: "retryCriteriaStopMatching", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 503, nil, 1), inv500},
			status: "failed", steps: []string{"flaky", "flaky"}, calls: 2},
		{workflow: "retryWithRepairStep", mocks: []arazzotest.Mock{
			mock("GET", "/store/inventory", 200, map[string]any{"token": "t1"}, 1),
			mock("GET", "/store/inventory", 200, map[string]any{"token": "t2"}, 1),
			mock("GET", "/pet/findByStatus", 500, nil, 1), find200},
			status: "succeeded", steps: []string{"login", "call", "login", "call"}, calls: 4,
			outputs: map[string]any{"token": "t2", "status": 200.0}},
		// The same with the 401 a re-login retry is written for.
		{name: "retryWithRepairStep-401", workflow: "retryWithRepairStep", mocks: []arazzotest.Mock{
			mock("GET", "/store/inventory", 200, map[string]any{"token": "t1"}, 1),
			mock("GET", "/store/inventory", 200, map[string]any{"token": "t2"}, 1),
			mock("GET", "/pet/findByStatus", 401, nil, 1), find200},
			status: "succeeded", steps: []string{"login", "call", "login", "call"}, calls: 4,
			outputs: map[string]any{"token": "t2", "status": 200.0}},
		{workflow: "inheritsFailureActions", mocks: []arazzotest.Mock{inv500, find200},
			status: "failed", steps: []string{"only"}, calls: 1},
		{workflow: "overridesFailureActions", mocks: []arazzotest.Mock{inv500, find200},
			status: "succeeded", steps: []string{"failing", "recovery"}, calls: 2},
		{workflow: "inheritsSuccessActions", mocks: []arazzotest.Mock{inv200, find200},
			status: "succeeded", steps: []string{"first"}, calls: 1, outputs: map[string]any{"first": 200.0, "second": nil}},
		{workflow: "emptyOnSuccessSuppressesDefault", mocks: []arazzotest.Mock{inv200, find200},
			status: "succeeded", steps: []string{"first"}, calls: 1, outputs: map[string]any{"first": 200.0},
			disagree: "F1: the workflow's successActions stay candidates after the step's onSuccess unless the step redefines their name, so an empty onSuccess does not suppress them (usearazzo lets an empty list override them)"},
		{workflow: "overrideSuccessInheritFailure", mocks: []arazzotest.Mock{inv200, find200, pet200},
			status: "succeeded", steps: []string{"first", "third"}, calls: 2, outputs: map[string]any{"third": 200.0, "second": nil}},
		{workflow: "inheritedRetryPerStepBudget", mocks: []arazzotest.Mock{
			mock("GET", "/store/inventory", 500, nil, 1), inv200, mock("GET", "/pet/findByStatus", 500, nil, 1), find200},
			status: "succeeded", steps: []string{"first", "first", "second", "second"}, calls: 4},
		{workflow: "inheritsParameters", inputs: map[string]any{"status": "available"}, mocks: []arazzotest.Mock{
			{Request: arazzotest.MockRequest{Method: "GET", Path: "/pet/findByStatus", Query: map[string]any{"status": "available"}},
				Response: arazzotest.MockResponse{Status: 200, Body: []any{}}, Times: 1},
			{Request: arazzotest.MockRequest{Method: "GET", Path: "/pet/findByStatus", Query: map[string]any{"status": "sold"}},
				Response: arazzotest.MockResponse{Status: 200, Body: []any{}}, Times: 1}},
			status: "succeeded", steps: []string{"inherits", "overrides"}, calls: 2},
	}
}

func runFlowCases(t *testing.T, doc *arazzo.Document, dropped map[string]bool, cases []flowCase, tl *tally, prefix string) {
	for _, c := range cases {
		c := c
		if c.name == "" {
			c.name = c.workflow
		}
		outcome, reason := "", ""
		t.Run(c.name, func(t *testing.T) {
			outcome = "pass"
			if dropped[c.workflow] {
				outcome, reason = "fail", "rejected by the loader: "+c.rejectedWhy
				t.Fatal(reason)
			}
			if p := runFlowCase(t, doc, c); p != "" {
				outcome, reason = "fail", p
				t.Error(p)
			} else if c.disagree != "" {
				outcome, reason = "disagree", c.disagree
				t.Logf("weft follows decisions.md %s", c.disagree)
			}
		})
		if outcome != "" {
			tl.add(prefix+"/"+c.name, outcome, reason)
		}
	}
}

func crossDocumentCases() []flowCase {
	return []flowCase{
		{workflow: "crossDocumentStep", mocks: []arazzotest.Mock{pet200, inv200},
			status: "succeeded", steps: []string{"childFetch/get", "child", "after"}, calls: 2},
		{workflow: "crossDocumentDependsOn", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 2},
		{workflow: "mixedInputsDiamond", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 2},
		// entry -> child childCallsShared -> child shared: one HTTP call.
		{workflow: "deepEntry", mocks: []arazzotest.Mock{inv200}, status: "succeeded",
			steps: []string{"shared/only", "childCallsShared/call", "call"}, calls: 1},
		{workflow: "crossDocumentGoto", mocks: []arazzotest.Mock{inv200},
			status: "succeeded", steps: []string{"only", "childFinal/last"}, calls: 2, outputs: map[string]any{}},
		{workflow: "crossDocumentGotoWithDeps", mocks: []arazzotest.Mock{inv200},
			status: "succeeded", steps: []string{"only", "childSetup/prepare", "childFinalWithSetup/last"}, calls: 3},
		{workflow: "crossDocumentRetryReference", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 500, nil, 1), inv200},
			status: "succeeded", steps: []string{"doomed", "childRepair/refresh", "doomed"}, calls: 3},
		{workflow: "crossDocumentRetryStepInside", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 500, nil, 1), inv200},
			status: "succeeded", steps: []string{"childRetryStep/doomed", "childRetryStep/helper", "childRetryStep/doomed", "childRetryStep/helper", "call"}, calls: 4},
		{workflow: "diamondLeft", mocks: []arazzotest.Mock{inv200},
			status: "succeeded", steps: []string{"childSetup/prepare", "diamondRight/own", "call"}, calls: 2},
		{workflow: "loopEntry", mocks: []arazzotest.Mock{inv200}, limits: &runtime.Limits{MaxDepth: 6}, runErr: "depth"},
	}
}

var petRex = mock("GET", "/pet/7", 200, map[string]any{"id": 7, "name": "Rex"}, 0)

func compositionCases() []flowCase {
	needs := map[string]map[string]any{"needsInput": {"petId": "7"}}
	return []flowCase{
		{workflow: "callsChild", mocks: []arazzotest.Mock{petRex, inv200}, status: "succeeded",
			steps: []string{"fetchPet/get", "child", "after"}, calls: 2,
			outputs: map[string]any{"childName": "Rex", "afterRan": 200.0, "viaWorkflows": "Rex"}},
		{workflow: "callsChildWithInheritedParameters", mocks: []arazzotest.Mock{petRex}, status: "succeeded", calls: 1,
			outputs: map[string]any{"childName": "Rex", "childPetId": "7", "childUnused": "from-step"}},
		{workflow: "childInputBeatsInheritedParameter", mocks: []arazzotest.Mock{petRex}, status: "succeeded", calls: 1,
			outputs: map[string]any{"childPetId": "7"}},
		{workflow: "inheritedRequestParameterAsInput", mocks: []arazzotest.Mock{petRex}, status: "succeeded", calls: 1,
			outputs: map[string]any{"childPetId": "7"}},
		{workflow: "callsChildTwice", mocks: []arazzotest.Mock{petRex, mock("GET", "/pet/8", 200, map[string]any{"name": "Fido"}, 0)},
			status: "succeeded", steps: []string{"fetchPet/get", "first", "fetchPet/get", "second"}, calls: 2},
		{workflow: "childCriteriaFail", mocks: []arazzotest.Mock{petRex}, status: "failed", calls: 1},
		{workflow: "childCriteriaPass", mocks: []arazzotest.Mock{petRex}, status: "succeeded", calls: 1},
		{workflow: "retriesChild", mocks: []arazzotest.Mock{inv500}, status: "failed", calls: 3,
			steps: []string{"failingChild/doomed", "child", "failingChild/doomed", "child", "failingChild/doomed", "child"}},
		// F7: the parameter reads $workflows.echoFailing.outputs.nextStatus
		// before echoFailing ran; an unresolved value is left out, so the child
		// runs (and fails) on both attempts.
		{workflow: "retriesChildStableInputs", mocks: []arazzotest.Mock{inv500}, status: "failed", calls: 2,
			steps: []string{"echoFailing/only", "child", "echoFailing/only", "child"}},
		{workflow: "selfCycle", limits: &runtime.Limits{MaxDepth: 5}, runErr: "depth"},
		{workflow: "cycleA", limits: &runtime.Limits{MaxDepth: 5}, runErr: "depth"},
		{workflow: "diamondTop", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 2},
		{workflow: "deepOne", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 1,
			steps: []string{"deepThree/only", "deepTwo/down", "down"}},
		{workflow: "dependent", mocks: []arazzotest.Mock{inv200, find200, pet200}, status: "succeeded", calls: 3,
			steps: []string{"setupA/only", "setupB/only", "own"}, outputs: map[string]any{"own": 200.0, "fromSetupA": 200.0}},
		{workflow: "dependsOnNeedsInput", depIn: needs, mocks: []arazzotest.Mock{pet200, inv200}, status: "succeeded", calls: 2,
			steps: []string{"needsInput/get", "own"}},
		{workflow: "transitiveOuter", depIn: needs, mocks: []arazzotest.Mock{pet200, inv200}, status: "succeeded", calls: 3,
			steps: []string{"needsInput/get", "transitiveMiddle/own", "own"}},
		{workflow: "depDiamondTop", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 4,
			steps: []string{"setupA/only", "depDiamondLeft/own", "depDiamondRight/own", "own"}},
		{workflow: "dependsOnFailing", mocks: []arazzotest.Mock{inv500, pet200}, status: "failed", calls: 1,
			steps: []string{"failingChild/doomed"}},
		{workflow: "rootSkipsOwnDeps", mocks: []arazzotest.Mock{inv200, find200, pet200}, status: "succeeded", calls: 3},
		{workflow: "gotoSelf", mocks: []arazzotest.Mock{inv200}, limits: &runtime.Limits{MaxStepExecutions: 8, MaxDepth: 100}, calls: 8, runErr: "step"},
		{workflow: "gotoCycleA", mocks: []arazzotest.Mock{inv200}, limits: &runtime.Limits{MaxStepExecutions: 8, MaxDepth: 100}, calls: 8, runErr: "step"},
		{workflow: "gotoDeepOne", mocks: []arazzotest.Mock{inv200}, status: "succeeded", calls: 3,
			steps: []string{"down", "gotoDeepTwo/down", "gotoDeepThree/only"}},
		{workflow: "callsTransferringChild", mocks: []arazzotest.Mock{inv200, petRex}, status: "succeeded", calls: 2},
		{workflow: "callsChildTransferringToFailing", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 200, nil, 1), inv500},
			status: "failed", calls: 2},
		{workflow: "dependsOnTransferringPrereq", mocks: []arazzotest.Mock{inv200, petRex}, status: "succeeded", calls: 3},
		{workflow: "dependsOnTransferringToFailingPrereq", mocks: []arazzotest.Mock{mock("GET", "/store/inventory", 200, nil, 1), inv500},
			status: "failed", calls: 2},
	}
}

// runFlowCase runs one case and returns "" or what went wrong.
func runFlowCase(t *testing.T, doc *arazzo.Document, c flowCase) string {
	ms := arazzotest.NewMockServer(c.mocks)
	hs := httptest.NewServer(ms)
	defer hs.Close()
	opts := append(arazzotest.ServeAll(doc, hs.URL), runtime.WithHTTPClient(hs.Client()),
		runtime.WithSleep(func(ctx context.Context, d time.Duration) error { return ctx.Err() }))
	if c.limits != nil {
		opts = append(opts, runtime.WithLimits(*c.limits))
	}
	for id, in := range c.depIn {
		opts = append(opts, runtime.WithDependencyInputs(id, in))
	}
	r, err := runtime.New(doc, opts...)
	if err != nil {
		return "runtime.New: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inputs := c.inputs
	if inputs == nil {
		inputs = map[string]any{}
	}
	res, err := r.Run(ctx, c.workflow, inputs)
	if res != nil {
		t.Logf("calls: %v\n%s", ms.Calls(), arazzotest.Trace(res))
	}
	var problems []string
	if c.runErr != "" {
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.runErr) {
			problems = append(problems, fmt.Sprintf("want a run error containing %q, got %v", c.runErr, err))
		}
	} else if err != nil {
		return "run: " + err.Error()
	} else {
		if res.Status != c.status {
			problems = append(problems, fmt.Sprintf("status %s (%s), want %s", res.Status, res.Error, c.status))
		}
		if got := arazzotest.StepSequence(res, c.workflow); c.steps != nil && !reflect.DeepEqual(got, c.steps) {
			problems = append(problems, fmt.Sprintf("steps %v, want %v", got, c.steps))
		}
		outs := mapOf(jsonPlain(res.Outputs))
		keys := make([]string, 0, len(c.outputs))
		for k := range c.outputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if got := outs[k]; !reflect.DeepEqual(got, jsonPlain(c.outputs[k])) {
				problems = append(problems, fmt.Sprintf("output %s = %s, want %s", k, compact(got), compact(c.outputs[k])))
			}
		}
	}
	if n := len(ms.Calls()); n != c.calls {
		problems = append(problems, fmt.Sprintf("%d calls, want %d: %v", n, c.calls, ms.Calls()))
	}
	if u := ms.Unmatched(); len(u) > 0 && c.runErr == "" {
		problems = append(problems, fmt.Sprintf("unmatched requests: %v", u))
	}
	return strings.Join(problems, "; ")
}

// checkRejected asserts that every listed workflow (deliberately invalid in
// the corpus) has at least one error diagnostic with a code and a position.
func checkRejected(t *testing.T, diags arazzo.Diagnostics, doc map[string]any, want []string, tl *tally, prefix string) {
	idx := map[string]int{}
	for i, w := range listOf(doc["workflows"]) {
		idx[str(mapOf(w)["workflowId"])] = i
	}
	for _, id := range want {
		i, ok := idx[id]
		found := ""
		for _, d := range diags {
			m := workflowPointer.FindStringSubmatch(d.Pointer)
			if ok && d.Severity == arazzo.SeverityError && m != nil && m[1] == strconv.Itoa(i) && d.Code != "" && d.Pos.Line > 0 {
				found = d.String() + " [" + d.Code + "]"
				break
			}
		}
		name := prefix + "/" + id + " (invalid)"
		if found == "" {
			tl.add(name, "fail", "no positioned error diagnostic with a code")
			t.Errorf("%s: deliberately invalid workflow not rejected with a positioned, coded error", name)
		} else {
			tl.add(name, "pass", "")
			t.Logf("%s rejected: %s", name, found)
		}
	}
}

// TestUseArazzo runs the control-flow, composition and cross-document
// documents of the usearazzo toolkit: deliberately invalid workflows must be
// rejected with positioned diagnostics; the valid rest runs against mocks
// derived from the document and must behave as the document's comments say
// (or as decisions.md says where the two differ).
func TestUseArazzo(t *testing.T) {
	base := filepath.Join(corpusDir(t), "usearazzo-arazzo-toolkit", "packages")
	if _, err := os.Stat(base); err != nil {
		t.Skip("no usearazzo corpus")
	}
	fixtures := filepath.Join(base, "runner", "test", "fixtures")
	var tl tally

	t.Run("control-flow", func(t *testing.T) {
		name := "workflow-control-flow.arazzo.yaml"
		diags, doc, dropped := loadValidSubset(t, fixtures, name, "petstore.openapi.json")
		raw, _ := readYAML(filepath.Join(fixtures, name))
		checkRejected(t, diags, mapOf(raw), []string{"gotoMissing", "gotoAmbiguous", "gotoCrossDocument", "gotoUnknownWorkflow",
			"retryReferenceTargetMissing", "retryReferenceCrossDocument", "retryAmbiguousReference", "gotoNoTarget",
			"unknownActionType", "emptyWorkflow", "scalarSteps", "malformedStepOnSuccess"}, &tl, "control-flow")
		t.Logf("workflows left out of the runnable subset: %v", sortedKeys(dropped))
		runFlowCases(t, doc, dropped, controlFlowCases(), &tl, "control-flow")
	})

	t.Run("cross-document", func(t *testing.T) {
		name := "cross-document.arazzo.yaml"
		diags, doc, dropped := loadValidSubset(t, fixtures, name, "cross-document-child.arazzo.yaml",
			"cross-document-child.openapi.json", "petstore.openapi.json")
		raw, _ := readYAML(filepath.Join(fixtures, name))
		checkRejected(t, diags, mapOf(raw), []string{"unknownSource", "unknownForeignWorkflow", "dependsOnUnknownForeign",
			"invalidReference", "pointerReference"}, &tl, "cross-document")
		t.Logf("workflows left out of the runnable subset: %v", sortedKeys(dropped))
		runFlowCases(t, doc, dropped, crossDocumentCases(), &tl, "cross-document")
	})

	t.Run("composition", func(t *testing.T) {
		name := "workflow-composition.arazzo.yaml"
		diags, doc, dropped := loadValidSubset(t, fixtures, name, "petstore.openapi.json")
		raw, _ := readYAML(filepath.Join(fixtures, name))
		checkRejected(t, diags, mapOf(raw), []string{"malformedStepsWithDependency", "malformedOutputsWithDependency",
			"dependsOnLateBadEntry", "dependsOnLateUnknown", "depCycleB", "crossDocumentStep", "crossDocumentDependsOn",
			"ambiguousStep", "scalarDependsOn"}, &tl, "composition")
		t.Logf("workflows left out of the runnable subset: %v", sortedKeys(dropped))
		runFlowCases(t, doc, dropped, compositionCases(), &tl, "composition")
	})

	t.Run("validator-invalid", func(t *testing.T) {
		p := filepath.Join(base, "validator", "test", "fixtures", "arazzo-full-invalid.yaml")
		doc, err := arazzo.Load(context.Background(), p)
		if err == nil || doc == nil {
			tl.add("validator/arazzo-full-invalid.yaml", "fail", "loaded without errors")
			t.Fatalf("arazzo-full-invalid.yaml loaded: %v", err)
		}
		var unpositioned []string
		n := 0
		for _, d := range doc.Diagnostics {
			if d.Severity != arazzo.SeverityError {
				continue
			}
			n++
			if d.Code == "" || d.Pos.Line == 0 {
				unpositioned = append(unpositioned, fmt.Sprintf("[%s] %s (pointer %s)", d.Code, d.Message, d.Pointer))
			}
		}
		if len(unpositioned) > 0 {
			tl.add("validator/arazzo-full-invalid.yaml", "fail", fmt.Sprintf("%d of %d errors lack a line/column: %v", len(unpositioned), n, unpositioned))
			t.Errorf("errors without a position (decisions D2 wants file, line, column): %v", unpositioned)
		} else {
			tl.add("validator/arazzo-full-invalid.yaml", "pass", "")
		}
	})

	t.Run("validator-valid", func(t *testing.T) {
		p := filepath.Join(base, "validator", "test", "fixtures", "arazzo-full-valid.yaml")
		if _, err := arazzo.Load(context.Background(), p); err != nil {
			tl.add("validator/arazzo-full-valid.yaml", "fail", err.Error())
			t.Fatal(err)
		}
		tl.add("validator/arazzo-full-valid.yaml", "pass", "")
	})

	tl.log(t, "usearazzo toolkit")
}
