// Package webhook verifies the signatures of inbound webhooks and signs
// outbound ones.
//
// Inbound, a [Verifier] built by [New] from a [Config] checks a delivery's
// signature over its raw body for one of the presets: Standard Webhooks
// ("standard-webhooks"), Hookdeck ("hookdeck"), Stripe ("stripe"), GitHub
// ("github") and a generic HMAC ("hmac") whose header, algorithm, encoding
// and prefix are configured. Several secrets may be active at once (key
// rotation): a delivery signed by any of them is accepted. Every candidate
// signature is compared with every secret's expected MAC in constant time
// ([hmac.Equal]), and a failed check is an [*Error] whose [Reason] says why
// without ever quoting a secret or a signature.
//
// Outbound, a [Signer] signs a body per Standard Webhooks and [NewSecret]
// makes a fresh whsec_ secret.
//
// Hostile input is expected: the signature header is capped at
// [MaxHeaderBytes] and at most [MaxSignatures] signatures are parsed; both
// budgets name themselves in the error when reached. Verify never panics.
//
// Only the standard library is used.
package webhook

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"time"
)

// The preset names accepted in [Config.Preset].
const (
	// PresetStandardWebhooks is the Standard Webhooks scheme: webhook-id,
	// webhook-timestamp and webhook-signature ("v1,<base64>" entries,
	// HMAC-SHA256 over "id.timestamp.body", whsec_ secrets).
	PresetStandardWebhooks = "standard-webhooks"
	// PresetHookdeck is Hookdeck's destination signature: base64
	// HMAC-SHA256 of the body in x-hookdeck-signature (and, while its
	// secret is rolled, x-hookdeck-signature-2).
	PresetHookdeck = "hookdeck"
	// PresetStripe is Stripe's scheme: Stripe-Signature "t=<unix>,v1=<hex>",
	// HMAC-SHA256 over "t.body".
	PresetStripe = "stripe"
	// PresetGitHub is GitHub's scheme: X-Hub-Signature-256 "sha256=<hex>",
	// HMAC-SHA256 of the body.
	PresetGitHub = "github"
	// PresetHMAC is a generic HMAC of the body in a configured header.
	PresetHMAC = "hmac"
)

// Budgets on what Verify parses.
const (
	// MaxHeaderBytes caps the total length of a signature header's values
	// (and of each other header a preset reads); longer is ReasonMalformed.
	MaxHeaderBytes = 8 << 10
	// MaxSignatures caps the number of signature entries parsed from one
	// delivery; more is ReasonMalformed.
	MaxSignatures = 64
	// DefaultTolerance is the timestamp tolerance used when
	// Config.Tolerance is 0.
	DefaultTolerance = 5 * time.Minute
)

// Config selects and parameterises a verifier.
type Config struct {
	// Preset is one of [Presets]: "standard-webhooks", "hookdeck",
	// "stripe", "github" or "hmac".
	Preset string
	// Secrets are the active secrets; a delivery signed by any of them is
	// accepted (rotation). For standard-webhooks a secret is "whsec_"
	// followed by the base64 key (the prefix is optional; what follows is
	// always base64, as in the Standard Webhooks reference libraries). For
	// every other preset a secret's bytes are the HMAC key as they are
	// (a Stripe "whsec_..." secret included).
	Secrets []string
	// Tolerance bounds, for the presets with a signed timestamp
	// (standard-webhooks, stripe), how old and how far in the future the
	// timestamp may be. 0 means [DefaultTolerance]; negative is an error.
	// Ignored by the presets without a timestamp.
	Tolerance time.Duration
	// Header names the header holding the signature ("hmac" only;
	// required).
	Header string
	// Algorithm is the HMAC hash: "sha256" (default), "sha1" or "sha512"
	// ("hmac" only).
	Algorithm string
	// Encoding is how the MAC is written: "hex" (default) or "base64"
	// ("hmac" only).
	Encoding string
	// Prefix precedes the encoded MAC in the header, e.g. "sha256=" ("hmac"
	// only; default none).
	Prefix string
}

// Verifier checks inbound deliveries for one configured preset. It is safe
// for concurrent use.
type Verifier interface {
	// Verify checks the signature over the raw body; now is the receiver's
	// clock. It returns the delivery's event id and signed timestamp when
	// the signature is good, and an [*Error] otherwise.
	Verify(h http.Header, body []byte, now time.Time) (Delivery, error)
	// SignatureHeaders lists the headers holding signatures that this
	// verifier reads, so the caller can drop them before storing the
	// request.
	SignatureHeaders() []string
}

