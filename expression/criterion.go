package expression

import (
	"bytes"
	"context"
	"math"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/ohler55/ojg/oj"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// CriterionSpec is the source of a criterion.
type CriterionSpec struct {
	Context   string
	Condition string
	// Type is "", "simple", "regex", "jsonpath" or "xpath".
	Type string
	// Version is the Criterion Expression Type version, if any
	// ("rfc9535", "draft-goessner-dispatch-jsonpath-00", "xpath-10",
	// "xpath-20", "xpath-30", "xpath-31").
	Version string
}

type critKind uint8

const (
	kindSimple critKind = iota
	kindRegex
	kindJSONPath
	kindXPath
)

var kindNames = [...]string{"simple", "regex", "jsonpath", "xpath"}

// CompiledCriterion is a compiled Criterion Object. It is immutable and
// safe for concurrent use.
type CompiledCriterion struct {
	spec     CriterionSpec
	kind     critKind
	ctx      *Expr
	cond     *Condition     // simple; jsonpath (plain query or comparison form)
	re       *regexp.Regexp // regex without embedded expressions
	tpl      *Template      // regex/jsonpath/xpath condition with "{$...}" parts
	xp       *xpathPool     // xpath without embedded expressions
	refs     []*Reference
	warnings []string
}

// CompileCriterion compiles a criterion. Errors are *Error values whose
// Field says whether Context or Condition is at fault.
//
//   - Type "" or "simple": Condition is a simple condition (ParseCondition).
//     A Context, when given, is parsed (so it is checked and listed by
//     References) but not used: the condition names what it compares.
//   - "regex": Condition is a Go RE2 pattern searched (unanchored) in the
//     string form of the Context value.
//   - "jsonpath": Condition is an RFC 9535 query on the Context value
//     (passes iff the node list is non-empty) or the comparison form
//     "<path> <op> <operand>" (see package documentation).
//   - "xpath": Condition is an XPath expression on the Context value, an
//     XML document held as a string or []byte.
//
// regex, jsonpath and xpath need a Context. Their Condition may embed
// "{$...}" runtime expressions, substituted before the condition is
// compiled at evaluation time.
func CompileCriterion(spec CriterionSpec) (*CompiledCriterion, error) {
	c := &CompiledCriterion{spec: spec}
	switch strings.ToLower(strings.TrimSpace(spec.Type)) {
	case "", "simple":
		c.kind = kindSimple
	case "regex":
		c.kind = kindRegex
	case "jsonpath":
		c.kind = kindJSONPath
	case "xpath":
		c.kind = kindXPath
	default:
		return nil, &Error{Field: "type", Input: spec.Type, Msg: "unknown criterion type " + quote(spec.Type) + " (want simple, regex, jsonpath or xpath)"}
	}
	if spec.Context != "" {
		e, err := Parse(spec.Context)
		if err != nil {
			err.(*Error).Field = "context"
			return nil, err
		}
		c.ctx = e
		c.refs = append(c.refs, e.Reference())
	} else if c.kind != kindSimple {
		return nil, &Error{Field: "context", Input: spec.Context, Msg: "a " + kindNames[c.kind] + " criterion needs a context (such as $response.body)"}
	}
	c.versionWarnings()
	cond := spec.Condition
	if c.kind != kindSimple && strings.Contains(cond, "{$") {
		t, err := ParseTemplate(cond)
		if err != nil {
			err.(*Error).Field = "condition"
			return nil, err
		}
		if !t.IsLiteral() {
			c.tpl = t
			c.refs = append(c.refs, t.References()...)
			return c, nil
		}
	}
	var err error
	switch c.kind {
	case kindSimple:
		var cd *Condition
		if cd, err = ParseCondition(cond); err == nil {
			c.cond = cd
		}
	case kindRegex:
		c.re, err = compileRegex(cond)
	case kindJSONPath:
		c.cond, err = compileJSONPath(cond)
	case kindXPath:
		c.xp, err = compileXPath(cond)
	}
	if err != nil {
		err.(*Error).Field = "condition"
		return nil, err
	}
	if c.cond != nil {
		c.refs = append(c.refs, c.cond.refs...)
	}
	return c, nil
}

func (c *CompiledCriterion) versionWarnings() {
	v := strings.TrimSpace(c.spec.Version)
	switch c.kind {
	case kindJSONPath:
		switch v {
		case "", "rfc9535":
		case "draft-goessner-dispatch-jsonpath-00":
			c.warnings = append(c.warnings, "JSONPath version draft-goessner-dispatch-jsonpath-00 is evaluated with the RFC 9535 engine (ojg); results can differ where the dialects do")
		default:
			c.warnings = append(c.warnings, "unknown JSONPath version "+quote(v)+"; evaluated as RFC 9535")
		}
	case kindXPath:
		switch v {
		case "xpath-10":
		case "xpath-20":
			c.warnings = append(c.warnings, "XPath 2.0 was requested; weft evaluates XPath 1.0 with a subset of the 2.0 functions (antchfx/xpath)")
		case "", "xpath-30", "xpath-31":
			name := "3.1 (the default)"
			if v == "xpath-30" {
				name = "3.0"
			} else if v == "xpath-31" {
				name = "3.1"
			}
			c.warnings = append(c.warnings, "XPath "+name+" was requested; weft evaluates XPath 1.0 with a subset of the 2.0 functions (antchfx/xpath), so 3.x-only syntax fails to compile")
		default:
			c.warnings = append(c.warnings, "unknown XPath version "+quote(v)+"; evaluated as XPath 1.0")
		}
	default:
		if v != "" {
			c.warnings = append(c.warnings, "a version ("+quote(v)+") is ignored for "+kindNames[c.kind]+" criteria")
		}
	}
}

// Warnings returns load-time warnings: versions that cannot be honoured
// exactly. The criterion still evaluates.
func (c *CompiledCriterion) Warnings() []string { return c.warnings }

// Type returns the normalized criterion type: "simple", "regex",
// "jsonpath" or "xpath".
func (c *CompiledCriterion) Type() string { return kindNames[c.kind] }

// Spec returns the source the criterion was compiled from.
func (c *CompiledCriterion) Spec() CriterionSpec { return c.spec }

// References lists every runtime expression used by the criterion: the
// context first, then the condition's in source order.
func (c *CompiledCriterion) References() []*Reference { return c.refs }

// Condition returns the compiled simple condition (or JSONPath condition),
// nil for other types and for conditions with embedded expressions.
func (c *CompiledCriterion) Condition() *Condition { return c.cond }

func compileRegex(pat string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pat)
	if err != nil {
		msg := err.Error()
		if se, ok := err.(*syntax.Error); ok {
			msg = string(se.Code) + " " + quote(se.Expr)
			if strings.Contains(se.Expr, "(?=") || strings.Contains(se.Expr, "(?!") || strings.Contains(se.Expr, "(?<") {
				msg += " (Go RE2 has no look-around)"
			}
		}
		off := 0
		if se, ok := err.(*syntax.Error); ok {
			if i := strings.Index(pat, se.Expr); i >= 0 {
				off = i
			}
		}
		return nil, &Error{Input: pat, Offset: off, Msg: "invalid regular expression: " + msg}
	}
	return re, nil
}

