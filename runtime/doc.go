// Package runtime executes Arazzo workflows.
//
// A Runner is built once from a loaded document with New, which compiles
// every runtime expression and criterion and binds every step to its
// operation or workflow. Run executes one workflow: it validates the
// inputs against the workflow's inputs schema, runs dependencies
// (dependsOn), then the steps in order, building each request with the
// openapi package, sending it with the caller's *http.Client, evaluating
// success criteria, recording outputs and following the success or failure
// actions (end, goto, retry).
//
//	doc, err := arazzo.Load(ctx, "flow.arazzo.yaml")
//	r, err := runtime.New(doc, runtime.WithHTTPClient(c), runtime.WithServer("api", url))
//	res, err := r.Run(ctx, "my-workflow", map[string]any{"name": "x"})
//	if res.Succeeded() { fmt.Println(res.Outputs) }
//
// Run's error is reserved for failures to run: an unknown workflow, inputs
// that do not satisfy the schema (*InputError), a cancelled context, or a
// limit reached (*LimitError). A workflow that ran and failed is a Result
// with Status StatusFailed, Error saying why and FailedStep saying where;
// its Err is a *StepError for errors.As, whose Cause is a *CriterionError,
// a *StatusError, a *TransportError or a *LimitError.
//
// The rules the runner follows where the Arazzo specification is silent
// are listed in docs/semantics.md at the root of the repository, each with
// the test that pins it.
//
// Policy is separated from mechanism: the HTTP client, the credentials
// provider, the logger (log/slog), the observer, the limits and even the
// sleep function used between retries are options. Secret values
// (credentials, inputs declared with format: password or named like
// secrets) are replaced by Mask in the trace, in log records, in observer
// events and in error messages.
package runtime
