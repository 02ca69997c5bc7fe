package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// signalCause is the cause of a run's context cancelled by a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "cancelled by " + signalName(c.sig) }

// exitCode is the shell's convention for a process ended by the signal:
// 128 + its number (130 for SIGINT, 143 for SIGTERM).
func (c signalCause) exitCode() int {
	if s, ok := c.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + 2
}

func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// timeoutCause is the cause of a run's context ended by --timeout.
type timeoutCause struct{ d time.Duration }

func (c timeoutCause) Error() string { return fmt.Sprintf("stopped by --timeout %s", c.d) }

// notifyContext returns a context cancelled, with a signalCause, by the
// first SIGINT or SIGTERM; a second one exits the process at once with
// 128 + its number. stop releases the signals.
func notifyContext(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-ch:
		case <-done:
			return
		}
		fmt.Fprintf(stderr, "weft: %s: stopping cleanly: a run stops after its current step, weft serve drains (send it again to exit at once)\n", signalName(first))
		cancel(signalCause{first})
		select {
		case sig := <-ch:
			fmt.Fprintf(stderr, "weft: %s again: exiting\n", signalName(sig))
			os.Exit(signalCause{sig}.exitCode())
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
