package arazzo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/weftflow/weft/openapi"
)

// validator runs the semantic checks of one document and, when its
// sources were loaded, binds step targets.
type validator struct {
	doc    *Document
	file   string
	loaded bool
	diags  Diagnostics
	// ctx, when set, stops validation once it is done (see stopped).
	ctx  context.Context
	stop bool
}

// stopped reports whether validation must stop because v.ctx is done; the
// first time, it records an error diagnostic saying so.
func (v *validator) stopped() bool {
	if v.stop {
		return true
	}
	if v.ctx == nil {
		return false
	}
	if err := v.ctx.Err(); err != nil {
		v.stop = true
		v.errorf(Position{File: v.file}, "", "cancelled", "", "validation stopped: %v", err)
		return true
	}
	return false
}

func (v *validator) errorf(pos Position, ptr, code, hint, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Severity: SeverityError, Pos: pos, Pointer: ptr, Code: code, Hint: hint,
		Message: fmt.Sprintf(format, args...)})
}

func (v *validator) warnf(pos Position, ptr, code, hint, format string, args ...any) {
	v.diags = append(v.diags, Diagnostic{Severity: SeverityWarning, Pos: pos, Pointer: ptr, Code: code, Hint: hint,
		Message: fmt.Sprintf(format, args...)})
}

const sdPrefix = "$sourceDescriptions."

// run performs every check.
func (v *validator) run() {
	doc := v.doc
	if doc == nil {
		return
	}
	seenWF := map[string]*Workflow{}
	for _, w := range doc.Workflows {
		if w.WorkflowID == "" {
			continue
		}
		if prev := seenWF[w.WorkflowID]; prev != nil {
			pos, ptr := valuePos(w.Meta, "workflowId")
			v.errorf(pos, ptr, "duplicate-workflow-id", "workflowIds must be unique in a document",
				"duplicate workflowId %q (first declared at line %d)", w.WorkflowID, prev.Pos.Line)
			continue
		}
		seenWF[w.WorkflowID] = w
	}
	for _, w := range doc.Workflows {
		if v.stopped() {
			return
		}
		v.checkWorkflow(w)
	}
	if v.stopped() {
		return
	}
	v.checkDependsOn()
	if c := doc.Components; c != nil {
		for _, k := range sortedKeys(c.SuccessActions) {
			a := c.SuccessActions[k]
			v.checkAction(a.Meta, a.Reusable, "successActions", a.Type, a.StepID, a.WorkflowID, nil, &a.Target, &a.Step)
		}
		for _, k := range sortedKeys(c.FailureActions) {
			a := c.FailureActions[k]
			v.checkAction(a.Meta, a.Reusable, "failureActions", a.Type, a.StepID, a.WorkflowID, nil, &a.Target, &a.Step)
		}
	}
	if v.stopped() {
		return
	}
	v.checkExpressions()
}

func sortedKeys[T any](m map[string]T) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (v *validator) checkWorkflow(w *Workflow) {
	// Workflow-level parameters first: the steps' checks use them resolved.
	for _, p := range w.Parameters {
		if p.Reusable != nil {
			v.checkReusable(p.Reusable, "parameters")
		}
	}
	steps := map[string]*Step{}
	for _, s := range w.Steps {
		if s.StepID == "" {
			continue
		}
		if prev := steps[s.StepID]; prev != nil {
			pos, ptr := valuePos(s.Meta, "stepId")
			v.errorf(pos, ptr, "duplicate-step-id", "stepIds must be unique within a workflow",
				"duplicate stepId %q in workflow %q (first declared at line %d)", s.StepID, w.WorkflowID, prev.Pos.Line)
			continue
		}
		steps[s.StepID] = s
	}
	for _, s := range w.Steps {
		v.checkStep(w, s, steps)
	}
	for _, a := range w.SuccessActions {
		v.checkAction(a.Meta, a.Reusable, "successActions", a.Type, a.StepID, a.WorkflowID, steps, &a.Target, &a.Step)
	}
	for _, a := range w.FailureActions {
		v.checkAction(a.Meta, a.Reusable, "failureActions", a.Type, a.StepID, a.WorkflowID, steps, &a.Target, &a.Step)
	}
	v.checkOutputs(w.Outputs)
}

