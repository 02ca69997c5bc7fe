// Command weft validates, lists and runs Arazzo workflow documents, and
// runs weft's conformance cases.
//
// Usage:
//
//	weft validate [loader flags] DOC...
//	weft list [loader flags] DOC
//	weft env [loader flags] DOC
//	weft run DOC [--workflow ID]... [--all] [--input name=value]... [--inputs FILE|-]
//	    [--input-env PREFIX] [--server SOURCE=URL]... [--server-var SOURCE.NAME=VALUE]...
//	    [--only-servers [--allow-origin URL]...] [--validate-responses warn|error]
//	    [--max-steps N] [--request-timeout DURATION] [--cert FILE --key FILE] [--cacert FILE]
//	    [--json FILE|-] [--junit FILE|-] [--har FILE|-] [--timeout DURATION] [-v] [loader flags]
//	weft test [--junit FILE] [--run REGEXP] [-v] DIR...
//	weft serve FILE [--listen ADDR] [--store PATH] [--check] [--log-format text|json] [loader flags]
//	weft trigger FLOW [--input name=value]... [--inputs FILE|-] [--server URL]
//	weft runs list [--flow F] [--status S] [--since T] [--limit N] [--json] [--server URL]
//	weft runs show ID [--json] [--server URL]
//	weft runs replay ID [--server URL]
//	weft version
//	weft help [COMMAND]
//
// Loader flags (the loader policy, see weft help): --allow-host HOST...,
// --allow-private, --local-root DIR, --allow-local-outside,
// --max-document-bytes N, --max-total-bytes N, --max-sources N, --offline,
// --base-url URL.
//
// Exit status: 0 when the workflow succeeded (or the documents are valid),
// 1 when it failed (or a document has errors, for validate), 2 for usage
// and document errors (an unknown source, server variable, credential
// variable or input name included), 130 after SIGINT and 143 after SIGTERM
// (the run stops, reports are written with status cancelled), 70 for an
// internal error (a bug in weft: the panic and its stack go to stderr).
// docs/cli.md describes every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
	// exitInternal is a bug of weft's (EX_SOFTWARE of sysexits.h).
	exitInternal = 70
	programName  = "weft"
)

// version is set with -ldflags "-X main.version=v1.2.3"; otherwise the
// module version from the build info is used.
var version = ""

const usageText = `weft runs Arazzo workflows.

Usage:
  weft validate DOC...          check documents; diagnostics as file:line:col: severity: message (hint),
                                or --format json|github
  weft list DOC                 list workflows with their inputs, outputs and steps
  weft env DOC                  list the environment variables the credentials provider reads
  weft run DOC [flags]          run a workflow (weft help run for its flags)
  weft test [flags] DIR...      run conformance cases (testdata/conformance/<case>/case.yaml)
  weft serve FILE [flags]       run the flows of a definition file: webhooks, schedules, admin API
                                (docs/serve.md; --check only compiles them)
  weft trigger FLOW [flags]     start a run of a served flow now (--input name=value)
  weft runs list|show|replay    list a weft serve's runs, show one's trace, replay a failed one
                                (admin API at --server or $WEFT_SERVER, token in $WEFT_ADMIN_TOKEN)
  weft version                  print the version
  weft help [COMMAND]           this text, or a command's flags (same as weft COMMAND -h)

Exit status: 0 success, 1 workflow failed (validate: errors found), 2 usage or document error,
70 internal error (a bug in weft), 130/143 interrupted by SIGINT/SIGTERM.

` + loaderHelp

func main() {
	endProfile := startProfile(os.Stderr)
	ctx, stop := notifyContext(context.Background(), os.Stderr)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	endProfile()
	os.Exit(code)
}

// env is what a command needs from its process.
type env struct {
	// ctx is cancelled by SIGINT and SIGTERM (see notifyContext); nil
	// means context.Background.
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (e *env) context() context.Context {
	if e.ctx == nil {
		return context.Background()
	}
	return e.ctx
}

// usageError is a command-line mistake; it exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError carries an exit status and an optional message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// runContext runs the command line args under ctx, whose cancellation
// stops a run the way a signal does.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// The one recover of the command: a panic is a bug of weft's,
		// reported with its stack rather than as a document error.
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "weft: internal error (a bug in weft; please report it with this output): %v\n%s", p, debug.Stack())
			code = exitInternal
		}
	}()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "validate":
		err = e.validate(args[1:])
	case "list":
		err = e.list(args[1:])
	case "env":
		err = e.envCmd(args[1:])
	case "run":
		err = e.runCmd(args[1:])
	case "test":
		err = e.testCmd(args[1:])
	case "serve":
		err = e.serveCmd(args[1:])
	case "trigger":
		err = e.triggerCmd(args[1:])
	case "runs":
		err = e.runsCmd(args[1:])
	case "version", "-version", "--version":
		if len(args) > 1 && (args[1] == "-h" || args[1] == "-help" || args[1] == "--help") {
			return e.help([]string{"version"})
		}
		fmt.Fprintf(stdout, "weft %s\n", versionString())
		return exitOK
	case "help", "-h", "-help", "--help":
		return e.help(args[1:])
	default:
		fmt.Fprintf(stderr, "weft: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
	return exitStatus(err, stderr)
}

// help prints the overview (no argument) or a command's usage and flags
// to stdout.
func (e *env) help(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintf(e.stderr, "weft: help takes one command, got %d\n", len(args))
		return exitUsage
	}
	switch args[0] {
	case "validate", "list", "env", "run", "test", "serve", "trigger", "runs":
		return run([]string{args[0], "-h"}, e.stdin, e.stdout, e.stdout)
	case "version":
		fmt.Fprintln(e.stdout, "Usage: weft version\n\nPrints weft's version (also: weft --version). It takes no flags.")
		return exitOK
	case "help":
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "weft: help: unknown command %q\n\n%s", args[0], usageText)
	return exitUsage
}

func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "weft: %s\n", ue.msg)
		return exitUsage
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "weft: %s\n", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "weft: %s\n", err)
	return exitUsage
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("weft run DOC --workflow X"), and returns the
// positional arguments. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at the first non-flag or after "--"; tell them apart.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(programName+" "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: weft %s\n", usage)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags wraps flag errors as usage errors (the flag package has
// already printed the message and usage).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, exitError{code: exitUsage}
	}
	return pos, nil
}
