//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Item 1: a second signal exits at once. weft reads --inputs from a stdin
// that never ends, so the first SIGINT (which cancels the run's context)
// cannot finish the command; the second must end it, with 130.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	cmd := exec.Command(buildWeft(t), "run", petsDoc, "--inputs", "-", "--json", "-")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	signal := func() { cmd.Process.Signal(syscall.SIGINT) }
	// Give main time to install its handler (before it, a signal would
	// kill the process outright); weft then sits reading stdin.
	stdin.Write([]byte("{"))
	time.Sleep(200 * time.Millisecond)
	signal()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "stopping") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-done:
		t.Fatalf("weft should still be reading stdin\n%s", out.String())
	case <-time.After(100 * time.Millisecond):
	}
	signal()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the second SIGINT did not end weft")
	}
	if got := cmd.ProcessState.ExitCode(); got != 130 {
		t.Errorf("exit %d, want 130\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), "SIGINT again: exiting") {
		t.Errorf("output:\n%s", out.String())
	}
}

// buildWeft builds the weft binary into a temporary directory, for the
// test that needs a real process (signal delivery); every other test
// calls run in-process.
func buildWeft(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weft")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building weft: %v\n%s", err, out)
	}
	return bin
}
