package runtime_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// bigFlow reads one list response: a JSONPath filter criterion over its
// records and an output JSON pointer into it.
const bigFlow = `  - workflowId: big
    steps:
      - stepId: list
        operationId: listItems
        successCriteria:
          - condition: $statusCode == 200
          - context: $response.body
            condition: $.items[?(@.qty == 3 && @.price > 2)]
            type: jsonpath
        outputs:
          first: $response.body#/items/0/id
    outputs:
      first: $steps.list.outputs.first
`

// listBody is a JSON list response of about n bytes: records with ids,
// names, URLs, decimal prices, integers, booleans, nulls, a nested object
// and an array, as real list endpoints return.
func listBody(n int) []byte {
	var b bytes.Buffer
	b.Grow(n + 256)
	b.WriteString(`{"items":[`)
	for i := 0; b.Len() < n-220; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"itm_%08d","name":"Item %d","url":"https://shop.example/items/%d","price":%d.%02d,"qty":%d,"active":%v,"deleted_at":null,"tags":["a","b"],"owner":{"id":"usr_%d"}}`,
			i, i, i, i%1000, i%100, i%50, i%2 == 0, i%9999)
	}
	b.WriteString(`],"count":1}`)
	return b.Bytes()
}

// bodyTransport answers every request with body, as a server that sets
// Content-Length: no sockets and no copy, so that what a run costs is the
// runner's alone.
type bodyTransport struct{ body []byte }

func (t bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "Content-Length": {strconv.Itoa(len(t.body))}},
		ContentLength: int64(len(t.body)), Body: io.NopCloser(bytes.NewReader(t.body)), Request: r}, nil
}

func bigRunner(tb testing.TB, body []byte) *runtime.Runner {
	dir := writeFiles(tb, map[string]string{"api.yaml": testAPI, "flow.arazzo.yaml": doc(bigFlow)})
	d, err := arazzo.Load(context.Background(), filepath.Join(dir, "flow.arazzo.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := runtime.New(d, runtime.WithHTTPClient(&http.Client{Transport: bodyTransport{body}}),
		runtime.WithServer("api", "http://items.invalid/v1"))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func runBig(tb testing.TB, r *runtime.Runner) {
	res, err := r.Run(context.Background(), "big", nil)
	if err != nil || !res.Succeeded() || res.Outputs["first"] != "itm_00000000" {
		tb.Fatalf("run: %v %+v", err, res)
	}
}

// BenchmarkLargeResponse runs a one-step workflow on a JSON list response
// of 1 KB, 100 KB and 10 MB with a JSONPath filter criterion and an output
// pointer. Besides time and allocation it reports peak-rss/body for the
// larger bodies: how much the resident set grew during one run, over the
// body's size (Linux; see peakRSSDuring). The resident set is measured
// rather than the heap because it is what the goal and the
// operating system count: heap, GC headroom and runtime overhead alike.
func BenchmarkLargeResponse(b *testing.B) {
	for _, sz := range []struct {
		name string
		n    int
	}{{"1KB", 1 << 10}, {"100KB", 100 << 10}, {"10MB", 10_000_000}} {
		b.Run(sz.name, func(b *testing.B) {
			body := listBody(sz.n)
			r := bigRunner(b, body)
			runBig(b, r) // binds the operation
			peak, measured := peakRSSDuring(func() { runBig(b, r) })
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				runBig(b, r)
			}
			if measured && len(body) >= 64<<10 {
				// (After the loop: ResetTimer drops reported metrics. Not for
				// small bodies: the resident set moves by whole pages.)
				b.ReportMetric(float64(peak)/float64(len(body)), "peak-rss/body")
			}
		})
	}
}

// peakRSSDuring measures how far the resident set rose above where it
// was while fn ran: the kernel's high-water mark (VmHWM), reset to the
// current RSS just before fn by writing 5 to /proc/self/clear_refs, after
// a GC has returned free memory. This is what the operating system sees
// (heap, GC headroom, runtime overhead), measured in-process on the run
// alone: the benchmark's own setup and the server's copy of the body are
// resident before the reset, so they do not count. ok is false where
// /proc does not allow it.
func peakRSSDuring(fn func()) (int64, bool) {
	goruntime.GC()
	debug.FreeOSMemory()
	before, ok := procStatus("VmRSS")
	if !ok || resetHWM() != nil {
		return 0, false
	}
	fn()
	hwm, ok := procStatus("VmHWM")
	if !ok {
		return 0, false
	}
	return hwm - before, true
}

// procStatus reads a kB field of /proc/self/status, in bytes.
func procStatus(field string) (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// resetHWM resets the resident set's high-water mark to the current RSS.
func resetHWM() error {
	f, err := os.OpenFile("/proc/self/clear_refs", os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString("5")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
