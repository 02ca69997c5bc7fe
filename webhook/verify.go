package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// headerText returns all values of header name joined by sep, whether the
// header is present with a non-blank value, and a Malformed error when the
// joined text is over MaxHeaderBytes.
func headerText(h http.Header, name, sep string) (string, bool, *Error) {
	vs := h.Values(name)
	n := 0
	for i, v := range vs {
		n += len(v)
		if i > 0 {
			n += len(sep)
		}
		if n > MaxHeaderBytes {
			return "", true, fail(ReasonMalformed, name, "header is over the %d-byte budget (MaxHeaderBytes)", MaxHeaderBytes)
		}
	}
	s := strings.Join(vs, sep)
	return s, strings.TrimSpace(s) != "", nil
}

// single returns the one value of header name ("" when absent), with a
// Malformed error when it is repeated or over MaxHeaderBytes.
func single(h http.Header, name string) (string, *Error) {
	vs := h.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", fail(ReasonMalformed, name, "header is given %d times, want once", len(vs))
	}
	if len(vs[0]) > MaxHeaderBytes {
		return "", fail(ReasonMalformed, name, "header is over the %d-byte budget (MaxHeaderBytes)", MaxHeaderBytes)
	}
	return strings.TrimSpace(vs[0]), nil
}

// parseUnix parses a unix-seconds timestamp: ASCII digits only (no sign,
// no space), at most what fits an int64.
func parseUnix(s, header string) (time.Time, *Error) {
	if s == "" {
		return time.Time{}, fail(ReasonMalformed, header, "timestamp is empty")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, fail(ReasonMalformed, header, "timestamp is not unix seconds (digits only)")
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fail(ReasonMalformed, header, "timestamp is out of range")
	}
	return time.Unix(n, 0), nil
}

// checkTime reports a Stale error when ts is more than tol before or after
// now. time.Time.Sub saturates, so no value overflows.
func checkTime(ts, now time.Time, tol time.Duration, header string) *Error {
	age := now.Sub(ts)
	if age > tol {
		return fail(ReasonStale, header, "timestamp is %s old, over the %s tolerance", age.Round(time.Second), tol)
	}
	if age < -tol {
		return fail(ReasonStale, header, "timestamp is %s in the future, over the %s tolerance", (-age).Round(time.Second), tol)
	}
	return nil
}

// decodeBase64 decodes standard base64, padded or not; empty is not a
// signature.
func decodeBase64(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}

// matchAny computes the MAC of the concatenated parts under every key and
// compares it with every candidate using hmac.Equal, without stopping at
// the first match, so the time taken does not depend on which one matched.
func matchAny(newHash func() hash.Hash, keys [][]byte, candidates [][]byte, parts ...[]byte) bool {
	ok := 0
	for _, k := range keys {
		m := hmac.New(newHash, k)
		for _, p := range parts {
			m.Write(p)
		}
		sum := m.Sum(nil)
		for _, c := range candidates {
			if hmac.Equal(sum, c) {
				ok |= 1
			}
		}
	}
	return ok == 1
}

var dot = []byte{'.'}

// standardVerifier verifies Standard Webhooks deliveries.
type standardVerifier struct {
	keys [][]byte
	tol  time.Duration
}

func (v *standardVerifier) SignatureHeaders() []string {
	return SignatureHeaders(PresetStandardWebhooks)
}