func (v *validator) checkOutputs(outs []*Output) {
	for _, o := range outs {
		if !isName(o.Name) {
			v.errorf(o.Pos, o.Pointer, "output-name", "use letters, digits, '.', '-' and '_' only",
				"output name %q does not match ^[a-zA-Z0-9\\.\\-_]+$", o.Name)
		}
	}
}

func (v *validator) checkStep(w *Workflow, s *Step, steps map[string]*Step) {
	n := 0
	for _, t := range []string{s.OperationID, s.OperationPath, s.WorkflowID} {
		if t != "" {
			n++
		}
	}
	if n == 0 && s.async {
		return // reported as an unsupported 1.1 step
	}
	if n != 1 {
		msg := "step %q has no target"
		if n > 1 {
			msg = "step %q has more than one target"
		}
		v.errorf(s.Pos, s.Pointer, "step-target", "a step needs exactly one of operationId, operationPath and workflowId", msg, s.StepID)
	}
	isOp := s.WorkflowID == "" && n == 1
	for _, p := range s.Parameters {
		if p.Reusable != nil {
			c := v.checkReusable(p.Reusable, "parameters")
			if cp, ok := c.(*Parameter); ok && isOp && cp.In == "" && cp.Reusable == nil {
				v.errorf(p.Pos, p.Pointer, "parameter-in", "add in: path, query, header or cookie to the component",
					"parameter %q (from %s) of an operation step has no \"in\"", cp.Name, p.Reusable.Reference)
			}
			continue
		}
		if isOp && p.In == "" {
			v.errorf(p.Pos, p.Pointer, "parameter-in", "add in: path, query, header or cookie",
				"parameter %q of an operation step has no \"in\"", p.Name)
		}
	}
	for _, a := range s.OnSuccess {
		v.checkAction(a.Meta, a.Reusable, "successActions", a.Type, a.StepID, a.WorkflowID, steps, &a.Target, &a.Step)
	}
	for _, a := range s.OnFailure {
		v.checkAction(a.Meta, a.Reusable, "failureActions", a.Type, a.StepID, a.WorkflowID, steps, &a.Target, &a.Step)
	}
	v.checkOutputs(s.Outputs)
	if n == 1 {
		v.bind(s)
		v.checkOperationUse(w, s)
	}
}

// checkReusable resolves a Reusable Object's reference, the one place
// that does: it stores the component it names on r (Reusable.Parameter,
// SuccessAction or FailureAction, by kind), reports a reference that does
// not resolve, and returns the component (nil when none).
func (v *validator) checkReusable(r *Reusable, kind string) any {
	pos, ptr := valuePos(r.Meta, "reference")
	ref := r.Reference
	rest, ok := strings.CutPrefix(ref, "$components.")
	if !ok {
		v.errorf(pos, ptr, "component-reference", "write $components."+kind+".<name>",
			"reference %q is not a $components expression", ref)
		return nil
	}
	k, name, _ := strings.Cut(rest, ".")
	if k != kind {
		v.errorf(pos, ptr, "component-kind", "a "+strings.TrimSuffix(kind, "s")+" reference must use $components."+kind+".<name>",
			"reference %q names a %s component where %s are expected", ref, k, kind)
		return nil
	}
	c := v.doc.Components
	var found any
	if c != nil {
		switch kind {
		case "parameters":
			if r.Parameter = c.Parameters[name]; r.Parameter != nil {
				found = r.Parameter
			}
		case "successActions":
			if r.SuccessAction = c.SuccessActions[name]; r.SuccessAction != nil {
				found = r.SuccessAction
			}
		case "failureActions":
			if r.FailureAction = c.FailureActions[name]; r.FailureAction != nil {
				found = r.FailureAction
			}
		}
	}
	if found == nil {
		v.errorf(pos, ptr, "unknown-component", "declare it under components."+kind,
			"reference %q: no such component", ref)
	}
	return found
}

