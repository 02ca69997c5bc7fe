package runtime

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"github.com/weftflow/weft/openapi"
)

// send performs the HTTP exchange of req, built with rctx (from
// requestContext; rcancel cancels it, nil when no limit applies), within
// the request limit, telling the observer.
func (ru *run) send(ctx, rctx context.Context, rcancel context.CancelCauseFunc, info StepInfo, req *openapi.Request) (*openapi.Response, error) {
	cfg := &ru.r.cfg
	o := ru.observer
	if o != nil && o.RequestSent != nil {
		o.RequestSent(RequestInfo{
			StepInfo: info, Method: req.HTTP.Method, URL: ru.masker.url(req.HTTP.URL.String()),
			Header: ru.masker.header(req.HTTP.Header), Body: ru.masker.body(req.Body),
		})
	}
	start := time.Now()
	if rcancel != nil {
		if ru.limit == nil {
			ru.limit = limitPool.Get().(*requestLimit)
		}
		ru.limit.arm(rcancel, cfg.limits.RequestTimeout)
		defer ru.limit.disarm()
	}
	hr := req.HTTP
	if pctx := withPlacements(rctx, req.Credentials); pctx != hr.Context() {
		hr = hr.WithContext(pctx)
	}
	if req.Body != nil {
		// A *bytes.Reader in io.NopCloser, which net/http recognizes as in
		// memory: it writes headers and body in one syscall (for another
		// reader it flushes the headers first: two writes per request).
		hr.Body = io.NopCloser(bytes.NewReader(req.Body))
	}
	resp, err := cfg.client.Do(hr)
	if err != nil {
		if rerr := ru.stopError(ctx, rctx, err); rerr != nil {
			return nil, rerr
		}
		return nil, &TransportError{Method: req.HTTP.Method, URL: ru.masker.mask(req.HTTP.URL.Redacted()), Err: unwrapURLError(err)}
	}
	r, err := openapi.ReadResponse(resp, cfg.limits.MaxResponseBytes)
	if err != nil {
		// A body still arriving when the limit fires or the run is
		// cancelled ends the run like a limit reached before the headers.
		if rerr := ru.stopError(ctx, rctx, err); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if r.Truncated {
		return nil, &LimitError{Limit: "MaxResponseBytes", Value: cfg.limits.MaxResponseBytes}
	}
	if o != nil && o.ResponseReceived != nil {
		o.ResponseReceived(ResponseInfo{
			StepInfo: info, StatusCode: r.StatusCode, Header: ru.masker.header(r.Header),
			Body: ru.masker.body(r.Raw), Duration: time.Since(start),
		})
	}
	return r, nil
}

// stopError says whether err, from work done under rctx (ctx bounded by
// RequestTimeout), must end the run rather than fail the step: it is the
// context's error when ctx is done, a LimitError naming RequestTimeout when
// the request limit fired, a LimitError naming MaxResponseBytes for a token
// response over the cap, and nil otherwise (decisions F8).
func (ru *run) stopError(ctx, rctx context.Context, err error) error {
	limits := &ru.r.cfg.limits
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(context.Cause(rctx), context.DeadlineExceeded) {
		return &LimitError{Limit: "RequestTimeout", Value: limits.RequestTimeout}
	}
	var tl *openapi.TooLargeError
	if errors.As(err, &tl) {
		return &LimitError{Limit: "MaxResponseBytes", Value: limits.MaxResponseBytes}
	}
	return nil
}

// build builds the step's request. Security may fetch an OAuth2 token on
// the way, bounded by RequestTimeout (the Authorizer's TokenTimeout): its
// limits and cancellation end the run (stop non-nil) instead of failing the
// step. The observer hears of it as a KindToken exchange of info's step.
func (ru *run) build(ctx, rctx context.Context, info StepInfo, st *step, params []openapi.ParamValue, b *openapi.Body, opts openapi.RequestOptions) (req *openapi.Request, err, stop error) {
	if !st.oauth2 || opts.Auth == nil {
		req, err = st.op.BuildRequest(rctx, params, b, opts)
		if err != nil {
			stop = ru.stopError(ctx, ctx, err)
		}
		return req, err, stop
	}
	req, err = st.op.BuildRequest(ru.tokenContext(ctx, info), params, b, opts)
	if err != nil {
		return req, err, ru.tokenStop(ctx, err)
	}
	// The request outlives the token request's context: give it the
	// request context.
	req.HTTP = req.HTTP.WithContext(rctx)
	return req, nil, nil
}

// sendAuthorized sends req (built by build) through the Authorizer, which
// owns the one resend after a 401 (decisions H3), each send going through
// ru.send; a resent request's new token is learnt by the masker before it
// is sent. It returns the request last sent. stop is non-nil when
// authorizing the resend hit a limit or the run's end (the run ends); any
// other failure to authorize it leaves the step with the 401 response.
func (ru *run) sendAuthorized(ctx, rctx context.Context, rcancel context.CancelCauseFunc, info StepInfo, st *step, req *openapi.Request) (sent *openapi.Request, resp *openapi.Response, err, stop error) {
	actx := ctx
	if st.oauth2 {
		actx = ru.tokenContext(ctx, info)
	}
	sent, resp, err = ru.r.auth.Send(actx, req, func(r *openapi.Request) (*openapi.Response, error) {
		if r != req {
			ru.masker.addRequest(r)
		}
		return ru.send(ctx, rctx, rcancel, info, r)
	})
	if err != nil && resp != nil {
		// The resend could not be authorized.
		if stop = ru.tokenStop(ctx, err); stop == nil {
			err = nil
		}
	}
	return sent, resp, err, stop
}

// tokenContext returns ctx with the observer of the token requests of
// info's step.
func (ru *run) tokenContext(ctx context.Context, info StepInfo) context.Context {
	return openapi.WithTokenObserver(ctx, func(x openapi.TokenExchange) { ru.tokenExchange(info, x) })
}

// tokenStop is stopError for a failure to authorize a request: a token
// request cut short by RequestTimeout (the Authorizer's TokenTimeout) ends
// the run naming that limit.
func (ru *run) tokenStop(ctx context.Context, err error) error {
	if stop := ru.stopError(ctx, ctx, err); stop != nil {
		return stop
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &LimitError{Limit: "RequestTimeout", Value: ru.r.cfg.limits.RequestTimeout}
	}
	return nil
}

func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