func (v *standardVerifier) Verify(h http.Header, body []byte, now time.Time) (Delivery, error) {
	sigText, present, e := headerText(h, hdrWebhookSignature, " ")
	if e != nil {
		return Delivery{}, e
	}
	if !present {
		return Delivery{}, fail(ReasonMissing, hdrWebhookSignature, "no signature header")
	}
	id, e := single(h, hdrWebhookID)
	if e != nil {
		return Delivery{}, e
	}
	if id == "" {
		return Delivery{}, fail(ReasonMissing, hdrWebhookID, "no message id header")
	}
	tsText, e := single(h, hdrWebhookTimestamp)
	if e != nil {
		return Delivery{}, e
	}
	if tsText == "" {
		return Delivery{}, fail(ReasonMissing, hdrWebhookTimestamp, "no timestamp header")
	}
	ts, e := parseUnix(tsText, hdrWebhookTimestamp)
	if e != nil {
		return Delivery{}, e
	}
	entries := strings.Fields(sigText)
	if len(entries) > MaxSignatures {
		return Delivery{}, fail(ReasonMalformed, hdrWebhookSignature, "%d signatures, over the budget of %d (MaxSignatures)", len(entries), MaxSignatures)
	}
	var cands [][]byte
	v1 := 0
	for i, en := range entries {
		ver, sig, ok := strings.Cut(en, ",")
		if !ok {
			return Delivery{}, fail(ReasonMalformed, hdrWebhookSignature, "signature %d has no version (want v1,<base64>)", i+1)
		}
		if ver != "v1" { // other schemes (v1a, future versions) are skipped, per the spec
			continue
		}
		v1++
		if b, ok := decodeBase64(sig); ok {
			cands = append(cands, b)
		}
	}
	if v1 == 0 {
		return Delivery{}, fail(ReasonMalformed, hdrWebhookSignature, "no v1 signature")
	}
	if len(cands) == 0 {
		return Delivery{}, fail(ReasonMalformed, hdrWebhookSignature, "no v1 signature is valid base64")
	}
	if !matchAny(sha256.New, v.keys, cands, []byte(id), dot, []byte(tsText), dot, body) {
		return Delivery{}, fail(ReasonMismatch, hdrWebhookSignature, "no signature matches an active secret")
	}
	if e := checkTime(ts, now, v.tol, hdrWebhookTimestamp); e != nil {
		return Delivery{}, e
	}
	return Delivery{ID: id, Timestamp: ts}, nil
}

// hookdeckVerifier verifies Hookdeck destination signatures.
type hookdeckVerifier struct {
	keys [][]byte
}

func (v *hookdeckVerifier) SignatureHeaders() []string { return SignatureHeaders(PresetHookdeck) }

func (v *hookdeckVerifier) Verify(h http.Header, body []byte, now time.Time) (Delivery, error) {
	var cands [][]byte
	n, present := 0, false
	for _, name := range []string{hdrHookdeckSignature, hdrHookdeckSignature2} {
		if _, _, e := headerText(h, name, ","); e != nil {
			return Delivery{}, e
		}
		for _, val := range h.Values(name) {
			val = strings.TrimSpace(val)
			if val == "" {
				continue
			}
			present = true
			if n++; n > MaxSignatures {
				return Delivery{}, fail(ReasonMalformed, name, "over the budget of %d signatures (MaxSignatures)", MaxSignatures)
			}
			if b, ok := decodeBase64(val); ok {
				cands = append(cands, b)
			}
		}
	}
	if !present {
		return Delivery{}, fail(ReasonMissing, hdrHookdeckSignature, "no signature header")
	}
	if len(cands) == 0 {
		return Delivery{}, fail(ReasonMalformed, hdrHookdeckSignature, "no signature is valid base64")
	}
	id, e := single(h, hdrHookdeckEventID)
	if e != nil {
		return Delivery{}, e
	}
	if !matchAny(sha256.New, v.keys, cands, body) {
		return Delivery{}, fail(ReasonMismatch, hdrHookdeckSignature, "no signature matches an active secret")
	}
	return Delivery{ID: id}, nil
}

// stripeVerifier verifies Stripe-Signature headers.
type stripeVerifier struct {
	keys [][]byte
	tol  time.Duration
}

func (v *stripeVerifier) SignatureHeaders() []string { return SignatureHeaders(PresetStripe) }

