package openapi

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// hookdeckYAML is a small description written for this test, covering the
// four operations of the reference workflow as the real API defines them.
const hookdeckYAML = `openapi: 3.0.1
info: {title: Hookdeck (test excerpt), version: 1.0.0}
servers:
  - url: https://api.hookdeck.com/2025-07-01
security:
  - bearerAuth: []
  - basicAuth: []
paths:
  /sources:
    post:
      operationId: createSource
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, maxLength: 155}
                type: {type: string, enum: [WEBHOOK, STRIPE, GITHUB]}
      responses:
        "200":
          description: A single source
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Source'}
  /sources/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getSource
      parameters:
        - in: query
          name: include
          schema: {type: string, enum: [config.auth]}
      responses:
        "200":
          description: A single source
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Source'}
        "404": {description: Not Found}
  /integrations:
    post:
      operationId: createIntegration
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                label: {type: string}
                provider: {type: string}
      responses:
        "200": {description: A single integration, content: {application/json: {schema: {type: object}}}}
  /integrations/{id}/attach/{source_id}:
    put:
      operationId: attachIntegrationToSource
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: source_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: Attach operation success status
          content:
            application/json:
              schema:
                type: object
                required: [success]
                properties: {success: {type: boolean}}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
    basicAuth: {type: http, scheme: basic}
  schemas:
    Source:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
`

func hookdeckDesc(t testing.TB) *Description {
	u, _ := url.Parse("file:///work/testdata/hookdeck/openapi/sources.yml")
	d, err := Parse(context.Background(), []byte(hookdeckYAML), u, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHookdeckRequests(t *testing.T) {
	d := hookdeckDesc(t)
	env := map[string]string{"WEFT_SOURCESAPI_BEARERAUTH_TOKEN": "hk_test_token"}
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env)}}
	opts := RequestOptions{Source: "sourcesApi", Auth: auth}
	cases := []struct {
		op     string
		params []ParamValue
		body   *Body
		method string
		url    string
		body2  string
	}{
		{"createSource", nil, &Body{ContentType: "application/json", Value: map[string]any{"name": "my-source", "type": "WEBHOOK"}},
			"POST", "https://api.hookdeck.com/2025-07-01/sources", `{"name":"my-source","type":"WEBHOOK"}`},
		{"createIntegration", nil, &Body{ContentType: "application/json", Value: map[string]any{"label": "my label", "provider": "HMAC"}},
			"POST", "https://api.hookdeck.com/2025-07-01/integrations", `{"label":"my label","provider":"HMAC"}`},
		{"attachIntegrationToSource", []ParamValue{{Name: "id", In: "path", Value: "itg_123"}, {Name: "source_id", In: "path", Value: "src_456"}}, nil,
			"PUT", "https://api.hookdeck.com/2025-07-01/integrations/itg_123/attach/src_456", ""},
		{"getSource", []ParamValue{{Name: "id", In: "path", Value: "src_456"}}, nil,
			"GET", "https://api.hookdeck.com/2025-07-01/sources/src_456", ""},
	}
	for _, c := range cases {
		req, err := d.OperationByID(c.op).BuildRequest(context.Background(), c.params, c.body, opts)
		if err != nil {
			t.Fatalf("%s: %v", c.op, err)
		}
		h := req.HTTP
		if h.Method != c.method || h.URL.String() != c.url {
			t.Errorf("%s: %s %s", c.op, h.Method, h.URL)
		}
		if h.Header.Get("Authorization") != "Bearer hk_test_token" {
			t.Errorf("%s: Authorization = %q", c.op, h.Header.Get("Authorization"))
		}
		if string(req.Body) != c.body2 {
			t.Errorf("%s: body = %s", c.op, req.Body)
		}
		wantCT := ""
		if c.body != nil {
			wantCT = "application/json"
		}
		if h.Header.Get("Content-Type") != wantCT {
			t.Errorf("%s: Content-Type = %q", c.op, h.Header.Get("Content-Type"))
		}
		if len(req.Secrets) != 1 || req.Secrets[0] != "hk_test_token" {
			t.Errorf("%s: secrets = %v", c.op, req.Secrets)
		}
	}
	// basicAuth is the second requirement: used when only it is configured
	env2 := map[string]string{"WEFT_SOURCESAPI_BASICAUTH_USERNAME": "hk_key"}
	req, err := d.OperationByID("getSource").BuildRequest(context.Background(), []ParamValue{{Name: "id", In: "path", Value: "s"}},
		nil, RequestOptions{Source: "sourcesApi", Auth: &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(env2)}}})
	if err != nil || !strings.HasPrefix(req.HTTP.Header.Get("Authorization"), "Basic ") {
		t.Errorf("basic fallback: %v %v", err, req)
	}
}

// TestHookdeckCorpusDescription builds the four requests against the public
// Hookdeck descriptions of the corpus (skipped when absent).
func TestHookdeckCorpusDescription(t *testing.T) {
	dir := corpusDir(t)
	src := mustParseFile(t, dir+"/hookdeck/openapi/hookdeck-sources-api-openapi.yml")
	itg := mustParseFile(t, dir+"/hookdeck/openapi/hookdeck-integrations-api-openapi.yml")
	req, err := src.OperationByID("createSource").BuildRequest(context.Background(), nil, &Body{Value: map[string]any{"name": "x"}}, RequestOptions{})
	if err != nil || req.HTTP.URL.String() != "https://api.hookdeck.com/2025-07-01/sources" || req.HTTP.Header.Get("Content-Type") != "application/json" {
		t.Errorf("createSource: %v %+v", err, req)
	}
	req, err = itg.OperationByID("attachIntegrationToSource").BuildRequest(context.Background(),
		[]ParamValue{{Name: "id", In: "path", Value: "i"}, {Name: "source_id", In: "path", Value: "s"}}, nil, RequestOptions{})
	if err != nil || req.HTTP.Method != "PUT" || req.HTTP.URL.String() != "https://api.hookdeck.com/2025-07-01/integrations/i/attach/s" {
		t.Errorf("attach: %v %+v", err, req)
	}
	names := EnvVarNames("sourcesApi", src)
	if strings.Join(names, " ") != "WEFT_SOURCESAPI_BASICAUTH_USERNAME WEFT_SOURCESAPI_BASICAUTH_PASSWORD WEFT_SOURCESAPI_BEARERAUTH_TOKEN" {
		t.Errorf("env names = %v", names)
	}
}

func BenchmarkBuildCreateSource(b *testing.B) {
	d := hookdeckDesc(b)
	op := d.OperationByID("createSource")
	auth := &Authorizer{Credentials: EnvCredentials{Lookup: mapEnv(map[string]string{"WEFT_SOURCESAPI_BEARERAUTH_TOKEN": "t"})}}
	opts := RequestOptions{Source: "sourcesApi", Auth: auth}
	body := &Body{ContentType: "application/json", Value: map[string]any{"name": "my-source", "type": "WEBHOOK"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := op.BuildRequest(context.Background(), nil, body, opts); err != nil {
			b.Fatal(err)
		}
	}
}
