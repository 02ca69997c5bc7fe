package arazzo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/weftflow/weft/expression"
	"github.com/weftflow/weft/internal/suggest"
	"gopkg.in/yaml.v3"
)

// exprScope is what references inside one workflow may name.
type exprScope struct {
	wf    *Workflow // nil for components
	steps map[string]*Step
	// step is the step whose criteria, actions and outputs are being
	// checked (nil elsewhere).
	step *Step
}

// checkExpressions parses every runtime expression, template and
// criterion of the document and checks what their references name.
func (v *validator) checkExpressions() {
	for _, w := range v.doc.Workflows {
		sc := &exprScope{wf: w, steps: map[string]*Step{}}
		for _, s := range w.Steps {
			if _, dup := sc.steps[s.StepID]; !dup {
				sc.steps[s.StepID] = s
			}
		}
		v.checkParams(sc, w.Parameters)
		for _, s := range w.Steps {
			if v.stopped() {
				return
			}
			v.checkParams(sc, s.Parameters)
			if rb := s.RequestBody; rb != nil {
				if rb.HasPayload {
					n := mapValue(rb.node, "payload")
					v.checkValue(sc, rb.Payload, n, ptrJoin(rb.Pointer, "payload"))
				}
				for _, r := range rb.Replacements {
					v.checkValue(sc, r.Value, mapValue(r.node, "value"), ptrJoin(r.Pointer, "value"))
				}
			}
			sc.step = s
			for _, c := range s.SuccessCriteria {
				if v.stopped() {
					return
				}
				v.checkCriterion(sc, c)
			}
			for _, a := range s.OnSuccess {
				v.checkCriteria(sc, a.Criteria)
				v.checkParams(sc, a.Parameters)
			}
			for _, a := range s.OnFailure {
				v.checkCriteria(sc, a.Criteria)
				v.checkParams(sc, a.Parameters)
			}
			v.checkOutputExprs(sc, s.Outputs)
			sc.step = nil
		}
		for _, a := range w.SuccessActions {
			v.checkCriteria(sc, a.Criteria)
			v.checkParams(sc, a.Parameters)
		}
		for _, a := range w.FailureActions {
			v.checkCriteria(sc, a.Criteria)
			v.checkParams(sc, a.Parameters)
		}
		v.checkOutputExprs(sc, w.Outputs)
	}
	if c := v.doc.Components; c != nil {
		sc := &exprScope{}
		for _, k := range sortedKeys(c.Parameters) {
			v.checkParams(sc, []*Parameter{c.Parameters[k]})
		}
		for _, k := range sortedKeys(c.SuccessActions) {
			v.checkCriteria(sc, c.SuccessActions[k].Criteria)
		}
		for _, k := range sortedKeys(c.FailureActions) {
			v.checkCriteria(sc, c.FailureActions[k].Criteria)
		}
	}
}

// mapValue returns the value node of key in mapping n.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	for _, p := range pairs(n) {
		if p.key == key {
			return p.v
		}
	}
	return nil
}

func (v *validator) checkParams(sc *exprScope, ps []*Parameter) {
	for _, p := range ps {
		if p.Reusable != nil {
			if p.Reusable.HasValue {
				v.checkValue(sc, p.Reusable.Value, mapValue(p.Reusable.node, "value"), ptrJoin(p.Pointer, "value"))
			}
			continue
		}
		v.checkValue(sc, p.Value, mapValue(p.node, "value"), ptrJoin(p.Pointer, "value"))
	}
}

// checkOutputExprs checks outputs values. An outputs value MUST be a
// runtime expression, so a string that starts with '$' must parse as one:
// it is never taken as a literal ("$inputs.x is required", "$100").
func (v *validator) checkOutputExprs(sc *exprScope, outs []*Output) {
	for _, o := range outs {
		if o.node == nil || o.node.Kind != yaml.ScalarNode {
			continue
		}
		if strings.HasPrefix(o.Value, "$") {
			e, err := expression.Parse(o.Value)
			if err != nil {
				v.exprErrorHint(o.node, o.Pointer, err, "an outputs value must be a runtime expression")
				continue
			}
			v.checkRefs(sc, e.References(), o.node, o.Pointer)
			continue
		}
		v.checkValue(sc, o.Value, o.node, o.Pointer)
	}
}

func (v *validator) checkCriteria(sc *exprScope, cs []*Criterion) {
	for _, c := range cs {
		v.checkCriterion(sc, c)
	}
}