// Delivery is what a verified request says about itself.
type Delivery struct {
	// ID is the preset's event id taken from the headers (webhook-id,
	// x-hookdeck-eventid, X-GitHub-Delivery); "" when the preset has none
	// in its headers (stripe, whose id is the body's "id", and hmac).
	// Only standard-webhooks signs its id; the hookdeck and github id
	// headers are not covered by the signature, so a replayed body can
	// carry any id there (see docs/webhooks.md).
	ID string
	// Timestamp is the signed timestamp (standard-webhooks, stripe); zero
	// for presets without one.
	Timestamp time.Time
}

// Reason classifies a verification failure. weft serve answers 401 for
// every reason.
type Reason string

// The reasons a delivery fails verification.
const (
	// ReasonMissing: a header the preset requires (the signature header,
	// or webhook-id / webhook-timestamp) is absent or empty.
	ReasonMissing Reason = "missing"
	// ReasonMalformed: a header does not parse (bad timestamp, no
	// signature of the expected scheme, undecodable value, a budget
	// exceeded).
	ReasonMalformed Reason = "malformed"
	// ReasonMismatch: the header parses but no signature matches any
	// active secret.
	ReasonMismatch Reason = "mismatch"
	// ReasonStale: the signature matches but the signed timestamp is
	// older than the tolerance or further than it in the future.
	ReasonStale Reason = "stale"
)

// Error is a verification failure. Its text names the reason and header
// and never contains a secret or a signature value (nor any other header
// value).
type Error struct {
	// Reason classifies the failure.
	Reason Reason
	// Header is the header at fault ("" when none is).
	Header string
	// Msg says what was wrong, in words.
	Msg string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Header == "" {
		return "webhook: " + string(e.Reason) + ": " + e.Msg
	}
	return "webhook: " + string(e.Reason) + " " + e.Header + ": " + e.Msg
}

func fail(r Reason, header, format string, args ...any) *Error {
	return &Error{Reason: r, Header: header, Msg: fmt.Sprintf(format, args...)}
}

// ConfigError is an error of [New] or [Signer.Sign]: Field names the bad
// field of the Config (e.g. "Secrets[1]", "Algorithm"). It never contains a
// secret.
type ConfigError struct {
	// Field is the Config field at fault.
	Field string
	// Msg says what is wrong with it.
	Msg string
}

// Error implements error.
func (e *ConfigError) Error() string { return "webhook: config " + e.Field + ": " + e.Msg }

// Presets returns the preset names New accepts.
func Presets() []string {
	return []string{PresetStandardWebhooks, PresetHookdeck, PresetStripe, PresetGitHub, PresetHMAC}
}

// DedupKey returns the runtime expression of a preset's default dedup key:
// "$request.header.webhook-id" (standard-webhooks),
// "$request.header.x-hookdeck-eventid" (hookdeck), "$request.body#/id"
// (stripe), "$request.header.X-GitHub-Delivery" (github), and "" for hmac
// or an unknown preset.
func DedupKey(preset string) string {
	switch preset {
	case PresetStandardWebhooks:
		return "$request.header." + hdrWebhookID
	case PresetHookdeck:
		return "$request.header." + hdrHookdeckEventID
	case PresetStripe:
		return "$request.body#/id"
	case PresetGitHub:
		return "$request.header." + hdrGitHubDelivery
	}
	return ""
}

// SignatureHeaders lists the signature headers a fixed preset reads, so the
// caller can drop them before storing the request; nil for "hmac" (whose
// header is configured: use [Verifier.SignatureHeaders]) and for an unknown
// preset.
func SignatureHeaders(preset string) []string {
	switch preset {
	case PresetStandardWebhooks:
		return []string{hdrWebhookSignature}
	case PresetHookdeck:
		return []string{hdrHookdeckSignature, hdrHookdeckSignature2}
	case PresetStripe:
		return []string{hdrStripeSignature}
	case PresetGitHub:
		return []string{hdrGitHubSignature256, hdrGitHubSignature1}
	}
	return nil
}

