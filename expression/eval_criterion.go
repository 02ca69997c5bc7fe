package expression

import (
	"bytes"
	"context"
	"math"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/ohler55/ojg/oj"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Eval evaluates the criterion against env within the default Budget to
// whether it passed; it implements Value. Missing and the error are
// EvalContext(context.Background(), env, Budget{})'s.
func (c *CompiledCriterion) Eval(env Env) (passed any, missing []string, err error) {
	o, err := c.EvalContext(context.Background(), env, Budget{})
	return o.Passed, o.Missing, err
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
	cv, ok := c.ctx.re.eval(env)
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
	s := stringify(cv)
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
func xpathEBV(x *xpath.Expr, doc *xmlquery.Node, m *meter) (bool, error) {
	var nav xpath.NodeNavigator = xmlquery.CreateXPathNavigator(doc)
	if m != nil {
		nav = &meteredNav{NodeNavigator: nav, m: m}
	}
	var pass bool
	if catchLib(func() { pass = ebv(x.Evaluate(nav)) }) != nil {
		return false, &Error{Msg: "XPath evaluation panicked"}
	}
	return pass, nil
}

// ebv is the effective boolean value of an XPath result.
func ebv(res any) bool {
	switch v := res.(type) {
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	case *xpath.NodeIterator:
		return v.MoveNext()
	}
	return false
}
