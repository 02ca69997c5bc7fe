package openapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// TokenExchange is one OAuth2 token request an [Authorizer] sent (a
// client-credentials fetch; a cached token sends none) and what came of
// it, as given to the function installed with [WithTokenObserver].
//
// It is NOT masked: Header carries the client's HTTP basic credentials
// (or Body the client_secret form field) and ResponseBody the issued
// tokens. Secrets lists those values; a caller that shows the exchange
// must mask them first.
type TokenExchange struct {
	// Scheme is the security scheme name.
	Scheme string
	// Method, URL, Header and Body are the request as sent (Body is the
	// form-encoded body).
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// StatusCode is 0 when no response arrived (transport error, timeout,
	// cancel); ResponseHeader and ResponseBody are then nil. ResponseBody
	// is nil too when reading it failed (a body over the cap).
	StatusCode     int
	ResponseHeader http.Header
	ResponseBody   []byte
	// Duration runs from sending the request to the last byte of the
	// response body (or the failure).
	Duration time.Duration
	// Err is the error the token request failed with (nil: a token was
	// issued), as Apply returns it: without secrets.
	Err error
	// Secrets are the secret values in the exchange: the client secret
	// (raw and form-encoded), the basic credentials as encoded in the
	// Authorization header, and every access_token, refresh_token and
	// id_token string of a JSON response body.
	Secrets []string
}

type tokenObserverKey struct{}

// WithTokenObserver returns a context that makes an Authorizer call fn
// after each OAuth2 token request it sends under that context (Apply,
// [Operation.BuildRequest]), once the exchange has ended, successfully or
// not. fn runs on the goroutine that fetches the token; a caller sharing
// that fetch (or using a cached token) does not see it. A nil fn removes
// the observer.
func WithTokenObserver(ctx context.Context, fn func(TokenExchange)) context.Context {
	return context.WithValue(ctx, tokenObserverKey{}, fn)
}

func tokenObserver(ctx context.Context) func(TokenExchange) {
	fn, _ := ctx.Value(tokenObserverKey{}).(func(TokenExchange))
	return fn
}

// tokenRequestSecrets lists the secrets a token request for c carries.
func tokenRequestSecrets(c Credential, inBody bool) []string {
	s := []string{c.ClientSecret, url.QueryEscape(c.ClientSecret)}
	if !inBody {
		s = append(s, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ClientID)+":"+url.QueryEscape(c.ClientSecret))))
	}
	return s
}

// issuedTokens lists the token strings of a JSON token response body.
func issuedTokens(body []byte) []string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	var out []string
	for _, k := range []string{"access_token", "refresh_token", "id_token"} {
		if s, ok := m[k].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
