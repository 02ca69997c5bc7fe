package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store"
)

// Attribute keys of the records a Server logs, beside the runtime's
// (runtime.LogKeyRunID, runtime.LogKeyWorkflow, ...).
const (
	// LogKeyFlow is a flow's name.
	LogKeyFlow = "flow"
	// LogKeyEventID is an event's dedup key.
	LogKeyEventID = "event_id"
	// LogKeyTrigger is what started a run (store.Trigger*).
	LogKeyTrigger = "trigger"
	// LogKeyReason says why an event was refused or a run failed.
	LogKeyReason = "reason"
)

// Diagnostic codes of the checks New makes on a definition beyond the
// definition loader's.
const (
	CodeUnknownWorkflow = "serve-unknown-workflow"
	CodeMapping         = "serve-mapping"
	CodeSecretFromEvent = "serve-secret-from-event"
	CodeVerify          = "serve-verify"
	CodeSourceLimit     = "serve-source-limit"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	client         *http.Client
	notifyClient   *http.Client
	logger         *slog.Logger
	now            func() time.Time
	jitter         func() float64
	lookupEnv      func(string) (string, bool)
	loadOptions    []arazzo.Option
	runtimeOptions []runtime.Option
}

// WithHTTPClient sets the client the flows' workflows send with (default:
// a new http.Client per flow over http.DefaultTransport).
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithNotifyClient sets the client notifications are sent with (default:
// one with a 30s timeout).
func WithNotifyClient(c *http.Client) Option { return func(o *options) { o.notifyClient = c } }

// WithLogger sets the logger of the server and of every run.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithClock sets the clock (default time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithJitter sets the source of the backoff's full jitter, a function
// returning values in [0, 1) (default math/rand/v2.Float64).
func WithJitter(f func() float64) Option { return func(o *options) { o.jitter = f } }

// WithLookupEnv sets how credentials not given by the definition are read
// from the environment (default os.LookupEnv).
func WithLookupEnv(f func(string) (string, bool)) Option {
	return func(o *options) { o.lookupEnv = f }
}

// WithLoadOptions sets the options the flows' Arazzo documents are loaded
// with (default: a policy whose local tree is the definition file's
// directory).
func WithLoadOptions(opts ...arazzo.Option) Option {
	return func(o *options) { o.loadOptions = opts }
}

// WithRuntimeOptions adds options to every flow's runner (after the
// server's own: limits, response validation, sleep).
func WithRuntimeOptions(opts ...runtime.Option) Option {
	return func(o *options) { o.runtimeOptions = append(o.runtimeOptions, opts...) }
}

// Server runs the flows of a definition file: its Handler serves the
// webhooks and the admin API, Start resumes what the store holds and runs
// the workers, the scheduler and the notifier, Shutdown drains them.
type Server struct {
	def     *definition.File
	st      store.Store
	opts    options
	log     *slog.Logger
	flows   map[string]*flow
	order   []*flow
	secrets []string
	mask    *runtime.Masker

	accepting atomic.Bool
	started   atomic.Bool
	// runCtx is the context of every run; cancelling it (a drain that
	// timed out) interrupts the runs in flight.
	runCtx    context.Context
	runCancel context.CancelFunc
	workers   sync.WaitGroup
	bg        sync.WaitGroup // scheduler, notifier, timers
	timersMu  sync.Mutex
	timers    map[string]*time.Timer
	stopping  chan struct{}
	stopOnce  sync.Once
	sched     *scheduler
	notifier  *notifier
	missedMu  sync.Mutex
	missed    map[string]missedTicks
}

// New compiles def's flows (loading each Arazzo document) over st. The
// error is arazzo.Diagnostics for mistakes at a position of the
// definition, or says which flow could not be built.
func New(ctx context.Context, def *definition.File, st store.Store, opts ...Option) (*Server, error) {
	if def == nil || st == nil {
		return nil, errors.New("serve: New needs a definition and a store")
	}
	s := &Server{def: def, st: st, flows: map[string]*flow{}, timers: map[string]*time.Timer{},
		stopping: make(chan struct{}), missed: map[string]missedTicks{}}
	for _, o := range opts {
		if o != nil {
			o(&s.opts)
		}
	}
	if s.opts.logger == nil {
		s.opts.logger = slog.New(slog.DiscardHandler)
	}
	if s.opts.now == nil {
		s.opts.now = time.Now
	}
	if s.opts.jitter == nil {
		s.opts.jitter = defaultJitter
	}
	if s.opts.lookupEnv == nil {
		s.opts.lookupEnv = os.LookupEnv
	}
	s.log = s.opts.logger
	for _, v := range def.Vars {
		if v.Secret && v.Value != "" {
			s.secrets = append(s.secrets, v.Value)
		}
	}
	if def.AdminToken.Text != "" {
		s.secrets = append(s.secrets, def.AdminToken.Text)
	}
	s.mask = runtime.NewMasker(s.secrets...)
	var diags arazzo.Diagnostics
	for _, fd := range def.Flows {
		f, err := s.compileFlow(ctx, fd)
		var ds arazzo.Diagnostics
		switch {
		case errors.As(err, &ds):
			diags = append(diags, ds...)
			continue
		case err != nil:
			return nil, errors.New(s.mask.String(err.Error()))
		}
		s.flows[fd.Name] = f
		s.order = append(s.order, f)
	}
	if len(diags) > 0 {
		return nil, diags
	}
	s.runCtx, s.runCancel = context.WithCancel(context.Background())
	s.notifier = newNotifier(s)
	s.accepting.Store(true)
	return s, nil
}

// defPath is the definition file's path.
func (s *Server) defPath() string { return s.def.Path }

// Start resumes what the store holds (queued runs are queued again,
// retrying runs re-armed, runs that were running when the process stopped
// marked interrupted and handled by their flow's policy), then starts the
// workers, the scheduler and the notifier. It returns once they run;
// Shutdown stops them.
func (s *Server) Start(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("serve: Start called twice")
	}
	for _, f := range s.order {
		for range f.queue.workers {
			s.workers.Add(1)
			go s.work(f)
		}
	}
	if err := s.recover(ctx); err != nil {
		return err
	}
	if err := s.notifier.start(ctx); err != nil {
		return err
	}
	sch, err := newScheduler(ctx, s)
	if err != nil {
		return err
	}
	s.sched = sch
	return nil
}

