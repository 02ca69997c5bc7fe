package serve

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/serve/definition"
)

// sourceLimits bounds the requests in flight per source description across
// a flow's runs, so that a storm of 429s cannot fan out over the worker
// pool: a request waits for a slot of the source whose server URL is the
// longest prefix of its URL.
type sourceLimits struct {
	prefixes []string // longest first
	slots    map[string]chan struct{}
}

// newSourceLimits returns fd's limits (nil when it has none). A limited
// source must have its server in the flow's servers: that URL is how a
// request is told to belong to it.
func newSourceLimits(fd *definition.Flow) (*sourceLimits, error) {
	if len(fd.SourceLimits) == 0 {
		return nil, nil
	}
	l := &sourceLimits{slots: map[string]chan struct{}{}}
	var diags arazzo.Diagnostics
	for src, n := range fd.SourceLimits {
		u, ok := fd.Servers[src]
		if !ok {
			diags = append(diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: fd.Pos, Code: CodeSourceLimit,
				Message: fmt.Sprintf("flow %s: sourceLimits.%s: the source has no server in the flow's servers", fd.Name, src),
				Hint:    "give the source's base URL under servers: weft tells a source's requests by that prefix"})
			continue
		}
		if n <= 0 {
			continue
		}
		p := strings.TrimRight(u.Text, "/")
		if _, dup := l.slots[p]; dup {
			// Two sources on one server share one limit: the smaller.
			if n >= cap(l.slots[p]) {
				continue
			}
		} else {
			l.prefixes = append(l.prefixes, p)
		}
		l.slots[p] = make(chan struct{}, n)
	}
	if len(diags) > 0 {
		return nil, diags
	}
	sort.Slice(l.prefixes, func(i, j int) bool { return len(l.prefixes[i]) > len(l.prefixes[j]) })
	return l, nil
}

// slot returns the semaphore of a request URL (nil when unlimited).
func (l *sourceLimits) slot(u string) chan struct{} {
	for _, p := range l.prefixes {
		if strings.HasPrefix(u, p) && (len(u) == len(p) || u[len(p)] == '/' || u[len(p)] == '?') {
			return l.slots[p]
		}
	}
	return nil
}

// transport wraps next (nil: http.DefaultTransport) with the limits.
func (l *sourceLimits) transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &limitedTransport{l: l, next: next}
}

type limitedTransport struct {
	l    *sourceLimits
	next http.RoundTripper
}

// RoundTrip waits for the request's slot (or its context), then sends it.
// The slot is held until the response body is closed.
func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ch := t.l.slot(req.URL.String())
	if ch == nil {
		return t.next.RoundTrip(req)
	}
	select {
	case ch <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		<-ch
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(func() { <-ch })}
	return resp, nil
}

// releasingBody gives the request's slot back when the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

// Close closes the body and releases the slot.
func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
