package arazzo

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

const testAPI = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
    post:
      operationId: createPet
      responses: {"201": {description: ok}}
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

const testAPI2 = `openapi: 3.1.0
info: {title: Store, version: "1"}
paths:
  /orders:
    get:
      operationId: listOrders
      responses: {"200": {description: ok}}
  /pets:
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
`

// docWith builds a document with one openapi source and the given
// workflows block (indented by the caller as a YAML list).
func docWith(sources, workflows, extra string) string {
	if sources == "" {
		sources = "  - {name: pets, url: pets.yaml, type: openapi}\n"
	}
	return "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n" + sources + "workflows:\n" + workflows + extra
}

// loadMap loads main.yaml from a MapFS holding the two test APIs.
func loadMap(t *testing.T, main string, more ...string) (*Document, Diagnostics) {
	t.Helper()
	fsys := fstest.MapFS{
		"main.yaml":  {Data: []byte(main)},
		"pets.yaml":  {Data: []byte(testAPI)},
		"store.yaml": {Data: []byte(testAPI2)},
	}
	for i := 0; i+1 < len(more); i += 2 {
		fsys[more[i]] = &fstest.MapFile{Data: []byte(more[i+1])}
	}
	doc, err := Load(context.Background(), "main.yaml", WithFS(fsys))
	if doc == nil {
		t.Fatalf("nil document: %v", err)
	}
	if (err != nil) != doc.Diagnostics.HasErrors() {
		t.Errorf("error %v does not match diagnostics", err)
	}
	return doc, doc.Diagnostics
}

func TestSemanticChecks(t *testing.T) {
	twoSources := "  - {name: pets, url: pets.yaml, type: openapi}\n  - {name: store, url: store.yaml}\n"
	cases := []struct {
		name      string
		doc       string
		code      string
		sev       Severity
		line, col int
	}{
		{"duplicate workflowId", docWith("", `  - workflowId: w
    steps: [{stepId: a, operationId: listPets}]
  - workflowId: w
    steps: [{stepId: a, operationId: listPets}]
`, ""), "duplicate-workflow-id", SeverityError, 8, 17},
		{"duplicate stepId", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationId: listPets}
      - {stepId: a, operationId: getPet, parameters: [{name: id, in: path, value: 1}]}
`, ""), "duplicate-step-id", SeverityError, 9, 18},
		{"two targets", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationId: listPets, workflowId: w}
`, ""), "step-target", SeverityError, 8, 9},
		{"no target", docWith("", `  - workflowId: w
    steps:
      - {stepId: a}
`, ""), "step-target", SeverityError, 8, 9},
		{"unknown operation", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationId: nope}
`, ""), "unknown-operation", SeverityError, 8, 34},
		{"status code on a workflow step", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, workflowId: v, successCriteria: [{condition: $statusCode == 200}]}
  - workflowId: v
    steps:
      - {stepId: b, operationId: listPets}
`, ""), "no-http-exchange", SeverityWarning, 8, 66},
		{"case-insensitive operation", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationId: listpets}
`, ""), "operation-id-case", SeverityWarning, 8, 34},
		{"ambiguous operation", docWith(twoSources, `  - workflowId: w
    steps:
      - {stepId: a, operationId: listPets}
`, ""), "ambiguous-operation", SeverityError, 9, 34},
		{"name.operationId", docWith(twoSources, `  - workflowId: w
    steps:
      - {stepId: a, operationId: store.listPets}
