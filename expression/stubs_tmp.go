package expression

import "strconv"

// TEMPORARY stubs so that dependent packages compile; the expression helper
// replaces this file with real implementations keeping these signatures.

func itoa(i int) string     { return strconv.Itoa(i) }
func quote(s string) string { return strconv.Quote(s) }

// Expr is a compiled runtime expression.
type Expr struct{ ref Reference }

// Parse parses one runtime expression ("$inputs.id", "$response.body#/a").
func Parse(src string) (*Expr, error) { panic("not implemented") }

// Reference returns the parsed reference.
func (e *Expr) Reference() *Reference { return &e.ref }

// String returns the expression as written.
func (e *Expr) String() string { return e.ref.Text }

// Eval evaluates the expression; a missing value yields (nil, false).
func (e *Expr) Eval(env Env) (any, bool) { panic("not implemented") }

// Value is a compiled value per decisions E1: a whole expression (type
// kept), a template string, a literal, or a map/slice tree of those.
type Value interface {
	// Eval evaluates the value. Missing references inside yield nil and are
	// listed in missing.
	Eval(env Env) (v any, missing []string, err error)
	// References lists every runtime expression inside the value.
	References() []*Reference
}

// CompileValue compiles a decoded YAML/JSON value (string leaves may hold
// expressions or templates) per decisions E1.
func CompileValue(v any) (Value, error) { panic("not implemented") }

// CompiledCriterion is a compiled Criterion Object; safe for concurrent use.
type CompiledCriterion struct{}

// CriterionSpec is the source of a criterion.
type CriterionSpec struct {
	Context   string
	Condition string
	// Type is "", "simple", "regex", "jsonpath" or "xpath".
	Type string
	// Version is the Criterion Expression Type version, if any.
	Version string
}

// CompileCriterion compiles a criterion. Errors are *Error values.
func CompileCriterion(spec CriterionSpec) (*CompiledCriterion, error) { panic("not implemented") }

// Eval evaluates the criterion against env.
func (c *CompiledCriterion) Eval(env Env) (Outcome, error) { panic("not implemented") }

// References lists every runtime expression used by the criterion.
func (c *CompiledCriterion) References() []*Reference { panic("not implemented") }
