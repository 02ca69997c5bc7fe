package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// limitSentinels are the limit sentinels, by the Limit name they match.
var limitSentinels = map[string]error{
	"MaxStepExecutions": runtime.ErrMaxSteps,
	"MaxDepth":          runtime.ErrMaxDepth,
	"RequestTimeout":    runtime.ErrRequestTimeout,
	"MaxResponseBytes":  runtime.ErrMaxResponseBytes,
	"MaxSchemaDepth":    runtime.ErrMaxSchemaDepth,
}

// wantOnlySentinel checks that errors.Is matches err to the sentinel of
// limit and to no other limit's sentinel.
func wantOnlySentinel(t *testing.T, what string, err error, limit string) {
	t.Helper()
	for name, s := range limitSentinels {
		if got := errors.Is(err, s); got != (name == limit) {
			t.Errorf("%s: errors.Is(%v, sentinel of %s) = %v", what, err, name, got)
		}
	}
}

// F8/F9: a limit reached during a run is matched by its sentinel both in
// Run's error and in Result.Err, which is a *StepError naming the workflow
// and the step that was executing; Result.Error is the cause's text.
func TestExternalRunLimitSentinels(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cases := []struct {
		name, limit, workflows, stepID string
		script                         map[string][]reply
		limits                         runtime.Limits
		hang                           bool
	}{
		{name: "response bytes", limit: "MaxResponseBytes", stepID: "big", workflows: `
  - workflowId: w
    steps:
      - stepId: big
        operationId: poll
`, script: map[string][]reply{"GET /v1/poll": {{body: `"` + strings.Repeat("a", 4096) + `"`, header: map[string]string{"Content-Type": "text/plain"}}}},
			limits: runtime.Limits{MaxResponseBytes: 100}},
		{name: "request timeout", limit: "RequestTimeout", stepID: "slow", workflows: `
  - workflowId: w
    steps:
      - stepId: first
        operationId: listItems
      - stepId: slow
        operationId: poll
`, script: map[string][]reply{"GET /v1/items": {{body: `[]`}}}, hang: true,
			limits: runtime.Limits{RequestTimeout: 50 * time.Millisecond}},
		{name: "depth", limit: "MaxDepth", stepID: "self", workflows: `
  - workflowId: w
    steps:
      - stepId: self
        workflowId: w
`, limits: runtime.Limits{MaxDepth: 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := setup(t, doc(c.workflows), c.script, nil, runtime.WithLimits(c.limits))
			if c.hang {
				f.api.setHook(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/v1/items" {
						fmt.Fprint(w, `[]`)
						return
					}
					select {
					case <-release:
					case <-r.Context().Done():
					}
				})
			}
			res, err := f.runner.Run(context.Background(), "w", nil)
			if err == nil {
				t.Fatalf("Run returned no error; result %+v", res)
			}
			wantOnlySentinel(t, "Run's error", err, c.limit)
			var le *runtime.LimitError
			if !errors.As(err, &le) || le.Limit != c.limit {
				t.Errorf("Run's error = %v, want a *LimitError naming %s", err, c.limit)
			}
			if res == nil {
				t.Fatal("no partial Result with the error")
			}
			if res.Status != runtime.StatusFailed || res.Succeeded() {
				t.Errorf("status = %s", res.Status)
			}
			wantOnlySentinel(t, "Result.Err", res.Err, c.limit)
			var se *runtime.StepError
			if !errors.As(res.Err, &se) {
				t.Fatalf("Result.Err = %v (%T), want a *StepError", res.Err, res.Err)
			}
			if se.WorkflowID != "w" || se.StepID != c.stepID {
				t.Errorf("StepError names %s/%s, want w/%s", se.WorkflowID, se.StepID, c.stepID)
			}
			if !errors.As(se.Cause, &le) || le.Limit != c.limit {
				t.Errorf("StepError.Cause = %v, want the *LimitError", se.Cause)
			}
			if res.Error != err.Error() {
				t.Errorf("Result.Error = %q, want the cause's text %q", res.Error, err.Error())
			}
		})
	}
}

