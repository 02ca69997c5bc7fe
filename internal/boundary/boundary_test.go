package boundary

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// call runs f under Recover and returns what handle received.
func call(f func()) (got any) {
	defer Recover(func(p any) { got = p })
	f()
	return nil
}

// A runtime error raised by weft's code (here this test's closure, as a
// callback a library makes would be) is a bug: Recover re-panics it.
func TestRecoverRepanicsOwnRuntimeError(t *testing.T) {
	defer func() {
		r := recover()
		if _, ok := r.(runtime.Error); !ok {
			t.Fatalf("recovered %v (%T), want the runtime error to go on", r, r)
		}
	}()
	var m map[string]int
	call(func() { m["x"] = 1 })
	t.Fatal("Recover returned")
}

// A library's panics are recovered: a value it panics with, and a runtime
// error raised in its code (the standard library's here, standing in for
// kin-openapi's or yaml's).
func TestRecoverLibraryPanic(t *testing.T) {
	want := errors.New("library")
	if got := call(func() { panic(want) }); got != want {
		t.Fatalf("handle got %v, want %v", got, want)
	}
	var b *bytes.Buffer
	if _, ok := call(func() { _ = b.Len() }).(runtime.Error); !ok {
		t.Fatal("a runtime error raised in another package's code was not recovered")
	}
	if got := call(func() {}); got != nil {
		t.Fatalf("handle called with %v without a panic", got)
	}
}

func TestModPrefix(t *testing.T) {
	if modPrefix != "github.com/weftflow/weft/" {
		t.Fatalf("modPrefix = %q", modPrefix)
	}
}
