package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/expression"
	"github.com/weftflow/weft/internal/schemamsg"
	"github.com/weftflow/weft/openapi"
)

// Runner executes the workflows of one loaded document. New compiles every
// expression and binds every operation once; a Runner is immutable after
// that and safe for concurrent Run calls.
type Runner struct {
	doc       *arazzo.Document
	cfg       config
	auth      *openapi.Authorizer
	workflows map[*arazzo.Workflow]*workflow
	// entry maps the workflow ids of the entry document.
	entry map[string]*workflow
	// consts holds the values of the $sourceDescriptions and $components
	// references of compiled expressions (see link).
	consts map[*expression.Reference]any
}

// workflow is a compiled workflow.
type workflow struct {
	wf     *arazzo.Workflow
	doc    *arazzo.Document
	id     string
	schema *jsonschema.Schema
	quick  *inputCheck // inputs schema's engine-free acceptor (nil: always the engine)
	// schemaDocs holds the inputs schema's raw document (the wording of
	// its type errors).
	schemaDocs schemamsg.Docs
	defaults   map[string]any
	secrets    []secretPath // where the inputs hold secrets (arazzo.InputSchema.Secrets)
	steps      []*step
	success    []*action
	failure    []*action
	outputs    []output
	depends    []*workflow
	// named maps the $workflows ids of the document's expressions to the
	// workflows they resolve to (see link); one map per document.
	named map[string]*workflow
}

type output struct {
	name  string
	value expression.Value
}

type param struct {
	name, in string
	value    expression.Value
}

type step struct {
	s        *arazzo.Step
	wf       *workflow
	id       string
	op       *openapi.Operation
	source   string // source description name of op
	oauth2   bool   // op's security includes an OAuth2 scheme
	callee   *workflow
	params   []param
	body     *body
	criteria []*criterion
	onOK     []*action // step actions, then inherited workflow actions
	onFail   []*action
	outputs  []output
}

type body struct {
	contentType  string
	payload      expression.Value
	hasPayload   bool
	replacements []replacement
}

type replacement struct {
	target string
	value  expression.Value
}

type criterion struct {
	c        *arazzo.Criterion
	compiled *expression.CompiledCriterion
}

type action struct {
	name       string
	typ        arazzo.ActionType
	stepID     string
	step       int // index in the workflow's steps of stepID's step
	workflowID string
	target     *workflow // goto/retry workflow target
	criteria   []*criterion
	retryAfter float64
	hasAfter   bool
	retryLimit int
	params     []param
}

// New prepares a runner for doc: it compiles every expression of every
// workflow reachable from doc (arazzo sources included), binds operations
// and input schemas, and applies opts. It fails when the document has
// error diagnostics or anything cannot be compiled; either way the error
// holds arazzo.Diagnostics (errors.As): the document's errors, or what
// could not be compiled, positioned in the document, with code
// arazzo.CodeCompile (arazzo.CodeLimit for a limit). New is
// NewContext(context.Background(), doc, opts...).
func New(doc *arazzo.Document, opts ...Option) (*Runner, error) {
	return NewContext(context.Background(), doc, opts...)
}

