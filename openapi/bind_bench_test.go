package openapi

import (
	"context"
	"path/filepath"
	"testing"
)

// unbind forgets what op has bound so that the next use binds again.
func unbind(op *Operation) {
	op.bindDone.Store(false)
	op.bound, op.bindErr = nil, nil
	op.kinDone.Store(false)
	op.route, op.kinErr = nil, nil
	op.security.Store(nil)
}

// benchBind measures binding one operation (first BuildRequest-time cost)
// and then validating one response (first validation cost) on a parsed
// description.
func benchBind(b *testing.B, file, id string, body string) {
	d := mustParseFile(b, filepath.Join(corpusDir(b), file))
	op := d.OperationByID(id)
	if op == nil {
		op = d.Operations()[len(d.Operations())/2]
	}
	resp := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(body)}
	resp.Body, _ = decodeJSON(resp.Raw)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		unbind(op)
		if _, err := op.Parameters(context.Background()); err != nil {
			b.Fatal(err)
		}
		_ = op.ValidateResponse(context.Background(), nil, resp)
	}
}

func BenchmarkBindHookdeckGetSource(b *testing.B) {
	benchBind(b, "hookdeck/openapi/hookdeck-sources-api-openapi.yml", "getSource", `{"id":"src_1","name":"n"}`)
}

func BenchmarkBindMist(b *testing.B) {
	benchBind(b, "jentic-public-apis/apis/openapi/mist.com/main/2502.1.20/openapi.json", "getSiteStats", `{}`)
}

// BenchmarkValidateGetSource validates a response once the schemas are
// prepared (the steady state of a run).
func BenchmarkValidateGetSource(b *testing.B) {
	d := hookdeckDesc(b)
	op := d.OperationByID("getSource")
	resp := &Response{StatusCode: 200, ContentType: "application/json", Raw: []byte(`{"id":"src_1","name":"n","url":"https://hkdk.events/x"}`)}
	resp.Body, _ = decodeJSON(resp.Raw)
	_ = op.ValidateResponse(context.Background(), nil, resp)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if fs := op.ValidateResponse(context.Background(), nil, resp); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}