func (v *stripeVerifier) Verify(h http.Header, body []byte, now time.Time) (Delivery, error) {
	const name = hdrStripeSignature
	text, present, e := headerText(h, name, ",")
	if e != nil {
		return Delivery{}, e
	}
	if !present {
		return Delivery{}, fail(ReasonMissing, name, "no signature header")
	}
	elems := strings.Split(text, ",")
	if len(elems) > MaxSignatures {
		return Delivery{}, fail(ReasonMalformed, name, "%d elements, over the budget of %d (MaxSignatures)", len(elems), MaxSignatures)
	}
	var tsText string
	seenT := false
	var cands [][]byte
	v1 := 0
	for i, el := range elems {
		el = strings.TrimSpace(el)
		if el == "" {
			continue
		}
		k, val, ok := strings.Cut(el, "=")
		if !ok {
			return Delivery{}, fail(ReasonMalformed, name, "element %d is not key=value", i+1)
		}
		switch k {
		case "t":
			if seenT {
				return Delivery{}, fail(ReasonMalformed, name, "t= is given more than once")
			}
			seenT, tsText = true, val
		case "v1":
			v1++
			if b, ok := hexDecode(val); ok {
				cands = append(cands, b)
			}
		} // v0 and unknown schemes are ignored, as Stripe's libraries do
	}
	if !seenT {
		return Delivery{}, fail(ReasonMalformed, name, "no t= timestamp")
	}
	ts, e := parseUnix(tsText, name)
	if e != nil {
		return Delivery{}, e
	}
	if v1 == 0 {
		return Delivery{}, fail(ReasonMalformed, name, "no v1= signature")
	}
	if len(cands) == 0 {
		return Delivery{}, fail(ReasonMalformed, name, "no v1= signature is valid hex")
	}
	if !matchAny(sha256.New, v.keys, cands, []byte(tsText), dot, body) {
		return Delivery{}, fail(ReasonMismatch, name, "no signature matches an active secret")
	}
	if e := checkTime(ts, now, v.tol, name); e != nil {
		return Delivery{}, e
	}
	return Delivery{Timestamp: ts}, nil
}

// hmacVerifier verifies a MAC of the body in one header: the github preset
// and the generic hmac preset.
type hmacVerifier struct {
	keys        [][]byte
	header      string
	prefix      string
	newHash     func() hash.Hash
	encoding    string // "hex" or "base64"
	idHeader    string // "" for none
	dropHeaders []string
}

func (v *hmacVerifier) SignatureHeaders() []string { return append([]string(nil), v.dropHeaders...) }

func (v *hmacVerifier) Verify(h http.Header, body []byte, now time.Time) (Delivery, error) {
	if _, _, e := headerText(h, v.header, ","); e != nil {
		return Delivery{}, e
	}
	var cands [][]byte
	n, present, prefixed := 0, false, false
	for _, val := range h.Values(v.header) {
		val = strings.TrimSpace(val)
		if val == "" {
			continue
		}
		present = true
		if n++; n > MaxSignatures {
			return Delivery{}, fail(ReasonMalformed, v.header, "over the budget of %d signatures (MaxSignatures)", MaxSignatures)
		}
		enc, ok := strings.CutPrefix(val, v.prefix)
		if !ok {
			continue
		}
		prefixed = true
		var b []byte
		if v.encoding == "hex" {
			b, ok = hexDecode(enc)
		} else {
			b, ok = decodeBase64(enc)
		}
		if ok {
			cands = append(cands, b)
		}
	}
	if !present {
		msg := "no signature header"
		if v.header == hdrGitHubSignature256 && strings.TrimSpace(h.Get(hdrGitHubSignature1)) != "" {
			msg = "no signature header (only the SHA-1 X-Hub-Signature is present; it is not accepted)"
		}
		return Delivery{}, fail(ReasonMissing, v.header, "%s", msg)
	}
	if !prefixed {
		return Delivery{}, fail(ReasonMalformed, v.header, "signature does not start with the prefix %q", v.prefix)
	}
	if len(cands) == 0 {
		return Delivery{}, fail(ReasonMalformed, v.header, "no signature is valid %s", v.encoding)
	}
	var id string
	if v.idHeader != "" {
		var e *Error
		if id, e = single(h, v.idHeader); e != nil {
			return Delivery{}, e
		}
	}
	if !matchAny(v.newHash, v.keys, cands, body) {
		return Delivery{}, fail(ReasonMismatch, v.header, "no signature matches an active secret")
	}
	return Delivery{ID: id}, nil
}

func hexDecode(s string) ([]byte, bool) {
	b, err := hex.DecodeString(s)
	return b, err == nil && len(b) > 0
}
