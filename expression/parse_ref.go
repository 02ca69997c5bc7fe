package expression

import (
	"strings"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// rootWords maps the word after '$' to its root.
var rootWords = map[string]Root{
	"url":                RootURL,
	"method":             RootMethod,
	"statusCode":         RootStatusCode,
	"request":            RootRequest,
	"response":           RootResponse,
	"inputs":             RootInputs,
	"outputs":            RootOutputs,
	"steps":              RootSteps,
	"workflows":          RootWorkflows,
	"sourceDescriptions": RootSourceDescriptions,
	"components":         RootComponents,
	"self":               RootSelf,
}

var rootNames = [...]string{
	RootInvalid:            "",
	RootURL:                "$url",
	RootMethod:             "$method",
	RootStatusCode:         "$statusCode",
	RootRequest:            "$request",
	RootResponse:           "$response",
	RootInputs:             "$inputs",
	RootOutputs:            "$outputs",
	RootSteps:              "$steps",
	RootWorkflows:          "$workflows",
	RootSourceDescriptions: "$sourceDescriptions",
	RootComponents:         "$components",
	RootSelf:               "$self",
}

// String returns the root as written, with its '$' ("$steps").
func (r Root) String() string {
	if int(r) < len(rootNames) && r > RootInvalid {
		return rootNames[r]
	}
	return "Root(" + itoa(int(r)) + ")"
}

// maxNameDots bounds how many dotted segments after a name are also tried
// as part of the name (see NameCandidates), keeping evaluation linear.
const maxNameDots = 8

// refParser reads one runtime expression with its lexer.
type refParser struct {
	lexer
	loose bool // the last name was read with the 1.0 "name = *CHAR" rule
	// looseIDs makes step and workflow ids free text up to the last
	// ".outputs." (or ".inputs.") boundary; see looseID.
	looseIDs bool
}

// looseID reads a step or workflow id written with characters outside
// [A-Za-z0-9_-] ("Search Stations_0"), as the 1.0 grammar's name = *CHAR
// allows. Only whole values and template parts use it: the id runs up to
// the last of the boundaries (".outputs.", ".inputs.") found before the
// end of the value (or the '}' that closes a template part) and before the
// first '#'. It returns "" when there is no such boundary or the id would
// begin or end with whitespace.
func (p *refParser) looseID(boundaries ...string) string {
	limit := len(p.src)
	if p.mode == modeTemplate {
		j := strings.IndexByte(p.src[p.pos:], '}')
		if j < 0 {
			return ""
		}
		limit = p.pos + j
	}
	if j := strings.IndexByte(p.src[p.pos:limit], '#'); j >= 0 {
		limit = p.pos + j
	}
	best := -1
	for _, b := range boundaries {
		if k := strings.LastIndex(p.src[p.pos:limit], b); k > best {
			best = k
		}
	}
	if best <= 0 || isSpace(p.src[p.pos]) || isSpace(p.src[p.pos+best-1]) {
		return ""
	}
	id := p.src[p.pos : p.pos+best]
	p.pos += best
	return id
}

// id reads a step or workflow id: identifier-strict, or free text when
// looseIDs is set.
func (p *refParser) id(what string, boundaries ...string) (string, *Error) {
	if p.looseIDs && p.mode != modeCondition {
		if id := p.looseID(boundaries...); id != "" {
			return id, nil
		}
	}
	return p.word(isStrictChar, what)
}

// name reads an input, output or workflow-field name. The 1.1 grammar
// says identifier ([A-Za-z0-9._-]+); the 1.0 grammar says *CHAR, and real
// documents use names such as "$select", "$.xgafv" or "filter[status]".
// Outside conditions, when the identifier is not followed by something
// that can follow a name ('#', '.', "[n]", the end, '}' in templates), the
// name is re-read as free text up to '#' or whitespace.
func (p *refParser) name(what string) (string, *Error) {
	p.loose = false
	start := p.pos
	p.span(isIdentChar)
	if p.mode == modeCondition {
		if p.pos == start {
			return "", p.errf(start, "expected "+what)
		}
		return p.src[start:p.pos], nil
	}
	// the dotted segments that the strict reading accepts, then what
	// follows the name
	if p.pos > start && p.followsName(dottedEnd(p.src, p.pos)) {
		return p.src[start:p.pos], nil
	}
	p.pos = start
	p.looseName()
	if p.pos == start {
		return "", p.errf(start, "expected "+what)
	}
	p.loose = true
	return p.src[start:p.pos], nil
}

// parseRef parses the runtime expression that starts with the '$' at
// src[pos]. It reads the reference, an optional '#' JSON pointer and any
// ".name" / "[n]" selectors, and returns the reference with End set.
func parseRef(src string, pos int, m mode) (*Reference, *Error) {
	return parseRefIDs(src, pos, m, false)
}

// parseRefLoose parses like parseRef, but when the strict reading fails or
// does not end where it must (end (whole values) or '}' (templates)), it
// reads the expression again with free-text step and workflow ids
// ("$steps.Search Stations_0.outputs.x"); see looseID. When both fail,
// the reading that got further is returned (the strict one on a tie), so
// the error points at the real problem.
func parseRefLoose(src string, pos int, m mode) (*Reference, *Error) {
	ref, err := parseRef(src, pos, m)
	ok := err == nil && endsRight(src, ref.End, m)
	if ok && ref.Tolerated == "" {
		return ref, nil
	}
	if strings.HasPrefix(src[pos:], "$steps.") || strings.HasPrefix(src[pos:], "$workflows.") {
		// Also tried when the strict reading is the $steps.<id>.<name>
		// shorthand: "$steps.a.b.outputs.x" is step "a.b", not output "b"
		// of step "a" dereferenced by ".outputs.x".
		lref, lerr := parseRefIDs(src, pos, m, true)
		if lerr == nil && endsRight(src, lref.End, m) {
			return lref, nil
		}
		if !ok && reached(lref, lerr) > reached(ref, err) {
			return lref, lerr
		}
	}
	return ref, err
}

// reached is how far a reading got: the error's offset or the end.
func reached(ref *Reference, err *Error) int {
	if err != nil {
		return err.Offset
	}
	return ref.End
}

func parseRefIDs(src string, pos int, m mode, looseIDs bool) (*Reference, *Error) {
	p := &refParser{lexer: lexer{src: src, pos: pos, mode: m}, looseIDs: looseIDs}
	if pos >= len(src) || src[pos] != '$' {
		return nil, p.errf(pos, "expected '$'")
	}
	root, end, ok := rootWordAt(src, pos)
	if !ok {
		word := src[pos+1 : end]
		if word == "message" {
			return nil, p.errf(pos, "$message expressions are for AsyncAPI sources, which are not supported")
		}
		if word == "" {
			return nil, p.errf(pos+1, "expected a runtime expression name after '$'")
		}
		return nil, p.errf(pos, "unknown runtime expression $"+word+
			" (want $url, $method, $statusCode, $request, $response, $inputs, $outputs, $steps, $workflows, $sourceDescriptions or $components)")
	}
	p.pos = end
	ref := &Reference{Root: root, Pos: pos}
	pointerOK := false
	nameRoot := false
	shorthand := false
	headers := false
	var err *Error
	switch root {
	case RootURL, RootMethod, RootStatusCode, RootSelf:
	case RootRequest, RootResponse:
		if err = p.expect(".", "'.' and header, query, path or body after "+root.String()); err != nil {
			return nil, err
		}
		fstart := p.pos
		ref.Field = p.span(isAlpha)
		switch ref.Field {
		case "header", "headers":
			// Real-world tolerance: "headers" (written by the spec
			// repository's own bnpl example) means "header"; the validator
			// warns (Tolerated).
			headers = ref.Field == "headers"
			ref.Field = "header"
			if err = p.expect(".", "'.' and a header name"); err != nil {
				return nil, err
			}
			if ref.Name, err = p.headerName(); err != nil {
				return nil, err
			}
		case "query", "path":
			if err = p.expect(".", "'.' and a parameter name"); err != nil {
				return nil, err
			}
			if ref.Name, err = p.freeName("a parameter name"); err != nil {
				return nil, err
			}
		case "body":
			pointerOK = true
		default:
			return nil, p.errf(fstart, "expected header, query, path or body after "+root.String()+".")
		}
	case RootInputs, RootOutputs:
		if err = p.expect(".", "'.' and a name after "+root.String()); err != nil {
			return nil, err
		}
		if ref.Name, err = p.name("a name"); err != nil {
			return nil, err
		}
		pointerOK, nameRoot = true, !p.loose
	case RootSteps:
		if err = p.expect(".", "'.' and a step id after $steps"); err != nil {
			return nil, err
		}
		if ref.ID, err = p.id("a step id", ".outputs."); err != nil {
			return nil, err
		}
		if err = p.expect(".outputs.", "'.outputs.' after the step id"); err != nil {
			// Real-world tolerance: $steps.<id>.<name> meaning
			// $steps.<id>.outputs.<name>; the validator warns (Tolerated).
			save := p.pos
			if p.peek() != '.' {
				return nil, err
			}
			p.pos++
			name, nerr := p.name("an output name")
			// "outputs" alone and "output.<x>" are typos of the standard
			// form, not output names: keep the error.
			if nerr != nil || name == "outputs" || (name == "output" && p.peek() == '.') {
				p.pos = save
				return nil, err
			}
			ref.Name, shorthand = name, true
		} else if ref.Name, err = p.name("an output name"); err != nil {
			return nil, err
		}
		ref.Field = "outputs"
		pointerOK, nameRoot = true, !p.loose
	case RootWorkflows:
		if err = p.expect(".", "'.' and a workflow id after $workflows"); err != nil {
			return nil, err
		}
		if ref.ID, err = p.id("a workflow id", ".inputs.", ".outputs."); err != nil {
			return nil, err
		}
		switch {
		case strings.HasPrefix(p.src[p.pos:], ".inputs."):
			ref.Field = "inputs"
		case strings.HasPrefix(p.src[p.pos:], ".outputs."):
			ref.Field = "outputs"
		default:
			return nil, p.errf(p.pos, "expected '.inputs.' or '.outputs.' after the workflow id")
		}
		p.pos += len(ref.Field) + 2
		if ref.Name, err = p.name("a name"); err != nil {
			return nil, err
		}
		pointerOK, nameRoot = true, !p.loose
	case RootSourceDescriptions:
		if err = p.expect(".", "'.' and a source description name"); err != nil {
			return nil, err
		}
		if ref.ID, err = p.word(isStrictChar, "a source description name"); err != nil {
			return nil, err
		}
		if err = p.expect(".", "'.' and an operationId, workflowId or field after the source description name"); err != nil {
			return nil, err
		}
		if ref.Name, err = p.freeName("an operationId, workflowId or field"); err != nil {
			return nil, err
		}
	case RootComponents:
		if err = p.expect(".", "'.' and parameters, successActions, failureActions or inputs"); err != nil {
			return nil, err
		}
		fstart := p.pos
		ref.Field = p.span(isAlpha)
		switch ref.Field {
		case "parameters", "successActions", "failureActions", "inputs":
		default:
			return nil, p.errf(fstart, "expected parameters, successActions, failureActions or inputs after $components.")
		}
		if err = p.expect(".", "'.' and a component name"); err != nil {
			return nil, err
		}
		if ref.Name, err = p.word(func(c byte) bool { return isIdentChar(c) || c == '.' }, "a component name"); err != nil {
			return nil, err
		}
	}

	// Dotted segments after an input/output name: part of the name when a
	// pointer follows (1.1 identifiers may hold dots), selectors otherwise.
	if nameRoot {
		save := p.pos
		p.pos = dottedEnd(p.src, p.pos)
		if p.peek() == '#' {
			nameStart := save - len(ref.Name)
			ref.Name = p.src[nameStart:p.pos]
		} else {
			p.pos = save
		}
	}
	if p.peek() == '#' {
		if !pointerOK {
			return nil, p.errf(p.pos, "a JSON pointer ('#') is not allowed after "+p.src[pos:p.pos])
		}
		p.pos++
		start := p.pos
		ref.Pointer = p.pointer()
		ref.HasPointer = true
		if e := checkPointer(ref.Pointer, start); e != nil {
			e.Input = src
			if ref.Pointer != "" && ref.Pointer[0] != '/' {
				e.Msg += " (did you mean #/" + ref.Pointer + "?)"
			}
			return nil, e
		}
	}
	ref.Text = p.src[pos:p.pos]
	if shorthand {
		ref.Tolerated = "$steps." + ref.ID + ".outputs." + ref.Text[len("$steps."+ref.ID+"."):]
	}
	if headers {
		ref.Tolerated = root.String() + ".header." + ref.Name
	}

	// Selectors.
	dotsRun := nameRoot && !ref.HasPointer
	for {
		c := p.peek()
		if c == '.' {
			if p.pos+1 >= len(p.src) || !isIdentChar(p.src[p.pos+1]) {
				break
			}
			p.pos++
			name, _ := p.word(isIdentChar, "a member name")
			ref.Selectors = append(ref.Selectors, Selector{Name: name})
			if dotsRun && ref.nameDots < maxNameDots {
				ref.nameDots++
			}
			continue
		}
		if c == '[' {
			dotsRun = false
			sel, err := p.bracket()
			if err != nil {
				return nil, err
			}
			ref.Selectors = append(ref.Selectors, sel)
			continue
		}
		break
	}
	ref.End = p.pos
	return ref, nil
}

// bracket reads "[n]", "['name']" or "[\"name\"]".
func (p *refParser) bracket() (Selector, *Error) {
	open := p.pos
	p.pos++
	c := p.peek()
	if isDigit(c) {
		start := p.pos
		n := 0
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			if n > 1<<30 {
				return Selector{}, p.errf(start, "index too large")
			}
			n = n*10 + int(p.src[p.pos]-'0')
			p.pos++
		}
		if p.peek() != ']' {
			return Selector{}, p.errf(p.pos, "expected ']'")
		}
		p.pos++
		return Selector{Index: n, IsIndex: true}, nil
	}
	if c == '\'' || c == '"' {
		s, err := p.quoted()
		if err != nil {
			return Selector{}, err
		}
		if p.peek() != ']' {
			return Selector{}, p.errf(p.pos, "expected ']'")
		}
		p.pos++
		return Selector{Name: s}, nil
	}
	return Selector{}, p.errf(open+1, "expected an index or a quoted name after '['")
}

