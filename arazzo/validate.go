package arazzo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/weftflow/weft/internal/suggest"
	"github.com/weftflow/weft/openapi"
	"gopkg.in/yaml.v3"
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
	// src is the document's text, lines the offsets of its lines (see
	// span); a diagnostic gets an end and a fix only where src confirms.
	src   []byte
	lines []int
	// inputs caches the workflows' inputs schemas (see inputSchema).
	inputs map[*Workflow]*InputSchema
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
		v.errorf(Position{File: v.file}, "", CodeCancelled, "", "validation stopped: %v", err)
		return true
	}
	return false
}

// errorf records an error diagnostic and returns it, for the caller to add
// an end, related positions or fixes (before the next one is recorded).
func (v *validator) errorf(pos Position, ptr, code, hint, format string, args ...any) *Diagnostic {
	v.diags = append(v.diags, Diagnostic{Severity: SeverityError, Pos: pos, Pointer: ptr, Code: code, Hint: hint,
		Message: fmt.Sprintf(format, args...)})
	return &v.diags[len(v.diags)-1]
}

// warnf is errorf for a warning.
func (v *validator) warnf(pos Position, ptr, code, hint, format string, args ...any) *Diagnostic {
	v.diags = append(v.diags, Diagnostic{Severity: SeverityWarning, Pos: pos, Pointer: ptr, Code: code, Hint: hint,
		Message: fmt.Sprintf(format, args...)})
	return &v.diags[len(v.diags)-1]
}

const sdPrefix = "$sourceDescriptions."