// checkAction checks a success or failure action (steps is nil for
// actions declared in components, whose stepId depends on the user) and
// stores the workflow and the step it names, resolved, in *target and
// *step. A reference to a component action resolves the component and,
// in a workflow, the component's stepId among that workflow's steps
// (kept in r.Step).
func (v *validator) checkAction(m Meta, r *Reusable, kind, typ, stepID, wfID string, steps map[string]*Step, target **Target, step **Step) {
	if r != nil {
		c := v.checkReusable(r, kind)
		switch a := c.(type) {
		case *SuccessAction:
			typ, stepID = a.Type, a.StepID
		case *FailureAction:
			typ, stepID = a.Type, a.StepID
		}
		if stepID != "" && steps != nil {
			if r.Step = steps[stepID]; r.Step == nil {
				pos, ptr := valuePos(r.Meta, "reference")
				v.errorf(pos, ptr, "unknown-step", "a component action's stepId must name a step of every workflow that uses it",
					"%s action %s targets unknown step %q", typ, r.Reference, stepID)
			}
		}
		return
	}
	if stepID != "" && wfID != "" {
		v.errorf(m.Pos, m.Pointer, "action-target", "keep only one of stepId and workflowId",
			"%s action has both stepId and workflowId", typ)
	}
	if typ == ActionEnd && (stepID != "" || wfID != "") {
		v.warnf(m.Pos, m.Pointer, "action-target", "remove stepId/workflowId from the end action",
			"end action names a target, which is ignored")
	}
	if stepID != "" && steps != nil {
		*step = steps[stepID]
	}
	if stepID != "" && steps != nil && *step == nil {
		pos, ptr := valuePos(m, "stepId")
		v.errorf(pos, ptr, "unknown-step", "stepId must name a step of the same workflow",
			"%s action targets unknown step %q", typ, stepID)
	}
	if wfID != "" {
		pos, ptr := valuePos(m, "workflowId")
		*target = v.resolveWorkflow(wfID, pos, ptr)
	}
}

// source returns the source description called name.
func (v *validator) source(name string) *SourceDescription { return v.doc.Source(name) }

// unknownSource reports a $sourceDescriptions name that does not exist.
func (v *validator) unknownSource(name string, pos Position, ptr string) {
	hint := "declare it in sourceDescriptions"
	var names []string
	for _, s := range v.doc.SourceDescriptions {
		if strings.EqualFold(s.Name, name) {
			hint = fmt.Sprintf("did you mean %q? source names are case-sensitive", s.Name)
		}
		names = append(names, s.Name)
	}
	v.errorf(pos, ptr, "unknown-source", hint, "no source description named %q (have %s)", name, strings.Join(names, ", "))
}

func findWorkflow(doc *Document, id string) *Workflow {
	if doc == nil {
		return nil
	}
	for _, w := range doc.Workflows {
		if w.WorkflowID == id {
			return w
		}
	}
	return nil
}

// resolveWorkflow resolves a workflowId reference (local or through an
// arazzo source) and reports when it does not exist.
func (v *validator) resolveWorkflow(id string, pos Position, ptr string) *Target {
	if rest, ok := strings.CutPrefix(id, sdPrefix); ok {
		name, wf, ok := strings.Cut(rest, ".")
		src := v.source(name)
		if !ok || wf == "" {
			v.errorf(pos, ptr, "unknown-workflow", "write $sourceDescriptions.<name>.<workflowId>", "malformed workflow reference %q", id)
			return nil
		}
		if src == nil {
			v.unknownSource(name, pos, ptr)
			return nil
		}
		if !v.loaded {
			if src.Type == SourceTypeOpenAPI {
				v.errorf(pos, ptr, "unknown-workflow", "workflowId must name an arazzo source", "source %q is an OpenAPI description, not an Arazzo document", name)
			}
			return nil
		}
		if src.Arazzo == nil {
			if src.ResolvedType == SourceTypeOpenAPI {
				v.errorf(pos, ptr, "unknown-workflow", "workflowId must name an arazzo source", "source %q is an OpenAPI description, not an Arazzo document", name)
			}
			return nil // failed to load: reported already
		}
		if w := findWorkflow(src.Arazzo, wf); w != nil {
			return &Target{Source: src, Workflow: w}
		}
		if alt, ok := strings.CutPrefix(wf, "workflows."); ok {
			if w := findWorkflow(src.Arazzo, alt); w != nil {
				v.warnf(pos, ptr, "workflow-reference-form", fmt.Sprintf("write $sourceDescriptions.%s.%s", name, alt),
					"non-standard workflow reference %q", id)
				return &Target{Source: src, Workflow: w}
			}
		}
		v.errorf(pos, ptr, "unknown-workflow", "", "source %q has no workflow %q", name, wf)
		return nil
	}
	if strings.HasPrefix(id, "$") {
		v.errorf(pos, ptr, "unknown-workflow", "write a workflowId of this document or $sourceDescriptions.<name>.<workflowId>",
			"workflow reference %q is not a workflowId", id)
		return nil
	}
	if w := findWorkflow(v.doc, id); w != nil {
		return &Target{Workflow: w}
	}
	hint := ""
	for _, w := range v.doc.Workflows {
		if strings.EqualFold(w.WorkflowID, id) {
			hint = fmt.Sprintf("did you mean %q?", w.WorkflowID)
		}
	}
	v.errorf(pos, ptr, "unknown-workflow", hint, "no workflow %q in this document", id)
	return nil
}

