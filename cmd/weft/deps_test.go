package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"testing"
)

// TestNoTestingInBinary pins that the CLI does not link the testing
// packages: weft test runs cases through internal/casefile, whose mock
// server listens with net/http, not httptest.
func TestNoTestingInBinary(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	cmd := exec.CommandContext(t.Context(), gobin, "list", "-deps", "-json=ImportPath", ".")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	n := 0
	for {
		var p struct{ ImportPath string }
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
		switch p.ImportPath {
		case "testing", "net/http/httptest":
			t.Errorf("cmd/weft depends on %s", p.ImportPath)
		}
	}
	if n == 0 {
		t.Fatal("go list printed no packages")
	}
}
