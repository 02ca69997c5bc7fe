package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/weftflow/weft/expression"
)

// event is what a trigger hands to a flow: the request a webhook received,
// the synthetic body of a schedule tick, or nothing for a manual start. It
// is the expression.Env of the flow's input mapping and dedup key: only
// $request.header, $request.query and $request.body resolve.
type event struct {
	header http.Header
	query  url.Values
	raw    []byte
	// body is the decoded JSON body; bodyErr says why the body is not
	// JSON (nil when it is, or when there is none).
	body    any
	hasBody bool
	bodyErr error
}

// errNotJSON marks a body that a mapping reads as JSON but that is not.
var errNotJSON = errors.New("the body is not JSON")

// newEvent decodes raw once (numbers kept exact, as json.Number).
func newEvent(header http.Header, rawQuery string, raw []byte) *event {
	ev := &event{header: header, raw: raw}
	if rawQuery != "" {
		ev.query, _ = url.ParseQuery(rawQuery)
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			ev.bodyErr = fmt.Errorf("%w: %v", errNotJSON, err)
		} else if dec.More() {
			ev.bodyErr = fmt.Errorf("%w: data after the JSON value", errNotJSON)
		} else {
			ev.body, ev.hasBody = v, true
		}
	}
	return ev
}

// Resolve implements expression.Env.
func (ev *event) Resolve(ref *expression.Reference) (any, bool) {
	if ref.Root != expression.RootRequest {
		return nil, false
	}
	switch ref.Field {
	case "header":
		vs := ev.header.Values(ref.Name)
		if len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case "query":
		vs, ok := ev.query[ref.Name]
		if !ok || len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case "body":
		if ev.hasBody {
			return ev.body, true
		}
		if len(ev.raw) > 0 && !ref.HasPointer {
			return string(ev.raw), true
		}
	}
	return nil, false
}

// mapping is a flow's compiled input mapping.
type mapping struct {
	inputs []mappedInput
}

// mappedInput is one input's compiled mapping.
type mappedInput struct {
	name string
	val  expression.Value
	// secret inputs are never stored: they are evaluated again at each
	// attempt, and may not read the event (New refuses that).
	secret bool
	// readsBody is set when the mapping reads $request.body with a pointer.
	readsBody bool
}

// MappingError says why an event's inputs could not be mapped.
type MappingError struct {
	Flow string
	// Input is the input whose mapping failed ("" for the whole body).
	Input string
	Err   error
}

// Error implements error.
func (e *MappingError) Error() string {
	if e.Input == "" {
		return fmt.Sprintf("flow %s: mapping the event: %v", e.Flow, e.Err)
	}
	return fmt.Sprintf("flow %s: input %q: %v", e.Flow, e.Input, e.Err)
}

// Unwrap returns the cause.
func (e *MappingError) Unwrap() error { return e.Err }

// eval maps ev into inputs. With public, only the inputs that are not
// secret are evaluated (what the store keeps); otherwise only the secret
// ones. An input whose mapping resolves to nothing is left out, so that
// the workflow's default (or its required check) decides.
func (m *mapping) eval(flow string, ev *event, secret bool) (map[string]any, error) {
	out := make(map[string]any, len(m.inputs))
	for _, in := range m.inputs {
		if in.secret != secret {
			continue
		}
		if in.readsBody && ev.bodyErr != nil {
			return nil, &MappingError{Flow: flow, Input: in.name, Err: ev.bodyErr}
		}
		v, missing, err := in.val.Eval(ev)
		if err != nil {
			return nil, &MappingError{Flow: flow, Input: in.name, Err: err}
		}
		if v == nil && len(missing) > 0 {
			continue
		}
		out[in.name] = v
	}
	return out, nil
}

// readsEvent reports whether v refers to the event.
func readsEvent(v expression.Value) (reads, body bool) {
	for _, r := range v.References() {
		if r.Root == expression.RootRequest {
			reads = true
			if r.Field == "body" && (r.HasPointer || len(r.Selectors) > 0) {
				body = true
			}
		}
	}
	return reads, body
}

// dropHeaders are never stored: credentials a sender may send.
var dropHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// storedHeader returns the headers of h worth keeping: credentials and
// the preset's signature headers dropped, the rest masked.
func storedHeader(h http.Header, drop []string, mask func(string) string) map[string][]string {
	out := make(map[string][]string, len(h))
outer:
	for k, vs := range h {
		for _, d := range dropHeaders {
			if strings.EqualFold(k, d) {
				continue outer
			}
		}
		for _, d := range drop {
			if strings.EqualFold(k, d) {
				continue outer
			}
		}
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = mask(v)
		}
		out[k] = c
	}
	return out
}