func compileJSONPath(cond string) (*Condition, error) {
	trimmed := strings.TrimSpace(cond)
	if x, err := parseJP(trimmed); err == nil && strings.HasPrefix(trimmed, "$") {
		p := newJSONPath(trimmed, x, nil)
		lead := strings.Index(cond, trimmed)
		return &Condition{src: cond, jsonpath: true, root: &node{kind: nPath, pos: lead, end: lead + len(trimmed), path: p}}, nil
	}
	c, err := parseCondition(cond, true)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// xpathPool holds compiled XPath expressions: an antchfx/xpath Expr keeps
// iterator state while it evaluates, so each evaluation borrows its own.
type xpathPool struct {
	src  string
	pool sync.Pool
}

func compileXPath(src string) (*xpathPool, error) {
	x, err := compileXPathExpr(src)
	if err != nil {
		return nil, &Error{Input: src, Msg: "invalid XPath: " + err.Error()}
	}
	p := &xpathPool{src: src}
	p.pool.New = func() any {
		x, _ := compileXPathExpr(src)
		return x
	}
	p.pool.Put(x)
	return p, nil
}

func compileXPathExpr(src string) (x *xpath.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			x, err = nil, &Error{Input: src, Msg: "unparsable XPath"}
		}
	}()
	return xpath.Compile(src)
}

