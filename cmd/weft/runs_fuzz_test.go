package main

import (
	"io"
	"testing"
)

// FuzzRenderRun feeds weft runs show whatever a server may answer: the
// trace is written or an error returned, never a panic.
func FuzzRenderRun(f *testing.F) {
	f.Add([]byte(`{"run":{"id":"r1","flow":"f","status":"succeeded","attempt":1,"inputs":{"a":1},"outputs":{"b":2},
		"createdAt":"2026-12-02T10:00:00Z","finishedAt":"2026-12-02T10:00:01Z"},
		"attempts":[{"runId":"r1","n":1,"status":"succeeded","started":"2026-12-02T10:00:00Z",
		"steps":[{"StepID":"s","Method":"GET","URL":"http://x/","StatusCode":200,"Status":"succeeded","Duration":1000,
		"FailedCriteria":[{"Condition":"$statusCode == 200","Detail":"no"}]}, 7, null]}],
		"notifications":[{"id":"n","target":"ops","status":"dead","attempts":1,"deliveries":[{"n":1,"statusCode":500,"error":"x"}]}]}`))
	f.Add([]byte(`{"run":null}`))
	f.Add([]byte(`{"run":{"inputs":"not json"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = renderRun(io.Discard, data)
	})
}
