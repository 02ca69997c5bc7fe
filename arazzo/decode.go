package arazzo

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// checkBudget applies the document budget (yamlbudget: MaxAliasNodes,
// MaxNestingDepth, shared with OpenAPI descriptions) to the tree at root; a
// reached limit is a "too-large" diagnostic at the node where it was
// reached.
func checkBudget(root *yaml.Node, file string) Diagnostics {
	err := (&yamlbudget.Budget{File: file}).Check(root)
	if err == nil {
		return nil
	}
	return Diagnostics{limitDiagnostic(err, file, root)}
}

// limitDiagnostic reports a *yamlbudget.LimitError (positioned at n when it
// has no position of its own).
func limitDiagnostic(err error, file string, n *yaml.Node) Diagnostic {
	pos := Position{File: file, Line: 1, Column: 1}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	var le *yamlbudget.LimitError
	if errors.As(err, &le) && le.Line > 0 {
		pos.Line, pos.Column = le.Line, le.Column
	}
	return Diagnostic{Severity: SeverityError, Pos: pos, Code: CodeTooLarge, Message: "document too large: " + err.Error(),
		Hint: "avoid recursive or deeply nested YAML aliases and deep nesting"}
}

// decoder turns a yaml.v3 node tree into the model. It records the 1.1-only
// fields it met so that schema validation can skip them.
type decoder struct {
	file  string
	v11   bool
	diags Diagnostics
	// skip holds mapping value nodes the schema validator must not see
	// (1.1-only fields, handled here).
	skip map[*yaml.Node]bool
}

// parseYAML parses data (YAML or JSON) into its root mapping node.
func parseYAML(data []byte, file string) (*yaml.Node, Diagnostics) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if lerr := yamlbudget.FromYAML(err, file, data); lerr != err {
			return nil, Diagnostics{limitDiagnostic(lerr, file, nil)}
		}
		line := 0
		msg := err.Error()
		// yaml.v3 errors read "yaml: line N: message".
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if i := strings.IndexByte(rest, ':'); i > 0 {
				if n, e := strconv.Atoi(rest[:i]); e == nil {
					line = n
					msg = "yaml: " + strings.TrimSpace(rest[i+1:])
				}
			}
		}
		if err.Error() == "EOF" {
			msg = "document is empty"
		}
		col := boolInt(line > 0)
		hint := "the document must be YAML or JSON"
		if l, c, ok := tabPosition(data, line, msg); ok {
			line, col = l, c
			msg = "a tab character in indentation"
			hint = "YAML indents with spaces only; replace the tab"
		}
		return nil, Diagnostics{{Severity: SeverityError, Pos: Position{File: file, Line: line, Column: col},
			Message: "cannot parse document: " + msg, Code: CodeSyntax, Hint: hint}}
	}
	n := &root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, Diagnostics{{Severity: SeverityError, Pos: Position{File: file, Line: n.Line, Column: n.Column},
			Pointer: "", Message: "an Arazzo document must be an object, found " + kindName(n), Code: CodeSyntax}}
	}
	return n, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "an array"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a scalar"
	}
	return "nothing"
}

func ptrJoin(base string, tok string) string { return base + "/" + jsonvalue.EscapeToken(tok) }

func ptrIndex(base string, i int) string { return base + "/" + strconv.Itoa(i) }

// deref follows alias nodes.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// pair is one key/value of a mapping node.
type pair struct {
	key   string
	kn, v *yaml.Node
}

// pairs lists the entries of a mapping node (nil for anything else).
func pairs(n *yaml.Node) []pair {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil {
			continue
		}
		v := deref(n.Content[i+1])
		if v == nil {
			continue
		}
		out = append(out, pair{key: k.Value, kn: n.Content[i], v: v})
	}
	return out
}

func (d *decoder) pos(n *yaml.Node) Position {
	if n == nil {
		return Position{File: d.file}
	}
	return Position{File: d.file, Line: n.Line, Column: n.Column}
}

// meta builds the Meta of the object at n with pointer ptr.
func (d *decoder) meta(n *yaml.Node, ptr string) Meta {
	m := Meta{Pos: d.pos(n), Pointer: ptr, node: n}
	for _, p := range pairs(n) {
		if strings.HasPrefix(p.key, "x-") {
			if m.Extensions == nil {
				m.Extensions = map[string]any{}
			}
			v, _ := d.plain(p.v)
			m.Extensions[p.key] = v
		}
	}
	return m
}

// str returns the string value of a scalar node ("" otherwise).
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// isNull tells whether n is a null scalar.
func isNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// plain converts a node to a JSON-like Go value (map[string]any, []any,
// string, int64/uint64/float64, bool, nil).
func (d *decoder) plain(n *yaml.Node) (any, error) {
	return d.plainDepth(n, 0)
}

