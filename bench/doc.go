// Package bench holds weft's benchmark suite: whole-process, in-process,
// body-size and concurrency comparisons that print ratios from interleaved
// runs (min/median/max), never lone absolute times.
//
// Run it with bench/run.sh from the module root (see bench/README.md); the
// driver is bench/cmd/weftbench and the rows live in bench/internal/suite.
// The package's test runs the whole suite in a quick mode so that it cannot
// rot.
package bench
