package runtime

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/weftflow/weft/expression"
	"github.com/weftflow/weft/openapi"
)

// Option configures a Runner. Options compose: later options override
// earlier ones for the same setting.
type Option func(*config)

type config struct {
	client        *http.Client
	servers       map[string]string
	serverVars    map[string]map[string]string
	creds         openapi.Credentials
	logger        *slog.Logger
	observer      *Observer
	limits        Limits
	sleep         func(ctx context.Context, d time.Duration) error
	validate      bool
	validateFail  bool
	depInputs     map[string]map[string]any
	now           func() time.Time
	statusSuccess func(code int) bool
	origins       *originGuard
	masks         *maskCache // shared by the Runner's runs
	secrets       []string
}

// Default limits (decisions F8).
const (
	DefaultMaxStepExecutions = 1000
	DefaultMaxDepth          = 32
	DefaultRequestTimeout    = 30 * time.Second
	DefaultMaxResponseBytes  = 10 << 20
	DefaultMaxRetryAfter     = 5 * time.Minute
	// DefaultMaxCriterionNodes is the default Limits.MaxCriterionNodes.
	DefaultMaxCriterionNodes = expression.DefaultMaxNodes
	// DefaultMaxCriterionInputBytes is the default Limits.MaxCriterionInputBytes.
	DefaultMaxCriterionInputBytes = expression.DefaultMaxInputBytes
	// DefaultMaxSchemaDepth is the default Limits.MaxSchemaDepth.
	DefaultMaxSchemaDepth = 64
)

func defaultConfig() config {
	return config{
		client:     http.DefaultClient,
		servers:    map[string]string{},
		serverVars: map[string]map[string]string{},
		sleep:      sleepContext,
		depInputs:  map[string]map[string]any{},
		now:        time.Now,
		masks:      &maskCache{},
		statusSuccess: func(code int) bool {
			return code >= 200 && code < 300
		},
	}
}

func (c *config) fill() {
	if c.limits.MaxStepExecutions <= 0 {
		c.limits.MaxStepExecutions = DefaultMaxStepExecutions
	}
	if c.limits.MaxDepth <= 0 {
		c.limits.MaxDepth = DefaultMaxDepth
	}
	if c.limits.RequestTimeout <= 0 {
		c.limits.RequestTimeout = DefaultRequestTimeout
	}
	if c.limits.MaxResponseBytes <= 0 {
		c.limits.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.limits.MaxRetryAfter <= 0 {
		c.limits.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.limits.MaxCriterionNodes <= 0 {
		c.limits.MaxCriterionNodes = DefaultMaxCriterionNodes
	}
	if c.limits.MaxCriterionInputBytes <= 0 {
		c.limits.MaxCriterionInputBytes = DefaultMaxCriterionInputBytes
	}
	if c.limits.MaxSchemaDepth <= 0 {
		c.limits.MaxSchemaDepth = DefaultMaxSchemaDepth
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	// Every request weft sends (API calls, retries, 401 resends, token
	// requests) goes through a copy of the caller's client that applies
	// the redirect policy (redirect.go); the caller's client is untouched.
	c.client = guardOrigins(safeClient(c.client), c.origins)
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// WithHTTPClient sets the client for every API call (default
// http.DefaultClient). OAuth2 token requests use it too. c is not
// modified: weft sends through a shallow copy whose CheckRedirect removes
// every credential on a redirect to another origin (scheme, host, port)
// and then defers to c.CheckRedirect, so its limits and
// http.ErrUseLastResponse keep working.
func WithHTTPClient(c *http.Client) Option { return func(cfg *config) { cfg.client = c } }

// WithServer overrides the base URL of every operation of the named source
// description (decisions H1). The URL keeps its path: operations are
// appended to it.
func WithServer(source, baseURL string) Option {
	return func(cfg *config) { cfg.servers[source] = baseURL }
}

// WithServerVariable sets a server variable of the named source's servers,
// overriding its default.
func WithServerVariable(source, name, value string) Option {
	return func(cfg *config) {
		m := cfg.serverVars[source]
		if m == nil {
			m = map[string]string{}
			cfg.serverVars[source] = m
		}
		m[name] = value
	}
}

// WithCredentials sets the credentials provider used for security schemes
// (default: none, so no credentials are sent).
func WithCredentials(c openapi.Credentials) Option { return func(cfg *config) { cfg.creds = c } }

// WithSecrets adds values every run of the Runner treats as secrets, as it
// treats credentials and format: password inputs: each is masked in
// results, errors, log records and observer events, in the encodings a
// credential is (see Mask). Empty values are ignored. Options compose: the
// values of several WithSecrets add up.
func WithSecrets(values ...string) Option {
	return func(cfg *config) {
		for _, v := range values {
			if v != "" {
				cfg.secrets = append(cfg.secrets, v)
			}
		}
	}
}

// WithLogger sets the structured logger. Every record carries run_id and,
// where it applies, workflow_id and step_id.
func WithLogger(l *slog.Logger) Option { return func(cfg *config) { cfg.logger = l } }

// WithObserver sets the event observer.
func WithObserver(o *Observer) Option { return func(cfg *config) { cfg.observer = o } }

// WithLimits sets the run limits; zero fields keep their defaults.
func WithLimits(l Limits) Option { return func(cfg *config) { cfg.limits = l } }

// WithSleep replaces the function used to wait before retries. It must
// return early with ctx.Err() when ctx is done. Tests use it to make
// retries instant and to record the waits.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(cfg *config) {
		if f != nil {
			cfg.sleep = f
		}
	}
}

// WithResponseValidation turns validation of responses against the OpenAPI
// description on (decisions H5). Findings are warnings in the result; with
// failOnFinding they also make the step fail.
func WithResponseValidation(failOnFinding bool) Option {
	return func(cfg *config) { cfg.validate = true; cfg.validateFail = failOnFinding }
}

// WithDependencyInputs gives the inputs used when workflowID runs as a
// dependency (dependsOn) of the workflow being run (decisions F6).
func WithDependencyInputs(workflowID string, inputs map[string]any) Option {
	return func(cfg *config) { cfg.depInputs[workflowID] = inputs }
}

// WithDefaultSuccess replaces the rule that decides whether an operation
// step without successCriteria succeeded (default: a 2xx status,
// decisions D4).
func WithDefaultSuccess(f func(statusCode int) bool) Option {
	return func(cfg *config) {
		if f != nil {
			cfg.statusSuccess = f
		}
	}
}