func (v *validator) checkCriterion(sc *exprScope, c *Criterion) {
	cc, err := expression.CompileCriterion(expression.CriterionSpec{Context: c.Context, Condition: c.Condition, Type: c.Type, Version: c.Version})
	if err != nil {
		var ee *expression.Error
		field := "condition"
		if errors.As(err, &ee) && ee.Field != "" {
			field = ee.Field
		}
		n := mapValue(c.node, field)
		v.exprError(n, ptrJoin(c.Pointer, field), err)
		return
	}
	if cc == nil {
		return
	}
	for _, w := range cc.Warnings() {
		pos, ptr := valuePos(c.Meta, "condition")
		v.warnf(pos, ptr, CodeCriterion, "", "%s", w)
	}
	v.checkRefs(sc, cc.References(), c.node, c.Pointer)
}

func (v *validator) checkValue(sc *exprScope, val any, n *yaml.Node, ptr string) {
	cv, err := expression.CompileValue(val)
	if err != nil {
		v.exprError(n, ptr, err)
		return
	}
	if cv == nil {
		return
	}
	v.checkRefs(sc, cv.References(), n, ptr)
}

// exprError reports a parse error positioned at the offending column.
func (v *validator) exprError(n *yaml.Node, ptr string, err error) {
	v.exprErrorHint(n, ptr, err, "")
}

// exprErrorHint is exprError with a hint.
func (v *validator) exprErrorHint(n *yaml.Node, ptr string, err error, hint string) {
	var ee *expression.Error
	msg := err.Error()
	pos := Position{File: v.file}
	if n != nil {
		pos = Position{File: v.file, Line: n.Line, Column: n.Column}
	}
	if errors.As(err, &ee) {
		msg = fmt.Sprintf("invalid expression %q: %s", ee.Input, ee.Msg)
		pos = v.exprPos(n, ee.Input, ee.Offset)
	}
	v.errorf(pos, ptr, CodeExpression, hint, "%s", msg)
}

// exprPos finds the scalar under n that holds text and returns the position
// of the byte at offset inside text (exact for plain and simply quoted
// one-line scalars, the scalar's start otherwise).
func (v *validator) exprPos(n *yaml.Node, text string, offset int) Position {
	s, idx := findScalar(n, text, 0)
	if s == nil {
		if n == nil {
			return Position{File: v.file}
		}
		return Position{File: v.file, Line: n.Line, Column: n.Column}
	}
	pos := Position{File: v.file, Line: s.Line, Column: s.Column}
	if strings.ContainsAny(s.Value, "\n\\'\"\t") {
		return pos
	}
	switch s.Style {
	case 0:
		pos.Column += idx + offset
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		pos.Column += 1 + idx + offset
	}
	return pos
}

// findScalar looks for a scalar node containing text under n.
func findScalar(n *yaml.Node, text string, depth int) (*yaml.Node, int) {
	n = deref(n)
	if n == nil || depth > 200 {
		return nil, 0
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if i := strings.Index(n.Value, text); i >= 0 && text != "" {
			return n, i
		}
	case yaml.MappingNode, yaml.SequenceNode:
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				continue
			}
			if s, idx := findScalar(c, text, depth+1); s != nil {
				return s, idx
			}
		}
	}
	return nil, 0
}

// refLocator positions the references of one expression source under a
// node in time linear in the source: it lists the node's scalars once,
// decides once per scalar whether columns can be exact, and places a
// reference at its own offset (Reference.Pos) in the scalar that holds it
// there, trying the scalar of the previous reference first. Searching the
// scalar text for every reference instead made validation quadratic in
// the length of a condition.
type refLocator struct {
	v       *validator
	n       *yaml.Node
	scalars []*yaml.Node
	exact   []bool // the scalar's columns map one to one onto its value
	last    int
}

func newRefLocator(v *validator, n *yaml.Node) *refLocator {
	l := &refLocator{v: v, n: n}
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		n = deref(n)
		if n == nil || depth > 200 {
			return
		}
		switch n.Kind {
		case yaml.ScalarNode:
			l.scalars = append(l.scalars, n)
			l.exact = append(l.exact, !strings.ContainsAny(n.Value, "\n\\'\"\t"))
		case yaml.MappingNode, yaml.SequenceNode:
			for i, c := range n.Content {
				if n.Kind == yaml.MappingNode && i%2 == 0 {
					continue
				}
				walk(c, depth+1)
			}
		}
	}
	walk(n, 0)
	return l
}

// pos returns the position of r, as exprPos would.
func (l *refLocator) pos(r *expression.Reference) Position {
	at := func(i int) bool {
		s := l.scalars[i].Value
		return r.Pos >= 0 && r.Pos <= len(s) && strings.HasPrefix(s[r.Pos:], r.Text)
	}
	i := -1
	if l.last < len(l.scalars) && at(l.last) {
		i = l.last
	} else {
		for j := range l.scalars {
			if at(j) {
				i = j
				break
			}
		}
	}
	if i < 0 || r.Text == "" {
		return l.v.exprPos(l.n, r.Text, 0)
	}
	l.last = i
	s := l.scalars[i]
	pos := Position{File: l.v.file, Line: s.Line, Column: s.Column}
	if !l.exact[i] {
		return pos
	}
	switch s.Style {
	case 0:
		pos.Column += r.Pos
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		pos.Column += 1 + r.Pos
	}
	return pos
}