// checkDependsOn checks that dependsOn names exist and form no cycle.
func (v *validator) checkDependsOn() {
	edges := map[string][]string{}
	for _, w := range v.doc.Workflows {
		pos, ptr := valuePos(w.Meta, "dependsOn")
		w.Dependencies = make([]*Target, len(w.DependsOn))
		for i, dep := range w.DependsOn {
			t := v.resolveWorkflow(dep, pos, ptr)
			w.Dependencies[i] = t
			if t != nil && t.Source == nil {
				edges[w.WorkflowID] = append(edges[w.WorkflowID], dep)
			}
		}
	}
	// Cycle detection (depth-first, colours).
	const (
		white = iota
		grey
		black
	)
	colour := map[string]int{}
	var stack []string
	reported := false
	var visit func(id string)
	visit = func(id string) {
		colour[id] = grey
		stack = append(stack, id)
		for _, d := range edges[id] {
			switch colour[d] {
			case white:
				visit(d)
			case grey:
				if !reported {
					i := slices.Index(stack, d)
					cyc := append(append([]string{}, stack[i:]...), d)
					w := findWorkflow(v.doc, id)
					pos, ptr := valuePos(w.Meta, "dependsOn")
					v.errorf(pos, ptr, "depends-on-cycle", "remove one of the dependencies",
						"dependsOn forms a cycle: %s", strings.Join(cyc, " -> "))
					reported = true
				}
			}
		}
		stack = stack[:len(stack)-1]
		colour[id] = black
	}
	for _, w := range v.doc.Workflows {
		if colour[w.WorkflowID] == white {
			visit(w.WorkflowID)
		}
	}
}

// bind resolves the step's target (when sources were loaded) and reports
// unknown or ambiguous targets.
func (v *validator) bind(s *Step) {
	switch {
	case s.WorkflowID != "":
		pos, ptr := valuePos(s.Meta, "workflowId")
		s.Target = v.resolveWorkflow(s.WorkflowID, pos, ptr)
	case s.OperationID != "":
		v.bindOperationID(s)
	case s.OperationPath != "":
		v.bindOperationPath(s)
	}
}

type opMatch struct {
	src *SourceDescription
	op  *openapi.Operation
}

func (v *validator) openapiSources() (ok []*SourceDescription, failed bool) {
	for _, s := range v.doc.SourceDescriptions {
		switch {
		case s.OpenAPI != nil:
			ok = append(ok, s)
		case s.Arazzo == nil && s.Type != SourceTypeArazzo:
			failed = true
		}
	}
	return ok, failed
}

func opsIn(srcs []*SourceDescription, id string, fold bool) []opMatch {
	var out []opMatch
	for _, s := range srcs {
		var ops []*openapi.Operation
		if fold {
			ops = s.OpenAPI.OperationsByIDFold(id)
		} else {
			ops = s.OpenAPI.OperationsByID(id)
		}
		for _, op := range ops {
			out = append(out, opMatch{s, op})
		}
	}
	return out
}

func describe(ms []opMatch) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s %s (%s)", m.op.OperationID, m.op.Method, m.op.Path, m.src.Name))
	}
	return strings.Join(parts, ", ")
}