// run performs every check.
func (v *validator) run() {
	doc := v.doc
	if doc == nil {
		return
	}
	seenSrc := map[string]*SourceDescription{}
	for _, s := range doc.SourceDescriptions {
		if prev := seenSrc[s.Name]; prev != nil && s.Name != "" {
			pos, ptr := valuePos(s.Meta, "name")
			d := v.errorf(pos, ptr, CodeDuplicateSourceName, "source description names must be unique in a document",
				"duplicate source description name %q (first declared at line %d)", s.Name, prev.Pos.Line)
			v.spanEnd(d, mapValue(s.node, "name"))
			v.relate(d, mapValue(prev.node, "name"), "first declared here")
			continue
		}
		seenSrc[s.Name] = s
	}
	seenWF := map[string]*Workflow{}
	for _, w := range doc.Workflows {
		if w.WorkflowID == "" {
			continue
		}
		if prev := seenWF[w.WorkflowID]; prev != nil {
			pos, ptr := valuePos(w.Meta, "workflowId")
			d := v.errorf(pos, ptr, CodeDuplicateWorkflowID, "workflowIds must be unique in a document",
				"duplicate workflowId %q (first declared at line %d)", w.WorkflowID, prev.Pos.Line)
			v.spanEnd(d, mapValue(w.node, "workflowId"))
			v.relate(d, mapValue(prev.node, "workflowId"), "first declared here")
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
			d := v.errorf(pos, ptr, CodeDuplicateStepID, "stepIds must be unique within a workflow",
				"duplicate stepId %q in workflow %q (first declared at line %d)", s.StepID, w.WorkflowID, prev.Pos.Line)
			v.spanEnd(d, mapValue(s.node, "stepId"))
			v.relate(d, mapValue(prev.node, "stepId"), "first declared here")
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
			v.errorf(o.Pos, o.Pointer, CodeOutputName, "use letters, digits, '.', '-' and '_' only",
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
		v.errorf(s.Pos, s.Pointer, CodeStepTarget, "a step needs exactly one of operationId, operationPath and workflowId", msg, s.StepID)
	}
	isOp := s.WorkflowID == "" && n == 1
	for _, p := range s.Parameters {
		if p.Reusable != nil {
			c := v.checkReusable(p.Reusable, "parameters")
			if cp, ok := c.(*Parameter); ok && isOp && cp.In == "" && cp.Reusable == nil {
				v.errorf(p.Pos, p.Pointer, CodeParameterIn, "add in: path, query, header or cookie to the component",
					"parameter %q (from %s) of an operation step has no \"in\"", cp.Name, p.Reusable.Reference)
			}
			continue
		}
		if isOp && p.In == "" {
			v.errorf(p.Pos, p.Pointer, CodeParameterIn, "add in: path, query, header or cookie",
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
		v.errorf(pos, ptr, CodeComponentReference, "write $components."+kind+".<name>",
			"reference %q is not a $components expression", ref)
		return nil
	}
	k, name, _ := strings.Cut(rest, ".")
	if k != kind {
		v.errorf(pos, ptr, CodeComponentKind, "a "+strings.TrimSuffix(kind, "s")+" reference must use $components."+kind+".<name>",
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
		v.errorf(pos, ptr, CodeUnknownComponent, "declare it under components."+kind,
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
func (v *validator) checkAction(m Meta, r *Reusable, kind string, typ ActionType, stepID, wfID string, steps map[string]*Step, target **Target, step **Step) {
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
				v.errorf(pos, ptr, CodeUnknownStep, "a component action's stepId must name a step of every workflow that uses it",
					"%s action %s targets unknown step %q", typ, r.Reference, stepID)
			}
		}
		return
	}
	if stepID != "" && wfID != "" {
		v.errorf(m.Pos, m.Pointer, CodeActionTarget, "keep only one of stepId and workflowId",
			"%s action has both stepId and workflowId", typ)
	}
	if typ == ActionEnd && (stepID != "" || wfID != "") {
		v.warnf(m.Pos, m.Pointer, CodeActionTarget, "remove stepId/workflowId from the end action",
			"end action names a target, which is ignored")
	}
	if stepID != "" && steps != nil {
		*step = steps[stepID]
	}
	if stepID != "" && steps != nil && *step == nil {
		pos, ptr := valuePos(m, "stepId")
		meant := suggest.Closest(stepID, sortedKeys(steps))
		d := v.errorf(pos, ptr, CodeUnknownStep, didYouMean(meant, "stepId must name a step of the same workflow"), "%s action targets unknown step %q", typ, stepID)
		v.fixName(d, mapValue(m.node, "stepId"), 0, stepID, meant)
	}
	if wfID != "" {
		pos, ptr := valuePos(m, "workflowId")
		*target = v.resolveWorkflow(wfID, mapValue(m.node, "workflowId"), pos, ptr)
	}
}

// source returns the source description called name.
func (v *validator) source(name string) *SourceDescription { return v.doc.Source(name) }

// unknownSource reports a $sourceDescriptions name that does not exist,
// written at byte from of the scalar n (nil when not known).
func (v *validator) unknownSource(name string, n *yaml.Node, from int, pos Position, ptr string) {
	var names []string
	for _, s := range v.doc.SourceDescriptions {
		names = append(names, s.Name)
	}
	meant := suggest.Closest(name, names)
	hint := didYouMean(meant, "declare it in sourceDescriptions")
	if strings.EqualFold(meant, name) {
		hint += " source names are case-sensitive"
	}
	d := v.errorf(pos, ptr, CodeUnknownSource, hint, "no source description named %q (have %s)", name, strings.Join(names, ", "))
	v.fixName(d, n, from, name, meant)
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
// arazzo source), written as the scalar n (nil when not known), and
// reports when it does not exist.
func (v *validator) resolveWorkflow(id string, n *yaml.Node, pos Position, ptr string) *Target {
	if rest, ok := strings.CutPrefix(id, sdPrefix); ok {
		name, wf, ok := strings.Cut(rest, ".")
		src := v.source(name)
		if !ok || wf == "" {
			v.errorf(pos, ptr, CodeUnknownWorkflow, "write $sourceDescriptions.<name>.<workflowId>", "malformed workflow reference %q", id)
			return nil
		}
		if src == nil {
			v.unknownSource(name, n, len(sdPrefix), pos, ptr)
			return nil
		}
		if !v.loaded {
			if src.Type == SourceTypeOpenAPI {
				v.errorf(pos, ptr, CodeUnknownWorkflow, "workflowId must name an arazzo source", "source %q is an OpenAPI description, not an Arazzo document", name)
			}
			return nil
		}
		if src.Arazzo == nil {
			if src.ResolvedType == SourceTypeOpenAPI {
				v.errorf(pos, ptr, CodeUnknownWorkflow, "workflowId must name an arazzo source", "source %q is an OpenAPI description, not an Arazzo document", name)
			}
			return nil // failed to load: reported already
		}
		if w := findWorkflow(src.Arazzo, wf); w != nil {
			return &Target{Source: src, Workflow: w}
		}
		if alt, ok := strings.CutPrefix(wf, "workflows."); ok {
			if w := findWorkflow(src.Arazzo, alt); w != nil {
				v.warnf(pos, ptr, CodeWorkflowReferenceForm, fmt.Sprintf("write $sourceDescriptions.%s.%s", name, alt),
					"non-standard workflow reference %q", id)
				return &Target{Source: src, Workflow: w}
			}
		}
		meant := suggest.Closest(wf, workflowIDs(src.Arazzo))
		d := v.errorf(pos, ptr, CodeUnknownWorkflow, didYouMean(meant, ""), "source %q has no workflow %q", name, wf)
		v.fixName(d, n, len(sdPrefix)+len(name)+1, wf, meant)
		return nil
	}
	if strings.HasPrefix(id, "$") {
		v.errorf(pos, ptr, CodeUnknownWorkflow, "write a workflowId of this document or $sourceDescriptions.<name>.<workflowId>",
			"workflow reference %q is not a workflowId", id)
		return nil
	}
	if w := findWorkflow(v.doc, id); w != nil {
		return &Target{Workflow: w}
	}
	meant := suggest.Closest(id, workflowIDs(v.doc))
	d := v.errorf(pos, ptr, CodeUnknownWorkflow, didYouMean(meant, ""), "no workflow %q in this document", id)
	v.fixName(d, n, 0, id, meant)
	return nil
}

// workflowIDs lists the workflowIds of doc, the candidates of a "did you
// mean".
func workflowIDs(doc *Document) []string {
	ids := make([]string, 0, len(doc.Workflows))
	for _, w := range doc.Workflows {
		ids = append(ids, w.WorkflowID)
	}
	return ids
}

// checkDependsOn checks that dependsOn names exist and form no cycle.
func (v *validator) checkDependsOn() {
	edges := map[string][]string{}
	for _, w := range v.doc.Workflows {
		pos, ptr := valuePos(w.Meta, "dependsOn")
		deps := mapValue(w.node, "dependsOn")
		w.Dependencies = make([]*Target, len(w.DependsOn))
		for i, dep := range w.DependsOn {
			var n *yaml.Node
			if deps != nil && deps.Kind == yaml.SequenceNode && len(deps.Content) == len(w.DependsOn) {
				n = deps.Content[i]
			}
			t := v.resolveWorkflow(dep, n, pos, ptr)
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
					v.errorf(pos, ptr, CodeDependsOnCycle, "remove one of the dependencies",
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
		s.Target = v.resolveWorkflow(s.WorkflowID, mapValue(s.node, "workflowId"), pos, ptr)
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
			v.errorf(pos, ptr, CodeUnknownOperation, "write $sourceDescriptions.<name>.<operationId>", "malformed operation reference %q", id)
			return
		}
		src := v.source(name)
		if src == nil {
			v.unknownSource(name, mapValue(s.node, "operationId"), len(sdPrefix), pos, ptr)
			return
		}
		if !v.loaded {
			return
		}
		if src.OpenAPI == nil {
			if src.Arazzo != nil {
				v.errorf(pos, ptr, CodeUnknownOperation, "use workflowId for arazzo sources", "source %q is an Arazzo document, not an OpenAPI description", name)
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
					v.warnf(pos, ptr, CodeOperationIDForm, fmt.Sprintf("write $sourceDescriptions.%s.%s", name, opid),
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
		v.errorf(pos, ptr, CodeAmbiguousOperation, "qualify it as $sourceDescriptions.<name>.<operationId>",
			"operationId %q is ambiguous: %s", id, describe(exact))
		return
	}
	fold := opsIn(srcs, id, true)
	switch {
	case len(fold) == 1:
		s.Target = &Target{Source: fold[0].src, Operation: fold[0].op}
		v.warnf(pos, ptr, CodeOperationIDCase, fmt.Sprintf("write %q", fold[0].op.OperationID),
			"operationId %q matches %q only case-insensitively", id, fold[0].op.OperationID)
	case len(fold) > 1:
		v.errorf(pos, ptr, CodeAmbiguousOperation, "write the operationId with its exact case",
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
		var ids []string
		for _, src := range srcs {
			for _, op := range src.OpenAPI.Operations() {
				if op.OperationID != "" {
					ids = append(ids, op.OperationID)
				}
			}
		}
		meant := suggest.Closest(id, ids)
		d := v.errorf(pos, ptr, CodeUnknownOperation, didYouMean(meant, ""), "no operation with operationId %q in %s", id, where)
		from := 0
		if qualified != "" {
			from = len(sdPrefix) + len(qualified) + 1
		}
		v.fixName(d, mapValue(s.node, "operationId"), from, id, meant)
	}
}

func (v *validator) bindOperationPath(s *Step) {
	op := s.OperationPath
	pos, ptr := valuePos(s.Meta, "operationPath")
	ref, frag, hasFrag := strings.Cut(op, "#")
	if !hasFrag {
		v.errorf(pos, ptr, CodeOperationPath, "write {$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>",
			"operationPath %q has no JSON pointer", op)
		return
	}
	var src *SourceDescription
	name := ""
	from := 0 // where name starts in op
	standard := false
	switch {
	case strings.HasPrefix(ref, "{"+sdPrefix) && strings.HasSuffix(ref, ".url}"):
		name = strings.TrimSuffix(strings.TrimPrefix(ref, "{"+sdPrefix), ".url}")
		from = len("{" + sdPrefix)
		standard = true
	case strings.HasPrefix(ref, sdPrefix):
		name = strings.TrimSuffix(strings.TrimPrefix(ref, sdPrefix), ".url")
		from = len(sdPrefix)
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
		v.unknownSource(name, mapValue(s.node, "operationPath"), from, pos, ptr)
		return
	}
	if !standard {
		v.warnf(pos, ptr, CodeOperationPathForm, fmt.Sprintf("write {$sourceDescriptions.%s.url}#%s", src.Name, frag),
			"non-standard operationPath %q", op)
	}
	if !v.loaded || src.OpenAPI == nil {
		if v.loaded && src.Arazzo != nil {
			v.errorf(pos, ptr, CodeUnknownOperation, "", "source %q is an Arazzo document, not an OpenAPI description", name)
		}
		return
	}
	o, err := src.OpenAPI.ResolveOperationPath(frag)
	if err != nil {
		v.errorf(pos, ptr, CodeUnknownOperation, "pointers escape '/' as ~1 and '~' as ~0: #/paths/~1pets~1{id}/get",
			"operationPath %q: %v", op, err)
		return
	}
	s.Target = &Target{Source: src, Operation: o}
}
