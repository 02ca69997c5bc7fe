package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/weftflow/weft/serve"
	"github.com/weftflow/weft/serve/definition"
	"github.com/weftflow/weft/store/sqlite"
)

// The HTTP server's budgets. A webhook sender gets its answer once the
// event is in the store, so none of them needs to be long; the body's cap
// is each flow's maxBodyBytes.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 60 * time.Second
	serveWriteTimeout      = 60 * time.Second
	serveIdleTimeout       = 120 * time.Second
	serveMaxHeaderBytes    = 64 << 10
	// serveHTTPStopTimeout bounds how long a stop waits for the requests
	// in flight before the runs are drained.
	serveHTTPStopTimeout = 10 * time.Second
)

const serveUsage = "serve FILE [--listen ADDR] [--store PATH] [--check] [--log-format text|json] [--log-level LEVEL] [loader flags]\n" +
	loaderFlagsUsage + "\n" +
	"\n" +
	"Runs the flows of the definition FILE (docs/serve.md): each webhook flow's path, the admin API\n" +
	"under /admin/ (bearer token, see weft help runs) and /healthz, the schedules, the workers and the\n" +
	"notifications, over the SQLite store. SIGINT or SIGTERM stops accepting, drains the runs in flight\n" +
	"for the file's drainTimeout and exits 0 (a second signal exits at once). --check loads the file and\n" +
	"compiles every flow, then exits: 0 when it is sound, 2 with its diagnostics otherwise. Without\n" +
	"loader flags a flow's document reads under the directory it shares with FILE; any loader flag\n" +
	"replaces that by weft run's policy."

// serveFlags are the flags of weft serve.
type serveFlags struct {
	listen, store string
	check         bool
	logFormat     string
	logLevel      string
	lf            *loaderFlags
	// loaderSet is set when a loader flag was given: the flags' policy
	// then replaces serve's default (each flow's document reads under the
	// directory it shares with the definition file).
	loaderSet bool
}

func (e *env) serveCmd(args []string) error {
	fs := newFlagSet("serve", serveUsage, e.stderr)
	var sf serveFlags
	fs.StringVar(&sf.listen, "listen", "", "listen on `ADDR` (host:port; default: the file's listen, else 127.0.0.1:8080)")
	fs.StringVar(&sf.store, "store", "", "the SQLite store's `PATH` (default: the file's store, else weft.db beside it)")
	fs.BoolVar(&sf.check, "check", false, "load the file and compile every flow, then exit without listening")
	fs.StringVar(&sf.logFormat, "log-format", "text", "log records to stderr as text or json")
	fs.StringVar(&sf.logLevel, "log-level", "info", "the least level logged: debug, info, warn or error")
	sf.lf = addLoaderFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	loaderNames := map[string]bool{}
	lfs := newFlagSet("", "", io.Discard)
	addLoaderFlags(lfs)
	lfs.VisitAll(func(f *flag.Flag) { loaderNames[f.Name] = true })
	fs.Visit(func(f *flag.Flag) { sf.loaderSet = sf.loaderSet || loaderNames[f.Name] })
	if len(pos) != 1 {
		fs.Usage()
		return usagef("serve: want exactly one definition file, got %d", len(pos))
	}
	if !slices.Contains([]string{"text", "json"}, sf.logFormat) {
		return usagef("serve: --log-format must be text or json, not %q", sf.logFormat)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(sf.logLevel)); err != nil {
		return usagef("serve: --log-level must be debug, info, warn or error, not %q", sf.logLevel)
	}
	logger := newServeLogger(e.stderr, sf.logFormat, level)
	ctx := e.context()
	def, err := e.loadDefinition(ctx, pos[0])
	if err != nil {
		return err
	}
	if sf.check {
		return e.serveCheck(ctx, def, &sf, logger)
	}
	return e.serveRun(ctx, def, &sf, logger)
}

// newServeLogger returns the logger of weft serve: text or JSON records on w.
func newServeLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	o := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// loadDefinition loads the definition file at path; its diagnostics go to
// stderr as weft validate prints them, and make a document error (exit 2).
func (e *env) loadDefinition(ctx context.Context, path string) (*definition.File, error) {
	def, err := definition.Load(ctx, path)
	if err != nil {
		return nil, e.definitionError(path, err)
	}
	return def, nil
}

// definitionError prints err's diagnostics (or err) and returns the exit
// error of a definition with mistakes.
func (e *env) definitionError(path string, err error) error {
	ds := findings(path, nil, err)
	writeText(e.stderr, ds)
	errs, _ := count(ds)
	return exitError{code: exitUsage, msg: fmt.Sprintf("%s: the definition has %d error(s)", path, max(errs, 1))}
}