// Shutdown stops accepting events (webhooks answer 503), stops the
// scheduler, retry timers and notifier, and waits for the runs in flight
// until ctx ends; runs still running then are cancelled and recorded as
// interrupted (a restart handles them by policy). Runs still queued stay
// queued in the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.accepting.Store(false)
	var err error
	s.stopOnce.Do(func() {
		close(s.stopping)
		if s.sched != nil {
			s.sched.stop()
		}
		s.timersMu.Lock()
		for id, t := range s.timers {
			t.Stop()
			delete(s.timers, id)
		}
		s.timersMu.Unlock()
		for _, f := range s.order {
			f.queue.close()
		}
		done := make(chan struct{})
		go func() { s.workers.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("serve: drain: %w; the runs still in flight are recorded as interrupted", ctx.Err())
			s.runCancel()
			<-done
		}
		s.runCancel()
		s.notifier.stop()
		s.bg.Wait()
	})
	return err
}

// flow returns the named flow.
func (s *Server) flow(name string) (*flow, error) {
	f := s.flows[name]
	if f == nil {
		return nil, &UnknownFlowError{Flow: name}
	}
	return f, nil
}

// UnknownFlowError is returned for a flow the definition does not have.
type UnknownFlowError struct{ Flow string }

// Error implements error.
func (e *UnknownFlowError) Error() string { return fmt.Sprintf("serve: no flow %q", e.Flow) }

// newID returns a run or notification id: 12 hex digits of the Unix time
// in milliseconds (so ids sort by creation), then 12 random ones.
func newID(now time.Time) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%012x", now.UnixMilli()&0xffffffffffff) + hex.EncodeToString(b[:])
}
