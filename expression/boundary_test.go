package expression

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// A runtime error raised by this package's own code inside a library call
// is a bug of ours: catchLib re-panics it rather than reporting a failed
// query or a malformed document. (The closures below are this package's
// code, as a callback the library makes would be.)
func TestCatchLibRepanicsOwnRuntimeError(t *testing.T) {
	defer func() {
		r := recover()
		if _, ok := r.(runtime.Error); !ok {
			t.Fatalf("recovered %v (%T), want the runtime error to go on", r, r)
		}
	}()
	var m map[string]int
	catchLib(func() { m["x"] = 1 })
	t.Fatal("catchLib returned")
}

func TestCatchLibRepanicsAbort(t *testing.T) {
	want := errors.New("stop")
	m := &meter{}
	err := m.run(func() {
		catchLib(func() { panic(abort{want}) })
		t.Fatal("catchLib returned")
	})
	if err != want {
		t.Fatalf("meter.run = %v, want %v", err, want)
	}
}

// A library's own panics (ojg panics with errors on a malformed path)
// become failures.
func TestCatchLibConvertsLibraryPanic(t *testing.T) {
	if _, err := parseJP("$[?(@.a =="); err == nil {
		t.Fatal("parseJP accepted a malformed path")
	}
	if r := catchLib(func() { panic(errors.New("library")) }); r == nil {
		t.Fatal("catchLib did not recover a non-runtime panic")
	}
	// a runtime error raised in another package's code (here the
	// standard library's, standing in for ojg's) is that library's failure
	var b *bytes.Buffer
	if r := catchLib(func() { _ = b.Len() }); r == nil {
		t.Fatal("catchLib did not recover a library's runtime error")
	}
}

// sameNode compares without recovering: uncomparable scalars are not the
// same node.
func TestSameNodeUncomparable(t *testing.T) {
	type pair struct{ a []int }
	if sameNode(pair{}, pair{}) {
		t.Fatal("uncomparable values reported the same")
	}
	if !sameNode(nil, nil) || !sameNode(1.5, 1.5) || sameNode(nil, 1.5) {
		t.Fatal("scalars compared wrongly")
	}
}
