package suite

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// pair is two benchmarks of the runtime package's test binary: weft and
// the same work by hand.
type pair struct {
	label, weft, hand, goal string
}

var runtimePairs = []pair{
	{"loopback", "BenchmarkReferenceWorkflow", "BenchmarkReferenceByHand", "≤ 1.10"},
	{"in memory", "BenchmarkReferenceWorkflowInMemory", "BenchmarkReferenceByHandInMemory", "≤ 1.30"},
}

// benchResult is one benchmark line: ns/op and allocs/op.
type benchResult struct{ nsPerOp, allocsPerOp, bytesPerOp float64 }

// runBench runs one benchmark of a test binary, in the package's
// directory, and parses its result. With c.ProfileDir it also writes the
// benchmark's CPU profile there (each round overwrites the last).
func runBench(ctx context.Context, c *Config, testBin, dir, name string) (benchResult, error) {
	bt := c.BenchTime
	if bt == "" {
		bt = "300ms"
	}
	args := []string{"-test.run", "^$", "-test.bench", "^" + name + "$", "-test.benchtime", bt, "-test.benchmem", "-test.count", "1"}
	if c.ProfileDir != "" {
		args = append(args, "-test.cpuprofile", filepath.Join(c.ProfileDir, name+".pprof"))
	}
	p, err := c.run(ctx, Command{Path: testBin, Dir: dir, Args: args})
	if err != nil {
		return benchResult{}, err
	}
	return parseBench(p.Stdout, name)
}

// parseBench finds the result line of benchmark name in go test output.
func parseBench(out []byte, name string) (benchResult, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || (f[0] != name && !strings.HasPrefix(f[0], name+"-")) {
			continue
		}
		var r benchResult
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				r.nsPerOp = v
			case "allocs/op":
				r.allocsPerOp = v
			case "B/op":
				r.bytesPerOp = v
			}
		}
		if r.nsPerOp > 0 {
			return r, nil
		}
	}
	return benchResult{}, fmt.Errorf("no result for %s in the test binary's output (was it renamed?):\n%s", name, tail(out, 1000))
}

// rowPairs is row 4: the runtime package's benchmark pairs, each side a
// separate run of the compiled test binary, interleaved.
func rowPairs(ctx context.Context, c *Config) ([]Line, error) {
	testBin, err := c.bin("runtime.test")
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(c.Root, "runtime")
	var lines []Line
	for _, pr := range runtimePairs {
		var ns, allocs, bytes [2][]float64
		side := func(i int, name string) func() error {
			return func() error {
				r, err := runBench(ctx, c, testBin, dir, name)
				if err != nil {
					return err
				}
				ns[i] = append(ns[i], r.nsPerOp)
				allocs[i] = append(allocs[i], r.allocsPerOp)
				bytes[i] = append(bytes[i], r.bytesPerOp)
				return ctx.Err()
			}
		}
		if err := interleave(c.Rounds, side(0, pr.weft), side(1, pr.hand)); err != nil {
			return nil, err
		}
		lines = append(lines,
			Line{Row: "pairs", Measure: pr.label + ": time/op, " + strings.TrimPrefix(pr.weft, "Benchmark") + " / " + strings.TrimPrefix(pr.hand, "Benchmark"), Unit: "x", Stats: Summarize(ratios(ns[0], ns[1])), Goal: pr.goal},
			Line{Row: "pairs", Measure: pr.label + ": allocs/op, workflow / by hand", Unit: "x", Stats: Summarize(ratios(allocs[0], allocs[1]))},
			Line{Row: "pairs", Measure: pr.label + ": B/op, workflow / by hand", Unit: "x", Stats: Summarize(ratios(bytes[0], bytes[1]))},
		)
	}
	return lines, nil
}
