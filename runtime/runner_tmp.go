package runtime

// TEMPORARY: signatures of the runner, implemented by the lead developer.

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/openapi"
)

// Runner executes the workflows of one loaded document. Safe for
// concurrent Run calls.
type Runner struct{}

// Option configures a Runner.
type Option func(*config)

type config struct{}

// WithHTTPClient sets the client for every API call.
func WithHTTPClient(c *http.Client) Option { return nil }

// WithServer overrides the base URL of every operation of a source.
func WithServer(source, baseURL string) Option { return nil }

// WithServerVariable sets a server variable of a source.
func WithServerVariable(source, name, value string) Option { return nil }

// WithCredentials sets the credentials provider.
func WithCredentials(c openapi.Credentials) Option { return nil }

// WithLogger sets the structured logger.
func WithLogger(l *slog.Logger) Option { return nil }

// WithObserver sets the event observer.
func WithObserver(o *Observer) Option { return nil }

// WithLimits sets the run limits.
func WithLimits(l Limits) Option { return nil }

// WithSleep replaces the function used to wait between retries.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option { return nil }

// WithResponseValidation turns response validation on.
func WithResponseValidation(failOnFinding bool) Option { return nil }

// WithDependencyInputs gives inputs for workflows run through dependsOn.
func WithDependencyInputs(workflowID string, inputs map[string]any) Option { return nil }

// New prepares a runner: compiles every expression, binds every operation.
func New(doc *arazzo.Document, opts ...Option) (*Runner, error) { panic("not implemented") }

// Run runs a workflow.
func (r *Runner) Run(ctx context.Context, workflowID string, inputs map[string]any) (*Result, error) {
	panic("not implemented")
}
