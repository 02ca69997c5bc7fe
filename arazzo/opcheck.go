package arazzo

import (
	"context"
	"fmt"
	"strings"

	"github.com/weftflow/weft/internal/suggest"
	"github.com/weftflow/weft/openapi"
	"gopkg.in/yaml.v3"
)

// This file checks how an operation step uses its bound operation: the
// mistakes a run would otherwise meet only when it reaches the step, after
// earlier steps have already sent requests (docs/semantics.md, "Validation
// before running").

// suppliedParam is a parameter a step sends: its own, a workflow-level one
// or one from a component, resolved.
type suppliedParam struct {
	p    *Parameter // the step's parameter entry (positions)
	name string
	in   string
	own  bool // declared on the step (not inherited from the workflow)
}

// suppliedParams lists the parameters ps supplies, reusable ones through
// the component checkReusable resolved (skipped when it did not: reported).
func suppliedParams(ps []*Parameter, own bool) []suppliedParam {
	var out []suppliedParam
	for _, p := range ps {
		name, in := p.Name, p.In
		if p.Reusable != nil {
			c := p.Reusable.Parameter
			if c == nil {
				continue
			}
			name, in = c.Name, c.In
		}
		out = append(out, suppliedParam{p: p, name: name, in: in, own: own})
	}
	return out
}

// checkOperationUse reports, for an operation step whose target is bound,
// a path placeholder no parameter fills, a parameter the operation does not
// have, a missing required request body and an undeclared content type.
func (v *validator) checkOperationUse(w *Workflow, s *Step) {
	if s.Target == nil || s.Target.Operation == nil {
		return
	}
	op := s.Target.Operation
	ctx := v.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	shape, err := op.RequestShape(ctx)
	if err != nil {
		// A mistake of the description found in a part decoded only now
		// (a large description's components) is the description's error;
		// the runtime reports any other broken operation when it binds it.
		if code, hint, ok := descriptionFault(err); ok {
			key := "operationId"
			if s.OperationPath != "" {
				key = "operationPath"
			}
			pos, ptr := valuePos(s.Meta, key)
			v.errorf(pos, ptr, code, hint, "step %q: operation %s: %v", s.StepID, op, err)
		}
		return
	}
	declared := shape.Parameters
	params := append(suppliedParams(w.Parameters, false), suppliedParams(s.Parameters, true)...)
	template := op.PathTemplateNames()
	inTemplate := map[string]bool{}
	for _, n := range template {
		inTemplate[n] = true
	}

	// Parameters of the step that match nothing in the operation. A path
	// placeholder that a misspelled parameter was meant for is reported
	// once, as the misspelling.
	meant := map[string]bool{}
	for _, sp := range params {
		if !sp.own || sp.in == "" {
			continue
		}
		if declaredParam(declared, sp.name, sp.in) || (sp.in == "path" && inTemplate[sp.name]) {
			continue
		}
		if sp.in == "header" && openapi.IgnoredHeader(sp.name) {
			continue
		}
		if securityParam(op, sp.name, sp.in) {
			continue
		}
		pos, ptr := valuePos(sp.p.Meta, "name")
		if sp.p.Reusable != nil {
			pos, ptr = sp.p.Pos, sp.p.Pointer
		}
		hint, fix := paramHint(declared, template, sp.name, sp.in)
		var n *yaml.Node
		if sp.p.Reusable == nil {
			n = mapValue(sp.p.node, "name")
		}
		if sp.in == "path" {
			// BuildRequest fails: the name is not in the path template.
			if m := closest(sp.name, template); m != "" {
				meant[m] = true
			}
			d := v.errorf(pos, ptr, CodeUnknownParameter, hint,
				"path parameter %q is not in the path of %s", sp.name, op)
			v.fixName(d, n, 0, sp.name, fix)
			continue
		}
		d := v.warnf(pos, ptr, CodeUnknownParameter, hint,
			"%s parameter %q is not a parameter of %s; it is sent anyway", sp.in, sp.name, op)
		v.fixName(d, n, 0, sp.name, fix)
	}

	// Path placeholders nothing fills: BuildRequest fails.
	for _, name := range template {
		if name == "" || strings.ContainsAny(name[:1], "+#./;?&") {
			// RFC 6570 operators ({+name}) are not OpenAPI path
			// templating: BuildRequest fills {name} only.
			v.errorf(s.Pos, s.Pointer, CodePathTemplate, "OpenAPI path templates are {name}; weft cannot fill RFC 6570 expressions",
				"the path of %s has the placeholder {%s}, which no parameter can fill", op, name)
			continue
		}
		found := false
		for _, sp := range params {
			if sp.name == name && sp.in == "path" {
				found = true
				break
			}
		}
		if found || meant[name] {
			continue
		}
		pos, ptr := s.Pos, s.Pointer
		if mapValue(s.node, "parameters") != nil {
			pos, ptr = valuePos(s.Meta, "parameters")
		}
		v.errorf(pos, ptr, CodeMissingPathParameter,
			fmt.Sprintf("add {name: %s, in: path, value: ...} to the step's (or the workflow's) parameters", name),
			"step %q supplies no value for path parameter %q of %s", s.StepID, name, op)
	}

	// The request body.
	rb := s.RequestBody
	hasBody := rb != nil && (rb.HasPayload || len(rb.Replacements) > 0)
	if shape.BodyRequired && !hasBody {
		pos, ptr := s.Pos, s.Pointer
		if rb != nil {
			pos, ptr = rb.Pos, rb.Pointer
		}
		v.errorf(pos, ptr, CodeMissingRequestBody, "add a requestBody with a payload",
			"step %q sends no request body, but %s requires one", s.StepID, op)
	}
	if rb == nil || rb.ContentType == "" || strings.ContainsAny(rb.ContentType, "${") {
		return
	}
	types := shape.MediaTypes
	if len(types) == 0 {
		return
	}
	for _, t := range types {
		if mediaMatches(t, rb.ContentType) {
			return
		}
	}
	pos, ptr := valuePos(rb.Meta, "contentType")
	v.errorf(pos, ptr, CodeUndeclaredContentType, "use one of: "+strings.Join(types, ", "),
		"contentType %q is not a request media type of %s", rb.ContentType, op)
}

