package arazzo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func diagLines(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + " [" + d.Code + " " + d.Pointer + "]\n")
	}
	return b.String()
}

// findDiag returns the first diagnostic with code (and pointer, when set).
func findDiag(ds Diagnostics, code, pointer string) (Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code && (pointer == "" || d.Pointer == pointer) {
			return d, true
		}
	}
	return Diagnostic{}, false
}

func TestParseSeeds(t *testing.T) {
	data, err := os.ReadFile("testdata/fuzz/minimal.arazzo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if doc, ds := Parse(data, "minimal"); doc == nil || len(ds) != 0 {
		t.Errorf("minimal: want no diagnostics, got:\n%s", diagLines(ds))
	}
	data, err = os.ReadFile("testdata/fuzz/components.arazzo.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, ds := Parse(data, "components")
	if doc == nil || ds.HasErrors() {
		t.Fatalf("components: want no errors, got:\n%s", diagLines(ds))
	}
	// The draft-goessner JSONPath version is evaluated by an RFC 9535
	// engine: the expression package warns, the validator relays it.
	if d, ok := findDiag(ds, "criterion", ""); !ok || d.Severity != SeverityWarning || d.Pos.Line != 10 {
		t.Errorf("want a criterion warning on line 10, got:\n%s", diagLines(ds))
	}
}

const decodeDoc = `arazzo: 1.0.1
info:
  title: T
  version: "1"
  x-team: {name: core}
sourceDescriptions:
  - name: api
    url: api.yaml
    type: openapi
workflows:
  - workflowId: w
    x-flag: true
    parameters:
      - reference: $components.parameters.p
        value: 7
    steps:
      - stepId: s1
        operationId: op
        parameters:
          - {name: id, in: path, value: 1}
        requestBody:
          contentType: application/json
          payload: {a: [1, 2.5, true, null]}
          replacements:
            - {target: /a/0, value: {k: v}}
        successCriteria:
          - context: $response.body
            condition: $.ok
            type: {type: jsonpath, version: draft-goessner-dispatch-jsonpath-00}
        onSuccess:
          - {name: next, type: goto, stepId: s2, criteria: [{condition: $statusCode == 200}]}
        onFailure:
          - reference: $components.failureActions.again
          - {name: wait, type: retry, retryAfter: 1.5, retryLimit: 3}
        outputs:
          id: $response.body#/id
      - stepId: s2
        workflowId: other
  - workflowId: other
    steps:
      - {stepId: x, operationId: op}
components:
  parameters:
    p: {name: p, in: query, value: 1}
  failureActions:
    again: {name: again, type: retry}
`

func TestDecodePositions(t *testing.T) {
	doc, ds := Parse([]byte(decodeDoc), "d.yaml")
	if doc == nil {
		t.Fatalf("nil doc: %s", diagLines(ds))
	}
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagLines(ds))
	}
	if doc.Arazzo != "1.0.1" || doc.Info.Title != "T" || doc.Info.Version != "1" {
		t.Errorf("root fields: %+v %+v", doc.Arazzo, doc.Info)
	}
	if got := doc.Info.Extensions["x-team"]; got.(map[string]any)["name"] != "core" {
		t.Errorf("x-team = %v", got)
	}
	w := doc.Workflows[0]
	if w.Extensions["x-flag"] != true || w.Pos != (Position{"d.yaml", 11, 5}) || w.Pointer != "/workflows/0" {
		t.Errorf("workflow meta: %+v %v %v", w.Pos, w.Pointer, w.Extensions)
	}
	if w.Document != doc {
		t.Error("Workflow.Document not set")
	}
	if r := w.Parameters[0].Reusable; r == nil || r.Reference != "$components.parameters.p" || !r.HasValue || r.Value != int64(7) {
		t.Errorf("reusable parameter: %+v", w.Parameters[0].Reusable)
	}
	s := w.Steps[0]
	if s.Pos != (Position{"d.yaml", 17, 9}) || s.Pointer != "/workflows/0/steps/0" || s.OperationID != "op" {
		t.Errorf("step: %+v %s", s.Pos, s.Pointer)
	}
	p := s.Parameters[0]
	if p.Name != "id" || p.In != InPath || p.Value != int64(1) || p.Pos != (Position{"d.yaml", 20, 13}) {
		t.Errorf("parameter: %+v", p)
	}
	if s.RequestBody.ContentType != "application/json" || !s.RequestBody.HasPayload {
		t.Errorf("request body: %+v", s.RequestBody)
	}
	if a := s.RequestBody.Payload.(map[string]any)["a"].([]any); len(a) != 4 || a[1] != 2.5 || a[2] != true || a[3] != nil {
		t.Errorf("payload: %#v", a)
	}
	if r := s.RequestBody.Replacements[0]; r.Target != "/a/0" || r.Value.(map[string]any)["k"] != "v" || r.Pointer != "/workflows/0/steps/0/requestBody/replacements/0" {
		t.Errorf("replacement: %+v", r)
	}
	c := s.SuccessCriteria[0]
	if !s.HasSuccessCriteria || c.Type != CriterionJSONPath || c.Version != "draft-goessner-dispatch-jsonpath-00" || c.Context != "$response.body" || c.Pos.Line != 27 {
		t.Errorf("criterion: %+v", c)
	}
	if a := s.OnSuccess[0]; a.Type != ActionGoto || a.StepID != "s2" || len(a.Criteria) != 1 || a.Criteria[0].Pos != (Position{"d.yaml", 31, 61}) {
		t.Errorf("onSuccess: %+v %+v", a, a.Criteria[0].Pos)
	}
	if a := s.OnFailure[0]; a.Reusable == nil || a.Reusable.Reference != "$components.failureActions.again" {
		t.Errorf("onFailure[0]: %+v", a)
	}
	if a := s.OnFailure[1]; a.RetryAfter == nil || *a.RetryAfter != 1.5 || a.RetryLimit == nil || *a.RetryLimit != 3 {
		t.Errorf("onFailure[1]: %+v", a)
	}
	if o := s.Outputs[0]; o.Name != "id" || o.Value != "$response.body#/id" || o.Pos != (Position{"d.yaml", 36, 11}) {
		t.Errorf("output: %+v", o)
	}
	if w.Steps[1].WorkflowID != "other" {
		t.Errorf("step 2: %+v", w.Steps[1])
	}
	if cp := doc.Components.Parameters["p"]; cp.In != InQuery || cp.Pointer != "/components/parameters/p" {
		t.Errorf("component parameter: %+v", cp)
	}
	if fa := doc.Components.FailureActions["again"]; fa.Type != ActionRetry || fa.RetryLimit != nil {
		t.Errorf("component failure action: %+v", fa)
	}
	if doc.node == nil || doc.node.Line != 1 {
		t.Error("node not kept")
	}
	// Parse does not bind targets.
	if s.Target != nil {
		t.Error("Parse bound a target")
	}
}