// serveOptions are the serve.Options of weft serve.
func serveOptions(sf *serveFlags, logger *slog.Logger) []serve.Option {
	opts := []serve.Option{serve.WithLogger(logger)}
	if sf.loaderSet {
		opts = append(opts, serve.WithLoadOptions(sf.lf.options()...))
	}
	return opts
}

// serveCheck compiles every flow of def over a throwaway store and
// reports the flows; nothing listens and the real store is not touched.
func (e *env) serveCheck(ctx context.Context, def *definition.File, sf *serveFlags, logger *slog.Logger) error {
	dir, err := os.MkdirTemp("", "weft-serve-check-")
	if err != nil {
		return exitError{code: exitFailed, msg: "serve --check: " + err.Error()}
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, filepath.Join(dir, "check.db"))
	if err != nil {
		return exitError{code: exitFailed, msg: "serve --check: " + err.Error()}
	}
	defer st.Close()
	srv, err := serve.New(ctx, def, st, serveOptions(sf, logger)...)
	if err != nil {
		return e.definitionError(def.Path, err)
	}
	fmt.Fprintf(e.stdout, "%s: %d flow(s), ok\n", def.Path, len(srv.Flows()))
	printFlows(e.stdout, "", srv.Flows())
	return nil
}

// serveRun serves def until ctx ends (SIGINT or SIGTERM), then stops
// accepting, drains and closes the store.
func (e *env) serveRun(ctx context.Context, def *definition.File, sf *serveFlags, logger *slog.Logger) error {
	addr := firstNonEmpty(sf.listen, def.Listen, "127.0.0.1:8080")
	storePath := firstNonEmpty(sf.store, def.Store, filepath.Join(filepath.Dir(def.Path), "weft.db"))
	st, err := sqlite.Open(ctx, storePath)
	if err != nil {
		return exitError{code: exitFailed, msg: "serve: opening the store: " + err.Error()}
	}
	closeStore := func() {
		if err := st.Close(); err != nil {
			logger.Error("closing the store", slog.String("error", err.Error()))
		}
	}
	srv, err := serve.New(ctx, def, st, serveOptions(sf, logger)...)
	if err != nil {
		closeStore()
		return e.definitionError(def.Path, err)
	}
	// Listen before Start, so that a taken port fails before any run of
	// the store is resumed.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		closeStore()
		return exitError{code: exitFailed, msg: "serve: " + err.Error()}
	}
	if err := srv.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		_ = srv.Shutdown(context.Background())
		closeStore()
		return exitError{code: exitFailed, msg: "serve: starting: " + err.Error()}
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    serveMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "weft serve: listening on %s (store %s)\n", base, storePath)
	printFlows(e.stdout, base, srv.Flows())
	logger.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("store", storePath), slog.Int("flows", len(srv.Flows())))
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info("stopping: no new requests; draining the runs in flight", slog.String("cause", causeText(ctx)), slog.Duration("drain_timeout", def.DrainTimeout))
	case serveErr = <-served:
		logger.Error("the HTTP server stopped", slog.String("error", serveErr.Error()))
	}
	hctx, cancel := context.WithTimeout(context.Background(), serveHTTPStopTimeout)
	if err := hs.Shutdown(hctx); err != nil {
		logger.Warn("requests still in flight were cut", slog.String("error", err.Error()))
		hs.Close()
	}
	cancel()
	drain := def.DrainTimeout
	if drain <= 0 {
		drain = 30 * time.Second
	}
	dctx, cancel := context.WithTimeout(context.Background(), drain)
	if err := srv.Shutdown(dctx); err != nil {
		logger.Warn("drain timed out", slog.String("error", err.Error()))
	}
	cancel()
	closeStore()
	logger.Info("stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return exitError{code: exitFailed, msg: "serve: " + serveErr.Error()}
	}
	return nil
}

// causeText says why ctx ended (the signal, for weft's main).
func causeText(ctx context.Context) string {
	if c := context.Cause(ctx); c != nil {
		return c.Error()
	}
	return "cancelled"
}

// printFlows writes one line a flow: its name, how it starts, its
// workflow.
func printFlows(w io.Writer, base string, flows []serve.FlowInfo) {
	for _, f := range flows {
		var how string
		switch f.Trigger {
		case "webhook":
			how = "POST " + base + f.Path
		case "schedule":
			how = "schedule " + f.Schedule
		default:
			how = "manual (weft trigger " + f.Name + ")"
		}
		fmt.Fprintf(w, "  flow %-24s %s  → workflow %s\n", f.Name, how, f.Workflow)
		if f.MissedTicks > 0 {
			fmt.Fprintf(w, "    %d tick(s) missed while down (reported, not run)\n", f.MissedTicks)
		}
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