`, ""), "operation-id-form", SeverityWarning, 9, 34},
		{"unknown source", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationId: $sourceDescriptions.Pets.listPets}
`, ""), "unknown-source", SeverityError, 8, 34},
		{"bad operationPath", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets/delete'}
`, ""), "unknown-operation", SeverityError, 8, 36},
		{"operationPath shorthand", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, operationPath: 'pets#/paths/~1pets/get'}
`, ""), "operation-path-form", SeverityWarning, 8, 36},
		{"unknown workflow", docWith("", `  - workflowId: w
    steps:
      - {stepId: a, workflowId: nowhere}
`, ""), "unknown-workflow", SeverityError, 8, 33},
		{"goto unknown step", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        onSuccess: [{name: n, type: goto, stepId: b}]
`, ""), "unknown-step", SeverityError, 10, 51},
		{"retry unknown workflow", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        onFailure: [{name: n, type: retry, workflowId: zzz}]
`, ""), "unknown-workflow", SeverityError, 10, 56},
		{"dependsOn unknown", docWith("", `  - workflowId: w
    dependsOn: [zzz]
    steps: [{stepId: a, operationId: listPets}]
`, ""), "unknown-workflow", SeverityError, 7, 16},
		{"dependsOn cycle", docWith("", `  - workflowId: w
    dependsOn: [v]
    steps: [{stepId: a, operationId: listPets}]
  - workflowId: v
    dependsOn: [w]
    steps: [{stepId: a, operationId: listPets}]
`, ""), "depends-on-cycle", SeverityError, 10, 16},
		{"component of wrong kind", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        onSuccess: [{reference: $components.failureActions.f}]
`, "components:\n  failureActions:\n    f: {name: f, type: end}\n"), "component-kind", SeverityError, 10, 33},
		{"missing component", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        parameters: [{reference: $components.parameters.nope}]
`, ""), "unknown-component", SeverityError, 10, 34},
		{"component action unknown step", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        onSuccess: [{reference: $components.successActions.g}]
`, "components:\n  successActions:\n    g: {name: g, type: goto, stepId: nope}\n"), "unknown-step", SeverityError, 10, 33},
		{"workflow-level component retry unknown step", docWith("", `  - workflowId: w
    failureActions: [{reference: $components.failureActions.r}]
    steps: [{stepId: a, operationId: listPets}]
`, "components:\n  failureActions:\n    r: {name: r, type: retry, stepId: nope}\n"), "unknown-step", SeverityError, 7, 34},
		{"parameter without in", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: getPet
        parameters: [{name: id, value: 1}]
`, ""), "parameter-in", SeverityError, 10, 22},
		{"output name", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        outputs: {"bad name": $statusCode}
`, ""), "output-name", SeverityError, 10, 19},
		{"empty successCriteria", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria: []
`, ""), "schema", SeverityError, 10, 26},
		{"unknown field", docWith("", `  - workflowId: w
    stepz: []
    steps: [{stepId: a, operationId: listPets}]
`, ""), "schema", SeverityError, 7, 5},
		{"retry with both targets", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        onFailure: [{name: n, type: retry, workflowId: w, stepId: a}]
`, ""), "action-target", SeverityError, 10, 21},
		// Expression checks (issue 3 item 6).
		{"expression syntax", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria: [{condition: $statusCode == }]
`, ""), "expression", SeverityError, 10, 53},
		{"unknown step reference", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
    outputs: {x: $steps.b.outputs.id}
`, ""), "unknown-step-reference", SeverityError, 10, 18},
		{"undeclared output", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        outputs: {id: $response.body#/id}
    outputs: {x: $steps.a.outputs.nope}
`, ""), "unknown-output", SeverityWarning, 11, 18},
		{"unknown workflow reference", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
    outputs: {x: $workflows.zz.outputs.id}
`, ""), "unknown-workflow-reference", SeverityError, 10, 18},
		{"undeclared input", docWith("", `  - workflowId: w
    inputs: {type: object, properties: {id: {type: string}}}
    steps:
      - stepId: a
        operationId: getPet
        parameters: [{name: id, in: path, value: $inputs.pid}]
`, ""), "unknown-input", SeverityWarning, 11, 50},
		{"undeclared input, closed schema", docWith("", `  - workflowId: w
    inputs: {type: object, additionalProperties: false, properties: {id: {type: string}}}
    steps:
      - stepId: a
        operationId: getPet
        parameters: [{name: id, in: path, value: $inputs.pid}]
`, ""), "unknown-input", SeverityError, 11, 50},
		{"steps outputs shorthand", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        outputs: {id: $response.body#/id}
    outputs: {x: $steps.a.id}
`, ""), "steps-outputs-form", SeverityWarning, 11, 18},
		{"body selector hint", docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        successCriteria: [{condition: $response.body.data.id == 1}]
`, ""), "body-selector", SeverityWarning, 10, 39},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ds := loadMap(t, c.doc)
			d, ok := findDiag(ds, c.code, "")
			if !ok || d.Severity != c.sev || d.Pos.Line != c.line || d.Pos.Column != c.col || d.Pos.File != "main.yaml" || d.Message == "" {
				t.Errorf("want %s %s at %d:%d, got:\n%s", c.sev, c.code, c.line, c.col, diagLines(ds))
			}
			if d.Pointer == "" {
				t.Errorf("diagnostic without pointer: %v", d)
			}
		})
	}
}

func TestCleanDocumentBindsTargets(t *testing.T) {
	src := docWith("  - {name: pets, url: pets.yaml, type: openapi}\n  - {name: store, url: store.yaml}\n", `  - workflowId: w
    inputs: {type: object, properties: {id: {type: string}}}
    steps:
      - stepId: a
        operationId: $sourceDescriptions.pets.getPet
        parameters: [{name: id, in: path, value: $inputs.id}]
        outputs: {name: $response.body#/name}
      - stepId: b
        operationPath: '{$sourceDescriptions.store.url}#/paths/~1orders/get'
      - stepId: c
        workflowId: v
      - stepId: d
        operationId: listOrders
    outputs: {name: $steps.a.outputs.name}
  - workflowId: v
    dependsOn: [w]
    steps: [{stepId: x, operationId: $sourceDescriptions.store.listOrders}]
`, "")
	doc, ds := loadMap(t, src)
	if len(ds) != 0 {
		t.Fatalf("want no diagnostics, got:\n%s", diagLines(ds))
	}
	st := doc.Workflows[0].Steps
	if st[0].Target == nil || st[0].Target.Operation.OperationID != "getPet" || st[0].Target.Source.Name != "pets" {
		t.Errorf("step a target: %+v", st[0].Target)
	}
	if st[1].Target == nil || st[1].Target.Operation.OperationID != "listOrders" {
		t.Errorf("step b target: %+v", st[1].Target)
	}
	if st[2].Target == nil || st[2].Target.Workflow != doc.Workflows[1] || st[2].Target.Source != nil {
		t.Errorf("step c target: %+v", st[2].Target)
	}
	if st[3].Target == nil || st[3].Target.Source.Name != "store" {
		t.Errorf("plain operationId unique across two sources: %+v", st[3].Target)
	}
	s := doc.SourceDescriptions[1]
	if s.ResolvedType != SourceTypeOpenAPI || s.OpenAPI == nil || s.ResolvedURL.Path != "/store.yaml" {
		t.Errorf("sniffed source: %+v", s)
	}
}

// The validator resolves every Reusable once and keeps the component on
// the model; a component action's stepId resolves in the workflow that
// uses it (docs/semantics.md, F6a).
func TestReusablesResolved(t *testing.T) {
	src := docWith("", `  - workflowId: w
    parameters: [{reference: $components.parameters.limit}]
    failureActions: [{reference: $components.failureActions.again}]
    steps:
      - stepId: a
        operationId: listPets
        onSuccess: [{reference: $components.successActions.toB}, {name: inline, type: goto, stepId: b}]
      - stepId: b
        operationId: listPets
  - workflowId: v
    steps:
      - stepId: b
        operationId: listPets
        onSuccess: [{reference: $components.successActions.toB}]
`, `components:
  parameters:
    limit: {name: limit, in: query, value: 5}
  successActions:
    toB: {name: toB, type: goto, stepId: b}
  failureActions:
    again: {name: again, type: retry, stepId: a}
`)
	doc, ds := loadMap(t, src)
	if ds.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagLines(ds))
	}
	c := doc.Components
	w, v := doc.Workflows[0], doc.Workflows[1]
	if r := w.Parameters[0].Reusable; r.Parameter != c.Parameters["limit"] || r.SuccessAction != nil || r.FailureAction != nil {
		t.Errorf("parameter reference: %+v", r)
	}
	if r := w.FailureActions[0].Reusable; r.FailureAction != c.FailureActions["again"] || r.Step != w.Steps[0] {
		t.Errorf("workflow failure action reference: %+v", r)
	}
	if r := w.Steps[0].OnSuccess[0].Reusable; r.SuccessAction != c.SuccessActions["toB"] || r.Step != w.Steps[1] {
		t.Errorf("step success action reference in w: %+v", r)
	}
	if a := w.Steps[0].OnSuccess[1]; a.Step != w.Steps[1] {
		t.Errorf("inline goto step: %+v", a.Step)
	}
	if r := v.Steps[0].OnSuccess[0].Reusable; r.SuccessAction != c.SuccessActions["toB"] || r.Step != v.Steps[0] {
		t.Errorf("the same component in v resolves to v's step: %+v", r)
	}
	if c.SuccessActions["toB"].Step != nil {
		t.Error("a component action's own Step is set; it depends on the user")
	}
}

// TestVersion11 checks decisions D1: 1.1 documents load, 1.1-only fields
// are decoded or reported.
func TestVersion11(t *testing.T) {
	src := strings.Replace(docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        timeout: 100
        onSuccess:
          - name: go
            type: goto
            workflowId: v
            parameters: [{name: id, value: 1}]
      - stepId: async
        channelPath: '{$sourceDescriptions.pets.url}#/channels/x'
        action: send
  - workflowId: v
    steps: [{stepId: b, operationId: listPets}]
`, ""), "arazzo: 1.0.1", "arazzo: 1.1.0", 1)
	doc, ds := loadMap(t, src)
	if ds.HasErrors() {
		t.Fatalf("1.1 document rejected:\n%s", diagLines(ds))
	}
	d, ok := findDiag(ds, "unsupported-1.1", "/workflows/0/steps/0/timeout")
	if !ok || d.Severity != SeverityWarning || d.Pos.Line != 10 || d.Pos.Column != 9 {
		t.Errorf("timeout not reported:\n%s", diagLines(ds))
	}
	if _, ok := findDiag(ds, "unsupported-1.1", "/workflows/0/steps/1/channelPath"); !ok {
		t.Errorf("channelPath not reported:\n%s", diagLines(ds))
	}
	if p := doc.Workflows[0].Steps[0].OnSuccess[0].Parameters; len(p) != 1 || p[0].Name != "id" {
		t.Errorf("1.1 action parameters not decoded: %+v", p)
	}
	// The same field in a 1.0 document is a schema error.
	_, ds = loadMap(t, strings.Replace(src, "arazzo: 1.1.0", "arazzo: 1.0.1", 1))
	if d, ok := findDiag(ds, "schema", "/workflows/0/steps/0/timeout"); !ok || d.Pos.Line != 10 {
		t.Errorf("1.0 document: timeout not rejected:\n%s", diagLines(ds))
	}
}