// Eval evaluates the criterion against env within the default Budget. It
// is EvalContext(context.Background(), env, Budget{}).
func (c *CompiledCriterion) Eval(env Env) (Outcome, error) {
	return c.EvalContext(context.Background(), env, Budget{})
}

// EvalContext evaluates the criterion against env. The Outcome says
// whether it passed, which references were missing, and why it failed. A
// non-nil error reports an evaluation error (a context that is not JSON or
// XML, a condition that becomes invalid once its embedded expressions are
// substituted, a JSONPath comparison whose path selects several nodes); the
// Outcome then fails with the error in its Detail.
//
// The evaluation stops when ctx is done, returning ctx.Err(), and when it
// runs out of budget, returning a *BudgetError naming the limit. In both
// cases the criterion does not pass.
func (c *CompiledCriterion) EvalContext(ctx context.Context, env Env, b Budget) (o Outcome, err error) {
	if err := ctx.Err(); err != nil {
		return Outcome{Detail: err.Error()}, err
	}
	if c.kind == kindSimple && c.cond != nil {
		// A simple condition reads references only: nothing to meter.
		return c.eval(env, nil, b)
	}
	m := newMeter(ctx, b)
	if aerr := m.run(func() { o, err = c.eval(env, m, b) }); aerr != nil {
		o, err = Outcome{Missing: o.Missing, Detail: aerr.Error()}, aerr
	}
	if err != nil {
		o.Passed = false
		if o.Detail == "" {
			o.Detail = err.Error()
		}
	}
	return o, err
}

func (c *CompiledCriterion) eval(env Env, m *meter, b Budget) (Outcome, error) {
	if c.kind == kindSimple && c.cond != nil {
		// Fast success path for "<expression> <op> <number>".
		if n := c.cond.root; n.kind == nCmp && n.l.kind == nRef && n.r.numOK {
			if v, ok := n.l.re.eval(env); ok {
				if ln, ok := jsonvalue.ToNumber(v); ok && ordered(n.op, ln.Cmp(n.r.num)) {
					return Outcome{Passed: true}, nil
				}
			}
		}
		return c.cond.eval(env, nil, m)
	}
	var missing []string
	cond := c.spec.Condition
	if c.tpl != nil {
		var fits bool
		if cond, missing, fits = c.tpl.renderMax(env, b.inputBytes()); !fits {
			return Outcome{Missing: missing}, &BudgetError{Limit: "MaxInputBytes", Max: b.inputBytes()}
		}
	}
	cv, ok := c.ctx.Eval(env)
	if !ok {
		missing = append(missing, c.ctx.String())
		return Outcome{Missing: missing, Detail: "context " + c.ctx.String() + " is missing"}, nil
	}
	if cv == nil {
		return Outcome{Missing: missing, Detail: "context " + c.ctx.String() + " is null"}, nil
	}
	var o Outcome
	var err error
	switch c.kind {
	case kindSimple:
		// a simple condition with embedded parts never reaches here
	case kindRegex:
		o, err = c.evalRegex(env, cond, cv, m, b)
	case kindJSONPath:
		o, err = c.evalJSONPath(env, cond, cv, m, b)
	case kindXPath:
		o, err = c.evalXPath(cond, cv, m, b)
	}
	if len(missing) > 0 {
		o.Missing = append(missing, o.Missing...)
	}
	if err != nil {
		o.Passed = false
		if o.Detail == "" {
			o.Detail = err.Error()
		}
	}
	return o, err
}

// checkInput returns a *BudgetError when a context text of n bytes is over
// the budget's MaxInputBytes.
func checkInput(n int, b Budget) error {
	if max := b.inputBytes(); n > max {
		return &BudgetError{Limit: "MaxInputBytes", Max: max}
	}
	return nil
}

