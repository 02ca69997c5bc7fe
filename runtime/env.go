package runtime

import (
	"github.com/weftflow/weft/arazzo"
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
		// The id was resolved at compile time (see link): two workflows
		// of different documents may share an id.
		t := e.f.w.named[ref.ID]
		var m map[string]any
		switch ref.Field {
		case "inputs":
			m = e.ru.wfInputs[t]
		case "outputs":
			m = e.ru.wfOutputs[t]
		}
		if m == nil {
			return nil, false
		}
		if ref.Name == "" {
			return m, true
		}
		v, ok := m[ref.Name]
		return v, ok
	case expression.RootSourceDescriptions, expression.RootComponents:
		v, ok := e.ru.r.consts[ref]
		return v, ok
	}
	return nil, false
}

// link resolves, once at compile time, the references of an expression of
// the workflow being compiled that name parts of its document (decisions
// F6a), so that evaluating them follows what was resolved instead of
// looking names up: a $workflows id becomes the workflow arazzo resolves
// it to (Document.ExpressionWorkflow), kept in the document's named
// table; $sourceDescriptions and $components references, whose values
// the document fixes, become those values in Runner.consts. A reference
// that does not resolve is left out and evaluates to nothing, as before
// (the validator reports it).
func (c *compiler) link(refs []*expression.Reference) {
	w := c.cur
	for _, ref := range refs {
		if ref == nil {
			continue
		}
		switch ref.Root {
		case expression.RootWorkflows:
			if _, done := w.named[ref.ID]; !done {
				w.named[ref.ID] = c.r.workflows[w.doc.ExpressionWorkflow(ref.ID)]
			}
		case expression.RootSourceDescriptions, expression.RootComponents:
			if v, ok := constValue(w.doc, ref); ok {
				c.r.consts[ref] = v
			}
		}
	}
}

// constValue is the value of a $sourceDescriptions or $components
// reference of doc: a source description's url, type or name (any other
// field, an operationId or workflowId, evaluates to itself), a component
// parameter's value, a component inputs schema.
func constValue(doc *arazzo.Document, ref *expression.Reference) (any, bool) {
	if ref.Root == expression.RootSourceDescriptions {
		sd := doc.Source(ref.ID)
		if sd == nil {
			return nil, false
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
	c := doc.Components
	if c == nil {
		return nil, false
	}
	switch ref.Field {
	case "parameters":
		if p := c.Parameters[ref.Name]; p != nil {
			return p.Value, true
		}
	case "inputs":
		v, ok := c.Inputs[ref.Name]
		return v, ok
	}
	return nil, false
}
