package runtime

import (
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Mask replaces secret values in traces, logs, reports and errors
// (decisions H4).
const Mask = "****"

// minSecretLen is the shortest value masked by substitution: shorter
// values would mangle unrelated text. Credential headers are masked
// whatever their length.
const minSecretLen = 4

// masker replaces known secret values by Mask.
type masker struct {
	mu      sync.Mutex
	secrets map[string]bool
	r       *strings.Replacer
}

func newMasker() *masker { return &masker{secrets: map[string]bool{}} }

func (m *masker) add(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if len(s) < minSecretLen || m.secrets[s] {
			continue
		}
		m.secrets[s] = true
		changed = true
	}
	if changed {
		list := make([]string, 0, len(m.secrets))
		for s := range m.secrets {
			list = append(list, s)
		}
		// Longest first, so that a secret containing another is masked whole.
		sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
		pairs := make([]string, 0, 2*len(list))
		for _, s := range list {
			pairs = append(pairs, s, Mask)
		}
		m.r = strings.NewReplacer(pairs...)
	}
}

func (m *masker) mask(s string) string {
	m.mu.Lock()
	r := m.r
	m.mu.Unlock()
	if r == nil || s == "" {
		return s
	}
	return r.Replace(s)
}

var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
}

// header returns a masked copy of h.
func (m *masker) header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
				cp[i] = Mask
			} else {
				cp[i] = m.mask(v)
			}
		}
		out[k] = cp
	}
	return out
}

// maskValue returns v with known secrets masked in every string; maps and
// slices are copied only when something changes.
func (m *masker) maskValue(v any) any {
	m.mu.Lock()
	r := m.r
	m.mu.Unlock()
	if r == nil {
		return v
	}
	switch t := v.(type) {
	case string:
		return r.Replace(t)
	case map[string]any:
		if t == nil {
			return t
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = m.maskValue(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = m.maskValue(x)
		}
		return out
	default:
		return v
	}
}
