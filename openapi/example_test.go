package openapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/weftflow/weft/openapi"
)

const exampleSpec = `openapi: 3.1.0
servers: [{url: "https://api.example.com/v1"}]
security: [{bearer: []}]
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true}
        - {name: fields, in: query, explode: false}
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, required: [id]}}}}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
`

func ExampleParse() {
	loc, _ := url.Parse("https://example.com/openapi.yaml")
	d, err := openapi.Parse(context.Background(), []byte(exampleSpec), loc, openapi.ParseOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	op := d.OperationByID("getPet")
	fmt.Println(op.Method, op.Path, op.Line)
	op2, _ := d.ResolveOperationPath("/paths/~1pets~1{petId}/get")
	fmt.Println(op2 == op)
	// Output:
	// GET /pets/{petId} 7
	// true
}

func ExampleOperation_BuildRequest() {
	d, _ := openapi.Parse(context.Background(), []byte(exampleSpec), nil, openapi.ParseOptions{})
	env := map[string]string{"WEFT_PETS_BEARER_TOKEN": "t0ken"}
	auth := &openapi.Authorizer{Credentials: openapi.EnvCredentials{
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}}
	req, err := d.OperationByID("getPet").BuildRequest(context.Background(),
		[]openapi.ParamValue{{Name: "petId", In: "path", Value: "a b"}, {Name: "fields", In: "query", Value: []any{"id", "name"}}},
		nil, openapi.RequestOptions{Source: "pets", Auth: auth})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.HTTP.Method, req.HTTP.URL)
	fmt.Println(req.HTTP.Header.Get("Authorization"))
	// Output:
	// GET https://api.example.com/v1/pets/a%20b?fields=id,name
	// Bearer t0ken
}

func ExampleReadResponse() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": 12345678901234567890}`)
	}))
	defer srv.Close()
	d, _ := openapi.Parse(context.Background(), []byte(exampleSpec), nil, openapi.ParseOptions{})
	op := d.OperationByID("getPet")
	req, _ := op.BuildRequest(context.Background(), []openapi.ParamValue{{Name: "petId", In: "path", Value: 1}}, nil,
		openapi.RequestOptions{BaseURL: srv.URL})
	resp, err := http.DefaultClient.Do(req.HTTP)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := openapi.ReadResponse(resp, 0)
	fmt.Println(r.StatusCode, r.Body.(map[string]any)["id"])
	fmt.Println(len(op.ValidateResponse(context.Background(), req, r)))
	// Output:
	// 200 12345678901234567890
	// 0
}

func ExampleEnvVarNames() {
	d, _ := openapi.Parse(context.Background(), []byte(exampleSpec), nil, openapi.ParseOptions{})
	fmt.Println(strings.Join(openapi.EnvVarNames("petStore", d), "\n"))
	// Output:
	// WEFT_PETSTORE_BEARER_TOKEN
}

// A function serves as the credentials provider; here it answers the bearer
// scheme of one source and has nothing for any other.
func ExampleCredentialsFunc() {
	d, _ := openapi.Parse(context.Background(), []byte(exampleSpec), nil, openapi.ParseOptions{})
	creds := openapi.CredentialsFunc(func(_ context.Context, source string, sc *openapi.SecurityScheme) (openapi.Credential, bool, error) {
		if source == "pets" && sc.Name == "bearer" {
			return openapi.Credential{Token: "from-a-vault"}, true, nil
		}
		return openapi.Credential{}, false, nil
	})
	for _, source := range []string{"pets", "other"} {
		req, err := d.OperationByID("getPet").BuildRequest(context.Background(),
			[]openapi.ParamValue{{Name: "petId", In: "path", Value: "1"}},
			nil, openapi.RequestOptions{Source: source, Auth: &openapi.Authorizer{Credentials: creds}})
		if err != nil {
			fmt.Println(source, "error:", err)
			continue
		}
		fmt.Printf("%s: %q\n", source, req.HTTP.Header.Get("Authorization"))
	}
	// Output:
	// pets: "Bearer from-a-vault"
	// other: ""
}
