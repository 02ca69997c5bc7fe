package expression

// This file fixes the exported API that the arazzo validator and the
// runtime build on. Implementations live in the other files of the package.

// Root names the first part of a runtime expression.
type Root int

// Roots of runtime expressions.
const (
	RootInvalid            Root = iota
	RootURL                     // $url
	RootMethod                  // $method
	RootStatusCode              // $statusCode
	RootRequest                 // $request.header|query|path|body
	RootResponse                // $response.header|body
	RootInputs                  // $inputs.<name>
	RootOutputs                 // $outputs.<name>
	RootSteps                   // $steps.<id>.outputs.<name>
	RootWorkflows               // $workflows.<id>.inputs|outputs.<name>
	RootSourceDescriptions      // $sourceDescriptions.<name>.<field>
	RootComponents              // $components.parameters|successActions|failureActions|inputs.<key>
	RootSelf                    // $self (Arazzo 1.1: the document's canonical URI)
)

// Reference is the parsed form of one runtime expression such as
// "$steps.create.outputs.id#/a/0". An Env resolves the part before the
// JSON pointer; the evaluator applies Pointer and then Selectors.
type Reference struct {
	Root Root
	// Field is the sub-part: "header", "query", "path" or "body" for
	// $request/$response; "outputs" for $steps; "inputs" or "outputs" for
	// $workflows; "parameters", "successActions", "failureActions" or
	// "inputs" for $components; empty otherwise.
	Field string
	// ID is the step id ($steps), workflow id ($workflows) or source
	// description name ($sourceDescriptions).
	ID string
	// Name is the header, query or path parameter name, the input or output
	// name, the component key, or the source description field
	// ("url", "type", or an operationId / workflowId).
	Name string
	// Pointer is the decoded-on-use RFC 6901 pointer after '#', without the
	// '#' ("" when absent; "/" addresses the key "").
	Pointer    string
	HasPointer bool
	// Selectors are the E2 dereferences (".name", "[n]", "['name']") that
	// followed the expression (and its pointer), in a condition, a
	// template or a whole value. The evaluator applies them after Pointer.
	Selectors []Selector
	// Pos is the byte offset of the '$' in the source text.
	Pos int
	// Text is the expression as written (without selectors).
	Text string
	// End is the byte offset just past the expression in the source text,
	// selectors included.
	End int

	// Tolerated is set when the reference was written in a non-standard
	// form that weft accepts as real-world tolerance; it holds the standard
	// spelling. "$steps.<id>.<name>" is read as "$steps.<id>.outputs.<name>"
	// (Field "outputs") and Tolerated is "$steps.<id>.outputs.<name>";
	// "$response.headers.<name>" (or $request) is read as a header (Field
	// "header") and Tolerated is "$response.header.<name>".
	Tolerated string

	// nameDots is the number of leading Selectors that were written as
	// ".seg" directly after an input or output name; see NameCandidates.
	nameDots int
}

// Selector is one ".name" or "[n]" dereference in a simple condition.
type Selector struct {
	Name    string
	Index   int
	IsIndex bool
}

// Env supplies the values that runtime expressions refer to. Resolve
// returns the value addressed by ref before its Pointer and Selectors are
// applied, and false when it does not exist. Header names are matched
// case-insensitively by implementations (decisions E6).
//
// Values are plain JSON-like Go values: nil, bool, string, float64, int,
// int64, json.Number, []any, map[string]any; plus http.Header for header
// maps and []byte / string for raw bodies.
type Env interface {
	Resolve(ref *Reference) (any, bool)
}

// Error is a syntax or compile error with the byte offset it points at.
type Error struct {
	// Field is "context" or "condition" for errors of CompileCriterion,
	// empty otherwise.
	Field string
	// Input is the text that failed to parse.
	Input string
	// Offset is the 0-based byte offset of the problem in Input.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error formats the error as "col N: msg in "input"".
func (e *Error) Error() string {
	return "col " + itoa(e.Offset+1) + ": " + e.Msg + " in " + quote(e.Input)
}

// Column returns the 1-based column of the problem.
func (e *Error) Column() int { return e.Offset + 1 }

// Outcome is the result of evaluating a criterion.
type Outcome struct {
	Passed bool
	// Missing lists the references that resolved to nothing (and so
	// evaluated to null), as written.
	Missing []string
	// Detail explains a failure in words ("$statusCode == 200: 404 != 200"),
	// empty when passed.
	Detail string
}