func (v *validator) bindOperationID(s *Step) {
	id := s.OperationID
	pos, ptr := valuePos(s.Meta, "operationId")
	var srcs []*SourceDescription
	var failed bool
	qualified := ""
	if rest, ok := strings.CutPrefix(id, sdPrefix); ok {
		name, opid, ok := strings.Cut(rest, ".")
		if !ok || opid == "" {
			v.errorf(pos, ptr, "unknown-operation", "write $sourceDescriptions.<name>.<operationId>", "malformed operation reference %q", id)
			return
		}
		src := v.source(name)
		if src == nil {
			v.unknownSource(name, pos, ptr)
			return
		}
		if !v.loaded {
			return
		}
		if src.OpenAPI == nil {
			if src.Arazzo != nil {
				v.errorf(pos, ptr, "unknown-operation", "use workflowId for arazzo sources", "source %q is an Arazzo document, not an OpenAPI description", name)
			}
			return
		}
		srcs, id, qualified = []*SourceDescription{src}, opid, name
	} else {
		if !v.loaded {
			return
		}
		srcs, failed = v.openapiSources()
		// D3: "name.operationId" (a Redocly shorthand).
		if name, opid, ok := strings.Cut(id, "."); ok {
			if src := v.source(name); src != nil && src.OpenAPI != nil {
				if ms := opsIn([]*SourceDescription{src}, opid, false); len(ms) == 1 {
					v.warnf(pos, ptr, "operation-id-form", fmt.Sprintf("write $sourceDescriptions.%s.%s", name, opid),
						"non-standard operation reference %q", id)
					s.Target = &Target{Source: src, Operation: ms[0].op}
					return
				}
			}
		}
	}
	exact := opsIn(srcs, id, false)
	switch {
	case len(exact) == 1:
		// A plain operationId that is unique across several OpenAPI
		// sources is accepted silently: the spec asks for the qualified
		// form, but the reference workflow and most real documents rely
		// on the unique match, and no ambiguity exists.
		s.Target = &Target{Source: exact[0].src, Operation: exact[0].op}
		return
	case len(exact) > 1:
		v.errorf(pos, ptr, "ambiguous-operation", "qualify it as $sourceDescriptions.<name>.<operationId>",
			"operationId %q is ambiguous: %s", id, describe(exact))
		return
	}
	fold := opsIn(srcs, id, true)
	switch {
	case len(fold) == 1:
		s.Target = &Target{Source: fold[0].src, Operation: fold[0].op}
		v.warnf(pos, ptr, "operation-id-case", fmt.Sprintf("write %q", fold[0].op.OperationID),
			"operationId %q matches %q only case-insensitively", id, fold[0].op.OperationID)
	case len(fold) > 1:
		v.errorf(pos, ptr, "ambiguous-operation", "write the operationId with its exact case",
			"operationId %q matches several operations case-insensitively: %s", id, describe(fold))
	case failed && qualified == "":
		// Some source failed to load (reported); the id may live there.
	default:
		where := qualified
		if where == "" {
			var names []string
			for _, s := range srcs {
				names = append(names, s.Name)
			}
			where = strings.Join(names, ", ")
		}
		v.errorf(pos, ptr, "unknown-operation", "", "no operation with operationId %q in %s", id, where)
	}
}

func (v *validator) bindOperationPath(s *Step) {
	op := s.OperationPath
	pos, ptr := valuePos(s.Meta, "operationPath")
	ref, frag, hasFrag := strings.Cut(op, "#")
	if !hasFrag {
		v.errorf(pos, ptr, "operation-path", "write {$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>",
			"operationPath %q has no JSON pointer", op)
		return
	}
	var src *SourceDescription
	name := ""
	standard := false
	switch {
	case strings.HasPrefix(ref, "{"+sdPrefix) && strings.HasSuffix(ref, ".url}"):
		name = strings.TrimSuffix(strings.TrimPrefix(ref, "{"+sdPrefix), ".url}")
		standard = true
	case strings.HasPrefix(ref, sdPrefix):
		name = strings.TrimSuffix(strings.TrimPrefix(ref, sdPrefix), ".url")
	default:
		name = ref
		if v.source(name) == nil {
			for _, sd := range v.doc.SourceDescriptions {
				if sd.URL == ref {
					name = sd.Name
				}
			}
		}
	}
	src = v.source(name)
	if src == nil {
		v.unknownSource(name, pos, ptr)
		return
	}
	if !standard {
		v.warnf(pos, ptr, "operation-path-form", fmt.Sprintf("write {$sourceDescriptions.%s.url}#%s", src.Name, frag),
			"non-standard operationPath %q", op)
	}
	if !v.loaded || src.OpenAPI == nil {
		if v.loaded && src.Arazzo != nil {
			v.errorf(pos, ptr, "unknown-operation", "", "source %q is an Arazzo document, not an OpenAPI description", name)
		}
		return
	}
	o, err := src.OpenAPI.ResolveOperationPath(frag)
	if err != nil {
		v.errorf(pos, ptr, "unknown-operation", "pointers escape '/' as ~1 and '~' as ~0: #/paths/~1pets~1{id}/get",
			"operationPath %q: %v", op, err)
		return
	}
	s.Target = &Target{Source: src, Operation: o}
}