func (d *decoder) plainDepth(n *yaml.Node, depth int) (any, error) {
	if depth > yamlbudget.MaxNestingDepth {
		// checkBudget has measured the tree: only a tree it did not see
		// gets here.
		return nil, yamlbudget.Depth(d.file, n.Line, n.Column)
	}
	n = deref(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return d.plainDepth(n.Content[0], depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k == nil {
				continue
			}
			vn := n.Content[i+1]
			if d.skip[deref(vn)] {
				continue
			}
			v, err := d.plainDepth(vn, depth+1)
			if err != nil {
				return nil, err
			}
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				if mm, ok := v.(map[string]any); ok {
					for kk, vv := range mm {
						if _, dup := m[kk]; !dup {
							m[kk] = vv
						}
					}
					continue
				}
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := d.plainDepth(c, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, nil
}

// scalar converts a scalar node per its resolved tag.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if n.Decode(&b) == nil {
			return b
		}
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
		var u uint64
		if n.Decode(&u) == nil {
			return u
		}
		var f float64
		if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	case "!!float":
		var f float64
		if n.Decode(&f) == nil {
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return n.Value // not JSON; keep the text
			}
			return f
		}
	}
	return n.Value
}

// unsupported reports a 1.1-only field that weft decodes but does not
// execute, and hides it from the 1.0 schema.
func (d *decoder) unsupported(p pair, ptr, what string) {
	d.skip[p.v] = true
	d.diags = append(d.diags, Diagnostic{Severity: SeverityWarning, Pos: d.pos(p.kn), Pointer: ptrJoin(ptr, p.key),
		Message: fmt.Sprintf("Arazzo 1.1 %s is not yet supported and is ignored", what),
		Hint:    "remove it, or expect weft to behave as for Arazzo 1.0", Code: CodeUnsupported11})
}

// decodeDocument decodes the root mapping node.
func (d *decoder) decodeDocument(n *yaml.Node) *Document {
	doc := &Document{Meta: d.meta(n, "")}
	for _, p := range pairs(n) {
		switch p.key {
		case "arazzo":
			doc.Arazzo = str(p.v)
		case "info":
			doc.Info = d.decodeInfo(p.v, "/info")
		case "sourceDescriptions":
			for i, c := range seq(p.v) {
				doc.SourceDescriptions = append(doc.SourceDescriptions, d.decodeSource(c, ptrIndex("/sourceDescriptions", i)))
			}
		case "workflows":
			for i, c := range seq(p.v) {
				doc.Workflows = append(doc.Workflows, d.decodeWorkflow(c, ptrIndex("/workflows", i), doc))
			}
		case "components":
			doc.Components = d.decodeComponents(p.v, "/components")
		case "$self":
			if d.v11 {
				d.unsupported(p, "", "`$self`")
			}
		}
	}
	return doc
}

