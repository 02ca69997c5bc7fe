package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/weftflow/weft/openapi"
)

// Mask replaces secret values in traces, logs, reports and errors
// (decisions H4).
const Mask = "****"

// minSecretLen is the shortest secret masked by value, that is wherever
// one of its encodings occurs in any text: shorter values would mangle
// unrelated text. A secret of any length is masked where it is placed: as
// the whole value of a header, a query, form or cookie parameter, a path
// segment, a JSON string, or a member of a decoded body or output.
const minSecretLen = 4

// sensitiveHeaders are masked whole in every request and response, whoever
// set them.
var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
}

// masker replaces known secrets by Mask. It learns secrets as a run goes
// (inputs, credentials, server URLs) and where credentials were placed;
// readers take an immutable snapshot, so masking never blocks on a writer.
// The zero value masks nothing but URL passwords and is ready to use.
type masker struct {
	mu      sync.Mutex          // serializes writers
	secrets map[string][]string // secret -> its encodings (secretForms)
	headers map[string]bool     // canonical header names masked whole
	params  map[string]bool     // query, form and cookie names masked whole
	st      atomic.Pointer[maskState]
	cache   *maskCache // the Runner's; nil: nothing cached
}

// maskState is one immutable snapshot of what a masker knows.
type maskState struct {
	exact   map[string]bool // every secret, any length, and each of its encodings
	headers map[string]bool
	params  map[string]bool
	short   bool              // some secret is shorter than minSecretLen
	r       *strings.Replacer // encodings of secrets of minSecretLen or more
}

var emptyMaskState maskState

const quotedMask = `"` + Mask + `"`

func newMasker() *masker { return &masker{} }

func (m *masker) load() *maskState {
	if st := m.st.Load(); st != nil {
		return st
	}
	return &emptyMaskState
}

// add learns secret values (any length; "" is ignored).
func (m *masker) add(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if m.learn(s) {
			changed = true
		}
	}
	if changed {
		m.rebuild()
	}
}

// learn records secret s; m.mu is held. It reports whether s is new.
func (m *masker) learn(s string) bool {
	if _, known := m.secrets[s]; s == "" || known {
		return false
	}
	if m.secrets == nil {
		m.secrets = map[string][]string{}
	}
	m.secrets[s] = m.cache.secretForms(s)
	return true
}

// addRequest learns the credentials security put on req and where it put
// them: those headers, query parameters and cookies are masked whole.
func (m *masker) addRequest(req *openapi.Request) {
	if req == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// delta names what this request taught, so that the snapshot it leads
	// to can be shared with the next run that learns the same from the
	// same snapshot (maskCache.next).
	// It is built on the stack: a run's requests teach the same as the
	// run before, and the cached snapshot is found without allocating.
	var buf [256]byte
	delta := buf[:0]
	for _, s := range req.Secrets {
		if m.learn(s) {
			delta = append(append(append(delta, 's'), s...), 0)
		}
	}
	for _, p := range req.Credentials {
		set := &m.params
		name := p.Name
		kind := byte('p')
		if p.In == "header" {
			set, name, kind = &m.headers, http.CanonicalHeaderKey(p.Name), 'h'
		}
		if name == "" || (*set)[name] {
			continue
		}
		if *set == nil {
			*set = map[string]bool{}
		}
		(*set)[name] = true
		delta = append(append(append(delta, kind), name...), 0)
	}
	if len(delta) == 0 {
		return
	}
	from := m.st.Load()
	if to := m.cache.next(from, delta); to != nil {
		m.st.Store(to)
		return
	}
	m.rebuild()
	m.cache.storeNext(from, string(delta), m.st.Load())
}

// addParams learns query, form and cookie parameter names whose values
// are masked whole.
func (m *masker) addParams(names ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed := false
	for _, n := range names {
		if n == "" || m.params[n] {
			continue
		}
		if m.params == nil {
			m.params = map[string]bool{}
		}
		m.params[n] = true
		changed = true
	}
	if changed {
		m.rebuild()
	}
}

// addValue learns every leaf of v as a secret: strings and numbers (as
// they print); booleans and nulls are not secrets by value (one bit would
// mask every true in a trace).
func (m *masker) addValue(v any) {
	var leaves []string
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > maxMaskDepth {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for _, x := range t {
				walk(x, depth+1)
			}
		case []any:
			for _, x := range t {
				walk(x, depth+1)
			}
		default:
			if s, ok := scalarText(v); ok {
				leaves = append(leaves, s)
			}
		}
	}
	walk(v, 0)
	m.add(leaves...)
}