// NameCandidates returns the names an input or output reference may mean.
// Arazzo 1.1 identifiers may contain dots, so "$steps.a.outputs.b.c" is
// either output "b" dereferenced by ".c" (first candidate, what the
// evaluator tries first) or an output named "b.c" (tried when "b" does not
// exist). For other references it returns just Name.
func (r *Reference) NameCandidates() []string {
	out := []string{r.Name}
	name := r.Name
	for i := 0; i < r.nameDots && i < len(r.Selectors); i++ {
		name += "." + r.Selectors[i].Name
		out = append(out, name)
	}
	return out
}

// alternatives returns the references for NameCandidates()[1:].
func (r *Reference) alternatives() []*Reference {
	var out []*Reference
	name := r.Name
	for i := 0; i < r.nameDots && i < len(r.Selectors); i++ {
		name += "." + r.Selectors[i].Name
		alt := *r
		alt.Name = name
		alt.Selectors = r.Selectors[i+1:]
		alt.nameDots = 0
		out = append(out, &alt)
	}
	return out
}

// PointerHint returns the standard JSON-pointer spelling of a reference
// that dereferences a body (or another value that takes a pointer) with
// ".name"/"[n]" selectors, e.g. "$response.body#/data/0/id" for
// "$response.body.data[0].id"; "" when there is nothing to suggest. Dotted
// input and output names are left alone because they may be names.
func (r *Reference) PointerHint() string {
	if len(r.Selectors) == 0 || r.Field != "body" {
		return ""
	}
	var b strings.Builder
	b.WriteString(r.Text)
	if !r.HasPointer {
		b.WriteByte('#')
	}
	for _, s := range r.Selectors {
		b.WriteByte('/')
		if s.IsIndex {
			b.WriteString(itoa(s.Index))
		} else {
			b.WriteString(jsonvalue.EscapeToken(s.Name))
		}
	}
	return b.String()
}

// String returns the expression as written, selectors included.
func (r *Reference) String() string {
	if len(r.Selectors) == 0 {
		return r.Text
	}
	var b strings.Builder
	b.WriteString(r.Text)
	for _, s := range r.Selectors {
		if s.IsIndex {
			b.WriteByte('[')
			b.WriteString(itoa(s.Index))
			b.WriteByte(']')
		} else if isIdentifier(s.Name) {
			b.WriteByte('.')
			b.WriteString(s.Name)
		} else {
			b.WriteString("['")
			b.WriteString(strings.ReplaceAll(s.Name, "'", "''"))
			b.WriteString("']")
		}
	}
	return b.String()
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}