func TestSchemaKeyWarning(t *testing.T) {
	src := "$schema: https://example.com/arazzo.json\n" + docWith("", "  - workflowId: w\n    steps: [{stepId: a, operationId: listPets}]\n", "")
	_, ds := loadMap(t, src)
	if len(ds) != 1 || ds[0].Code != "schema-key" || ds[0].Severity != SeverityWarning || ds[0].Pos.Line != 1 {
		t.Errorf("want one schema-key warning, got:\n%s", diagLines(ds))
	}
}

func TestFixtureDocumentsRejected(t *testing.T) {
	corpus := sharedDir(t) + "/corpus/"
	cases := []struct {
		file, code string
		line, col  int
	}{
		// retryAfter/retryLimit put on a step.
		{"hookdeck/arazzo/hookdeck-bulk-retry-failed-events-workflow.yml", "schema", 0, 0},
		// getAttempts lives in another OpenAPI file.
		{"hookdeck/arazzo/hookdeck-investigate-event-attempts-workflow.yml", "unknown-operation", 50, 18},
		// petstoreDescription vs petStoreDescription.
		{"bragdond-arazzo-go/v1/test_specs/petstore.arazzo.json", "unknown-source", 63, 38},
		{"php-arazzo/packages/core/tests/fixtures/loader/broken.yaml", "syntax", 0, 0},
	}
	for _, c := range cases {
		p := corpus + c.file
		if _, err := os.Stat(p); err != nil {
			t.Logf("skip %s: %v", c.file, err)
			continue
		}
		doc, err := Load(context.Background(), p, WithSchemes("file"), WithPolicy(Policy{LocalRoot: corpus}))
		var ds Diagnostics
		if doc != nil {
			ds = doc.Diagnostics
		} else if e, ok := err.(Diagnostics); ok {
			ds = e
		}
		d, ok := findDiag(ds, c.code, "")
		if !ok || d.Severity != SeverityError || (c.line > 0 && (d.Pos.Line != c.line || d.Pos.Column != c.col)) {
			t.Errorf("%s: want %s at %d:%d, got:\n%s", c.file, c.code, c.line, c.col, diagLines(ds))
		}
		if d.Pos.File == "" {
			t.Errorf("%s: unpositioned diagnostic %v", c.file, d)
		}
	}
}