// addAt learns as secrets the leaves of v at every path of paths.
func (m *masker) addAt(v any, paths []secretPath) {
	for _, p := range paths {
		p.each(v, m.addValue)
	}
}

// addServerURL learns the password of a base URL's userinfo and the basic
// credentials net/http derives from it.
func (m *masker) addServerURL(raw string) {
	if !strings.Contains(raw, "@") {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		m.add(pw, base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pw)))
	}
}

// maxMaskDepth bounds the nesting masking walks into.
const maxMaskDepth = 64

// rebuild makes a new snapshot; m.mu is held.
func (m *masker) rebuild() {
	st := &maskState{exact: map[string]bool{}, headers: copySet(m.headers), params: copySet(m.params)}
	seen := map[string]bool{}
	var pairs []string
	addPair := func(old, repl string) {
		if old != "" && !seen[old] {
			seen[old] = true
			pairs = append(pairs, old, repl)
		}
	}
	for s, forms := range m.secrets {
		for _, f := range forms {
			st.exact[f] = true
		}
		if len(s) < minSecretLen {
			st.short = true
		} else {
			for _, f := range forms {
				addPair(f, Mask)
			}
		}
		// A JSON string that is exactly the secret is masked whatever its
		// length.
		for _, f := range jsonForms(s) {
			addPair(`"`+f+`"`, quotedMask)
		}
	}
	if len(pairs) > 0 {
		// Longest first, so that a secret containing another is masked whole
		// (the replacer tries its pairs in argument order).
		idx := make([]int, len(pairs)/2)
		for i := range idx {
			idx[i] = 2 * i
		}
		sort.Slice(idx, func(a, b int) bool {
			x, y := pairs[idx[a]], pairs[idx[b]]
			if len(x) != len(y) {
				return len(x) > len(y)
			}
			return x < y
		})
		sorted := make([]string, 0, len(pairs))
		for _, i := range idx {
			sorted = append(sorted, pairs[i], pairs[i+1])
		}
		st.r = m.cache.replacer(sorted)
	}
	m.st.Store(st)
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// secretForms lists the encodings of s weft and its peers write: those of
// package openapi (raw, percent, form, cookie, JSON string), path
// escaping, JSON with encoding/json's HTML escaping, a JSON string inside
// a JSON string, and the four base64 alphabets.
func secretForms(s string) []string {
	forms := openapi.Encodings(s)
	forms = append(forms, url.PathEscape(s))
	forms = append(forms, jsonForms(s)...)
	for _, j := range jsonForms(s) {
		forms = append(forms, jsonForms(j)...)
	}
	b := []byte(s)
	forms = append(forms,
		base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b))
	return forms
}

// jsonForms is s escaped as the inside of a JSON string, with and without
// HTML escaping (\u003c for <).
func jsonForms(s string) []string {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	if plain {
		return []string{s}
	}
	h, _ := json.Marshal(s)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	n := bytes.TrimRight(buf.Bytes(), "\n")
	a, b := string(h[1:len(h)-1]), string(n[1:len(n)-1])
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// scalarText is a scalar leaf as weft writes it (openapi.ScalarString);
// ok is false for booleans, nulls and structures.
func scalarText(v any) (string, bool) {
	switch v.(type) {
	case nil, bool, map[string]any, []any:
		return "", false
	}
	return openapi.ScalarString(v)
}

// mask masks a text: every encoding of a secret of minSecretLen or more,
// any JSON string that is exactly a secret, the value of a name=value pair
// that is a secret or a credential parameter, and URL passwords.
func (m *masker) mask(s string) string {
	if s == "" {
		return s
	}
	return m.load().text(s)
}

func (st *maskState) text(s string) string {
	s = maskUserinfo(s)
	if st.short {
		s = st.urlPaths(s)
	}
	s = st.pairs(s)
	if st.r != nil {
		s = st.r.Replace(s)
	}
	return s
}

// isSecret reports whether s, as it is or unescaped, is a secret.
func (st *maskState) isSecret(s string) bool {
	if s == "" || len(st.exact) == 0 {
		return false
	}
	if st.exact[s] {
		return true
	}
	if t := strings.TrimSpace(s); len(t) != len(s) && st.exact[t] {
		return true
	}
	pct, plus := false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			pct = true
		case '+':
			plus = true
		}
	}
	if pct {
		if u, err := url.PathUnescape(s); err == nil && st.exact[u] {
			return true
		}
	}
	if pct || plus {
		if u, err := url.QueryUnescape(s); err == nil && st.exact[u] {
			return true
		}
	}
	return false
}

