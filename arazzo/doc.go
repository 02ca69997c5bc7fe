// Package arazzo decodes, loads and validates Arazzo workflow documents
// (versions 1.0.x; 1.1.x documents load too, see below).
//
// [Load] reads an entry document from a file path, a file:// or http(s)://
// URL, or an [io/fs.FS] ([WithFS]), then every source description it names:
// OpenAPI descriptions are indexed by package openapi, Arazzo documents are
// loaded recursively (each URL once; cycles are allowed). Source URLs resolve
// against the referring document as RFC 3986 says; [WithBaseURL] adds a
// fallback base, used with a warning (code "base-url"). After loading, every
// step's Target is bound and the document is validated. [Parse] decodes and
// validates one document without reading its sources.
//
// # Trust boundary
//
// What the documents may make Load read is decided by a [Policy]
// ([WithPolicy]; the zero value is the default): a document from the
// network may name only public http(s) locations (checked on the dialled
// address, on every redirect), a local document only files inside its tree
// and remote URLs; each document, the whole load and the number of
// documents are capped. A refusal is a [*PolicyError] (diagnostic code
// "policy") naming the rule; a cap reached is a [*LimitError]. The same
// policy governs the external $refs of the OpenAPI descriptions, read when
// operations are bound. docs/security.md has the details.
//
// Every object of the model embeds [Meta]: its file, line and column, its
// JSON pointer and its "x-" extensions. Every reference is resolved once,
// by the validator, and the result kept on the model: [Step.Target],
// [SuccessAction.Target] and [SuccessAction.Step] (likewise for failure
// actions), [Workflow.Dependencies], and for a Reusable Object the component
// it names ([Reusable.Parameter], [Reusable.SuccessAction],
// [Reusable.FailureAction]) and, for a component action used in a workflow,
// the step of that workflow its stepId names ([Reusable.Step]). The runner
// executes these links; it never looks a name up.
//
// # Validation
//
// Findings are [Diagnostic] values with a severity, a position, a JSON
// pointer, a message, a hint and a stable Code. Load and Parse return the
// document together with all diagnostics; Load's error is non-nil (of type
// [Diagnostics]) exactly when one of them is an error.
//
//   - The schema: the official Arazzo 1.0 JSON Schema, embedded with the
//     fixes of the project's decision D2 (schema/NOTICE.md lists them):
//     retry actions need neither retryAfter nor a target, a criterion type
//     may be a {type, version} object, replacement and Reusable values may
//     be any JSON. A top-level "$schema" key is ignored with a warning.
//     Errors are reported once per location (code "schema").
//   - Semantic checks: unique workflowIds and stepIds, exactly one target
//     per step, operation and workflow targets exist and are unambiguous,
//     goto/retry targets exist (a component action's stepId in every
//     workflow that uses it), dependsOn names exist and form no cycle,
//     $components references exist and have the right kind, operation-step
//     parameters have "in", output names match ^[a-zA-Z0-9\.\-_]+$.
//   - Expressions (package expression): every runtime expression, template
//     and criterion parses (the diagnostic points at the offending column);
//     $steps.<id>.outputs.<name> names a step of the same workflow that
//     declares the output; $workflows.<id> names a workflow; $inputs.<name>
//     is declared in the workflow's inputs schema when that lists
//     properties; $response.body.a.b gets a hint towards #/a/b.
//
// # Real-world tolerance (decision D3)
//
// Accepted with a warning and a hint: an operationId that matches only
// case-insensitively and uniquely ("operation-id-case"), the
// "<source>.<operationId>" shorthand ("operation-id-form"), operationPath
// written "<source>#/paths/..." or "$sourceDescriptions.<source>#/paths/..."
// ("operation-path-form"), "$sourceDescriptions.<name>.workflows.<id>"
// ("workflow-reference-form") and a source URL that resolves only against
// the base URL ("base-url"). A plain operationId is searched in every OpenAPI
// source and accepted silently when exactly one operation has it. Ambiguous
// matches are errors.
//
// # Arazzo 1.1 (decision D1)
//
// Documents declaring arazzo: 1.1.x load. Success and failure action
// "parameters" are decoded into the model; the other 1.1-only fields
// ($self, step timeout/dependsOn/channelPath/correlationId/action, asyncapi
// sources, the querystring parameter location, Selector Object outputs,
// replacement targetSelectorType) are
// reported as warnings with their position (code "unsupported-1.1") and
// otherwise ignored. In a 1.0 document the same fields are schema errors.
package arazzo
