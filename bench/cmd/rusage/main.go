// Command rusage runs a program and reports what it cost: wall time, user
// and system CPU time and peak RSS, from its rusage. The benchmark driver
// starts every measured program through it.
//
//	rusage -o FILE PROGRAM [ARG]...
//
// Why a separate process: on Linux a child started by a large process
// with vfork (as Go's os/exec does) inherits that process's peak RSS when
// it execs, so the driver's own memory would show up as the child's.
// rusage is small, and its own peak RSS is the floor of what it can
// report (about 2 MiB; see bench/README.md).
//
// The report, written to FILE as JSON, holds the wall clock (Unix
// nanoseconds) just before the program was started, the wall time until
// it was reaped, its CPU time and peak RSS. The program's standard streams
// are rusage's, and rusage exits with the program's status.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// Report is what rusage writes. The driver (bench/internal/suite) reads
// the same fields.
type Report struct {
	StartUnixNano int64 `json:"startUnixNano"`
	WallNanos     int64 `json:"wallNanos"`
	UserNanos     int64 `json:"userNanos"`
	SysNanos      int64 `json:"sysNanos"`
	MaxRSSBytes   int64 `json:"maxRSSBytes"`
	ExitCode      int   `json:"exitCode"`
}

func main() {
	if len(os.Args) < 4 || os.Args[1] != "-o" {
		fmt.Fprintln(os.Stderr, "usage: rusage -o FILE PROGRAM [ARG]...")
		os.Exit(2)
	}
	out, prog, args := os.Args[2], os.Args[3], os.Args[4:]
	cmd := exec.Command(prog, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "rusage:", err)
		os.Exit(2)
	}
	rep := Report{StartUnixNano: start.UnixNano(), WallNanos: int64(wall), ExitCode: cmd.ProcessState.ExitCode()}
	rep.UserNanos, rep.SysNanos, rep.MaxRSSBytes = usage(cmd.ProcessState)
	data, _ := json.Marshal(rep)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rusage:", err)
		os.Exit(2)
	}
	os.Exit(rep.ExitCode)
}
