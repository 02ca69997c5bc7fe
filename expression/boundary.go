package expression

import (
	"reflect"
	"runtime"
	"strings"
)

// The package calls two libraries that report some failures by panicking:
// ojg (JSONPath parse and query) and antchfx/xpath (XPath compile and
// evaluation). catchLib is the one place such a panic is recovered and
// turned into a failure the caller reports. Everything else the package
// does returns errors; the only other recover is meter.run, which stops an
// evaluation that ran out of budget (the abort travels through the
// libraries' call stacks, which have no error return).

// catchLib calls f, a call into ojg or antchfx, and returns the value it
// panicked with (nil when it returned). A panic of this package's own
// making goes on: the meter's abort (for meter.run), and a runtime error
// raised by this package's code (a bug of ours, such as an index out of
// range in a metered navigator the library called back), which must not be
// reported as a malformed document or query.
func catchLib(f func()) (panicked any) {
	defer func() {
		if r := recover(); r != nil {
			if ownPanic(r) {
				panic(r)
			}
			panicked = r
		}
	}()
	f()
	return nil
}

// pkgPrefix is the prefix of this package's function names in stack
// frames ("github.com/weftflow/weft/expression.").
var pkgPrefix = reflect.TypeOf(abort{}).PkgPath() + "."

// ownPanic reports whether r, being recovered by the deferred function of
// catchLib, was raised by this package: an abort, or a runtime error whose
// innermost frame outside package runtime is this package's.
func ownPanic(r any) bool {
	if _, ok := r.(abort); ok {
		return true
	}
	if _, ok := r.(runtime.Error); !ok {
		return false
	}
	var pcs [64]uintptr
	// skip runtime.Callers, ownPanic and the deferred function
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, "runtime.") {
			return strings.HasPrefix(fr.Function, pkgPrefix)
		}
		if !more {
			return false
		}
	}
}