// TestUndeclaredInputSeverity pins when a $inputs reference to an input the
// schema does not declare is an error (the schema forbids extra properties,
// directly or through a components.inputs $ref) and when it is a warning.
func TestUndeclaredInputSeverity(t *testing.T) {
	comps := "components:\n  inputs:\n    closed: {type: object, unevaluatedProperties: false, properties: {id: {type: string}}}\n" +
		"    open: {type: object, properties: {id: {type: string}}}\n"
	cases := []struct {
		name, inputs string
		sev          Severity
		none         bool
	}{
		{"open properties", "{type: object, properties: {id: {type: string}}}", SeverityWarning, false},
		{"additionalProperties false", "{type: object, additionalProperties: false, properties: {id: {type: string}}}", SeverityError, false},
		{"unevaluatedProperties false", "{type: object, unevaluatedProperties: false, properties: {id: {type: string}}}", SeverityError, false},
		{"closed, no properties", "{type: object, additionalProperties: false}", SeverityError, false},
		{"ref to closed component", "{$ref: '#/components/inputs/closed'}", SeverityError, false},
		{"ref to open component", "{$ref: '#/components/inputs/open'}", SeverityWarning, false},
		{"additionalProperties schema", "{type: object, additionalProperties: {type: string}, properties: {id: {type: string}}}", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := docWith("", `  - workflowId: w
    inputs: `+c.inputs+`
    steps:
      - stepId: a
        operationId: getPet
        parameters: [{name: id, in: path, value: $inputs.pid}]
`, comps)
			_, ds := loadMap(t, doc)
			d, ok := findDiag(ds, "unknown-input", "")
			if c.none {
				if ok {
					t.Fatalf("want no unknown-input diagnostic, got:\n%s", diagLines(ds))
				}
				return
			}
			if !ok || d.Severity != c.sev || d.Pos.Line != 11 || d.Hint == "" {
				t.Fatalf("want %s unknown-input at line 11 with a hint, got:\n%s", c.sev, diagLines(ds))
			}
			if ds.HasErrors() != (c.sev == SeverityError) {
				t.Errorf("HasErrors = %v, diagnostics:\n%s", ds.HasErrors(), diagLines(ds))
			}
		})
	}
}

