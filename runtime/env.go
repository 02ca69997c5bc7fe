package runtime

import (
	"github.com/weftflow/weft/expression"
)

// env resolves runtime expressions for one step execution.
type env struct {
	ru *run
	f  *frame
	ex *exchange
}

func (e *env) Resolve(ref *expression.Reference) (any, bool) {
	switch ref.Root {
	case expression.RootStatusCode:
		if e.ex == nil || e.ex.resp == nil {
			return nil, false
		}
		return e.ex.resp.StatusCode, true
	case expression.RootURL:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		return e.ru.masker.url(e.ex.req.HTTP.URL.String()), true
	case expression.RootMethod:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		return e.ex.req.HTTP.Method, true
	case expression.RootRequest:
		if e.ex == nil || e.ex.req == nil {
			return nil, false
		}
		req := e.ex.req
		switch ref.Field {
		case "header":
			vs := req.HTTP.Header.Values(ref.Name)
			if len(vs) == 0 {
				return nil, false
			}
			return vs[0], true
		case "query":
			v, ok := req.QueryParams[ref.Name]
			return v, ok
		case "path":
			v, ok := req.PathParams[ref.Name]
			return v, ok
		case "body":
			if req.BodyValue == nil && req.Body == nil {
				return nil, false
			}
			if req.BodyValue != nil {
				return req.BodyValue, true
			}
			return string(req.Body), true
		}
	case expression.RootResponse:
		if e.ex == nil || e.ex.resp == nil {
			return nil, false
		}
		switch ref.Field {
		case "header":
			vs := e.ex.resp.Header.Values(ref.Name)
			if len(vs) == 0 {
				return nil, false
			}
			return vs[0], true
		case "body":
			return e.ex.resp.Body, true
		}
	case expression.RootInputs:
		v, ok := e.f.inputs[ref.Name]
		return v, ok
	case expression.RootOutputs:
		if e.ex == nil || e.ex.calleeOut == nil {
			if e.ex != nil && e.ex.outputs != nil {
				v, ok := e.ex.outputs[ref.Name]
				return v, ok
			}
			return nil, false
		}
		v, ok := e.ex.calleeOut[ref.Name]
		return v, ok
	case expression.RootSteps:
		outs, ok := e.f.outputs[ref.ID]
		if !ok {
			return nil, false
		}
		if ref.Field != "" && ref.Field != "outputs" {
			return nil, false
		}
		if ref.Name == "" {
			return outs, true
		}
		v, ok := outs[ref.Name]
		return v, ok
	case expression.RootWorkflows:
		var m map[string]any
		switch ref.Field {
		case "inputs":
			m = e.ru.wfInputs[ref.ID]
		case "outputs":
			m = e.ru.wfOutputs[ref.ID]
		}
		if m == nil {
			return nil, false
		}
		if ref.Name == "" {
			return m, true
		}
		v, ok := m[ref.Name]
		return v, ok
	case expression.RootSourceDescriptions:
		for _, sd := range e.f.w.doc.SourceDescriptions {
			if sd.Name != ref.ID {
				continue
			}
			switch ref.Name {
			case "url":
				return sd.URL, true
			case "type":
				return sd.Type, true
			case "name":
				return sd.Name, true
			}
			return ref.Name, true
		}
	case expression.RootComponents:
		c := e.f.w.doc.Components
		if c == nil {
			return nil, false
		}
		switch ref.Field {
		case "parameters":
			if p := c.Parameters[ref.Name]; p != nil {
				return p.Value, true
			}
		case "inputs":
			if v, ok := c.Inputs[ref.Name]; ok {
				return v, true
			}
		}
	}
	return nil, false
}
