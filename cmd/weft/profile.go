package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a file that receives a CPU profile of the whole
// process. A cold weft run lasts a few tens of milliseconds, so the
// profile samples at 1 kHz (Go's default is 100 Hz); profiles of many runs
// are merged with `go tool pprof -proto a b c > merged`.
const profileEnv = "WEFT_CPUPROFILE"

// startProfile starts the CPU profile profileEnv asks for and returns the
// function that ends it; a failure is reported on stderr and does not stop
// the command.
func startProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "weft: %s: %v\n", profileEnv, err)
		return func() {}
	}
	runtime.SetCPUProfileRate(1000)
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "weft: %s: %v\n", profileEnv, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
