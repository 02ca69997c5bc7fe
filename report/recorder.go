package report

import (
	"net/http"
	"sync"
	"time"

	"github.com/weftflow/weft/runtime"
)

// Exchange is one HTTP exchange seen by a Recorder: the request as the
// runtime sent it and the response, if one arrived. Both come from the
// runtime's observer events, so their URLs, headers and bodies have
// secrets masked.
type Exchange struct {
	Step    runtime.StepInfo
	Started time.Time
	Request runtime.RequestInfo
	// Response is nil when no response arrived (a transport error, a
	// timeout, a cancelled run).
	Response *runtime.ResponseInfo
}

// Recorder is a runtime observer that keeps every HTTP exchange of a run,
// OAuth2 token requests included (Request.Kind [runtime.KindToken]), and
// which exchange belongs to which step execution (never a token request), for the JSON report
// (request and response excerpts) and the HAR file. It is safe for
// concurrent use; its zero value is ready.
type Recorder struct {
	mu        sync.Mutex
	exchanges []Exchange
	pending   map[stepKey]int // last exchange of a step execution in flight
	tokens    map[stepKey]int // last token exchange of a step execution
	stepEx    []int           // per StepFinished call, in order: exchange index or -1
	now       func() time.Time
}

type stepKey struct{ run, wf, step string }

// Observer returns the observer that feeds the recorder.
func (r *Recorder) Observer() *runtime.Observer {
	return &runtime.Observer{
		StepStarted:      r.stepStarted,
		RequestSent:      r.requestSent,
		ResponseReceived: r.responseReceived,
		StepFinished:     r.stepFinished,
	}
}

func (r *Recorder) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

func keyOf(i runtime.StepInfo) stepKey { return stepKey{i.RunID, i.WorkflowID, i.StepID} }

func (r *Recorder) stepStarted(i runtime.StepInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == nil {
		r.pending = map[stepKey]int{}
	}
	r.pending[keyOf(i)] = -1
}

func (r *Recorder) requestSent(q runtime.RequestInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == nil {
		r.pending = map[stepKey]int{}
	}
	q.Header = q.Header.Clone()
	r.exchanges = append(r.exchanges, Exchange{Step: q.StepInfo, Started: r.clock(), Request: q})
	if q.Kind == runtime.KindToken {
		// A token request is in the HAR but is not the step's exchange.
		if r.tokens == nil {
			r.tokens = map[stepKey]int{}
		}
		r.tokens[keyOf(q.StepInfo)] = len(r.exchanges) - 1
		return
	}
	r.pending[keyOf(q.StepInfo)] = len(r.exchanges) - 1
}

func (r *Recorder) responseReceived(p runtime.ResponseInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	set := r.pending
	if p.Kind == runtime.KindToken {
		set = r.tokens
	}
	i, ok := set[keyOf(p.StepInfo)]
	if !ok || i < 0 || r.exchanges[i].Response != nil {
		return
	}
	p.Header = p.Header.Clone()
	if p.Header == nil {
		p.Header = http.Header{}
	}
	if p.Kind == runtime.KindToken {
		// The runtime reports a token request once it has ended.
		delete(r.tokens, keyOf(p.StepInfo))
		r.exchanges[i].Started = r.exchanges[i].Started.Add(-p.Duration)
	}
	r.exchanges[i].Response = &p
}

func (r *Recorder) stepFinished(s runtime.StepRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := stepKey{"", s.WorkflowID, s.StepID}
	idx := -1
	for pk, i := range r.pending {
		if pk.wf == k.wf && pk.step == k.step {
			idx = i
			delete(r.pending, pk)
			break
		}
	}
	r.stepEx = append(r.stepEx, idx)
}

// Exchanges returns the exchanges recorded so far, in the order the
// requests were sent.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.exchanges...)
}

// StepExchange returns the last exchange of the i-th step execution of the
// run (the i-th element of Result.Steps), if it sent a request.
func (r *Recorder) StepExchange(i int) (Exchange, bool) {
	if r == nil {
		return Exchange{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.stepEx) || r.stepEx[i] < 0 {
		return Exchange{}, false
	}
	return r.exchanges[r.stepEx[i]], true
}

// Observers combines observers into one that calls each non-nil callback
// in order.
func Observers(list ...*runtime.Observer) *runtime.Observer {
	var o runtime.Observer
	for _, x := range list {
		if x == nil {
			continue
		}
		x := x
		if f := x.StepStarted; f != nil {
			prev := o.StepStarted
			o.StepStarted = func(i runtime.StepInfo) {
				if prev != nil {
					prev(i)
				}
				f(i)
			}
		}
		if f := x.StepFinished; f != nil {
			prev := o.StepFinished
			o.StepFinished = func(s runtime.StepRecord) {
				if prev != nil {
					prev(s)
				}
				f(s)
			}
		}
		if f := x.RequestSent; f != nil {
			prev := o.RequestSent
			o.RequestSent = func(q runtime.RequestInfo) {
				if prev != nil {
					prev(q)
				}
				f(q)
			}
		}
		if f := x.ResponseReceived; f != nil {
			prev := o.ResponseReceived
			o.ResponseReceived = func(p runtime.ResponseInfo) {
				if prev != nil {
					prev(p)
				}
				f(p)
			}
		}
	}
	return &o
}
