// Command weftconc measures concurrent runs of the reference workflow on
// one *runtime.Runner, in memory, and prints the report as JSON (see
// bench/internal/conc).
//
//	weftconc [-levels 1,10,100,1000] [-runs 2000] [-repeat 3] DOC
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/weftflow/weft/bench/internal/conc"
)

func main() {
	levels := flag.String("levels", "1,10,100,1000", "comma-separated numbers of concurrent runs")
	runs := flag.Int("runs", 2000, "runs per level for throughput (at least 2 per concurrent run)")
	repeat := flag.Int("repeat", 3, "throughput measurements per level, levels taken in turn; the median is reported")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: weftconc [-levels 1,10,100,1000] [-runs N] [-repeat N] DOC")
		os.Exit(2)
	}
	var ns []int
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "weftconc: -levels:", err)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	rep, err := conc.Measure(context.Background(), flag.Arg(0), ns, *runs, *repeat)
	if err != nil {
		fmt.Fprintln(os.Stderr, "weftconc:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		fmt.Fprintln(os.Stderr, "weftconc:", err)
		os.Exit(1)
	}
}
