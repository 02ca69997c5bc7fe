package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/openapi"
	"github.com/weftflow/weft/runtime"
)

const referenceWorkflow = "../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"

// minimalHookdeck answers the four calls of the reference workflow with
// fixed bodies: the cheapest possible server, so that a benchmark measures
// the client side.
func minimalHookdeck() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		p := r.URL.Path
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/sources"):
			_, _ = io.WriteString(w, `{"id":"src_bench","name":"s","type":"WEBHOOK"}`)
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/integrations"):
			_, _ = io.WriteString(w, `{"id":"int_bench","label":"l","provider":"HMAC"}`)
		case r.Method == http.MethodPut && strings.Contains(p, "/attach/"):
			_, _ = io.WriteString(w, `{"success":true}`)
		case r.Method == http.MethodGet && strings.Contains(p, "/sources/"):
			_, _ = io.WriteString(w, `{"id":"src_bench","name":"s"}`)
		default:
			w.WriteHeader(404)
		}
	})
}

var benchInputs = map[string]any{"sourceName": "s", "integrationLabel": "l", "provider": "HMAC"}

// BenchmarkReferenceWorkflow runs the reference workflow in-process
// against a loopback server. Compare with BenchmarkReferenceByHand.
func BenchmarkReferenceWorkflow(b *testing.B) {
	doc, err := arazzo.Load(context.Background(), referenceWorkflow)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(minimalHookdeck())
	defer srv.Close()
	base := srv.URL + "/2025-07-01"
	r, err := runtime.New(doc,
		runtime.WithHTTPClient(srv.Client()),
		runtime.WithServer("sourcesApi", base),
		runtime.WithServer("integrationsApi", base),
		runtime.WithCredentials(staticCreds{"sourcesApi/bearerAuth": {Token: "k"}, "integrationsApi/bearerAuth": {Token: "k"}}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := r.Run(ctx, "attach-integration-to-source", benchInputs)
		if err != nil || !res.Succeeded() {
			b.Fatalf("run: %v %+v", err, res)
		}
	}
}

// BenchmarkReferenceByHand makes the same four requests with net/http and
// encoding/json, reading the same fields.
func BenchmarkReferenceByHand(b *testing.B) {
	srv := httptest.NewServer(minimalHookdeck())
	defer srv.Close()
	benchByHand(b, srv.Client(), srv.URL+"/2025-07-01")
}

// memTransport serves requests by calling a handler in-process: no
// sockets, so the in-memory benchmarks compare CPU cost alone.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// BenchmarkReferenceWorkflowInMemory is BenchmarkReferenceWorkflow without
// the network: the runner's own cost.
func BenchmarkReferenceWorkflowInMemory(b *testing.B) {
	doc, err := arazzo.Load(context.Background(), referenceWorkflow)
	if err != nil {
		b.Fatal(err)
	}
	c := &http.Client{Transport: memTransport{minimalHookdeck()}}
	r, err := runtime.New(doc,
		runtime.WithHTTPClient(c),
		runtime.WithServer("sourcesApi", "http://hookdeck.invalid/2025-07-01"),
		runtime.WithServer("integrationsApi", "http://hookdeck.invalid/2025-07-01"),
		runtime.WithCredentials(staticCreds{"sourcesApi/bearerAuth": {Token: "k"}, "integrationsApi/bearerAuth": {Token: "k"}}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := r.Run(ctx, "attach-integration-to-source", benchInputs)
		if err != nil || !res.Succeeded() {
			b.Fatalf("run: %v %+v", err, res)
		}
	}
}

// BenchmarkReferenceByHandInMemory is BenchmarkReferenceByHand without the
// network.
func BenchmarkReferenceByHandInMemory(b *testing.B) {
	benchByHand(b, &http.Client{Transport: memTransport{minimalHookdeck()}}, "http://hookdeck.invalid/2025-07-01")
}

func benchByHand(b *testing.B, c *http.Client, base string) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		byHandOnce(b, c, base)
	}
}