// checkRefs checks what each reference names.
func (v *validator) checkRefs(sc *exprScope, refs []*expression.Reference, n *yaml.Node, ptr string) {
	loc := newRefLocator(v, n)
	for i, r := range refs {
		if r == nil {
			continue
		}
		if i%256 == 255 && v.stopped() {
			return
		}
		text := r.Text
		pos := loc.pos(r)
		if (r.Root == expression.RootSteps || r.Root == expression.RootWorkflows) && !isStrictID(r.ID) {
			// D3 real-world tolerance: the 1.0 grammar allows any
			// characters in an id, the spec says they SHOULD be
			// [A-Za-z0-9_-]; weft reads the id up to the last
			// .outputs./.inputs., so the form is unambiguous but fragile.
			what := "step"
			if r.Root == expression.RootWorkflows {
				what = "workflow"
			}
			v.warnf(pos, ptr, CodeIDForm, fmt.Sprintf("rename the %s so its id matches [A-Za-z0-9_-]+", what),
				"%s: %s id %q has characters outside [A-Za-z0-9_-] (read up to the last .%s.)", text, what, r.ID, r.Field)
		}
		if st := sc.step; st != nil && st.WorkflowID != "" && st.OperationID == "" && st.OperationPath == "" {
			switch r.Root {
			case expression.RootStatusCode, expression.RootRequest, expression.RootResponse, expression.RootURL, expression.RootMethod:
				v.warnf(pos, ptr, CodeNoHTTPExchange, "read the called workflow's outputs with $outputs.<name>",
					"%s: step %q calls a workflow and makes no HTTP request, so this evaluates to null", text, st.StepID)
			}
		}
		switch r.Root {
		case expression.RootRequest, expression.RootResponse:
			if r.Tolerated != "" {
				// D3 real-world tolerance: $response.headers.<name>.
				v.warnf(pos, ptr, CodeHeaderForm, "write "+r.Tolerated,
					"%s reads a header with .headers. (the runtime expression grammar has .header.)", text)
			}
		case expression.RootSteps:
			if r.Tolerated != "" {
				// D3 real-world tolerance: $steps.<id>.<name>.
				v.warnf(pos, ptr, CodeStepsOutputsForm, "write "+r.Tolerated,
					"%s reads a step output without .outputs.", text)
			}
			if sc.wf == nil {
				continue
			}
			st := sc.steps[r.ID]
			if st == nil {
				v.errorf(pos, ptr, CodeUnknownStepReference, "a step can only read outputs of steps of its own workflow",
					"%s: workflow %q has no step %q", text, sc.wf.WorkflowID, r.ID)
				continue
			}
			if r.Field == "outputs" && !hasOutput(st.Outputs, r.NameCandidates()) {
				// At run time the reference evaluates to null and the trace
				// lists it as missing, so the document can still run.
				v.warnf(pos, ptr, CodeUnknownOutput, fmt.Sprintf("declare %q under the outputs of step %q", r.Name, r.ID),
					"%s: step %q declares no output %q (it evaluates to null)", text, r.ID, r.Name)
			}
		case expression.RootWorkflows:
			if r.ID != "" {
				v.checkWorkflowRef(r, pos, ptr)
			}
		case expression.RootInputs:
			if sc.wf == nil {
				continue
			}
			if in := v.inputSchema(sc.wf); in != nil && in.Complete && !declaresAny(in, r.NameCandidates()) {
				// An undeclared input is only certain to be missing when the
				// schema forbids extra properties; otherwise the caller may
				// still pass it, so it is a warning.
				report := v.warnf
				if in.Closed {
					report = v.errorf
				}
				report(pos, ptr, CodeUnknownInput, fmt.Sprintf("declare %q under the properties of workflow %q's inputs", r.Name, sc.wf.WorkflowID),
					"%s: workflow %q has no input %q", text, sc.wf.WorkflowID, r.Name)
			}
		case expression.RootSourceDescriptions:
			if v.source(r.ID) == nil {
				v.unknownSource(r.ID, nil, 0, pos, ptr)
			}
		case expression.RootComponents:
			v.checkComponentRef(r, pos, ptr)
		}
		if h := r.PointerHint(); h != "" {
			v.warnf(pos, ptr, CodeBodySelector, "write "+h, "%s dereferences the body with selectors", r.String())
		}
	}
}

