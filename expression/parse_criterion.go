package expression

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/antchfx/xpath"
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

func compileXPathExpr(src string) (*xpath.Expr, error) {
	var x *xpath.Expr
	var err error
	if catchLib(func() { x, err = xpath.Compile(src) }) != nil {
		return nil, &Error{Input: src, Msg: "unparsable XPath"}
	}
	return x, err
}