// Header names, as the providers write them.
const (
	hdrWebhookID          = "webhook-id"
	hdrWebhookTimestamp   = "webhook-timestamp"
	hdrWebhookSignature   = "webhook-signature"
	hdrHookdeckSignature  = "x-hookdeck-signature"
	hdrHookdeckSignature2 = "x-hookdeck-signature-2"
	hdrHookdeckEventID    = "x-hookdeck-eventid"
	hdrStripeSignature    = "Stripe-Signature"
	hdrGitHubSignature256 = "X-Hub-Signature-256"
	hdrGitHubSignature1   = "X-Hub-Signature"
	hdrGitHubDelivery     = "X-GitHub-Delivery"
)

// New builds the verifier c describes. Its errors are [*ConfigError]s
// naming the bad field.
func New(c Config) (Verifier, error) {
	if c.Tolerance < 0 {
		return nil, &ConfigError{Field: "Tolerance", Msg: "must not be negative"}
	}
	tol := c.Tolerance
	if tol == 0 {
		tol = DefaultTolerance
	}
	if len(c.Secrets) == 0 {
		return nil, &ConfigError{Field: "Secrets", Msg: "at least one secret is required"}
	}
	if c.Preset != PresetHMAC {
		for field, v := range map[string]string{"Header": c.Header, "Algorithm": c.Algorithm, "Encoding": c.Encoding, "Prefix": c.Prefix} {
			if v != "" {
				return nil, &ConfigError{Field: field, Msg: fmt.Sprintf("is for the %q preset only, not %q", PresetHMAC, c.Preset)}
			}
		}
	}
	raw := func() ([][]byte, error) {
		keys := make([][]byte, len(c.Secrets))
		for i, s := range c.Secrets {
			if s == "" {
				return nil, &ConfigError{Field: fmt.Sprintf("Secrets[%d]", i), Msg: "is empty"}
			}
			keys[i] = []byte(s)
		}
		return keys, nil
	}
	switch c.Preset {
	case PresetStandardWebhooks:
		keys := make([][]byte, len(c.Secrets))
		for i, s := range c.Secrets {
			k, err := decodeStandardSecret(s)
			if err != nil {
				return nil, &ConfigError{Field: fmt.Sprintf("Secrets[%d]", i), Msg: err.Error()}
			}
			keys[i] = k
		}
		return &standardVerifier{keys: keys, tol: tol}, nil
	case PresetHookdeck:
		keys, err := raw()
		if err != nil {
			return nil, err
		}
		return &hookdeckVerifier{keys: keys}, nil
	case PresetStripe:
		keys, err := raw()
		if err != nil {
			return nil, err
		}
		return &stripeVerifier{keys: keys, tol: tol}, nil
	case PresetGitHub:
		keys, err := raw()
		if err != nil {
			return nil, err
		}
		return &hmacVerifier{keys: keys, header: hdrGitHubSignature256, prefix: "sha256=", newHash: sha256.New,
			encoding: "hex", idHeader: hdrGitHubDelivery, dropHeaders: SignatureHeaders(PresetGitHub)}, nil
	case PresetHMAC:
		keys, err := raw()
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(c.Header) == "" {
			return nil, &ConfigError{Field: "Header", Msg: "is required for the hmac preset"}
		}
		if !validHeaderName(c.Header) {
			return nil, &ConfigError{Field: "Header", Msg: "is not a valid header name"}
		}
		var nh func() hash.Hash
		switch c.Algorithm {
		case "", "sha256":
			nh = sha256.New
		case "sha1":
			nh = sha1.New
		case "sha512":
			nh = sha512.New
		default:
			return nil, &ConfigError{Field: "Algorithm", Msg: fmt.Sprintf("%q is not one of sha256, sha1, sha512", c.Algorithm)}
		}
		enc := c.Encoding
		switch enc {
		case "":
			enc = "hex"
		case "hex", "base64":
		default:
			return nil, &ConfigError{Field: "Encoding", Msg: fmt.Sprintf("%q is not one of hex, base64", c.Encoding)}
		}
		return &hmacVerifier{keys: keys, header: http.CanonicalHeaderKey(c.Header), prefix: c.Prefix, newHash: nh,
			encoding: enc, dropHeaders: []string{http.CanonicalHeaderKey(c.Header)}}, nil
	case "":
		return nil, &ConfigError{Field: "Preset", Msg: "is required (one of " + strings.Join(Presets(), ", ") + ")"}
	}
	return nil, &ConfigError{Field: "Preset", Msg: fmt.Sprintf("%q is not one of %s", c.Preset, strings.Join(Presets(), ", "))}
}

// validHeaderName reports whether s is an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