// checkWorkflowRef reports a $workflows reference whose id names no
// workflow, or several (see workflowsRef).
func (v *validator) checkWorkflowRef(r *expression.Reference, pos Position, ptr string) {
	local, found, incomplete := workflowsRef(v.doc, r.ID)
	switch {
	case local != nil || len(found) == 1:
	case len(found) > 1:
		var where []string
		for _, s := range found {
			where = append(where, fmt.Sprintf("%s (source %q)", displayDoc(s.Arazzo, s.URL), s.Name))
		}
		v.errorf(pos, ptr, CodeAmbiguousWorkflowReference, "rename the workflows so their ids are unique",
			"%s: workflow id %q is ambiguous: it names a workflow in %s", r.Text, r.ID, strings.Join(where, " and "))
	case incomplete:
		// A source that may declare the workflow did not load: reported there.
	default:
		hint := didYouMean(suggest.Closest(r.ID, workflowIDs(v.doc)), "")
		v.errorf(pos, ptr, CodeUnknownWorkflowReference, hint, "%s: no workflow %q in this document or its Arazzo sources", r.Text, r.ID)
	}
}

// workflowsRef resolves the workflow id of a $workflows reference written
// in d: a workflow of d first (local), else the workflows with that id of
// the Arazzo documents loaded (directly or transitively) as sources, one
// source per document (found); workflowIds are unique across a
// description in practice, several matches are ambiguous. incomplete
// reports an Arazzo source that did not load and so may declare it.
func workflowsRef(d *Document, id string) (local *Workflow, found []*SourceDescription, incomplete bool) {
	if local = findWorkflow(d, id); local != nil {
		return local, nil, false
	}
	seen := map[*Document]bool{d: true}
	var walk func(d *Document)
	walk = func(d *Document) {
		for _, s := range d.SourceDescriptions {
			if s.Arazzo == nil {
				if s.OpenAPI == nil && (s.Type == SourceTypeArazzo || s.Type == "") {
					incomplete = true // not loaded, or failed to load (reported)
				}
				continue
			}
			if seen[s.Arazzo] {
				continue
			}
			seen[s.Arazzo] = true
			if findWorkflow(s.Arazzo, id) != nil {
				found = append(found, s)
			}
			walk(s.Arazzo)
		}
	}
	walk(d)
	return nil, found, incomplete
}

// ExpressionWorkflow returns the workflow that $workflows.<id> names in an
// expression of d, under the validator's rule (decisions F6a): the
// workflow of d with that id, else the one workflow with that id in the
// Arazzo documents d loads; nil when there is none or several.
func (d *Document) ExpressionWorkflow(id string) *Workflow {
	local, found, _ := workflowsRef(d, id)
	if local == nil && len(found) == 1 {
		local = findWorkflow(found[0].Arazzo, id)
	}
	return local
}

// Source returns the (first) source description of d named name; nil
// when there is none.
// A $sourceDescriptions.<name> expression of d names it.
func (d *Document) Source(name string) *SourceDescription {
	for _, s := range d.SourceDescriptions {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// displayDoc names a loaded document by its URL.
func displayDoc(d *Document, fallback string) string {
	if d.URL != nil {
		return display(d.URL)
	}
	return fallback
}

func (v *validator) checkComponentRef(r *expression.Reference, pos Position, ptr string) {
	c := v.doc.Components
	found := false
	if c != nil {
		switch r.Field {
		case "parameters":
			_, found = c.Parameters[r.Name]
		case "successActions":
			_, found = c.SuccessActions[r.Name]
		case "failureActions":
			_, found = c.FailureActions[r.Name]
		case "inputs":
			_, found = c.Inputs[r.Name]
		default:
			return
		}
	}
	if !found {
		v.errorf(pos, ptr, CodeUnknownComponent, "declare it under components."+r.Field, "%s: no such component", r.Text)
	}
}

func hasOutput(outs []*Output, names []string) bool {
	for _, o := range outs {
		for _, n := range names {
			if o.Name == n {
				return true
			}
		}
	}
	return false
}

func declaresAny(in *InputSchema, names []string) bool {
	for _, n := range names {
		if in.Property(n) != nil {
			return true
		}
	}
	return false
}

// inputSchema returns the workflow's inputs schema as Workflow.InputSchema
// reads it, once per validation (its errors are runtime.New's to report).
func (v *validator) inputSchema(w *Workflow) *InputSchema {
	if s, ok := v.inputs[w]; ok {
		return s
	}
	s, _ := w.InputSchema()
	if v.inputs == nil {
		v.inputs = map[*Workflow]*InputSchema{}
	}
	v.inputs[w] = s
	return s
}

// isStrictID reports whether id matches [A-Za-z0-9_-]+, the form the spec
// recommends for step and workflow ids.
func isStrictID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