func TestDecodeJSON(t *testing.T) {
	src := `{"arazzo": "1.0.0", "info": {"title": "J", "version": "1"},
  "sourceDescriptions": [{"name": "a", "url": "a.yaml"}],
  "workflows": [{"workflowId": "w", "steps": [{"stepId": "s", "operationId": "x"}]}]}`
	doc, ds := Parse([]byte(src), "j.json")
	if ds.HasErrors() || doc.Workflows[0].Steps[0].Pos != (Position{"j.json", 3, 47}) {
		t.Errorf("json: %s %+v", diagLines(ds), doc.Workflows[0].Steps[0].Pos)
	}
}

func TestParseRejectsNonObjects(t *testing.T) {
	for _, src := range []string{"", "- a\n- b\n", "just a string", "{", "arazzo: [\n"} {
		doc, ds := Parse([]byte(src), "x.yaml")
		if doc != nil || !ds.HasErrors() || ds[0].Code != "syntax" {
			t.Errorf("%q: doc=%v diags=%s", src, doc != nil, diagLines(ds))
		}
	}
}

// TestSpecFailDocuments checks the official negative schema fixtures.
func TestSpecFailDocuments(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "arazzo-spec", "tests", "v1.0", "fail")
	want := map[string]struct {
		code      string
		line, col int
	}{
		"invalid-arazzo-version.yaml": {"schema", 1, 9},
		"not-an-object.yaml":          {"syntax", 1, 1},
	}
	for name, w := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, ds := Parse(data, name)
		d, ok := findDiag(ds, w.code, "")
		if !ok || d.Severity != SeverityError || d.Pos.Line != w.line || d.Pos.Column != w.col {
			t.Errorf("%s: want %s error at %d:%d, got:\n%s", name, w.code, w.line, w.col, diagLines(ds))
		}
	}
}

func TestAliasBombRejected(t *testing.T) {
	src := "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	doc, ds := Parse([]byte(src), "bomb.yaml")
	if doc != nil || len(ds) != 1 || ds[0].Code != "too-large" {
		t.Errorf("got %v:\n%s", doc != nil, diagLines(ds))
	}
}

// Aliases may add at most maxAliasNodes nodes: a small document expanding
// to ~20,000 nodes (well under maxNodes) is rejected quickly.
func TestAliasExpansionCapped(t *testing.T) {
	src := "a: &a [1,2,3,4,5,6,7,8,9,10,11,12]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d"} {
		src += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 12), ",") + "]\n"
		prev = name
	}
	start := time.Now()
	doc, ds := Parse([]byte(src), "aliases.yaml")
	if doc != nil || len(ds) != 1 || ds[0].Code != "too-large" {
		t.Errorf("got %v:\n%s", doc != nil, diagLines(ds))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
