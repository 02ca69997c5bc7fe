package runtime

import (
	"net/http"
	"testing"
	"time"

	"github.com/weftflow/weft/openapi"
)

// FuzzRetryWait: whatever a Retry-After header or a retryAfter value says,
// the wait is between 0 and MaxRetryAfter (decisions F5, F8).
func FuzzRetryWait(f *testing.F) {
	for _, s := range []string{"1e300", "Inf", "-Inf", "NaN", "9223372037", "-5", "3", "0x1p62",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", ""} {
		f.Add(s, 1e10, true)
	}
	const max = 7 * time.Second
	ru := &run{r: &Runner{cfg: config{limits: Limits{MaxRetryAfter: max}, now: time.Now}}}
	f.Fuzz(func(t *testing.T, header string, after float64, hasAfter bool) {
		ex := &exchange{resp: &openapi.Response{Header: http.Header{"Retry-After": {header}}}}
		d := ru.retryDelay(&action{hasAfter: hasAfter, retryAfter: after}, ex)
		if d < 0 || d > max {
			t.Fatalf("Retry-After %q, retryAfter %v: wait %v outside [0, %v]", header, after, d, max)
		}
	})
}
