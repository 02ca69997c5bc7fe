package suite

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/weftflow/weft/bench/internal/conc"
)

// DefaultConcurrency are the levels of the concurrency row.
var DefaultConcurrency = []int{1, 10, 100, 1000}

// minStackLevel is the smallest level whose stack per run is reported.
const minStackLevel = 100

// rowConcurrency is row 6: weftconc, one process per round, measures every
// level on one Runner; throughput is reported as a ratio to the first
// level of the same round, memory per run in flight in KiB.
func rowConcurrency(ctx context.Context, c *Config) ([]Line, error) {
	bin, err := c.bin("weftconc")
	if err != nil {
		return nil, err
	}
	levels := c.Concurrency
	if len(levels) == 0 {
		levels = DefaultConcurrency
	}
	runs := c.ConcRuns
	if runs <= 0 {
		runs = 2000
	}
	repeat := c.ConcRepeat
	if repeat <= 0 {
		repeat = 3
	}
	strs := make([]string, len(levels))
	for i, n := range levels {
		strs[i] = strconv.Itoa(n)
	}
	cmd := Command{Path: bin, Args: []string{"-levels", strings.Join(strs, ","), "-runs", strconv.Itoa(runs), "-repeat", strconv.Itoa(repeat),
		filepath.Join(c.Root, filepath.FromSlash(referenceDoc))}}
	tput := make([][]float64, len(levels))
	heap := make([][]float64, len(levels))
	stack := make([][]float64, len(levels))
	err = interleave(c.Rounds, func() error {
		p, err := c.run(ctx, cmd)
		if err != nil {
			return err
		}
		var rep conc.Report
		if err := json.Unmarshal(p.Stdout, &rep); err != nil {
			return fmt.Errorf("weftconc: %w", err)
		}
		if len(rep.Levels) != len(levels) {
			return fmt.Errorf("weftconc reported %d levels, want %d", len(rep.Levels), len(levels))
		}
		for i, lv := range rep.Levels {
			tput[i] = append(tput[i], lv.RunsPerSecond/rep.Levels[0].RunsPerSecond)
			heap[i] = append(heap[i], lv.HeapPerRun/1024)
			stack[i] = append(stack[i], lv.StackPerRun/1024)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	var lines []Line
	for i, n := range levels {
		if i > 0 {
			lines = append(lines, Line{Row: "concurrency", Measure: fmt.Sprintf("%d in flight: throughput / %d in flight", n, levels[0]), Unit: "x", Stats: Summarize(tput[i])})
		}
	}
	for i, n := range levels {
		lines = append(lines, Line{Row: "concurrency", Measure: fmt.Sprintf("%d in flight: live heap per run", n), Unit: "KiB", Stats: Summarize(heap[i])})
	}
	for i, n := range levels {
		// Below ~100 runs the stacks freed by earlier runs, which the Go
		// runtime keeps, hide the increment: the figure is noise.
		if n >= minStackLevel {
			lines = append(lines, Line{Row: "concurrency", Measure: fmt.Sprintf("%d in flight: goroutine stack per run", n), Unit: "KiB", Stats: Summarize(stack[i])})
		}
	}
	return lines, nil
}