// byHandOnce makes the four requests of the reference workflow once.
func byHandOnce(b *testing.B, c *http.Client, base string) {
	call := func(method, url string, body any) map[string]any {
		var rd io.Reader
		if body != nil {
			data, _ := json.Marshal(body)
			rd = bytes.NewReader(data)
		}
		req, _ := http.NewRequest(method, url, rd)
		req.Header.Set("Authorization", "Bearer k")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber()
		if err := dec.Decode(&out); err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s %s: %d %v", method, url, resp.StatusCode, err)
		}
		return out
	}
	src := call(http.MethodPost, base+"/sources", map[string]any{"name": benchInputs["sourceName"], "type": "WEBHOOK"})
	integ := call(http.MethodPost, base+"/integrations", map[string]any{"label": benchInputs["integrationLabel"], "provider": benchInputs["provider"]})
	att := call(http.MethodPut, base+"/integrations/"+integ["id"].(string)+"/attach/"+src["id"].(string), nil)
	if att["success"] != true {
		b.Fatal("not attached")
	}
	got := call(http.MethodGet, base+"/sources/"+src["id"].(string), nil)
	_ = map[string]any{"sourceId": got["id"], "integrationId": integ["id"], "attached": att["success"]}
}

// BenchmarkReferenceRatio measures the reference workflow against the
// same requests by hand, in memory and over loopback, alternating batches
// of each within one benchmark so that a noisy machine slows both alike.
// It reports weft/by-hand, the ratio of the total wall times of the
// batches, and weft/by-hand-cpu, that of the process CPU time they used.
// Each batch starts after a GC, so that neither pays for the other's
// garbage.
func BenchmarkReferenceRatio(b *testing.B) {
	doc, err := arazzo.Load(context.Background(), referenceWorkflow)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(minimalHookdeck())
	defer srv.Close()
	for _, tr := range []struct {
		name string
		c    *http.Client
		base string
	}{
		{"InMemory", &http.Client{Transport: memTransport{minimalHookdeck()}}, "http://hookdeck.invalid/2025-07-01"},
		{"Loopback", srv.Client(), srv.URL + "/2025-07-01"},
	} {
		b.Run(tr.name, func(b *testing.B) {
			r, err := runtime.New(doc,
				runtime.WithHTTPClient(tr.c),
				runtime.WithServer("sourcesApi", tr.base),
				runtime.WithServer("integrationsApi", tr.base),
				runtime.WithCredentials(staticCreds{"sourcesApi/bearerAuth": {Token: "k"}, "integrationsApi/bearerAuth": {Token: "k"}}))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			const batch = 50
			var weft, hand, weftCPU, handCPU time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				goruntime.GC()
				t0, c0 := time.Now(), processCPU()
				for j := 0; j < batch; j++ {
					res, err := r.Run(ctx, "attach-integration-to-source", benchInputs)
					if err != nil || !res.Succeeded() {
						b.Fatalf("run: %v %+v", err, res)
					}
				}
				weft += time.Since(t0)
				weftCPU += processCPU() - c0
				goruntime.GC()
				t0, c0 = time.Now(), processCPU()
				for j := 0; j < batch; j++ {
					byHandOnce(b, tr.c, tr.base)
				}
				hand += time.Since(t0)
				handCPU += processCPU() - c0
			}
			b.ReportMetric(float64(weft)/float64(hand), "weft/by-hand")
			if handCPU > 0 {
				// CPU time (the process's, the server's goroutines included
				// for both) suffers less than wall time from other work on
				// the machine.
				b.ReportMetric(float64(weftCPU)/float64(handCPU), "weft/by-hand-cpu")
			}
			b.ReportMetric(float64(weft.Nanoseconds())/float64(b.N*batch), "weft-ns/run")
		})
	}
}

var _ openapi.Credentials = staticCreds(nil)
