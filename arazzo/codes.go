package arazzo

// The codes of Diagnostic.Code: short stable identifiers of the check that
// found a problem, for tables, filters and tests. This file is their one
// owner: every diagnostic of weft (the loader, the validator, runtime.New
// and the weft command) uses these constants, and docs/diagnostics.md
// lists each with its meaning. The strings never change once published.
const (
	// Reading and decoding a document.

	// CodeRead: the document could not be read.
	CodeRead = "read"
	// CodeLoad: the weft command could not load a document (an error that is not a diagnostic).
	CodeLoad = "load"
	// CodeSyntax: the document is not well-formed YAML or JSON, or not an object.
	CodeSyntax = "syntax"
	// CodeTooLarge: the document is over weft's document budget.
	CodeTooLarge = "too-large"
	// CodeDuplicateKey: a mapping key is written twice.
	CodeDuplicateKey = "duplicate-key"
	// CodeNotArazzo: the document is an OpenAPI description, not an Arazzo document.
	CodeNotArazzo = "not-arazzo"
	// CodeSchemaKey: a top-level "$schema" key, which is ignored.
	CodeSchemaKey = "schema-key"
	// CodeUnsupported11: an Arazzo 1.1 feature weft does not implement.
	CodeUnsupported11 = "unsupported-1.1"
	// CodeSchema: the document does not conform to the Arazzo JSON Schema.
	CodeSchema = "schema"
	// CodeInternal: weft itself failed (a bug, not a mistake of the document).
	CodeInternal = "internal"
	// CodeCancelled: the context was cancelled before loading or validation ended.
	CodeCancelled = "cancelled"

	// Loading source descriptions.

	// CodePolicy: the loading policy refused a location.
	CodePolicy = "policy"
	// CodeLimit: a limit of loading (bytes, documents) or of runtime.New (schema depth) was reached.
	CodeLimit = "limit"
	// CodeSourceLimit: more source descriptions than the maximum number of sources.
	CodeSourceLimit = "source-limit"
	// CodeSourceURL: a source description's url is not a valid URI reference.
	CodeSourceURL = "source-url"
	// CodeSourceUnreadable: a source description could not be read.
	CodeSourceUnreadable = "source-unreadable"
	// CodeSourceType: weft cannot tell whether a source is OpenAPI or Arazzo.
	CodeSourceType = "source-type"
	// CodeSourceInvalid: a source description was read but is not a valid description.
	CodeSourceInvalid = "source-invalid"
	// CodeBaseURL: a source URL resolves only against the fallback base URL.
	CodeBaseURL = "base-url"

	// Declarations.

	// CodeDuplicateWorkflowID: two workflows of a document share a workflowId.
	CodeDuplicateWorkflowID = "duplicate-workflow-id"
	// CodeDuplicateSourceName: two source descriptions of a document share a name.
	CodeDuplicateSourceName = "duplicate-source-name"
	// CodeDuplicateStepID: two steps of a workflow share a stepId.
	CodeDuplicateStepID = "duplicate-step-id"
	// CodeOutputName: an output name has characters outside [a-zA-Z0-9.-_].
	CodeOutputName = "output-name"
	// CodeParameterIn: a parameter of an operation step has no "in".
	CodeParameterIn = "parameter-in"
	// CodeDependsOnCycle: dependsOn forms a cycle.
	CodeDependsOnCycle = "depends-on-cycle"

	// Step targets.

	// CodeStepTarget: a step has no target, or more than one.
	CodeStepTarget = "step-target"
	// CodeUnknownOperation: an operationId or operationPath names no operation.
	CodeUnknownOperation = "unknown-operation"
	// CodeAmbiguousOperation: an operationId matches several operations.
	CodeAmbiguousOperation = "ambiguous-operation"
	// CodeOperationIDCase: an operationId matches only case-insensitively.
	CodeOperationIDCase = "operation-id-case"
	// CodeOperationIDForm: a non-standard "name.operationId" reference.
	CodeOperationIDForm = "operation-id-form"
	// CodeOperationPath: an operationPath has no JSON pointer.
	CodeOperationPath = "operation-path"
	// CodeOperationPathForm: a non-standard operationPath form.
	CodeOperationPathForm = "operation-path-form"
	// CodeUnknownWorkflow: a workflowId names no workflow.
	CodeUnknownWorkflow = "unknown-workflow"
	// CodeWorkflowReferenceForm: a non-standard "$sourceDescriptions.<name>.workflows.<id>" reference.
	CodeWorkflowReferenceForm = "workflow-reference-form"
	// CodeUnknownSource: a source description name that is not declared.
	CodeUnknownSource = "unknown-source"

	// Using an operation.

	// CodeUnknownParameter: a step parameter the operation does not have.
	CodeUnknownParameter = "unknown-parameter"
	// CodePathTemplate: a path template weft cannot fill (RFC 6570 operators).
	CodePathTemplate = "path-template"
	// CodeMissingPathParameter: a path placeholder no parameter fills.
	CodeMissingPathParameter = "missing-path-parameter"
	// CodeMissingRequestBody: the operation requires a body and the step sends none.
	CodeMissingRequestBody = "missing-request-body"
	// CodeUndeclaredContentType: a contentType the operation does not declare.
	CodeUndeclaredContentType = "undeclared-content-type"

	// Actions and components.

	// CodeActionTarget: an action names both stepId and workflowId, or an end action names a target.
	CodeActionTarget = "action-target"
	// CodeUnknownStep: an action's stepId names no step of the workflow.
	CodeUnknownStep = "unknown-step"
	// CodeComponentReference: a reference is not a $components expression.
	CodeComponentReference = "component-reference"
	// CodeComponentKind: a reference names a component of the wrong kind.
	CodeComponentKind = "component-kind"
	// CodeUnknownComponent: a reference names no component.
	CodeUnknownComponent = "unknown-component"

	// Runtime expressions.

	// CodeExpression: a runtime expression does not parse.
	CodeExpression = "expression"
	// CodeCriterion: a criterion compiles with a warning.
	CodeCriterion = "criterion"
	// CodeBodySelector: an expression dereferences a body with selectors, not a JSON pointer.
	CodeBodySelector = "body-selector"
	// CodeIDForm: an expression names an id with characters outside [A-Za-z0-9_-].
	CodeIDForm = "id-form"
	// CodeNoHTTPExchange: an expression reads the request or response of a step that makes none.
	CodeNoHTTPExchange = "no-http-exchange"
	// CodeHeaderForm: an expression reads a header with ".headers." instead of ".header.".
	CodeHeaderForm = "header-form"
	// CodeStepsOutputsForm: an expression reads a step output without ".outputs.".
	CodeStepsOutputsForm = "steps-outputs-form"
	// CodeUnknownStepReference: an expression names a step its workflow does not have.
	CodeUnknownStepReference = "unknown-step-reference"
	// CodeUnknownOutput: an expression names an output its step does not declare.
	CodeUnknownOutput = "unknown-output"
	// CodeUnknownInput: an expression names an input its workflow does not declare.
	CodeUnknownInput = "unknown-input"
	// CodeUnknownWorkflowReference: an expression names a workflow that does not exist.
	CodeUnknownWorkflowReference = "unknown-workflow-reference"
	// CodeAmbiguousWorkflowReference: an expression's workflow id names workflows in several documents.
	CodeAmbiguousWorkflowReference = "ambiguous-workflow-reference"

	// Compiling for execution.

	// CodeCompile: runtime.New could not compile or bind part of a document.
	CodeCompile = "compile"
)
