// Package boundary recovers the panics of the third-party libraries weft
// calls (kin-openapi, yaml, ojg, antchfx/xpath), at the one place a package
// calls them, and turns them into failures the caller reports. A runtime
// error raised by weft's own code is a bug of ours, not a malformed input:
// it is not recovered but goes on.
package boundary

import (
	"reflect"
	"runtime"
	"strings"
)

// Recover is deferred by a function that calls into a library: when the
// function panics, Recover recovers the value and calls handle with it,
// unless the value is a runtime error (an index out of range, a nil
// dereference, ...) raised by weft's code, a callback of ours the library
// called included, which it re-panics. Any other value is taken for the
// library's; a value of weft's own that a package recovers elsewhere (such
// as expression's budget abort) is for handle to re-panic.
//
//	defer boundary.Recover(func(p any) { err = fmt.Errorf("malformed document (%v)", p) })
func Recover(handle func(panicked any)) {
	r := recover()
	if r == nil {
		return
	}
	if ours(r) {
		panic(r)
	}
	handle(r)
}

// modPrefix is the prefix of weft's function names in stack frames
// ("github.com/weftflow/weft/"). The package main of cmd/weft ("main.")
// does not call Recover.
var modPrefix = strings.TrimSuffix(reflect.TypeOf(marker{}).PkgPath(), "internal/boundary")

type marker struct{}

// ours reports whether r, being recovered by Recover, is a runtime error
// whose innermost frame outside package runtime is weft's.
func ours(r any) bool {
	if _, ok := r.(runtime.Error); !ok {
		return false
	}
	var pcs [64]uintptr
	// skip runtime.Callers, ours and Recover
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, "runtime.") {
			return strings.HasPrefix(fr.Function, modPrefix)
		}
		if !more {
			return false
		}
	}
}
