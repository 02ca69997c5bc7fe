package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/oauthfake"
	"github.com/weftflow/weft/runtime"
)

// stallAPI has a step that works (/ok), one whose body stalls (/stall) and
// one a failure action would run (/cleanup).
const stallAPI = `openapi: 3.0.3
info: {title: s, version: "1"}
servers: [{url: https://s.example.invalid}]
components:
  securitySchemes:
    cc:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: TOKENURL/token, scopes: {}}
paths:
  /ok: {get: {operationId: ok, responses: {"200": {description: ok}}}}
  /stall: {get: {operationId: stall, responses: {"200": {description: ok}}}}
  /secure: {get: {operationId: secure, security: [{cc: []}], responses: {"200": {description: ok}}}}
  /cleanup: {get: {operationId: cleanup, responses: {"200": {description: ok}}}}
`

const stallFlow = `
  - workflowId: body
    steps:
      - stepId: first
        operationId: ok
        outputs: {id: $response.body#/id}
      - stepId: slow
        operationId: stall
        onFailure:
          - {name: tidy, type: goto, stepId: cleanup}
      - stepId: cleanup
        operationId: cleanup
    outputs:
      id: $steps.first.outputs.id
  - workflowId: token
    steps:
      - stepId: first
        operationId: ok
        outputs: {id: $response.body#/id}
      - stepId: slow
        operationId: secure
        onFailure:
          - {name: tidy, type: goto, stepId: cleanup}
      - stepId: cleanup
        operationId: cleanup
    outputs:
      id: $steps.first.outputs.id
`

// stallServer answers /ok and /cleanup, and on /stall sends the headers and
// part of the body, then waits for the client to give up. arrived is
// signalled once the partial body is out.
func stallServer(t *testing.T, arrived chan<- struct{}) (*httptest.Server, *atomic.Int32) {
	var cleanups atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, `{"id":"i-1"}`)
		case "/cleanup":
			cleanups.Add(1)
			fmt.Fprint(w, `{}`)
		case "/stall":
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(200)
			fmt.Fprint(w, `{"partial":`)
			w.(http.Flusher).Flush()
			if arrived != nil {
				arrived <- struct{}{}
			}
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &cleanups
}

// tokenServer is an OAuth2 token endpoint that never answers until the
// client gives up; arrived is signalled when a request comes in.
func tokenServer(t *testing.T, arrived chan<- struct{}) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // so that the server notices the client leaving
		if arrived != nil {
			arrived <- struct{}{}
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func stallRunner(t *testing.T, apiURL, tokenURL string, opts ...runtime.Option) *runtime.Runner {
	api := strings.ReplaceAll(stallAPI, "TOKENURL", tokenURL)
	return loadRunner(t, api, doc(stallFlow), append([]runtime.Option{
		runtime.WithServer("api", apiURL),
		runtime.WithCredentials(staticCreds{"api/cc": {ClientID: "id", ClientSecret: "limits-client-secret"}}),
	}, opts...)...)
}

func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	var le *runtime.LimitError
	if !errors.As(err, &le) || le.Limit != limit {
		t.Fatalf("error = %v, want a LimitError naming %s", err, limit)
	}
}

// checkPartial: the failure action did not run, and the outputs of the
// step that completed are reported.
func checkPartial(t *testing.T, res *runtime.Result, cleanups *atomic.Int32) {
	t.Helper()
	if res == nil {
		t.Fatal("no partial result")
	}
	if n := cleanups.Load(); n != 0 {
		t.Errorf("the failure action ran %d time(s) after the run was stopped", n)
	}
	for _, s := range res.Steps {
		if s.StepID == "cleanup" || s.Action == "goto step cleanup" {
			t.Errorf("trace shows the failure action: %s", trace(res))
		}
	}
	if res.Status != runtime.StatusFailed {
		t.Errorf("status = %s", res.Status)
	}
	if res.Outputs["id"] != "i-1" {
		t.Errorf("outputs of the completed step are lost: %v", res.Outputs)
	}
}

// F8: a body still arriving when RequestTimeout fires ends the run with a
// LimitError naming RequestTimeout; no failure action runs, and the
// outputs of the steps that completed are reported.
func TestRequestTimeoutMidBodyEndsRun(t *testing.T) {
	srv, cleanups := stallServer(t, nil)
	r := stallRunner(t, srv.URL, srv.URL, runtime.WithLimits(runtime.Limits{RequestTimeout: 150 * time.Millisecond}))
	start := time.Now()
	res, err := r.Run(context.Background(), "body", nil)
	wantLimit(t, err, "RequestTimeout")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	checkPartial(t, res, cleanups)
}

