package main

import (
	"strings"
	"testing"
)

// panicWriter fails the way a bug would: by panicking.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// A panic is a bug of weft's: the command says so with the stack and exits
// 70, not 2 (a usage or document error).
func TestInternalErrorExit(t *testing.T) {
	var stderr strings.Builder
	code := run([]string{"version"}, nil, panicWriter{}, &stderr)
	if code != exitInternal {
		t.Errorf("exit %d, want %d", code, exitInternal)
	}
	if s := stderr.String(); !strings.HasPrefix(s, "weft: internal error") || !strings.Contains(s, "boom") || !strings.Contains(s, "goroutine ") {
		t.Errorf("stderr = %q, want the internal error, the panic value and a stack", s)
	}
}
