package arazzo

import (
	"strings"
	"testing"
)

// TestSchemaMessagesForPeople pins item 3: one finding per mistake, the
// field named, no "valid against schemas at indexes 0 and 1" and no
// "missing properties" lists of alternatives.
func TestSchemaMessagesForPeople(t *testing.T) {
	doc := `arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: s, url: ./x.yaml, type: openapi}
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: x
        sucessCriteria:
          - condition: $statusCode == 200
        parameters:
          - {name: p, in: body, value: 1}
          - {nme: p, in: query, value: 1}
        onSuccess:
          - {name: n, type: goto}
          - {name: m, typ: end}
          - {name: o, type: retry}
        requestBody: {payload: 1, contentTyp: x}
        outputs: {x: 1}
`
	_, ds := Parse([]byte(doc), "d.yaml")
	var got []string
	for _, d := range ds {
		if d.Code == "schema" {
			got = append(got, d.String())
		}
	}
	want := []string{
		`d.yaml:10:9: error: property "sucessCriteria" is not allowed here (did you mean "successCriteria"?)`,
		`d.yaml:13:27: error: "in" is "body"; value must be one of "path", "query", "header", "cookie"`,
		`d.yaml:14:14: error: property "nme" is not allowed here (did you mean "name"?)`,
		`d.yaml:16:13: error: a "goto" action needs one of "workflowId" or "stepId" (add one of them)`,
		`d.yaml:17:23: error: property "typ" is not allowed here (did you mean "type"?)`,
		`d.yaml:18:29: error: "type" is "retry"; value must be one of "end", "goto"`,
		`d.yaml:19:35: error: property "contentTyp" is not allowed here (did you mean "contentType"?)`,
		`d.yaml:20:22: error: "x": expected string, got number`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	both := `arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions: [{name: s, url: ./x.yaml}]
workflows:
  - workflowId: w
    steps:
      - stepId: a
        operationId: x
        onSuccess: [{name: n, type: goto, stepId: a, workflowId: w}]
`
	_, ds = Parse([]byte(both), "d.yaml")
	if len(ds) != 1 || ds[0].Code != "action-target" || strings.Contains(ds.Error(), "indexes") {
		t.Errorf("stepId and workflowId: want one action-target finding, got\n%s", ds.Error())
	}
}

// TestOpenAPIIsNotArazzo pins the single not-arazzo finding.
func TestOpenAPIIsNotArazzo(t *testing.T) {
	for _, src := range []string{testAPI, `{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}`} {
		doc, ds := Parse([]byte(src), "api.yaml")
		if doc != nil || len(ds) != 1 || ds[0].Code != "not-arazzo" || ds[0].Pos.Line != 1 {
			t.Errorf("got %v %v", doc, ds)
		}
	}
}