// declaredParam reports whether the operation declares (name, in); header
// names are case-insensitive.
func declaredParam(ps []openapi.Parameter, name, in string) bool {
	for _, p := range ps {
		if p.In == in && (p.Name == name || (in == "header" && strings.EqualFold(p.Name, name))) {
			return true
		}
	}
	return false
}

// securityParam reports whether an API key scheme of the description sends
// a parameter of this name and location (a key the step sets itself).
func securityParam(op *openapi.Operation, name, in string) bool {
	for _, sc := range op.Description.SecuritySchemes {
		if sc != nil && sc.In == in && (sc.ParamName == name || (in == "header" && strings.EqualFold(sc.ParamName, name))) {
			return true
		}
	}
	return false
}

// paramHint suggests the declared parameter a misspelled one meant; meant
// is that parameter's name, when one is near enough to be a typo.
func paramHint(declared []openapi.Parameter, template []string, name, in string) (hint, meant string) {
	var same []string
	for _, p := range declared {
		if p.In == in {
			same = append(same, p.Name)
		}
	}
	if in == "path" {
		same = append(same, template...)
	}
	if s := closest(name, same); s != "" {
		return fmt.Sprintf("did you mean %q?", s), s
	}
	for _, p := range declared {
		if p.Name == name || closest(name, []string{p.Name}) != "" {
			return fmt.Sprintf("the operation declares %q in %s", p.Name, p.In), ""
		}
	}
	if len(same) > 0 {
		return fmt.Sprintf("its %s parameters are: %s", in, strings.Join(same, ", ")), ""
	}
	return fmt.Sprintf("it declares no %s parameters", in), ""
}

// closest is the "did you mean" suggestion (internal/suggest).
func closest(name string, candidates []string) string { return suggest.Closest(name, candidates) }

// mediaMatches reports whether a step's content type is one the operation
// declares: the same media type (parameters aside) or a declared range
// ("*/*", "application/*").
func mediaMatches(declared, ct string) bool {
	d, c := mediaBase(declared), mediaBase(ct)
	if d == c || d == "*/*" || d == "" {
		return true
	}
	if typ, ok := strings.CutSuffix(d, "/*"); ok {
		return strings.HasPrefix(c, typ+"/")
	}
	return false
}

// mediaBase returns the lower-cased media type without parameters.
func mediaBase(mt string) string {
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
