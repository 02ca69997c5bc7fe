package expression

import (
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// jsonPath is a compiled JSONPath operand.
type jsonPath struct {
	text      string
	x         jp.Expr
	base      jp.Expr // the path without a trailing ".length", or nil
	hasFilter bool
	// splitX and splitBase: x and base are evaluated by getFiltered (see
	// splitFilters); directX and directBase: by getDirect.
	splitX, splitBase   bool
	directX, directBase bool
}

// newJSONPath makes the operand for text, parsed as x.
func newJSONPath(text string, x, base jp.Expr) *jsonPath {
	p := &jsonPath{text: text, x: x, base: base, hasFilter: strings.Contains(text, "?")}
	if p.hasFilter {
		p.splitX = splitFilters(x)
		p.splitBase = base != nil && splitFilters(base)
	}
	p.directX = isDirect(x)
	p.directBase = base != nil && isDirect(base)
	return p
}

func compilePath(text string, off int, src string) (*jsonPath, *Error) {
	body := text
	if strings.HasSuffix(body, ".length()") {
		body = strings.TrimSuffix(body, "()")
	}
	x, perr := parseJP(body)
	if perr != nil {
		return nil, &Error{Input: src, Offset: off, Msg: "invalid JSONPath " + quote(text) + ": " + perr.Error()}
	}
	var base jp.Expr
	if strings.HasSuffix(body, ".length") {
		if b, perr := parseJP(strings.TrimSuffix(body, ".length")); perr == nil {
			base = b
		}
	}
	return newJSONPath(text, x, base), nil
}

// parseJP parses a JSONPath with ojg, turning its panic into an error with
// the text jp.ParseString's error has ("parse error at 3 in $.a == 1").
// It calls jp.MustParseString under catchLib because jp.ParseString
// wraps the panic with ojg.NewError, which captures debug.Stack(): for a
// criterion such as "$.success == true", which compileJSONPath first tries
// as a whole path, that stack capture was most of the criterion's compile
// time in a cold process.
func parseJP(s string) (jp.Expr, error) {
	var x jp.Expr
	if r := catchLib(func() { x = jp.MustParseString(s) }); r != nil {
		return nil, jpSyntaxError(fmt.Sprintf("%v", r))
	}
	return x, nil
}

// jpSyntaxError is ojg's message for a JSONPath it cannot parse.
type jpSyntaxError string

func (e jpSyntaxError) Error() string { return string(e) }

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
