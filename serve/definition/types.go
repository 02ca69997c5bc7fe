// Package definition reads the definition file of weft serve: the
// configuration variables (read from the environment, with defaults,
// marked secret where they are) and the flows, each naming an Arazzo
// document and workflow, its servers and credentials, its trigger, its
// input mapping, its dedup key, its concurrency, its retry policy and its
// notifications. Load reports every mistake as an arazzo.Diagnostic with
// its file:line:col; docs/serve.md documents the format.
package definition

import (
	"time"

	"github.com/weftflow/weft/arazzo"
)

// File is a loaded, validated definition file. Every ${NAME} in it has
// been replaced by the value of configuration variable NAME.
type File struct {
	// Path is the file's path as given to Load.
	Path string
	// Listen is the address weft serve listens on (default 127.0.0.1:8080).
	Listen string
	// Store is the SQLite file's path, relative paths resolved against the
	// definition file's directory (default: weft.db beside the file).
	Store string
	// AdminToken is the bearer token the admin API requires; empty when
	// none is configured, and then every admin route answers 401.
	AdminToken Value
	// DrainTimeout is how long SIGTERM waits for runs in flight (default 30s).
	DrainTimeout time.Duration
	// Vars are the configuration variables, in file order.
	Vars []*Var
	// Flows are the flows, in file order.
	Flows []*Flow
}

// Var is one configuration variable.
type Var struct {
	Name string
	// Env is the environment variable it reads (default: Name).
	Env string
	// Default is used when Env is unset ("" with HasDefault false means
	// the variable is required).
	Default    string
	HasDefault bool
	Secret     bool
	// Value is the resolved value.
	Value string
	Pos   arazzo.Position
}

// Value is a string of the file after ${NAME} substitution. Secret is set
// when any variable it used is secret: such a value is masked wherever
// weft serve writes, logs or answers.
type Value struct {
	Text   string
	Secret bool
	Pos    arazzo.Position
}

// Flow is one workflow started by one trigger.
type Flow struct {
	Name string
	// Document is the Arazzo document's path, resolved against the
	// definition file's directory.
	Document string
	Workflow string
	// Servers maps source description names to base URLs.
	Servers map[string]Value
	// Credentials maps source name → security scheme name → part
	// ("token", "apiKey", "username", "password", "clientId",
	// "clientSecret") → value. Parts not given here are read from the
	// environment as weft run reads them (WEFT_<SOURCE>_<SCHEME>_<PART>).
	Credentials map[string]map[string]map[string]Value
	Trigger     Trigger
	// Inputs maps workflow input names to weft runtime expressions,
	// templates or literals evaluated over the event ($request.body#/a,
	// $request.header.X-Event, $request.query.q; a schedule's event body
	// is {"flow", "firedAt", "scheduledAt"}).
	Inputs []Input
	Dedup  Dedup
	// Concurrency bounds the flow's runs in flight (default 4).
	Concurrency int
	// SourceLimits bounds the requests in flight per source description
	// across the flow's runs (0: unbounded).
	SourceLimits map[string]int
	Retry        Retry
	Notify       []*Notify
	// KeepBody keeps each event's raw body in the store (default true).
	KeepBody bool
	Pos      arazzo.Position
}

// Input is one entry of a flow's input mapping.
type Input struct {
	Name string
	// Expr is the mapping as written after ${NAME} substitution: a whole
	// runtime expression, a template with {$...} parts, or a literal (any
	// YAML value, kept as decoded).
	Expr any
	// Secret is set when the mapping used a secret variable.
	Secret bool
	Pos    arazzo.Position
}

// Trigger says what starts a flow: a webhook, a schedule, or (with
// neither) only manual starts. Every flow can be started manually.
type Trigger struct {
	Webhook  *Webhook
	Schedule *Schedule
}

// Webhook is an inbound webhook trigger.
type Webhook struct {
	// Path is the URL path the flow's webhook is served on.
	Path string
	// Verify says how the sender's signature is checked; nil only when
	// the file says verify: none explicitly.
	Verify *Verify
	// MaxBodyBytes caps the body (default 1 MiB); larger gets 413.
	MaxBodyBytes int64
	Pos          arazzo.Position
}

// Verify is a webhook's signature check.
type Verify struct {
	// Preset is "standard-webhooks", "hookdeck", "stripe", "github" or
	// "hmac".
	Preset string
	// Secrets are the active secrets, any of which may sign (rotation).
	Secrets []Value
	// Tolerance bounds a signed timestamp's age and skew (default 5m;
	// presets with a timestamp only).
	Tolerance time.Duration
	// The generic hmac preset's parameters: Header holding the signature,
	// Algorithm ("sha256", "sha1", "sha512"), Encoding ("hex", "base64"),
	// Prefix before the signature ("sha256=").
	Header, Algorithm, Encoding, Prefix string
	Pos                                 arazzo.Position
}

// Schedule is a schedule trigger: exactly one of Cron and Every is set.
type Schedule struct {
	Cron  string
	Every time.Duration
	// TimeZone is an IANA name (default UTC).
	TimeZone string
	// Overlap is "skip" (default: a tick while a run of the flow is in
	// flight starts nothing and is reported) or "queue".
	Overlap string
	Pos     arazzo.Position
}

// Dedup says how repeated deliveries are recognised.
type Dedup struct {
	// Key is a runtime expression over the event whose value is the dedup
	// key (default: the preset's event id, e.g. $request.header.webhook-id;
	// none for presets without one).
	Key string
	// Window is how long a key is remembered (default 24h; 0 in the file
	// means forever).
	Window time.Duration
	Pos    arazzo.Position
}

// Retry is a flow's retry policy for failed runs.
type Retry struct {
	// Attempts is the number of attempts in all (default 3; 1: no retry).
	Attempts int
	// Initial and Max bound the exponential backoff with full jitter:
	// attempt n waits rand[0, min(Max, Initial·2^(n-1))), or the step's
	// Retry-After (capped at Max) when it got 429 or 503. Defaults 1s, 5m.
	Initial, Max time.Duration
	// Interrupted is what a restart does with a run that was running when
	// the process stopped: "retry" starts it again as a new attempt (even
	// if a step may have been sent), "resume-safe" (the default) starts it
	// again only if no request of the attempt may have been sent and
	// dead-letters it otherwise.
	Interrupted string
	Pos         arazzo.Position
}

// Notify is one outbound notification target.
type Notify struct {
	// Name identifies the target in the store (default: its index).
	Name string
	URL  Value
	// Secret signs the notification per Standard Webhooks (whsec_...).
	Secret Value
	// On lists the run statuses that notify ("succeeded", "failed",
	// "dead"; default all three).
	On []string
	// Outputs lists the workflow outputs the payload carries (default none).
	Outputs []string
	// Attempts, Initial and Max are the delivery retry policy (defaults
	// 5, 1s, 5m).
	Attempts     int
	Initial, Max time.Duration
	Pos          arazzo.Position
}