func isPairKeyDelim(c byte) bool {
	return strings.IndexByte("&?; \t\r\n\"'<>,{}[]()/=", c) >= 0
}

func isPairValueDelim(c byte) bool {
	return strings.IndexByte("&; \t\r\n\"'<>#,", c) >= 0
}

// maxPairKey bounds how far back a pair's name is looked for.
const maxPairKey = 256

// pairs masks the value of every name=value pair (query strings, form
// bodies, cookies, matrix parameters) whose name is a credential parameter
// or whose value is a secret.
func (st *maskState) pairs(s string) string {
	if len(st.params) == 0 && len(st.exact) == 0 || strings.IndexByte(s, '=') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		k := i
		for k > 0 && i-k < maxPairKey && !isPairKeyDelim(s[k-1]) {
			k--
		}
		j := i + 1
		for j < len(s) && !isPairValueDelim(s[j]) {
			j++
		}
		key, val := s[k:i], s[i+1:j]
		if !st.isSecret(val) {
			// "GET http://h/p?key=v: refused": the colon ends the value.
			if t := strings.TrimRight(val, ":."); t != val && (st.isSecret(t) || st.isParam(key)) {
				j -= len(val) - len(t)
				val = t
			}
		}
		if val != "" && val != Mask && (st.isParam(key) || st.isSecret(val)) {
			b.WriteString(s[last : i+1])
			b.WriteString(Mask)
			last = j
		}
		i = j - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func (st *maskState) isParam(key string) bool {
	if key == "" || len(st.params) == 0 {
		return false
	}
	if st.params[key] {
		return true
	}
	u, err := url.QueryUnescape(key)
	return err == nil && st.params[u]
}

// urlEnd holds the bytes that end a URL in a text; authorityEnd those that
// end its authority (a table: the scan runs over every URL of every
// record).
var urlEnd, authorityEnd = byteSet(" \t\r\n\"'<>"), byteSet("/?# \t\r\n\"'<>")

func byteSet(s string) (t [256]bool) {
	for i := 0; i < len(s); i++ {
		t[s[i]] = true
	}
	return t
}

// maskUserinfo replaces the password of every URL in s by Mask.
func maskUserinfo(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	last := 0
	for off := 0; ; {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			break
		}
		start := off + i + 3
		end := start
		for end < len(s) && !authorityEnd[s[end]] {
			end++
		}
		auth := s[start:end]
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			if c := strings.IndexByte(auth[:at], ':'); c >= 0 && auth[c+1:at] != Mask {
				b.WriteString(s[last : start+c+1])
				b.WriteString(Mask)
				last = start + at
			}
		}
		off = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// url masks a request URL: its password, every path segment that is a
// secret, query parameters by name and value, then as text. (Path
// segments matter for short secrets only: text replaces longer ones
// wherever they are.)
func (m *masker) url(s string) string {
	if s == "" {
		return s
	}
	return m.load().text(s)
}

// maskSegment masks a path segment that is a secret, keeping punctuation
// a message put after it ("GET http://h/p/x: refused").
func (st *maskState) maskSegment(seg string) (string, bool) {
	if seg == "" {
		return seg, false
	}
	if st.isSecret(seg) {
		return Mask, true
	}
	if t := strings.TrimRight(seg, ":,."); t != seg && st.isSecret(t) {
		return Mask + seg[len(t):], true
	}
	return seg, false
}

// urlPaths masks, in every absolute URL in s (an error message, say), the
// path segments that are secrets: what a short secret in a path needs.
func (st *maskState) urlPaths(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	last := 0
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			break
		}
		start := off + i
		for start > 0 && isSchemeChar(s[start-1]) {
			start--
		}
		end := off + i + 3
		for end < len(s) && !urlEnd[s[end]] {
			end++
		}
		if u := s[start:end]; u != "" {
			if m := st.pathSegments(u); m != u {
				b.WriteString(s[last:start])
				b.WriteString(m)
				last = end
			}
		}
		off = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isSchemeChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// pathSegments masks the path segments of URL s that are secrets.
func (st *maskState) pathSegments(s string) string {
	if len(st.exact) == 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		j := strings.IndexByte(s[i+3:], '/')
		if j < 0 {
			return s
		}
		start = i + 3 + j
	}
	end := len(s)
	if k := strings.IndexAny(s[start:], "?#"); k >= 0 {
		end = start + k
	}
	path := s[start:end]
	found := false
	for rest := path; rest != "" && !found; {
		seg := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		_, found = st.maskSegment(seg)
	}
	if !found {
		return s
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		segs[i], _ = st.maskSegment(seg)
	}
	return s[:start] + strings.Join(segs, "/") + s[end:]
}

