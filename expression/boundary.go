package expression

import "github.com/weftflow/weft/internal/boundary"

// The package calls two libraries that report some failures by panicking:
// ojg (JSONPath parse and query) and antchfx/xpath (XPath compile and
// evaluation). catchLib is the one place such a panic is recovered and
// turned into a failure the caller reports. Everything else the package
// does returns errors; the only other recover is meter.run, which stops an
// evaluation that ran out of budget (the abort travels through the
// libraries' call stacks, which have no error return).

// catchLib calls f, a call into ojg or antchfx, and returns the value it
// panicked with (nil when it returned). A panic of weft's own making goes
// on: the meter's abort (for meter.run), and a runtime error raised by
// weft's code (a bug of ours, such as an index out of range in a metered
// navigator the library called back; boundary.Recover decides), which must
// not be reported as a malformed document or query.
func catchLib(f func()) (panicked any) {
	defer boundary.Recover(func(p any) {
		if _, ok := p.(abort); ok {
			panic(p)
		}
		panicked = p
	})
	f()
	return nil
}
