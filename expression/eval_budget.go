package expression

import (
	"context"
	"strconv"
)

// Default budgets of one criterion evaluation (see Budget).
const (
	// DefaultMaxNodes is the default Budget.MaxNodes.
	DefaultMaxNodes = 1_000_000
	// DefaultMaxInputBytes is the default Budget.MaxInputBytes (10 MiB).
	DefaultMaxInputBytes = 10 << 20
)

// Budget bounds one evaluation of a criterion. The zero value means the
// defaults.
type Budget struct {
	// MaxNodes caps the work of a JSONPath or XPath evaluation: the nodes
	// it visits and the nodes it produces, each counted once per visit
	// (default DefaultMaxNodes). Negative means no limit.
	MaxNodes int
	// MaxInputBytes caps the size of the context text a regex scans or a
	// JSONPath or XPath criterion parses (default DefaultMaxInputBytes).
	// Negative means no limit.
	MaxInputBytes int
}

func (b Budget) nodes() int {
	switch {
	case b.MaxNodes == 0:
		return DefaultMaxNodes
	case b.MaxNodes < 0:
		return int(^uint(0) >> 1)
	}
	return b.MaxNodes
}

func (b Budget) inputBytes() int {
	switch {
	case b.MaxInputBytes == 0:
		return DefaultMaxInputBytes
	case b.MaxInputBytes < 0:
		return int(^uint(0) >> 1)
	}
	return b.MaxInputBytes
}

// BudgetError reports that a criterion evaluation ran out of its Budget.
// The criterion does not pass.
type BudgetError struct {
	// Limit names the Budget field reached: "MaxNodes" or "MaxInputBytes".
	Limit string
	// Max is the value of that field in effect.
	Max int
}

// Error implements the error interface.
func (e *BudgetError) Error() string {
	if e.Limit == "MaxInputBytes" {
		return "criterion evaluation budget " + e.Limit + " (" + strconv.Itoa(e.Max) + ") reached: the context is larger"
	}
	return "criterion evaluation budget " + e.Limit + " (" + strconv.Itoa(e.Max) + ") reached"
}

// ctxCheckEvery is how many charged nodes pass between two checks of the
// context.
const ctxCheckEvery = 1024

// meter counts the work of one evaluation against its budget and checks
// the context. A nil *meter counts nothing.
type meter struct {
	ctx  context.Context
	left int
	max  int
	tick int
}

// abort carries the error that stops an evaluation; charge panics with it
// and meter.run recovers it.
type abort struct{ err error }

func newMeter(ctx context.Context, b Budget) *meter {
	n := b.nodes()
	return &meter{ctx: ctx, left: n, max: n}
}

// charge counts n units of work, aborting the evaluation when the budget
// is spent or the context is done.
func (m *meter) charge(n int) {
	if m == nil {
		return
	}
	m.left -= n
	if m.left < 0 {
		panic(abort{&BudgetError{Limit: "MaxNodes", Max: m.max}})
	}
	m.tick += n
	if m.tick >= ctxCheckEvery {
		m.tick = 0
		m.checkCtx()
	}
}

func (m *meter) checkCtx() {
	if m == nil || m.ctx == nil {
		return
	}
	if err := m.ctx.Err(); err != nil {
		panic(abort{err})
	}
}

// run calls f, turning an abort into its error. Other panics go on.
func (m *meter) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abort)
			if !ok {
				panic(r)
			}
			err = a.err
		}
	}()
	f()
	return nil
}