// header returns a masked copy of h: sensitive and credential headers and
// values that are secrets (alone or after an auth scheme) whole, the rest
// as text.
func (m *masker) header(h http.Header) http.Header {
	st := m.load()
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		whole := sensitiveHeaders[ck] || st.headers[ck]
		cp := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case whole || st.isSecret(v):
				cp[i] = Mask
			case strings.IndexByte(v, ' ') > 0 && st.isSecret(v[strings.LastIndexByte(v, ' ')+1:]):
				cp[i] = v[:strings.LastIndexByte(v, ' ')+1] + Mask
			default:
				cp[i] = st.text(v)
			}
		}
		out[k] = cp
	}
	return out
}

// body returns a masked copy of a request or response body: a body that
// is a secret whole; a JSON body with every member that is a secret
// masked (re-encoded when one is); then as text.
func (m *masker) body(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	st := m.load()
	s := string(b)
	if st.isSecret(s) {
		return []byte(Mask)
	}
	s = st.text(s)
	if st.short {
		// Short secrets that are JSON members but not strings (numbers)
		// are out of reach of the text rules: decode, mask the members,
		// and re-encode (compact, keys sorted) only when one was a secret.
		if t := strings.TrimSpace(s); t != "" && (t[0] == '{' || t[0] == '[') {
			dec := json.NewDecoder(strings.NewReader(t))
			dec.UseNumber()
			var v any
			if dec.Decode(&v) == nil && !dec.More() {
				if mv, changed := st.value(v, 0); changed {
					var buf bytes.Buffer
					enc := json.NewEncoder(&buf)
					enc.SetEscapeHTML(false)
					if enc.Encode(mv) == nil {
						s = strings.TrimRight(buf.String(), "\n")
					}
				}
			}
		}
	}
	return []byte(s)
}

// maskValue returns v with secrets masked in every leaf (a leaf that is a
// secret becomes Mask, other strings and []byte are masked as text) and in
// every member name; maps and slices are copied only when something
// changes.
func (m *masker) maskValue(v any) any {
	out, _ := m.load().value(v, 0)
	return out
}

func (st *maskState) value(v any, depth int) (any, bool) {
	if depth > maxMaskDepth {
		// Deeper than masking looks: masked whole rather than unread.
		switch v.(type) {
		case map[string]any, []any:
			return Mask, true
		}
	}
	if len(st.exact) == 0 && len(st.params) == 0 {
		if s, ok := v.(string); ok {
			// URL passwords are masked even before any secret is known.
			if r := maskUserinfo(s); r != s {
				return r, true
			}
		}
		return v, false
	}
	switch t := v.(type) {
	case string:
		if st.isSecret(t) {
			return Mask, true
		}
		if r := st.text(t); r != t {
			return r, true
		}
		return v, false // (v, not t: boxing t again would allocate)
	case []byte:
		r := st.body(t)
		return r, !bytes.Equal(r, t)
	case map[string]any:
		var out map[string]any
		for k, x := range t {
			mx, changed := st.value(x, depth+1)
			mk := st.text(k)
			if !changed && mk == k {
				continue
			}
			if out == nil {
				out = make(map[string]any, len(t))
				for k2, x2 := range t {
					out[k2] = x2
				}
			}
			if mk != k {
				delete(out, k)
			}
			out[mk] = mx
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, x := range t {
			mx, changed := st.value(x, depth+1)
			if !changed {
				continue
			}
			if out == nil {
				out = append([]any(nil), t...)
			}
			out[i] = mx
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	if s, ok := scalarText(v); ok {
		if st.isSecret(s) {
			return Mask, true
		}
		if st.r != nil {
			if r := st.r.Replace(s); r != s {
				return r, true
			}
		}
	}
	return v, false
}

// body is masker.body on a snapshot.
func (st *maskState) body(b []byte) []byte {
	m := &masker{}
	m.st.Store(st)
	return m.body(b)
}

// secretPath locates secret inputs: a sequence of member names, where
// any stands for every member or item.
type secretPath []pathSeg

type pathSeg struct {
	name string
	any  bool
}

// each calls fn with the value at p in v, for every match.
func (p secretPath) each(v any, fn func(any)) {
	if len(p) == 0 {
		if v != nil {
			fn(v)
		}
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if p[0].any {
			for _, x := range t {
				p[1:].each(x, fn)
			}
		} else if x, ok := t[p[0].name]; ok {
			p[1:].each(x, fn)
		}
	case []any:
		if p[0].any {
			for _, x := range t {
				p[1:].each(x, fn)
			}
		}
	}
}
