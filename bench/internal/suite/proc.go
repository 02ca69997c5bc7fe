package suite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Proc is what one child process cost, as bench/cmd/rusage measured it.
type Proc struct {
	// Start is the wall clock just before the child was started.
	Start time.Time
	// Wall is from Start until the child was reaped: fork, exec, run, exit.
	Wall time.Duration
	// CPU is the child's user + system time.
	CPU time.Duration
	// MaxRSS is the child's peak resident set size, in bytes.
	MaxRSS int64
	// Stdout and Stderr are what the child wrote.
	Stdout, Stderr []byte
}

// Command is a child process to run: program, arguments, working directory
// and environment additions.
type Command struct {
	Path string
	Args []string
	Dir  string
	Env  []string
}

// rusageReport is what bench/cmd/rusage writes.
type rusageReport struct {
	StartUnixNano int64 `json:"startUnixNano"`
	WallNanos     int64 `json:"wallNanos"`
	UserNanos     int64 `json:"userNanos"`
	SysNanos      int64 `json:"sysNanos"`
	MaxRSSBytes   int64 `json:"maxRSSBytes"`
	ExitCode      int   `json:"exitCode"`
}

// run runs cmd through the rusage program (see bench/cmd/rusage: the
// driver's own peak RSS would otherwise be reported as the child's) and
// returns its cost. A non-zero exit is an error that quotes the child's
// stderr.
func (c *Config) run(ctx context.Context, cmd Command) (Proc, error) {
	ru, err := c.bin("rusage")
	if err != nil {
		return Proc{}, err
	}
	f, err := os.CreateTemp("", "weftbench-rusage-")
	if err != nil {
		return Proc{}, err
	}
	report := f.Name()
	f.Close()
	defer os.Remove(report)
	x := exec.CommandContext(ctx, ru, append([]string{"-o", report, cmd.Path}, cmd.Args...)...)
	x.Dir = cmd.Dir
	x.Env = append(os.Environ(), cmd.Env...)
	var out, errb bytes.Buffer
	x.Stdout, x.Stderr = &out, &errb
	runErr := x.Run()
	p := Proc{Stdout: out.Bytes(), Stderr: errb.Bytes()}
	var rep rusageReport
	if data, err := os.ReadFile(report); err == nil && json.Unmarshal(data, &rep) == nil && rep.WallNanos > 0 {
		p.Start = time.Unix(0, rep.StartUnixNano)
		p.Wall = time.Duration(rep.WallNanos)
		p.CPU = time.Duration(rep.UserNanos + rep.SysNanos)
		p.MaxRSS = rep.MaxRSSBytes
	} else if runErr == nil {
		runErr = fmt.Errorf("rusage wrote no report")
	}
	c.vlogf("  %-12s wall %s cpu %s rss %.1f MiB", filepath.Base(cmd.Path), ms(p.Wall), ms(p.CPU), mib(p.MaxRSS))
	if runErr != nil {
		return p, fmt.Errorf("%s %q: %w\n%s", filepath.Base(cmd.Path), cmd.Args, runErr, tail(errb.Bytes(), 2000))
	}
	return p, nil
}

// tail is the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// mib converts bytes to MiB.
func mib(b int64) float64 { return float64(b) / (1 << 20) }

// ms is a duration in milliseconds, for the verbose log.
func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/1e6) }
