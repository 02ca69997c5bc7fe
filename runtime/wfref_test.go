package runtime_test

import "testing"

// F6a: $workflows.<id> names the workflow the validator resolved for the
// document the expression is written in (that document first, then its
// Arazzo sources), not whichever workflow with that id ran last. Here the
// entry document and its source "lib" both declare a workflow "fetch" and
// a run executes both.
func TestWorkflowsReferenceResolved(t *testing.T) {
	lib := `arazzo: 1.0.1
info: {title: lib, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: fetch
    steps:
      - stepId: get
        operationId: getItem
        parameters: [{name: id, in: path, value: lib}]
        outputs: {name: $response.body#/name}
    outputs: {name: $steps.get.outputs.name}
  - workflowId: report
    steps:
      - stepId: noop
        operationId: poll
    outputs:
      name: $workflows.fetch.outputs.name
      id: $workflows.fetch.inputs.id
`
	main := `arazzo: 1.0.1
info: {title: main, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
  - {name: lib, url: ./lib.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: fetch
    inputs: {type: object, properties: {id: {type: string, default: main}}}
    steps:
      - stepId: get
        operationId: getItem
        parameters: [{name: id, in: path, value: $inputs.id}]
        outputs: {name: $response.body#/name}
    outputs: {name: $steps.get.outputs.name}
  - workflowId: ownThenLib
    steps:
      - stepId: own
        workflowId: fetch
      - stepId: lib
        workflowId: $sourceDescriptions.lib.fetch
    outputs:
      name: $workflows.fetch.outputs.name
      id: $workflows.fetch.inputs.id
  - workflowId: libThenOwn
    steps:
      - stepId: lib
        workflowId: $sourceDescriptions.lib.fetch
      - stepId: own
        workflowId: fetch
      - stepId: report
        workflowId: $sourceDescriptions.lib.report
        outputs: {name: $outputs.name, id: $outputs.id}
    outputs:
      libName: $steps.report.outputs.name
      libID: $steps.report.outputs.id
      name: $workflows.fetch.outputs.name
`
	replies := map[string][]reply{
		"GET /v1/items/main": {{body: `{"name":"from-main"}`}},
		"GET /v1/items/lib":  {{body: `{"name":"from-lib"}`}},
		"GET /v1/poll":       {{body: `{}`}},
	}
	f := setup(t, main, replies, map[string]string{"lib.arazzo.yaml": lib})
	res := f.run("ownThenLib", nil)
	if got := mustJSON(res.Outputs); !res.Succeeded() || got != `{"id":"main","name":"from-main"}` {
		t.Errorf("ownThenLib: status %s outputs %s err %s trace %s", res.Status, got, res.Error, trace(res))
	}
	f = setup(t, main, replies, map[string]string{"lib.arazzo.yaml": lib})
	res = f.run("libThenOwn", nil)
	if got := mustJSON(res.Outputs); !res.Succeeded() || got != `{"libID":null,"libName":"from-lib","name":"from-main"}` {
		t.Errorf("libThenOwn: status %s outputs %s err %s trace %s", res.Status, got, res.Error, trace(res))
	}
}

// F6a: $sourceDescriptions and $components references read the document
// the expression is written in, in every form an expression takes (whole
// value, template, condition, criterion context); here both documents
// name a source "api" and a component parameter "p", with different
// values.
func TestDocumentReferencesPerDocument(t *testing.T) {
	lib := `arazzo: 1.0.1
info: {title: lib, version: "1"}
sourceDescriptions:
  - {name: api, url: ./x/../api.yaml, type: openapi}
components:
  parameters:
    p: {name: p, in: query, value: lib-p}
workflows:
  - workflowId: w
    steps:
      - stepId: s
        operationId: poll
        successCriteria:
          - condition: $sourceDescriptions.api.url == './x/../api.yaml'
    outputs:
      url: $sourceDescriptions.api.url
      p: $components.parameters.p
`
	main := `arazzo: 1.0.1
info: {title: main, version: "1"}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
  - {name: lib, url: ./lib.arazzo.yaml, type: arazzo}
components:
  inputs:
    in: {type: object}
  parameters:
    p: {name: p, in: query, value: main-p}
workflows:
  - workflowId: main
    steps:
      - stepId: s
        operationId: poll
        successCriteria:
          - condition: $components.parameters.p == 'main-p' && $sourceDescriptions.lib.type == 'arazzo'
          - context: $components.inputs.in
            condition: $.type == 'object'
            type: jsonpath
      - stepId: viaLib
        workflowId: $sourceDescriptions.lib.w
        outputs: {url: $outputs.url, p: $outputs.p}
    outputs:
      url: $sourceDescriptions.api.url
      text: 'source {$sourceDescriptions.lib.name} op {$sourceDescriptions.api.getItem} p {$components.parameters.p}'
      schema: $components.inputs.in
      libURL: $steps.viaLib.outputs.url
      libP: $steps.viaLib.outputs.p
`
	f := setup(t, main, map[string][]reply{"GET /v1/poll": {{body: `{}`}, {body: `{}`}}},
		map[string]string{"lib.arazzo.yaml": lib})
	res := f.run("main", nil)
	want := `{"libP":"lib-p","libURL":"./x/../api.yaml","schema":{"type":"object"},"text":"source lib op getItem p main-p","url":"./api.yaml"}`
	if got := mustJSON(res.Outputs); !res.Succeeded() || got != want {
		t.Errorf("status %s err %s trace %s\n got %s\nwant %s", res.Status, res.Error, trace(res), got, want)
	}
}
