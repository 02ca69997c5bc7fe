package definition

// Codes of the diagnostics Load and Parse report (arazzo.Diagnostic.Code).
// They are stable; docs/serve-definition.md lists them with an example each.
const (
	// CodeRead: the file cannot be read.
	CodeRead = "serve-read"
	// CodeCancelled: the context was done before the file was read.
	CodeCancelled = "serve-cancelled"
	// CodeSyntax: the file is not YAML, or not a mapping at the top.
	CodeSyntax = "serve-syntax"
	// CodeTooLarge: a budget was reached (MaxFileBytes, MaxNestingDepth,
	// MaxAliasNodes, MaxExpandedBytes); the message names it.
	CodeTooLarge = "serve-too-large"
	// CodeTooMany: more than MaxDiagnostics findings; the rest are not
	// shown.
	CodeTooMany = "serve-too-many"
	// CodeDuplicateKey: a key appears twice in one mapping.
	CodeDuplicateKey = "serve-duplicate-key"
	// CodeMarker: the "weft: serve/v1" marker is missing or wrong.
	CodeMarker = "serve-marker"
	// CodeUnknownField: a field the format does not define (with a
	// suggested fix when it looks like a misspelling).
	CodeUnknownField = "serve-unknown-field"
	// CodeMissingField: a required field is absent.
	CodeMissingField = "serve-missing-field"
	// CodeType: a value of the wrong YAML type (a list for a string, a
	// string for a number...).
	CodeType = "serve-type"
	// CodeInvalidValue: a value outside its allowed set or range (an enum,
	// a positive integer, an address).
	CodeInvalidValue = "serve-invalid-value"
	// CodeDuration: a value that is not a duration ("30s", "5m", "2d").
	CodeDuration = "serve-duration"
	// CodeSize: a value that is not a size ("1MiB", "512KiB", 1048576).
	CodeSize = "serve-size"
	// CodeVarSyntax: a malformed ${...} reference, a bad variable or
	// environment name, or a variable default that references a variable.
	CodeVarSyntax = "serve-var-syntax"
	// CodeUnknownVar: ${NAME} names no variable of the vars section.
	CodeUnknownVar = "serve-unknown-var"
	// CodeMissingVar: a required variable (no default) whose environment
	// variable is unset.
	CodeMissingVar = "serve-missing-var"
	// CodeLiteralSecret: a secret (signing secret, notification secret,
	// admin token, credential secret) written in the file instead of
	// coming from a secret variable.
	CodeLiteralSecret = "serve-literal-secret"
	// CodeFlowName: a flow name outside [A-Za-z0-9_.-]+.
	CodeFlowName = "serve-flow-name"
	// CodeWebhookPath: a webhook path that does not start with "/", is
	// not clean, or lies under a reserved prefix (/admin, /metrics,
	// /healthz).
	CodeWebhookPath = "serve-webhook-path"
	// CodeDuplicatePath: two flows serve the same webhook path.
	CodeDuplicatePath = "serve-duplicate-path"
	// CodeVerify: a webhook verification mistake (no verify, an unknown
	// preset, a field the preset does not take, hmac parameters).
	CodeVerify = "serve-verify"
	// CodeTrigger: a trigger with both webhook and schedule, or a
	// schedule with neither or both of cron and every.
	CodeTrigger = "serve-trigger"
	// CodeCron: a cron expression that does not parse.
	CodeCron = "serve-cron"
	// CodeTimeZone: a time zone time.LoadLocation does not know.
	CodeTimeZone = "serve-time-zone"
	// CodeExpression: a runtime expression that does not parse.
	CodeExpression = "serve-expression"
	// CodeExpressionRoot: a runtime expression whose root is not
	// $request (the only data an event has).
	CodeExpressionRoot = "serve-expression-root"
	// CodeURL: a server or notification URL that is not http(s).
	CodeURL = "serve-url"
	// CodeDuplicateName: two notification targets of a flow share a name.
	CodeDuplicateName = "serve-duplicate-name"
)
