// Package suite is weft's benchmark suite: each row compares weft with a
// baseline measured in the same run, interleaving the two sides round by
// round, and reports the spread of the per-round ratios. It builds nothing:
// the programs it runs (weft, the plain Go program, kinload, weftconc, the
// runtime test binary) are found in Config.Bin, built by bench/run.sh.
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config says where the programs and data are and how much to measure.
type Config struct {
	// Bin is the directory holding the built programs: weft, plain,
	// kinload, weftconc and runtime.test.
	Bin string
	// Root is the module root (testdata/, runtime/ live there).
	Root string
	// Shared is the shared corpus directory; "" means Root/../shared.
	// Rows that need it are skipped when it is absent.
	Shared string
	// Rounds is the number of interleaved rounds per row (at least 1).
	Rounds int
	// Rows selects rows by name or number (see Rows); empty means all.
	Rows []string
	// BenchTime is -test.benchtime for the in-process pairs ("" : 300ms).
	BenchTime string
	// Sizes are the body sizes in bytes of the body row (nil: 1 KB,
	// 100 KB, 10 MB).
	Sizes []int
	// Concurrency are the numbers of concurrent runs of the concurrency
	// row (nil: 1, 10, 100, 1000).
	Concurrency []int
	// ConcRuns is how many runs each concurrency level completes per
	// throughput measurement at least (0: 2000).
	ConcRuns int
	// ConcRepeat is how many throughput measurements weftconc makes per
	// level in each round, keeping the median (0: 3).
	ConcRepeat int
	// HookdeckReal is the directory of the real Hookdeck descriptions; ""
	// means Shared/corpus/hookdeck/openapi.
	HookdeckReal string
	// Mist is the large description of the first-request row; "" means
	// the mist.com description in Shared.
	Mist string
	// ProfileDir, when set, receives a CPU profile of each in-process
	// benchmark (row 4), NAME.pprof, from its last round.
	ProfileDir string
	// NoWarmup skips the untimed first run of each side (quick mode).
	NoWarmup bool
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Verbose logs every measurement to Log as well.
	Verbose bool
}

// Line is one measure of one row.
type Line struct {
	// Row is the row's name, Measure what is measured.
	Row     string `json:"row"`
	Measure string `json:"measure"`
	// Unit is "x" for a ratio (weft over its baseline), else the unit of
	// the figures (MiB, KiB, "x body").
	Unit string `json:"unit"`
	// Stats is the spread over the rounds.
	Stats Summary `json:"stats"`
	// Goal is the goal for this measure, "" when there is none.
	Goal string `json:"goal,omitempty"`
}

// Outcome is what one row produced.
type Outcome struct {
	// Row is the row's name; Title says what it compares.
	Row, Title string
	// Lines are its measures.
	Lines []Line
	// Skipped is why the row did not run ("" when it ran).
	Skipped string
	// Err is why the row failed.
	Err error
}

// row is one row of the suite.
type row struct {
	name, title string
	run         func(ctx context.Context, c *Config) ([]Line, error)
}

// errSkip marks a row that cannot run here (e.g. no corpus); its text is
// the reason.
type errSkip struct{ reason string }

func (e errSkip) Error() string { return "skipped: " + e.reason }

func skip(format string, a ...any) error { return errSkip{fmt.Sprintf(format, a...)} }

// rows is the suite, in the order of the table.
var rows = []row{
	{"process", "weft run vs a plain Go program, reference workflow, whole process", rowProcess},
	{"real", "weft run on the real Hookdeck descriptions vs the trimmed testdata ones", rowReal},
	{"mist", "time to first request, 3 steps on mist.com (3.8 MB) vs kin-openapi's full load", rowMist},
	{"pairs", "in-process: runtime benchmarks, workflow vs by hand", rowPairs},
	{"bodies", "output pointer + JSONPath filter on a large response vs by hand, whole process", rowBodies},
	{"concurrency", "concurrent runs on one *runtime.Runner (in memory, no sockets)", rowConcurrency},
}

// Rows lists the row names, in order; row n of the table is
// Rows()[n-1].
func Rows() []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.name
	}
	return out
}

// selected reports whether the row is asked for.
func (c *Config) selected(i int, name string) bool {
	if len(c.Rows) == 0 {
		return true
	}
	for _, s := range c.Rows {
		if s == name || s == strconv.Itoa(i+1) {
			return true
		}
	}
	return false
}

func (c *Config) check() error {
	if c.Rounds < 1 {
		c.Rounds = 1
	}
	if c.Root == "" || c.Bin == "" {
		return errors.New("suite: Config.Root and Config.Bin are required")
	}
	// Programs run in other directories (the runtime test binary in
	// runtime/): every path is made absolute.
	for _, p := range []*string{&c.Root, &c.Bin, &c.Shared, &c.HookdeckReal, &c.Mist, &c.ProfileDir} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	if c.Shared == "" {
		c.Shared = filepath.Join(c.Root, "..", "shared")
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	known := map[string]bool{}
	for i, r := range rows {
		known[r.name], known[strconv.Itoa(i+1)] = true, true
	}
	for _, s := range c.Rows {
		if !known[s] {
			return fmt.Errorf("suite: unknown row %q; rows are 1-%d or %s", s, len(rows), strings.Join(Rows(), ", "))
		}
	}
	return nil
}

// bin is the path of a built program.
func (c *Config) bin(name string) (string, error) {
	p := filepath.Join(c.Bin, name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not built (bench/run.sh builds it): %w", name, err)
	}
	return p, nil
}

func (c *Config) logf(format string, a ...any) { fmt.Fprintf(c.Log, format+"\n", a...) }

// vlogf logs when c.Verbose is set.
func (c *Config) vlogf(format string, a ...any) {
	if c.Verbose {
		c.logf(format, a...)
	}
}

// Run runs the selected rows in order. An error is returned only for a bad
// Config; a row's failure is in its Outcome.
func Run(ctx context.Context, c Config) ([]Outcome, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	var out []Outcome
	for i, r := range rows {
		if !c.selected(i, r.name) {
			continue
		}
		c.logf("row %d %s: %s", i+1, r.name, r.title)
		lines, err := r.run(ctx, &c)
		o := Outcome{Row: r.name, Title: r.title, Lines: lines}
		var sk errSkip
		switch {
		case errors.As(err, &sk):
			o.Skipped = sk.reason
		case err != nil:
			o.Err = err
		}
		out = append(out, o)
		if ctx.Err() != nil {
			return out, nil
		}
	}
	return out, nil
}
