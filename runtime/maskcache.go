package runtime

import (
	"strings"
	"sync"
)

// maskCache keeps, for one Runner, what masking derives from secrets and
// is the same from run to run: the encodings of a secret (secretForms)
// and the replacer built from a set of them. A run learns the same
// credentials as the run before it; without the cache each run spent a
// dozen encodings and a 2 KB replacer table on them. The cache holds at
// most maskCacheMax entries of each kind and starts again when full, so
// runs with ever new secrets (inputs) cost what they did before.
//
// It also keeps the snapshot a request's credentials lead to from a given
// snapshot (next): a snapshot is immutable and is only ever reached from
// the sets of secrets and names it was built from, so a masker at from
// that learns delta has the sets to is built from.
type maskCache struct {
	mu    sync.Mutex
	forms map[string][]string
	repl  map[string]*strings.Replacer
	// trans maps a snapshot (nil: the empty one) and what a request
	// taught (masker.addRequest) to the snapshot they lead to; ntrans
	// counts its entries.
	trans  map[*maskState]map[string]*maskState
	ntrans int
}

const maskCacheMax = 64

// secretForms is secretForms(s), cached. The slice is shared: read only.
func (c *maskCache) secretForms(s string) []string {
	if c == nil {
		return secretForms(s)
	}
	c.mu.Lock()
	f, ok := c.forms[s]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = secretForms(s)
	c.mu.Lock()
	if c.forms == nil || len(c.forms) >= maskCacheMax {
		c.forms = map[string][]string{}
	}
	c.forms[s] = f
	c.mu.Unlock()
	return f
}

// replacer is strings.NewReplacer(pairs...), cached by the pairs.
func (c *maskCache) replacer(pairs []string) *strings.Replacer {
	if c == nil {
		return strings.NewReplacer(pairs...)
	}
	key := strings.Join(pairs, "\x00")
	c.mu.Lock()
	r, ok := c.repl[key]
	c.mu.Unlock()
	if ok {
		return r
	}
	r = strings.NewReplacer(pairs...)
	c.mu.Lock()
	if c.repl == nil || len(c.repl) >= maskCacheMax {
		c.repl = map[string]*strings.Replacer{}
	}
	c.repl[key] = r
	c.mu.Unlock()
	return r
}

// next is the snapshot a masker at from reaches by learning delta, or nil
// when not known.
func (c *maskCache) next(from *maskState, delta []byte) *maskState {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trans[from][string(delta)]
}

// storeNext records that from and delta lead to to.
func (c *maskCache) storeNext(from *maskState, delta string, to *maskState) {
	if c == nil || to == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.trans == nil || c.ntrans >= maskCacheMax {
		c.trans, c.ntrans = map[*maskState]map[string]*maskState{}, 0
	}
	m := c.trans[from]
	if m == nil {
		m = map[string]*maskState{}
		c.trans[from] = m
	}
	if _, ok := m[delta]; !ok {
		c.ntrans++
	}
	m[delta] = to
}
