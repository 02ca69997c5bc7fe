// Package expression parses and evaluates Arazzo runtime expressions,
// templates with embedded expressions, and the four kinds of criteria
// (simple, regex, jsonpath, xpath).
//
// Everything is compiled once, when a document is loaded, and evaluated
// many times against an Env, a one-method interface that supplies the
// values the expressions refer to. Compiled values are immutable and safe
// for concurrent use; evaluation uses no reflection and no host-language
// evaluator. Every compile error is an *Error carrying the byte offset of
// the problem, and every compiled thing lists its runtime expressions
// (References) so that a validator can check them statically.
//
// # Runtime expressions
//
// Parse reads one expression. The grammar is the structured one of Arazzo
// 1.1, which accepts every valid 1.0 form:
//
//	$url  $method  $statusCode  $self
//	$request.header.<token>   $request.query.<name>   $request.path.<name>
//	$request.body[#<pointer>]
//	$response.header.<token>  $response.body[#<pointer>]
//	$inputs.<name>[#<pointer>]          $outputs.<name>[#<pointer>]
//	$steps.<id>.outputs.<name>[#<pointer>]
//	$workflows.<id>.inputs.<name>[#<pointer>]
//	$workflows.<id>.outputs.<name>[#<pointer>]
//	$sourceDescriptions.<id>.<operationId | workflowId | field>
//	$components.parameters|successActions|failureActions|inputs.<name>
//
// Step, workflow and source ids are [A-Za-z0-9_-]+, with one tolerance:
// the 1.0 grammar allows any characters in a name and real documents use
// step ids such as "Search Stations_0". In a whole value (Parse,
// CompileValue) and inside a template's "{...}", when the strict reading
// fails, a $steps or $workflows id is read as free text up to the last
// ".outputs." (or ".inputs." for $workflows) before the end of the value
// (or the closing '}') and before the first '#':
// "$steps.Search Stations_0.outputs.x" names step "Search Stations_0". An id
// that itself contains ".outputs." cannot be written this way. In
// conditions, whitespace and operator characters always end an id, so
// such steps cannot be referenced there.
//
// "$request.headers.<name>" and "$response.headers.<name>" (written by
// the spec repository's own bnpl example) are read as ".header.<name>",
// with Reference.Tolerated holding the standard spelling so that a
// validator can warn. Header names are RFC
// 9110 tokens and match case-insensitively; all other names are
// case-sensitive. A pointer is an RFC 6901 JSON pointer ("~1" is '/', "~0"
// is '~'); an empty pointer after '#' addresses the whole value. $message
// (AsyncAPI) is rejected with an explicit error.
//
// Names. An input or output name is read as an identifier ([A-Za-z0-9_-]
// segments). Because Arazzo 1.1 names may contain dots, a reference such
// as $steps.a.outputs.b.c is ambiguous: weft reads it as output "b"
// followed by the dereference ".c", and when the environment has no
// output "b" it tries the output "b.c" instead, and so on for up to 8
// dotted segments (Reference.NameCandidates lists the readings, for static
// checks). When a '#' follows dotted
// segments ($inputs.a.b#/c) the dots belong to the name. Outside
// conditions, a name that does not end like an identifier (real documents
// write $inputs.$select, $inputs.$.xgafv or $inputs.filter[status]) is
// read with the 1.0 rule name = *CHAR, up to '#' or whitespace.
//
// Dereference. After the reference and its pointer, ".name" and "[n]"
// (also "['name']" in any context) dereference the value further, so
// $response.body.data[0].id works like $response.body#/data/0/id; the
// pointer is applied first, then the selectors. A ".length" that names no
// member yields the length of an array, string (in characters) or object.
// Reference.PointerHint suggests the standard pointer form for bodies.
//
// Where an expression ends depends on where it is written: a whole value
// must be exactly one expression; inside a template it ends at '}'; inside
// a condition, free-form names and pointers end at whitespace or at an
// operator character ( ) = ! < > & | ' " , [ ].
//
// # Evaluation and the Env
//
// Env.Resolve receives the parsed Reference and returns the value it names
// before the pointer and selectors are applied: for $response.body the
// decoded body (JSON decoded with UseNumber is fine), for a header its
// single value (the Env does the case-insensitive lookup; headerValue
// joins repeated headers with ", "). Values are plain JSON-like Go values:
// nil, bool, string, the integer and float types, json.Number, []any,
// map[string]any, plus []byte or string for raw bodies. A reference that
// resolves to nothing, or whose pointer or selectors address nothing,
// evaluates to null and is reported (as written) in the missing list of
// the result; it is never an error. Values is a ready-made Env for tests
// and simple callers.
//
// Every compiled form (*Expr, *Template, *Condition, *CompiledCriterion and
// what CompileValue returns) is a Value, evaluated the one way:
// Eval(env) (value, missing, err). A condition or criterion evaluates to
// whether it passed; Condition.Check and CompiledCriterion.EvalContext
// also explain a failure (Outcome), the latter within a context and a
// Budget.
//
// # Values and templates
//
// CompileValue applies one rule to parameter values, payloads and
// replacement values: a string that is exactly one runtime expression
// evaluates to the referenced value with its JSON type kept; a string
// holding "{$...}" parts is a template and evaluates to a string; maps and
// slices are compiled member by member; everything else is a literal. A
// template inserts strings and []byte as they are, numbers and booleans in
// JSON form, null and missing values as nothing, arrays and objects as JSON
// (members sorted). "{" not followed by "$" and a root word is literal
// text, so "{$gt: 1}" and "{{name}}" need no escaping; there is no escape
// for a literal "{$inputs". "{$inputs.x}" alone is a template (a string),
// not a whole expression. A string that starts with a root word and has no
// whitespace must parse ("$steps.x.output.y" is an error); "$100" or
// "$inputs.x is required" are literals. A string with whitespace is a
// whole expression only when it parses with a free-text step or workflow
// id ("$steps.Search Stations_0.outputs.x", see above).
//
// # Simple conditions
//
// ParseCondition reads the condition language of a simple criterion:
//
//	or      = and { "||" and }
//	and     = compare { "&&" compare }
//	compare = unary { ("==" | "!=" | "<" | "<=" | ">" | ">=") unary }
//	unary   = "!" unary | primary
//	primary = expression | literal | "(" or ")" | "{" or "}"
//	literal = true | false | null | number | 'text' | "text"
//
// Single-quoted strings escape a quote by writing it twice; double-quoted
// strings accept the JSON backslash escapes. Braces group like parentheses,
// so the common "{$statusCode} == 200" works. Unquoted words are errors.
//
// Comparisons: null equals only null, and ordering with a null side is
// false. Numbers compare numerically across all numeric types and
// json.Number (exactly for integers). A number compared with a numeric
// string converts the string; with any other string, == is false and !=
// true. Two strings compare case-insensitively (Unicode simple folding);
// an ordering operator between two numeric strings compares numbers.
// Booleans compare with booleans and with the strings "true"/"false".
// Arrays and objects are equal when their members are (same rules);
// ordering them is false. Other mixed types are unequal.
//
// A condition passes only when it evaluates to true: a bare value passes
// only when it is the boolean true; "!" yields true for anything that is
// not true; "&&" and "||" short-circuit and treat their operands the same
// way. A failed Outcome carries a Detail listing the operands' values
// (truncated), and Missing lists the references that were absent.
//
// # Criteria
//
// CompileCriterion compiles a Criterion Object.
//
// simple: the condition above. A context, if present, is parsed and listed
// by References but not used: the condition names what it compares.
//
// regex: the condition is a Go RE2 pattern, searched unanchored in the
// string form of the context value (strings and []byte as they are, other
// values as JSON; null or missing fails). An invalid pattern is a compile
// error. RE2 has no look-around and no back-references.
//
// jsonpath: evaluated with github.com/ohler55/ojg/jp on the context value
// (a string or []byte context is parsed as JSON first; a filter tests
// each candidate with its json.Number values converted, and selects the
// candidate as decoded, exact numbers kept). A condition that is an RFC 9535 query
// passes iff its node list is non-empty. Otherwise it is read as a simple
// condition in which "$", "$." and "$[" start JSONPath operands and "$"
// followed by a letter starts a runtime expression: "$.success == true",
// "$.items.length > 0", "$.id == $inputs.id". Such a path must select
// exactly one node (none is null and reported missing; several is an
// evaluation error); a trailing ".length" or ".length()" that selects
// nothing yields the length of the array, string or object before it.
// The goessner dialect is evaluated by the same engine, with a warning.
//
// xpath: evaluated with github.com/antchfx/xpath over
// github.com/antchfx/xmlquery, chosen because they are pure Go, maintained
// and widely used. They implement XPath 1.0 plus some 2.0 functions
// (ends-with, matches, lower-case, ...). The context must be XML text (a
// string or []byte). The result passes per its effective boolean value:
// true, a non-zero number, a non-empty string, a non-empty node-set.
// Requesting XPath 2.0, 3.0 or 3.1 (3.1 is Arazzo's default when no version
// is given) compiles, with a warning from Warnings, and 3.x-only syntax
// then fails to compile.
//
// regex, jsonpath and xpath need a context. Their condition may embed
// "{$...}" expressions (Arazzo 1.1): they are substituted first and the
// resulting condition is compiled at evaluation time. Evaluation errors (a
// context that is not JSON or XML, a substituted pattern that is invalid)
// make the criterion fail, with the error returned beside the Outcome.
//
// # Performance
//
// A compiled "$statusCode == 200" evaluates without allocating when the
// Env returns an int; the success path of any simple condition allocates
// nothing unless a reference is missing.
package expression