// NewContext is New with a context: it stops compiling and binding when
// ctx is done and returns ctx.Err(). An inputs schema nested deeper than
// Limits.MaxSchemaDepth fails with a *LimitError naming it.
func NewContext(ctx context.Context, doc *arazzo.Document, opts ...Option) (*Runner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errors.New("runtime.New: nil document")
	}
	if doc.Diagnostics.HasErrors() {
		return nil, fmt.Errorf("runtime.New: document has errors:\n%w", doc.Diagnostics.Errors())
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	cfg.fill()
	r := &Runner{
		doc:       doc,
		cfg:       cfg,
		workflows: map[*arazzo.Workflow]*workflow{},
		entry:     map[string]*workflow{},
		consts:    map[*expression.Reference]any{},
		auth:      &openapi.Authorizer{Credentials: cfg.creds, HTTPClient: cfg.client, MaxResponseBytes: cfg.limits.MaxResponseBytes, TokenTimeout: cfg.limits.RequestTimeout},
	}
	c := &compiler{r: r, ctx: ctx, seenDocs: map[*arazzo.Document]bool{}}
	c.collect(doc)
	for _, w := range c.order {
		if err := c.compileWorkflow(w); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, wf := range doc.Workflows {
		r.entry[wf.WorkflowID] = r.workflows[wf]
	}
	if len(c.diags) > 0 {
		if len(c.causes) > 0 {
			return nil, &compileError{c.diags, c.causes}
		}
		return nil, c.diags
	}
	return r, nil
}

// compileError is New's error when a finding has a typed cause (a
// *LimitError): it reads as its Diagnostics, and errors.As finds both the
// Diagnostics and the causes.
type compileError struct {
	arazzo.Diagnostics
	causes []error
}

func (e *compileError) Unwrap() []error { return append([]error{e.Diagnostics}, e.causes...) }

// Document returns the document the runner executes.
func (r *Runner) Document() *arazzo.Document { return r.doc }

type compiler struct {
	r        *Runner
	ctx      context.Context
	seenDocs map[*arazzo.Document]bool
	order    []*workflow
	// diags are the findings of compiling (code arazzo.CodeCompile, or
	// arazzo.CodeLimit for a limit); causes the typed errors behind some.
	diags  arazzo.Diagnostics
	causes []error
	cur    *workflow // the workflow being compiled
}

// collect registers every workflow of doc and of its arazzo sources.
func (c *compiler) collect(doc *arazzo.Document) {
	if doc == nil || c.seenDocs[doc] {
		return
	}
	c.seenDocs[doc] = true
	named := map[string]*workflow{}
	for _, wf := range doc.Workflows {
		w := &workflow{wf: wf, doc: doc, id: wf.WorkflowID, named: named}
		c.r.workflows[wf] = w
		c.order = append(c.order, w)
	}
	for _, sd := range doc.SourceDescriptions {
		if sd.Arazzo != nil {
			c.collect(sd.Arazzo)
		}
	}
}

// errorf records a finding about the object m describes.
func (c *compiler) errorf(m *arazzo.Meta, format string, args ...any) {
	c.report(m, arazzo.CodeCompile, fmt.Sprintf(format, args...))
}

func (c *compiler) report(m *arazzo.Meta, code, msg string) {
	d := arazzo.Diagnostic{Severity: arazzo.SeverityError, Code: code, Message: msg}
	if m != nil {
		d.Pos, d.Pointer = m.Pos, m.Pointer
	}
	c.diags = append(c.diags, d)
}

// resolved returns the compiled workflow of a target the validator
// resolved; nil when it did not resolve. Names are never looked up here:
// arazzo owns resolution and its tolerance rules.
func (c *compiler) resolved(t *arazzo.Target) *workflow {
	if t == nil || t.Workflow == nil {
		return nil
	}
	return c.r.workflows[t.Workflow]
}

func (c *compiler) compileWorkflow(w *workflow) error {
	wf := w.wf
	c.cur = w
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if err := c.compileInputs(w); err != nil {
		var le *LimitError
		if errors.As(err, &le) {
			c.report(&wf.Meta, arazzo.CodeLimit, fmt.Sprintf("workflow %q inputs: %v", wf.WorkflowID, err))
			c.causes = append(c.causes, err)
		} else {
			c.errorf(&wf.Meta, "workflow %q inputs: %v", wf.WorkflowID, err)
		}
	}
	for i, dep := range wf.DependsOn {
		var d *workflow
		if i < len(wf.Dependencies) {
			d = c.resolved(wf.Dependencies[i])
		}
		if d == nil {
			c.errorf(&wf.Meta, "workflow %q depends on unknown workflow %q", wf.WorkflowID, dep)
			continue
		}
		w.depends = append(w.depends, d)
	}
	w.success = c.successActions(w, wf.SuccessActions)
	w.failure = c.failureActions(w, wf.FailureActions)
	wfParams := c.params(wf.Parameters)
	for _, s := range wf.Steps {
		if err := c.ctx.Err(); err != nil {
			return err
		}
		w.steps = append(w.steps, c.compileStep(w, s, wfParams))
	}
	w.outputs = c.outputs(wf.Outputs)
	return nil
}

func (c *compiler) compileStep(w *workflow, s *arazzo.Step, wfParams []param) *step {
	st := &step{s: s, wf: w, id: s.StepID}
	switch {
	case s.Target != nil && s.Target.Operation != nil:
		st.op = s.Target.Operation
		if s.Target.Source != nil {
			st.source = s.Target.Source.Name
		}
		st.oauth2 = usesOAuth2(st.op)
		// Bind now (once per operation, shared by every runner of the
		// document), so a broken operation fails New rather than a run.
		if _, err := st.op.Parameters(c.ctx); err != nil {
			c.errorf(&s.Meta, "step %q: operation %s: %v", s.StepID, st.op, err)
		}
		if c.r.cfg.validate {
			// one kin-openapi load for every validated operation of the
			// description, on the first validation
			st.op.Description.WillValidate(st.op)
		}
	case s.Target != nil && s.Target.Workflow != nil:
		st.callee = c.resolved(s.Target)
	}
	if st.op == nil && st.callee == nil {
		c.errorf(&s.Meta, "step %q of workflow %q has no bound target", s.StepID, w.id)
	}
	// Parameters: workflow-level first, then the step's; the step wins for
	// the same (name, in) (decisions F7). For workflow steps "in" is unused.
	own := c.params(s.Parameters)
	key := func(p param) string {
		if st.callee != nil {
			return p.name
		}
		return p.name + "\x00" + p.in
	}
	seen := map[string]int{}
	for _, p := range append(append([]param(nil), wfParams...), own...) {
		k := key(p)
		if i, ok := seen[k]; ok {
			st.params[i] = p
			continue
		}
		seen[k] = len(st.params)
		st.params = append(st.params, p)
	}
	if rb := s.RequestBody; rb != nil {
		b := &body{contentType: rb.ContentType, hasPayload: rb.HasPayload}
		if rb.HasPayload {
			b.payload = c.value(&rb.Meta, rb.Payload)
		}
		for _, rep := range rb.Replacements {
			b.replacements = append(b.replacements, replacement{target: rep.Target, value: c.value(&rep.Meta, rep.Value)})
		}
		st.body = b
	}
	st.criteria = c.criteria(s.SuccessCriteria)
	st.outputs = c.outputs(s.Outputs)
	st.onOK = mergeActions(c.successActions(w, s.OnSuccess), w.success)
	st.onFail = mergeActions(c.failureActions(w, s.OnFailure), w.failure)
	return st
}

// mergeActions appends the workflow's actions whose names the step did not
// redefine (decisions F1).
func mergeActions(own, inherited []*action) []*action {
	out := append([]*action(nil), own...)
	for _, a := range inherited {
		redefined := false
		for _, o := range own {
			if o.name == a.name {
				redefined = true
				break
			}
		}
		if !redefined {
			out = append(out, a)
		}
	}
	return out
}

func (c *compiler) value(m *arazzo.Meta, v any) expression.Value {
	cv, err := expression.CompileValue(v)
	if err != nil {
		c.errorf(m, "%v", err)
		return nil
	}
	if cv != nil {
		c.link(cv.References())
	}
	return cv
}

func (c *compiler) params(ps []*arazzo.Parameter) []param {
	var out []param
	for _, p := range ps {
		name, in, val, meta := p.Name, p.In, p.Value, &p.Meta
		if r := p.Reusable; r != nil {
			comp := r.Parameter
			if comp == nil {
				c.errorf(&p.Meta, "unresolved parameter reference %q", r.Reference)
				continue
			}
			name, in, val = comp.Name, comp.In, comp.Value
			if r.HasValue {
				val = r.Value
			}
		}
		out = append(out, param{name: name, in: in, value: c.value(meta, val)})
	}
	return out
}

func (c *compiler) criteria(cs []*arazzo.Criterion) []*criterion {
	var out []*criterion
	for _, cr := range cs {
		cc, err := expression.CompileCriterion(expression.CriterionSpec{
			Context: cr.Context, Condition: cr.Condition, Type: cr.Type, Version: cr.Version,
		})
		if err != nil {
			c.errorf(&cr.Meta, "criterion %q: %v", cr.Condition, err)
			continue
		}
		if cc != nil {
			c.link(cc.References())
		}
		out = append(out, &criterion{c: cr, compiled: cc})
	}
	return out
}

func (c *compiler) outputs(os []*arazzo.Output) []output {
	var out []output
	for _, o := range os {
		if v := c.value(&o.Meta, o.Value); v != nil {
			out = append(out, output{name: o.Name, value: v})
		}
	}
	return out
}

func (c *compiler) successActions(w *workflow, as []*arazzo.SuccessAction) []*action {
	var out []*action
	for _, a := range as {
		ref := a.Reusable
		if ref != nil {
			if a = ref.SuccessAction; a == nil {
				c.errorf(&ref.Meta, "unresolved success action reference %q", ref.Reference)
				continue
			}
		}
		ca := &action{name: a.Name, typ: a.Type, stepID: a.StepID, workflowID: a.WorkflowID, criteria: c.criteria(a.Criteria)}
		c.bindAction(w, ref, &a.Meta, ca, a.Target, a.Step, a.Parameters)
		out = append(out, ca)
	}
	return out
}

func (c *compiler) failureActions(w *workflow, as []*arazzo.FailureAction) []*action {
	var out []*action
	for _, a := range as {
		ref := a.Reusable
		if ref != nil {
			if a = ref.FailureAction; a == nil {
				c.errorf(&ref.Meta, "unresolved failure action reference %q", ref.Reference)
				continue
			}
		}
		ca := &action{name: a.Name, typ: a.Type, stepID: a.StepID, workflowID: a.WorkflowID, criteria: c.criteria(a.Criteria), retryLimit: 1}
		if a.RetryAfter != nil {
			ca.retryAfter, ca.hasAfter = *a.RetryAfter, true
		}
		if a.RetryLimit != nil {
			ca.retryLimit = *a.RetryLimit
		}
		c.bindAction(w, ref, &a.Meta, ca, a.Target, a.Step, a.Parameters)
		out = append(out, ca)
	}
	return out
}

// bindAction links a compiled action to the workflow and the step the
// validator resolved; ref is the Reusable the action was reached through
// (nil for an inline action), whose Step is the step in w, since a
// component's stepId depends on the workflow that uses it.
func (c *compiler) bindAction(w *workflow, ref *arazzo.Reusable, m *arazzo.Meta, a *action, target *arazzo.Target, st *arazzo.Step, ps []*arazzo.Parameter) {
	if a.workflowID != "" {
		a.target = c.resolved(target)
		if a.target == nil {
			c.errorf(m, "action %q names unknown workflow %q", a.name, a.workflowID)
		}
	}
	if ref != nil {
		st = ref.Step
	}
	if a.stepID != "" {
		a.step = slices.Index(w.wf.Steps, st)
		if st == nil || a.step < 0 {
			c.errorf(m, "action %q names unknown step %q", a.name, a.stepID)
		}
	}
	a.params = c.params(ps)
}

// compileInputs compiles the inputs JSON Schema (2020-12) in the
// resource arazzo shapes for it (so $ref to the document's components
// resolves), and takes defaults and secrets from arazzo's reading.
func (c *compiler) compileInputs(w *workflow) error {
	schema := w.wf.Inputs
	if schema == nil {
		return nil
	}
	// The schema compiler's work grows faster than linearly with nesting
	// (5,000 levels took 39 s): bound the nesting first.
	max := c.r.cfg.limits.MaxSchemaDepth
	if nestedDeeper(schema, max) || (w.doc.Components != nil && nestedDeeper(w.doc.Components.Inputs, max+1)) {
		return &LimitError{Limit: "MaxSchemaDepth", Value: max}
	}
	in, err := w.wf.InputSchema()
	if err != nil {
		return err
	}
	root, fragment := in.Resource()
	data, err := json.Marshal(normalizeYAML(root))
	if err != nil {
		return err
	}
	resource := fmt.Sprintf("weft:///doc-%p.json", w.doc)
	sch, raw, err := compileInputsSchema(resource, data, fragment)
	if err != nil {
		return err
	}
	w.schema = sch
	w.quick = quickInputs(sch)
	w.schemaDocs = raw
	w.defaults = map[string]any{}
	for _, p := range in.Properties {
		if p.HasDefault {
			w.defaults[p.Name] = p.Default
		}
	}
	// Defaults as JSON numbers print as they did when the engine decoded
	// them.
	if len(w.defaults) > 0 {
		if data, err := json.Marshal(normalizeYAML(w.defaults)); err == nil {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var m map[string]any
			if dec.Decode(&m) == nil {
				w.defaults = m
			}
		}
	}
	for _, p := range in.Secrets {
		sp := make(secretPath, len(p))
		for i, st := range p {
			sp[i] = pathSeg{name: st.Name, any: st.Any}
		}
		w.secrets = append(w.secrets, sp)
	}
	return nil
}

// compileInputsSchema compiles the JSON Schema (2020-12 unless it says
// otherwise) at fragment of the JSON document data, named resource. It
// returns the raw document too (for the wording of type errors, see
// schemamsg.Docs). Formats are asserted (email, date-time, regex...), as
// weft always did for inputs; an unknown format such as password checks
// nothing.
func compileInputsSchema(resource string, data []byte, fragment string) (*jsonschema.Schema, schemamsg.Docs, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	comp.AssertFormat()
	comp.AssertVocabs()
	if err := comp.AddResource(resource, doc); err != nil {
		return nil, nil, err
	}
	sch, err := comp.Compile(resource + fragment)
	if err != nil {
		return nil, nil, err
	}
	return sch, schemamsg.Docs{resource: doc}, nil
}

// nestedDeeper reports whether v nests objects and arrays more than max
// levels deep (v itself, when an object or array, is level 1). It stops
// descending at max+1 levels.
func nestedDeeper(v any, max int) bool {
	var walk func(v any, depth int) bool
	walk = func(v any, depth int) bool {
		switch x := v.(type) {
		case map[string]any:
			if depth++; depth > max {
				return true
			}
			for _, e := range x {
				if walk(e, depth) {
					return true
				}
			}
		case []any:
			if depth++; depth > max {
				return true
			}
			for _, e := range x {
				if walk(e, depth) {
					return true
				}
			}
		case map[any]any:
			if depth++; depth > max {
				return true
			}
			for _, e := range x {
				if walk(e, depth) {
					return true
				}
			}
		}
		return false
	}
	return walk(v, 0)
}

// normalizeYAML converts map[any]any (possible from YAML) to
// map[string]any recursively so that values marshal as JSON.
func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = normalizeYAML(x)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[fmt.Sprint(k)] = normalizeYAML(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = normalizeYAML(x)
		}
		return s
	default:
		return v
	}
}

// usesOAuth2 reports whether any security requirement of op names an
// OAuth2 scheme (its requests may fetch a token, which build and
// sendAuthorized report to the observer).
func usesOAuth2(op *openapi.Operation) bool {
	for _, req := range op.Security() {
		for _, sr := range req {
			if sc := op.Description.SecuritySchemes[sr.Name]; sc != nil && sc.Type == "oauth2" {
				return true
			}
		}
	}
	return false
}
