package expression

import (
	"bytes"
	"encoding/json"
	"testing"
)

// stdJSON is what appendJSON would be with encoding/json: compact, keys
// sorted, no HTML escaping.
func stdJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// BenchmarkAppendJSON compares appendJSON with encoding/json in the same
// run, on what it encodes: a small output object (template and regex
// contexts, failure details) and decoded response bodies of 10 KB and
// about 100 KB.
func BenchmarkAppendJSON(b *testing.B) {
	small := map[string]any{"id": "src_1", "name": "source", "count": json.Number("3"), "ok": true}
	body10 := body10KB(b)
	m := body10.(map[string]any)
	big := map[string]any{"pages": []any{m, m, m, m, m, m, m, m, m, m}}
	for _, c := range []struct {
		name string
		v    any
	}{{"small", small}, {"10KB", body10}, {"100KB", big}} {
		b.Run(c.name+"/append", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = appendJSON(nil, c.v)
			}
		})
		b.Run(c.name+"/std", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = stdJSON(c.v)
			}
		})
	}
}
