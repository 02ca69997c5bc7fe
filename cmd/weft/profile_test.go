package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestProfileEnv: WEFT_CPUPROFILE makes the process write a CPU profile
// (gzip-compressed protobuf), and an unwritable path is reported, not fatal.
func TestProfileEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	t.Setenv(profileEnv, path)
	var stderr bytes.Buffer
	stop := startProfile(&stderr)
	var out, errb bytes.Buffer
	if code := run([]string{"validate", "../../testdata/hookdeck/arazzo/hookdeck-attach-integration-to-source-workflow.yml"}, nil, &out, &errb); code != 0 {
		t.Fatalf("validate exit %d: %s", code, errb.String())
	}
	stop()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("profile is not gzip data: %d bytes", len(data))
	}
	if stderr.Len() != 0 {
		t.Fatalf("stderr: %s", stderr.String())
	}

	t.Setenv(profileEnv, filepath.Join(t.TempDir(), "missing", "cpu.prof"))
	stderr.Reset()
	startProfile(&stderr)()
	if !bytes.Contains(stderr.Bytes(), []byte(profileEnv)) {
		t.Fatalf("unwritable profile path not reported: %q", stderr.String())
	}
}