// A cancel while the body arrives returns the context's error; no failure
// action runs.
func TestCancelMidBodyEndsRun(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv, cleanups := stallServer(t, arrived)
	r := stallRunner(t, srv.URL, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	res, err := r.Run(ctx, "body", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	checkPartial(t, res, cleanups)
}

// A silent token endpoint is bounded by RequestTimeout like any request.
func TestTokenRequestTimeout(t *testing.T) {
	srv, cleanups := stallServer(t, nil)
	tok := tokenServer(t, nil)
	r := stallRunner(t, srv.URL, tok.URL, runtime.WithLimits(runtime.Limits{RequestTimeout: 150 * time.Millisecond}))
	// The outer deadline only keeps the old code from hanging the test.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	res, err := r.Run(ctx, "token", nil)
	d := time.Since(start)
	wantLimit(t, err, "RequestTimeout")
	if d > 2*time.Second {
		t.Errorf("a silent token endpoint held the run for %v with a 150ms limit", d)
	}
	checkPartial(t, res, cleanups)
}

// A cancel during a token fetch returns context.Canceled, and no failure
// action runs afterwards.
func TestTokenRequestCancel(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv, cleanups := stallServer(t, nil)
	tok := tokenServer(t, arrived)
	r := stallRunner(t, srv.URL, tok.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	res, err := r.Run(ctx, "token", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	checkPartial(t, res, cleanups)
}

// A token response over MaxResponseBytes ends the run naming the limit.
func TestTokenResponseSizeLimit(t *testing.T) {
	srv, cleanups := stallServer(t, nil)
	tok := oauthfake.New(t)
	tok.Extra = map[string]any{"pad": strings.Repeat("x", 8<<10)}
	r := stallRunner(t, srv.URL, tok.URL, runtime.WithLimits(runtime.Limits{MaxResponseBytes: 1 << 10}))
	res, err := r.Run(context.Background(), "token", nil)
	wantLimit(t, err, "MaxResponseBytes")
	checkPartial(t, res, cleanups)
}

// F5/F8: waits from Retry-After and retryAfter saturate at MaxRetryAfter;
// huge, infinite and overflowing values never wrap to a negative wait,
// and NaN or negative headers are ignored.
func TestRetryWaitSaturates(t *testing.T) {
	const maxWait = 7 * time.Second
	cases := []struct {
		header     string
		retryAfter string
		want       time.Duration
	}{
		{header: "1e300", want: maxWait},
		{header: "Inf", want: maxWait},
		{header: "+Inf", want: maxWait},
		{header: "9223372037", want: maxWait},
		{header: "9223372036854775807", want: maxWait},
		{header: "NaN", retryAfter: "2", want: 2 * time.Second},
		{header: "-5", retryAfter: "2", want: 2 * time.Second},
		{header: "3", want: 3 * time.Second},
		{retryAfter: "1e10", want: maxWait},
		{retryAfter: "1e300", want: maxWait},
		{retryAfter: "0.5", want: 500 * time.Millisecond},
	}
	for _, c := range cases {
		after := ""
		if c.retryAfter != "" {
			after = ", retryAfter: " + c.retryAfter
		}
		flow := doc(`
  - workflowId: w
    steps:
      - stepId: a
        operationId: flaky
        onFailure:
          - {name: again, type: retry, retryLimit: 3` + after + `}
`)
		hdr := map[string]string{}
		if c.header != "" {
			hdr["Retry-After"] = c.header
		}
		f := setup(t, flow, map[string][]reply{"GET /v1/flaky": {{status: 503, body: `{}`, header: hdr}}}, nil,
			runtime.WithLimits(runtime.Limits{MaxRetryAfter: maxWait}))
		res := f.run("w", nil)
		if res.Succeeded() || len(f.waits) != 3 {
			t.Fatalf("%+v: waits %v, trace %s", c, f.waits, trace(res))
		}
		for _, w := range f.waits {
			if w != c.want {
				t.Errorf("header %q retryAfter %q: wait %v, want %v", c.header, c.retryAfter, w, c.want)
				break
			}
		}
	}
}
