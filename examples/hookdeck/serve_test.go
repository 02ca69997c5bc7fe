//go:build unix

package main

import (
	"context"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (what a service manager or `docker stop` sends) stops -serve as
// cleanly as Ctrl-C: it shuts down and exits 0. (TestREADME covers SIGINT.)
func TestServeStopsOnSIGTERM(t *testing.T) {
	pr, pw := io.Pipe()
	var errb strings.Builder
	exited := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		code := runWithSignals(ctx, []string{"-serve", "127.0.0.1:0"}, pw, &errb)
		pw.Close()
		exited <- code
	}()
	printed, rest := readUntil(t, pr, "serving until interrupted")
	if !strings.Contains(printed, "listening on http://127.0.0.1:") {
		t.Fatalf("-serve printed:\n%s", printed)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(rest)
	select {
	case code := <-exited:
		if code != 0 || !strings.Contains(string(tail), "shutting down\nstopped\n") {
			t.Errorf("after SIGTERM: exit %d\n%s\n%s", code, tail, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("-serve did not stop after SIGTERM")
	}
}
