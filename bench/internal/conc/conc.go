// Package conc measures concurrent runs of the reference workflow on one
// *runtime.Runner: throughput at each concurrency level and the memory each
// run in flight holds. Requests are served in memory (an http.RoundTripper
// calling a handler, no sockets), so that the figures are weft's own.
package conc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/openapi"
	wruntime "github.com/weftflow/weft/runtime"
)

// WorkflowID is the reference workflow's id.
const WorkflowID = "attach-integration-to-source"

// Level is what one concurrency level measured.
type Level struct {
	// N is the number of runs in flight at once.
	N int `json:"n"`
	// Runs is how many runs completed in the throughput phase, over
	// every repeat, and Seconds how long they took.
	Runs    int     `json:"runs"`
	Seconds float64 `json:"seconds"`
	// RunsPerSecond is the median over the repeats of runs per second.
	RunsPerSecond float64 `json:"runsPerSecond"`
	// HeapPerRun is the live heap (HeapAlloc after a forced GC) with N
	// runs held at their last request, minus the same before they
	// started, divided by N, in bytes.
	HeapPerRun float64 `json:"heapPerRun"`
	// StackPerRun is the same for goroutine stacks (StackInuse).
	StackPerRun float64 `json:"stackPerRun"`
}

// Report is one measurement of every level, in order.
type Report struct {
	Levels []Level `json:"levels"`
}

// answer is the cheapest server for the reference workflow's four calls.
func answer(w http.ResponseWriter, r *http.Request) {
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
		w.WriteHeader(http.StatusNotFound)
	}
}

// transport serves requests in memory. While hold is set, the last request
// of a run (GET /sources/{id}) waits on it after counting itself in held.
type transport struct {
	mu   sync.Mutex
	hold chan struct{}
	held atomic.Int64
	n    atomic.Int64 // requests served
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Method == http.MethodGet {
		t.mu.Lock()
		hold := t.hold
		t.mu.Unlock()
		if hold != nil {
			t.held.Add(1)
			select {
			case <-hold:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
	}
	t.n.Add(1)
	rec := httptest.NewRecorder()
	answer(rec, r)
	return rec.Result(), nil
}

// Measure loads the reference workflow from docPath, builds one Runner and
// measures each level: throughput over at least minRuns runs (and 2 per
// slot), repeat times with the levels taken in turn (1, 10, ..., 1, 10,
// ...) and the median kept, so that a burst of load elsewhere on the
// machine does not fall on one level only; then the memory of n runs held
// in flight.
func Measure(ctx context.Context, docPath string, levels []int, minRuns, repeat int) (Report, error) {
	doc, err := arazzo.Load(ctx, docPath)
	if err != nil {
		return Report{}, err
	}
	tr := &transport{}
	creds := openapi.EnvCredentials{Lookup: func(string) (string, bool) { return "k", true }}
	r, err := wruntime.New(doc,
		wruntime.WithHTTPClient(&http.Client{Transport: tr}),
		wruntime.WithServer("sourcesApi", "http://hookdeck.invalid/2025-07-01"),
		wruntime.WithServer("integrationsApi", "http://hookdeck.invalid/2025-07-01"),
		wruntime.WithCredentials(creds))
	if err != nil {
		return Report{}, err
	}
	inputs := map[string]any{"sourceName": "s", "integrationLabel": "l", "provider": "HMAC"}
	once := func() error {
		res, err := r.Run(ctx, WorkflowID, inputs)
		if err != nil {
			return err
		}
		if !res.Succeeded() {
			return fmt.Errorf("run %s at %s: %s", res.Status, res.FailedStep, res.Error)
		}
		return nil
	}
	// Warm up: first-use costs are not the steady state.
	for range 20 {
		if err := once(); err != nil {
			return Report{}, err
		}
	}
	repeat = max(repeat, 1)
	rep := Report{Levels: make([]Level, len(levels))}
	rates := make([][]float64, len(levels))
	for k := 0; k < repeat; k++ {
		for i, n := range levels {
			if n < 1 {
				return Report{}, fmt.Errorf("level %d: want at least 1", n)
			}
			total := max(minRuns, 2*n)
			before := tr.n.Load()
			runs, secs, err := throughput(n, total, once)
			if err != nil {
				return Report{}, err
			}
			if got := tr.n.Load() - before; got != int64(4*total) {
				return Report{}, fmt.Errorf("level %d: %d requests for %d runs, want %d", n, got, total, 4*total)
			}
			rep.Levels[i].N = n
			rep.Levels[i].Runs += runs
			rep.Levels[i].Seconds += secs
			rates[i] = append(rates[i], float64(runs)/secs)
		}
	}
	for i, n := range levels {
		lv := &rep.Levels[i]
		lv.RunsPerSecond = median(rates[i])
		lv.HeapPerRun, lv.StackPerRun, err = inFlight(ctx, tr, n, once)
		if err != nil {
			return Report{}, err
		}
	}
	return rep, nil
}

// median is the middle of vs (the mean of the two middle values for an
// even count).
func median(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// throughput runs total runs on n goroutines and times them.
func throughput(n, total int, once func() error) (int, float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				if err := once(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	close(errs)
	if err := <-errs; err != nil {
		return 0, 0, err
	}
	return total, secs, nil
}

// inFlight starts n runs, waits until every one is held at its last
// request, and returns the live heap and stack they add, per run.
func inFlight(ctx context.Context, tr *transport, n int, once func() error) (heap, stack float64, err error) {
	hold := make(chan struct{})
	tr.held.Store(0)
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tr.mu.Lock()
	tr.hold = hold
	tr.mu.Unlock()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := once(); err != nil {
				errs <- err
			}
		}()
	}
	release := func() {
		tr.mu.Lock()
		tr.hold = nil
		tr.mu.Unlock()
		close(hold)
		wg.Wait()
	}
	deadline := time.Now().Add(time.Minute)
	for tr.held.Load() < int64(n) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			release()
			return 0, 0, errors.New("runs did not reach their last request in time")
		}
		select {
		case err := <-errs:
			release()
			return 0, 0, err
		case <-time.After(time.Millisecond):
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&during)
	release()
	close(errs)
	if err := <-errs; err != nil {
		return 0, 0, err
	}
	heap = (float64(during.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
	stack = (float64(during.StackInuse) - float64(before.StackInuse)) / float64(n)
	return heap, stack, nil
}
