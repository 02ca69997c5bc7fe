package openapi

import (
	"context"
	"net/http"
)

// SendFunc performs one HTTP exchange of a built request and reads its
// response: the transport under [Authorizer.Send]'s policy, the way an
// http.RoundTripper is under an http.Client.
type SendFunc func(req *Request) (*Response, error)

// reauth is what [Authorizer.Send] needs to authorize a copy of a request
// afresh: the Authorizer that put OAuth2 credentials on it, the call, and
// those credentials' schemes.
type reauth struct {
	auth  *Authorizer
	call  call
	oauth []oauthApplied
}

// oauthApplied is an OAuth2 credential security put on a request.
type oauthApplied struct {
	sc     *SecurityScheme
	scopes []string
}

// Send sends req, built with a's credentials, through send, and owns the
// one resend of decisions H3: when the answer is 401 Unauthorized and req
// carries a credential of an OAuth2 scheme, Send drops the cached tokens
// of req's source ([Authorizer.Invalidate]), authorizes a copy of req
// afresh (a client-credentials scheme fetches a new token under ctx, which
// may carry a [WithTokenObserver] observer; the copy's body is req's,
// replayed) and sends the copy once. It returns the request last sent and
// its response.
//
// When the copy cannot be authorized Send returns req, the 401 response
// and the error (no secret in it): the caller decides whether the step
// fails on the 401 or the failure ends the run. A request built without a,
// or whose Authorization header a parameter set, is sent once.
func (a *Authorizer) Send(ctx context.Context, req *Request, send SendFunc) (*Request, *Response, error) {
	resp, err := send(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || a == nil || req.reauth == nil || req.reauth.auth != a {
		return req, resp, err
	}
	again, aerr := a.reauthorize(ctx, req)
	if aerr != nil {
		return req, resp, aerr
	}
	resp, err = send(again)
	return again, resp, err
}

// reauthorize returns a copy of r whose OAuth2 credentials are applied
// afresh, after dropping the cached tokens of r's source.
func (a *Authorizer) reauthorize(ctx context.Context, r *Request) (*Request, error) {
	ra := r.reauth
	a.Invalidate(ra.call.source)
	hr := r.HTTP.Clone(r.HTTP.Context())
	if hr.GetBody != nil {
		if b, err := hr.GetBody(); err == nil {
			hr.Body = b
		}
	}
	out := *r
	out.HTTP = hr
	secrets := append([]string(nil), r.Secrets...)
	for _, p := range ra.oauth {
		cred, ok, err := a.Credentials.Credential(ctx, ra.call.source, p.sc)
		if err != nil {
			return nil, credentialsError(ra.call.source, p.sc, err)
		}
		if !ok || !usable(p.sc, cred) {
			// The scheme's credentials are gone: the copy keeps the ones
			// it has.
			continue
		}
		s, err := a.applyOne(ctx, hr, ra.call, p.sc, cred, p.scopes)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, s...)
	}
	out.Secrets = secrets
	return &out, nil
}