// seq returns the items of a sequence node (nil otherwise).
func seq(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if c = deref(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

func (d *decoder) decodeInfo(n *yaml.Node, ptr string) *Info {
	in := &Info{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		switch p.key {
		case "title":
			in.Title = str(p.v)
		case "summary":
			in.Summary = str(p.v)
		case "description":
			in.Description = str(p.v)
		case "version":
			in.Version = str(p.v)
		}
	}
	return in
}

func (d *decoder) decodeSource(n *yaml.Node, ptr string) *SourceDescription {
	s := &SourceDescription{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		switch p.key {
		case "name":
			s.Name = str(p.v)
		case "url":
			s.URL = str(p.v)
		case "type":
			s.Type = str(p.v)
			if d.v11 && s.Type == "asyncapi" {
				d.unsupported(p, ptr, "source type `asyncapi`")
			}
		}
	}
	return s
}

func (d *decoder) decodeWorkflow(n *yaml.Node, ptr string, doc *Document) *Workflow {
	w := &Workflow{Meta: d.meta(n, ptr), Document: doc}
	for _, p := range pairs(n) {
		pp := ptrJoin(ptr, p.key)
		switch p.key {
		case "workflowId":
			w.WorkflowID = str(p.v)
		case "summary":
			w.Summary = str(p.v)
		case "description":
			w.Description = str(p.v)
		case "inputs":
			w.Inputs, _ = d.plain(p.v)
		case "dependsOn":
			for _, c := range seq(p.v) {
				w.DependsOn = append(w.DependsOn, str(c))
			}
		case "steps":
			for i, c := range seq(p.v) {
				w.Steps = append(w.Steps, d.decodeStep(c, ptrIndex(pp, i)))
			}
		case "successActions":
			for i, c := range seq(p.v) {
				w.SuccessActions = append(w.SuccessActions, d.decodeSuccessAction(c, ptrIndex(pp, i)))
			}
		case "failureActions":
			for i, c := range seq(p.v) {
				w.FailureActions = append(w.FailureActions, d.decodeFailureAction(c, ptrIndex(pp, i)))
			}
		case "outputs":
			w.Outputs = d.decodeOutputs(p.v, pp)
		case "parameters":
			w.Parameters = d.decodeParameters(p.v, pp)
		}
	}
	return w
}

func (d *decoder) decodeOutputs(n *yaml.Node, ptr string) []*Output {
	var out []*Output
	for _, p := range pairs(n) {
		o := &Output{Meta: Meta{Pos: d.pos(p.kn), Pointer: ptrJoin(ptr, p.key), node: p.v}, Name: p.key, Value: str(p.v)}
		if d.v11 && p.v.Kind == yaml.MappingNode {
			d.unsupported(p, ptr, "Selector Object output")
		}
		out = append(out, o)
	}
	return out
}

func (d *decoder) decodeParameters(n *yaml.Node, ptr string) []*Parameter {
	var out []*Parameter
	for i, c := range seq(n) {
		out = append(out, d.decodeParameter(c, ptrIndex(ptr, i)))
	}
	return out
}

// hasKey tells whether mapping n has key k.
func hasKey(n *yaml.Node, k string) bool {
	for _, p := range pairs(n) {
		if p.key == k {
			return true
		}
	}
	return false
}

func (d *decoder) decodeReusable(n *yaml.Node, ptr string) *Reusable {
	r := &Reusable{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		switch p.key {
		case "reference":
			r.Reference = str(p.v)
		case "value":
			r.Value, _ = d.plain(p.v)
			r.HasValue = true
		}
	}
	return r
}

func (d *decoder) decodeParameter(n *yaml.Node, ptr string) *Parameter {
	prm := &Parameter{Meta: d.meta(n, ptr)}
	if hasKey(n, "reference") {
		prm.Reusable = d.decodeReusable(n, ptr)
		return prm
	}
	for _, p := range pairs(n) {
		switch p.key {
		case "name":
			prm.Name = str(p.v)
		case "in":
			prm.In = str(p.v)
			if d.v11 && prm.In == "querystring" {
				d.unsupported(p, ptr, "parameter location `querystring`")
			}
		case "value":
			prm.Value, _ = d.plain(p.v)
		}
	}
	return prm
}

func (d *decoder) decodeStep(n *yaml.Node, ptr string) *Step {
	s := &Step{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		pp := ptrJoin(ptr, p.key)
		switch p.key {
		case "stepId":
			s.StepID = str(p.v)
		case "description":
			s.Description = str(p.v)
		case "operationId":
			s.OperationID = str(p.v)
		case "operationPath":
			s.OperationPath = str(p.v)
		case "workflowId":
			s.WorkflowID = str(p.v)
		case "parameters":
			s.Parameters = d.decodeParameters(p.v, pp)
		case "requestBody":
			s.RequestBody = d.decodeRequestBody(p.v, pp)
		case "successCriteria":
			s.HasSuccessCriteria = true
			s.SuccessCriteria = d.decodeCriteria(p.v, pp)
		case "onSuccess":
			for i, c := range seq(p.v) {
				s.OnSuccess = append(s.OnSuccess, d.decodeSuccessAction(c, ptrIndex(pp, i)))
			}
		case "onFailure":
			for i, c := range seq(p.v) {
				s.OnFailure = append(s.OnFailure, d.decodeFailureAction(c, ptrIndex(pp, i)))
			}
		case "outputs":
			s.Outputs = d.decodeOutputs(p.v, pp)
		case "timeout", "dependsOn", "channelPath", "correlationId", "action":
			if d.v11 {
				d.unsupported(p, ptr, "step field `"+p.key+"`")
				s.async = s.async || p.key == "channelPath" || p.key == "action"
			}
		}
	}
	return s
}

func (d *decoder) decodeCriteria(n *yaml.Node, ptr string) []*Criterion {
	var out []*Criterion
	for i, c := range seq(n) {
		out = append(out, d.decodeCriterion(c, ptrIndex(ptr, i)))
	}
	return out
}

func (d *decoder) decodeCriterion(n *yaml.Node, ptr string) *Criterion {
	c := &Criterion{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		switch p.key {
		case "context":
			c.Context = str(p.v)
		case "condition":
			c.Condition = str(p.v)
		case "type":
			if p.v.Kind == yaml.MappingNode {
				if d.v11 {
					// 1.1 Expression Type Objects add types and versions
					// (rfc9535, jsonpointer); the expression package
					// checks them instead of the 1.0 schema.
					d.skip[p.v] = true
				}
				for _, q := range pairs(p.v) {
					switch q.key {
					case "type":
						c.Type = str(q.v)
					case "version":
						c.Version = str(q.v)
					}
				}
			} else {
				c.Type = str(p.v)
			}
		}
	}
	return c
}

func (d *decoder) decodeRequestBody(n *yaml.Node, ptr string) *RequestBody {
	rb := &RequestBody{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		switch p.key {
		case "contentType":
			rb.ContentType = str(p.v)
		case "payload":
			rb.Payload, _ = d.plain(p.v)
			rb.HasPayload = true
		case "replacements":
			for i, c := range seq(p.v) {
				r := &PayloadReplacement{Meta: d.meta(c, ptrIndex(ptrJoin(ptr, p.key), i))}
				for _, q := range pairs(c) {
					switch q.key {
					case "target":
						r.Target = str(q.v)
					case "value":
						r.Value, _ = d.plain(q.v)
					case "targetSelectorType":
						if d.v11 {
							d.unsupported(q, r.Pointer, "replacement `targetSelectorType`")
						}
					}
				}
				rb.Replacements = append(rb.Replacements, r)
			}
		}
	}
	return rb
}

// actionFields decodes the fields shared by success and failure actions.
func (d *decoder) actionFields(n *yaml.Node, ptr string, name *string, typ *ActionType, wf, step *string, crit *[]*Criterion, params *[]*Parameter) {
	for _, p := range pairs(n) {
		switch p.key {
		case "name":
			*name = str(p.v)
		case "type":
			*typ = ActionType(str(p.v))
		case "workflowId":
			*wf = str(p.v)
		case "stepId":
			*step = str(p.v)
		case "criteria":
			*crit = d.decodeCriteria(p.v, ptrJoin(ptr, "criteria"))
		case "parameters":
			// Arazzo 1.1: decoded into the model (the runtime passes them
			// as inputs of a goto workflowId target); hidden from the 1.0
			// schema for 1.1 documents only.
			*params = d.decodeParameters(p.v, ptrJoin(ptr, "parameters"))
			if d.v11 {
				d.skip[p.v] = true
			}
		}
	}
}

func (d *decoder) decodeSuccessAction(n *yaml.Node, ptr string) *SuccessAction {
	a := &SuccessAction{Meta: d.meta(n, ptr)}
	if hasKey(n, "reference") {
		a.Reusable = d.decodeReusable(n, ptr)
		return a
	}
	d.actionFields(n, ptr, &a.Name, &a.Type, &a.WorkflowID, &a.StepID, &a.Criteria, &a.Parameters)
	return a
}

func (d *decoder) decodeFailureAction(n *yaml.Node, ptr string) *FailureAction {
	a := &FailureAction{Meta: d.meta(n, ptr)}
	if hasKey(n, "reference") {
		a.Reusable = d.decodeReusable(n, ptr)
		return a
	}
	d.actionFields(n, ptr, &a.Name, &a.Type, &a.WorkflowID, &a.StepID, &a.Criteria, &a.Parameters)
	for _, p := range pairs(n) {
		switch p.key {
		case "retryAfter":
			if v, ok := scalar(p.v).(float64); ok {
				a.RetryAfter = &v
			} else if v, ok := scalar(p.v).(int64); ok {
				f := float64(v)
				a.RetryAfter = &f
			}
		case "retryLimit":
			if v, ok := scalar(p.v).(int64); ok && v >= 0 && v <= math.MaxInt32 {
				i := int(v)
				a.RetryLimit = &i
			}
		}
	}
	return a
}

func (d *decoder) decodeComponents(n *yaml.Node, ptr string) *Components {
	c := &Components{Meta: d.meta(n, ptr)}
	for _, p := range pairs(n) {
		pp := ptrJoin(ptr, p.key)
		switch p.key {
		case "inputs":
			for _, q := range pairs(p.v) {
				if c.Inputs == nil {
					c.Inputs = map[string]any{}
				}
				c.Inputs[q.key], _ = d.plain(q.v)
			}
		case "parameters":
			for _, q := range pairs(p.v) {
				if c.Parameters == nil {
					c.Parameters = map[string]*Parameter{}
				}
				c.Parameters[q.key] = d.decodeParameter(q.v, ptrJoin(pp, q.key))
			}
		case "successActions":
			for _, q := range pairs(p.v) {
				if c.SuccessActions == nil {
					c.SuccessActions = map[string]*SuccessAction{}
				}
				c.SuccessActions[q.key] = d.decodeSuccessAction(q.v, ptrJoin(pp, q.key))
			}
		case "failureActions":
			for _, q := range pairs(p.v) {
				if c.FailureActions == nil {
					c.FailureActions = map[string]*FailureAction{}
				}
				c.FailureActions[q.key] = d.decodeFailureAction(q.v, ptrJoin(pp, q.key))
			}
		}
	}
	return c
}