// TestCrossDocumentWorkflowRefs pins how a bare $workflows.<id> resolves:
// this document first, then the workflows of every Arazzo document loaded
// as a source (directly or transitively); several matches are ambiguous.
func TestCrossDocumentWorkflowRefs(t *testing.T) {
	lib := func(id, sources string) string {
		return "arazzo: 1.0.1\ninfo: {title: lib, version: '1'}\nsourceDescriptions:\n  - {name: pets, url: pets.yaml, type: openapi}\n" + sources +
			"workflows:\n  - workflowId: " + id + "\n    steps:\n      - stepId: s\n        operationId: listPets\n        outputs: {code: $statusCode}\n    outputs: {code: $steps.s.outputs.code}\n"
	}
	main := func(sources, ref string) string {
		return docWith("  - {name: pets, url: pets.yaml, type: openapi}\n"+sources, `  - workflowId: w
    dependsOn: [$sourceDescriptions.lib.shared]
    steps:
      - stepId: a
        operationId: listPets
    outputs: {x: `+ref+`}
`, "")
	}
	libSrc := "  - {name: lib, url: lib.yaml, type: arazzo}\n"
	cases := []struct {
		name  string
		doc   string
		files []string
		code  string // "" means no diagnostic about the reference
	}{
		{"direct source", main(libSrc, "$workflows.shared.outputs.code"), []string{"lib.yaml", lib("shared", "")}, ""},
		{"transitive source", main(libSrc, "$workflows.deep.outputs.code"),
			[]string{"lib.yaml", lib("shared", "  - {name: more, url: more.yaml, type: arazzo}\n"), "more.yaml", lib("deep", "")}, ""},
		{"cyclic sources", main(libSrc, "$workflows.shared.outputs.code"),
			[]string{"lib.yaml", lib("shared", "  - {name: back, url: main.yaml, type: arazzo}\n")}, ""},
		{"unknown", main(libSrc, "$workflows.nowhere.outputs.code"), []string{"lib.yaml", lib("shared", "")}, "unknown-workflow-reference"},
		{"ambiguous", main(libSrc+"  - {name: other, url: other.yaml, type: arazzo}\n", "$workflows.shared.outputs.code"),
			[]string{"lib.yaml", lib("shared", ""), "other.yaml", lib("shared", "")}, "ambiguous-workflow-reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ds := loadMap(t, c.doc, c.files...)
			var refDiags Diagnostics
			for _, d := range ds {
				if strings.Contains(d.Code, "workflow") {
					refDiags = append(refDiags, d)
				}
			}
			if c.code == "" {
				if len(refDiags) != 0 || ds.HasErrors() {
					t.Fatalf("want no diagnostics, got:\n%s", diagLines(ds))
				}
				return
			}
			d, ok := findDiag(ds, c.code, "")
			line := 1 + strings.Count(c.doc[:strings.Index(c.doc, "outputs: {x:")], "\n")
			if !ok || d.Severity != SeverityError || d.Pos.Line != line || d.Pointer != "/workflows/0/outputs/x" {
				t.Fatalf("want error %s at line %d, got:\n%s", c.code, line, diagLines(ds))
			}
		})
	}
}

// TestStepsOutputsShorthandWarning pins the hint of the D3 tolerance for
// $steps.<id>.<name>: the document loads, with a warning naming the
// standard form.
func TestStepsOutputsShorthandWarning(t *testing.T) {
	_, ds := loadMap(t, docWith("", `  - workflowId: w
    steps:
      - stepId: a
        operationId: listPets
        outputs: {id: $response.body#/id}
      - stepId: b
        operationId: getPet
        parameters: [{name: id, in: path, value: "{$steps.a.id}"}]
    outputs: {x: $steps.a.id}
`, ""))
	if ds.HasErrors() {
		t.Fatalf("want no errors, got:\n%s", diagLines(ds))
	}
	n := 0
	for _, d := range ds {
		if d.Code == "steps-outputs-form" {
			n++
			if d.Severity != SeverityWarning || d.Hint != "write $steps.a.outputs.id" || d.Pos.Line == 0 {
				t.Errorf("unexpected diagnostic %s", d)
			}
		}
	}
	if n != 2 {
		t.Errorf("want 2 steps-outputs-form warnings, got:\n%s", diagLines(ds))
	}
}
