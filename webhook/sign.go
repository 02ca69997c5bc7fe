package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// secretPrefix precedes the base64 key of a Standard Webhooks secret.
const secretPrefix = "whsec_"

// decodeStandardSecret turns a Standard Webhooks secret into its HMAC key:
// the optional whsec_ prefix is dropped and the rest base64-decoded. The
// error never quotes the secret.
func decodeStandardSecret(s string) ([]byte, error) {
	b64 := strings.TrimPrefix(strings.TrimSpace(s), secretPrefix)
	if b64 == "" {
		return nil, errors.New("is empty (want whsec_<base64 key>)")
	}
	k, ok := decodeBase64(b64)
	if !ok {
		return nil, errors.New("is not base64 after the optional whsec_ prefix (a Standard Webhooks secret is whsec_<base64 key>)")
	}
	if len(k) == 0 {
		return nil, errors.New("decodes to an empty key")
	}
	return k, nil
}

// Signer signs outbound webhooks per Standard Webhooks.
type Signer struct {
	// Secret is the signing secret, "whsec_" followed by the base64 key
	// (as made by [NewSecret]); the prefix is optional.
	Secret string
}

// Sign returns the webhook-id, webhook-timestamp and webhook-signature
// headers for body: the signature is "v1," followed by the base64
// HMAC-SHA256 of "id.timestamp.body" under the secret's key, with the
// timestamp in unix seconds. id must be non-empty, at most MaxHeaderBytes
// and free of control characters and spaces; ts must not be before 1970.
// Errors are [*ConfigError]s and never quote the secret.
func (s Signer) Sign(id string, ts time.Time, body []byte) (http.Header, error) {
	key, err := decodeStandardSecret(s.Secret)
	if err != nil {
		return nil, &ConfigError{Field: "Secret", Msg: err.Error()}
	}
	if id == "" {
		return nil, &ConfigError{Field: "id", Msg: "is empty"}
	}
	if len(id) > MaxHeaderBytes {
		return nil, &ConfigError{Field: "id", Msg: "is over the MaxHeaderBytes budget"}
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] == 0x7f {
			return nil, &ConfigError{Field: "id", Msg: "contains a space or control character"}
		}
	}
	if ts.Unix() < 0 {
		return nil, &ConfigError{Field: "ts", Msg: "is before 1970"}
	}
	tsText := strconv.FormatInt(ts.Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write(dot)
	m.Write([]byte(tsText))
	m.Write(dot)
	m.Write(body)
	h := http.Header{}
	h.Set(hdrWebhookID, id)
	h.Set(hdrWebhookTimestamp, tsText)
	h.Set(hdrWebhookSignature, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return h, nil
}

// NewSecret returns a fresh Standard Webhooks secret: "whsec_" and the
// base64 of 32 bytes from crypto/rand.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}