func (c *CompiledCriterion) evalRegex(env Env, pat string, cv any, m *meter, b Budget) (Outcome, error) {
	re := c.re
	if re == nil {
		var err error
		if re, err = compileRegex(pat); err != nil {
			return Outcome{}, err
		}
	}
	s := Stringify(cv)
	if err := checkInput(len(s), b); err != nil {
		return Outcome{}, err
	}
	matched, err := matchContext(m.ctx, re, s)
	if err != nil {
		return Outcome{}, err
	}
	if matched {
		return Outcome{Passed: true}, nil
	}
	shown := describe(s)
	if isSecret(env, c.ctx.Reference()) {
		shown = "***"
	}
	return Outcome{Detail: "pattern " + quote(pat) + " does not match " + c.ctx.String() + " = " + shown}, nil
}

func (c *CompiledCriterion) evalJSONPath(env Env, cond string, cv any, m *meter, b Budget) (Outcome, error) {
	switch x := cv.(type) {
	case string:
		if err := checkInput(len(x), b); err != nil {
			return Outcome{}, err
		}
		v, err := oj.ParseString(x)
		if err != nil {
			return Outcome{}, &Error{Input: cond, Msg: "context " + c.ctx.String() + " is not JSON"}
		}
		cv = v
	case []byte:
		if err := checkInput(len(x), b); err != nil {
			return Outcome{}, err
		}
		v, err := oj.Parse(x)
		if err != nil {
			return Outcome{}, &Error{Input: cond, Msg: "context " + c.ctx.String() + " is not JSON"}
		}
		cv = v
	}
	cd := c.cond
	if cd == nil {
		var err error
		if cd, err = compileJSONPath(cond); err != nil {
			return Outcome{}, err
		}
	}
	return cd.eval(env, cv, m)
}

func (c *CompiledCriterion) evalXPath(cond string, cv any, m *meter, b Budget) (Outcome, error) {
	var text []byte
	switch x := cv.(type) {
	case string:
		text = []byte(x)
	case []byte:
		text = x
	default:
		return Outcome{}, &Error{Input: cond, Msg: "context " + c.ctx.String() + " is not XML text"}
	}
	if err := checkInput(len(text), b); err != nil {
		return Outcome{}, err
	}
	doc, err := xmlquery.Parse(bytes.NewReader(text))
	if err != nil {
		return Outcome{}, &Error{Input: cond, Msg: "context " + c.ctx.String() + " is not XML: " + err.Error()}
	}
	var x *xpath.Expr
	if c.xp != nil {
		x, _ = c.xp.pool.Get().(*xpath.Expr)
		if x != nil {
			defer c.xp.pool.Put(x)
		}
	}
	if x == nil {
		if x, err = compileXPathExpr(cond); err != nil {
			return Outcome{}, &Error{Input: cond, Msg: "invalid XPath: " + err.Error()}
		}
	}
	pass, err := xpathEBV(x, doc, m)
	if err != nil {
		return Outcome{}, &Error{Input: cond, Msg: "XPath evaluation failed: " + err.Error()}
	}
	if pass {
		return Outcome{Passed: true}, nil
	}
	return Outcome{Detail: "XPath " + quote(cond) + " is false on " + c.ctx.String()}, nil
}

// xpathEBV evaluates x on doc and applies the effective boolean value:
// true, a non-zero number, a non-empty string, a non-empty node-set.
// The navigator charges m for every move; an abort goes on to m.run.
func xpathEBV(x *xpath.Expr, doc *xmlquery.Node, m *meter) (pass bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if a, ok := r.(abort); ok {
				panic(a)
			}
			pass, err = false, &Error{Msg: "XPath evaluation panicked"}
		}
	}()
	var nav xpath.NodeNavigator = xmlquery.CreateXPathNavigator(doc)
	if m != nil {
		nav = &meteredNav{NodeNavigator: nav, m: m}
	}
	switch v := x.Evaluate(nav).(type) {
	case bool:
		return v, nil
	case float64:
		return v != 0 && !math.IsNaN(v), nil
	case string:
		return v != "", nil
	case *xpath.NodeIterator:
		return v.MoveNext(), nil
	}
	return false, nil
}
