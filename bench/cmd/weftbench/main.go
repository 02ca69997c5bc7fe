// Command weftbench is the driver of weft's benchmark suite. It builds
// nothing: bench/run.sh builds the programs it runs into a directory and
// passes it as -bin.
//
//	weftbench -bin DIR [-root DIR] [-shared DIR] [-rounds 6] [-rows 1,pairs,...]
//	          [-benchtime 300ms] [-sizes 1000,100000,10000000] [-levels 1,10,100,1000]
//	          [-conc-runs 2000] [-conc-repeat 3] [-json FILE] [-profile DIR] [-v]
//
// It prints a Markdown table of ratios (min/median/max over interleaved
// rounds) and exits 1 when a row failed. See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/weftflow/weft/bench/internal/suite"
)

func main() {
	c := suite.Config{Log: os.Stderr}
	flag.StringVar(&c.Bin, "bin", "", "directory of the built programs (weft, plain, kinload, weftconc, runtime.test)")
	flag.StringVar(&c.Root, "root", ".", "module root")
	flag.StringVar(&c.Shared, "shared", "", "shared corpus directory (default ROOT/../shared); rows that need it are skipped when absent")
	flag.IntVar(&c.Rounds, "rounds", 6, "interleaved rounds per row")
	rowsFlag := flag.String("rows", "", "comma-separated rows, by number or name ("+strings.Join(suite.Rows(), ", ")+"); default all")
	flag.StringVar(&c.BenchTime, "benchtime", "300ms", "-test.benchtime of each in-process benchmark run")
	sizes := flag.String("sizes", "", "comma-separated body sizes in bytes (default 1000,100000,10000000)")
	levels := flag.String("levels", "", "comma-separated concurrency levels (default 1,10,100,1000)")
	flag.IntVar(&c.ConcRuns, "conc-runs", 2000, "runs per concurrency level for each throughput measurement")
	flag.IntVar(&c.ConcRepeat, "conc-repeat", 3, "throughput measurements per level and round (levels in turn; the median is kept)")
	flag.BoolVar(&c.Verbose, "v", false, "log every measurement (absolute figures, for debugging) to stderr")
	flag.StringVar(&c.ProfileDir, "profile", "", "write a CPU profile of each in-process benchmark (row 4) to `DIR`/NAME.pprof")
	jsonOut := flag.String("json", "", "also write the results as JSON to `FILE`")
	flag.Parse()
	if c.Bin == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if c.ProfileDir != "" {
		if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "weftbench:", err)
			os.Exit(2)
		}
	}
	if *rowsFlag != "" {
		c.Rows = strings.Split(*rowsFlag, ",")
	}
	var err error
	if c.Sizes, err = ints(*sizes); err == nil {
		c.Concurrency, err = ints(*levels)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	outs, err := suite.Run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(2)
	}
	fmt.Printf("weft benchmark suite: %d rounds, %s, %s/%s, %d CPUs, %s\n\n", c.Rounds, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Since(start).Round(time.Second))
	if err := suite.WriteTable(os.Stdout, outs); err != nil {
		fmt.Fprintln(os.Stderr, "weftbench:", err)
		os.Exit(1)
	}
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err == nil {
			err = suite.WriteJSON(f, outs)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "weftbench:", err)
			os.Exit(1)
		}
	}
	for _, o := range outs {
		if o.Err != nil {
			os.Exit(1)
		}
	}
}

func ints(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q: want positive integers separated by commas", s)
		}
		out = append(out, n)
	}
	return out, nil
}