// F8: an inputs schema deeper than Limits.MaxSchemaDepth makes runtime.New
// fail with an error errors.Is matches to ErrMaxSchemaDepth (and no other
// limit) that errors.As also reads as the Diagnostics of compiling.
func TestExternalNewSchemaDepthSentinel(t *testing.T) {
	d := loadDoc(t, deepInputsDoc(2))
	d.Workflows[0].Inputs = deepSchema(40)
	_, err := runtime.New(d, runtime.WithLimits(runtime.Limits{MaxSchemaDepth: 20}))
	wantOnlySentinel(t, "New's error", err, "MaxSchemaDepth")
	var ds arazzo.Diagnostics
	if !errors.As(err, &ds) || len(ds) != 1 || ds[0].Code != arazzo.CodeLimit {
		t.Errorf("New's error = %v, want one %q diagnostic", err, arazzo.CodeLimit)
	}
	// Under the limit: no error.
	if _, err := runtime.New(d, runtime.WithLimits(runtime.Limits{MaxSchemaDepth: 100})); err != nil {
		t.Errorf("schema under the limit: %v", err)
	}
}

// originAPI is a description whose operation me is served by server and
// may need OAuth2 from tokenURL (security adds the requirement).
func originAPI(server, tokenURL, security string) string {
	return `openapi: 3.0.3
info: {title: o, version: "1"}
servers: [{url: ` + server + `}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: ` + tokenURL + `/token, scopes: {}}
` + security + `
paths:
  /me: {get: {operationId: me, responses: {"200": {description: ok}}}}
`
}

// WithAllowedOrigins: a request to another origin (the API call, a
// redirect hop, the OAuth2 token request that would send the client
// credentials) fails the step; Result.Err is a *StepError naming it whose
// chain errors.As reads as an *OriginError with the refused origin, the
// allowed ones and the setting.
func TestExternalOriginError(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a request reached the other origin: %s %s", r.Method, r.URL)
	}))
	defer other.Close()
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hop/me" {
			http.Redirect(w, r, other.URL+"/me", http.StatusFound)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer allowed.Close()
	flow := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: me
`)
	for _, c := range []struct {
		name, server, tokenURL, security string
	}{
		{"API call", other.URL, allowed.URL, ""},
		{"redirect hop", allowed.URL + "/hop", allowed.URL, ""},
		{"token request", allowed.URL, other.URL, "security: [{cc: []}]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := loadRunner(t, originAPI(c.server, c.tokenURL, c.security), flow,
				runtime.WithAllowedOrigins("--only", allowed.URL),
				runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "origin-secret"}}))
			res, err := r.Run(context.Background(), "w", nil)
			if res == nil {
				t.Fatalf("no result (err %v)", err)
			}
			if res.Succeeded() {
				t.Fatal("the step succeeded")
			}
			var se *runtime.StepError
			if !errors.As(res.Err, &se) || se.WorkflowID != "w" || se.StepID != "a" {
				t.Fatalf("Result.Err = %v, want a *StepError naming w/a", res.Err)
			}
			var oe *runtime.OriginError
			if !errors.As(res.Err, &oe) {
				t.Fatalf("Result.Err = %v, want an *OriginError in its chain", res.Err)
			}
			if oe.Origin != other.URL || len(oe.Allowed) != 1 || oe.Allowed[0] != allowed.URL || oe.Setting != "--only" {
				t.Errorf("OriginError = %+v, want origin %s, allowed [%s], setting --only", oe, other.URL, allowed.URL)
			}
		})
	}
}

// Result.Err of a failed run reads, through errors.As, as the
// *runtime.StepError naming the workflow and step that failed, and as the
// cause behind it.
func ExampleResult_Err() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such item", http.StatusNotFound)
	}))
	defer api.Close()
	files := fstest.MapFS{
		"api.yaml": {Data: []byte(`openapi: 3.0.3
info: {title: Items, version: "1"}
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: the item}}
`)},
		"flow.arazzo.yaml": {Data: []byte(`arazzo: 1.0.1
info: {title: Example, version: "1"}
sourceDescriptions:
  - {name: items, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: read-item
    steps:
      - stepId: get
        operationId: getItem
        parameters:
          - {name: id, in: path, value: "42"}
`)},
	}
	ctx := context.Background()
	doc, err := arazzo.Load(ctx, "flow.arazzo.yaml", arazzo.WithFS(files))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := runtime.New(doc, runtime.WithServer("items", api.URL), runtime.WithHTTPClient(api.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := r.Run(ctx, "read-item", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var se *runtime.StepError
	var st *runtime.StatusError
	if errors.As(res.Err, &se) && errors.As(se.Cause, &st) {
		fmt.Println(res.Status, se.WorkflowID, se.StepID, st.StatusCode)
	}
	fmt.Println(res.Error)
	// Output:
	// failed read-item get 404
	// step "get": unexpected status 404
}
