package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// recordsJSON is an API list response of about n bytes: records with
// ids, names, URLs, decimals, booleans, nulls, a nested object and an
// array, as real list endpoints return.
func recordsJSON(n int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"models":[`)
	for i := 0; sb.Len() < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"src_%08d","name":"source %d","url":"https://hkdk.events/%d","disabled_at":null,"n":%d.25,"ok":true,"tags":["a","b"],"owner":{"id":"usr_%d","email":"u%d@example.com"}}`, i, i, i, i, i, i)
	}
	sb.WriteString(`],"pagination":{"limit":100}}`)
	return []byte(sb.String())
}

var jsonSizes = []struct {
	name string
	n    int
}{{"1KB", 1 << 10}, {"100KB", 100 << 10}, {"10MB", 10 << 20}}

// BenchmarkDecodeJSON compares jdec (decodeJSON) with encoding/json
// (decodeJSONStd) on the same bodies in the same run.
func BenchmarkDecodeJSON(b *testing.B) {
	for _, sz := range jsonSizes {
		data := recordsJSON(sz.n)
		for _, impl := range []struct {
			name string
			fn   func([]byte) (any, error)
		}{{"jdec", decodeJSON}, {"std", decodeJSONStd}} {
			b.Run(sz.name+"/"+impl.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := impl.fn(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// marshalJSONStd is marshalJSON without appendJSONFast.
func marshalJSONStd(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// BenchmarkEncodeJSON compares marshalJSON (appendJSONFast) with
// encoding/json on typical request bodies and on decoded responses.
func BenchmarkEncodeJSON(b *testing.B) {
	cases := []struct {
		name string
		v    any
	}{
		{"request-small", map[string]any{"name": "s", "type": "WEBHOOK"}},
		{"request-typical", map[string]any{"name": "my-source", "description": "created by weft", "config": map[string]any{"allowed_http_methods": []any{"POST", "PUT"}, "auth_type": "HMAC", "custom_response": map[string]any{"content_type": "json", "body": "ok"}}, "enabled": true, "retries": json.Number("3")}},
	}
	for _, sz := range jsonSizes {
		v, err := decodeJSON(recordsJSON(sz.n))
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, struct {
			name string
			v    any
		}{"records-" + sz.name, v})
	}
	for _, c := range cases {
		for _, impl := range []struct {
			name string
			fn   func(any) ([]byte, error)
		}{{"fast", marshalJSON}, {"std", marshalJSONStd}} {
			b.Run(c.name+"/"+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := impl.fn(c.v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
