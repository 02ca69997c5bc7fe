package runtime_test

import (
	"errors"
	"testing"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/runtime"
)

// TestNewReportsDiagnostics: what runtime.New cannot compile comes back as
// arazzo.Diagnostics, positioned at the object and with a code, so a
// caller formats it as it formats the loader's findings.
func TestNewReportsDiagnostics(t *testing.T) {
	d := loadDoc(t, deepInputsDoc(2))
	s := d.Workflows[0].Steps[0]
	s.Target = nil // a document changed in code after loading
	_, err := runtime.New(d)
	var ds arazzo.Diagnostics
	if !errors.As(err, &ds) || len(ds) != 1 {
		t.Fatalf("err = %v (%T), want arazzo.Diagnostics with one finding", err, err)
	}
	got := ds[0]
	if got.Severity != arazzo.SeverityError || got.Code != arazzo.CodeCompile || got.Pos != s.Pos || got.Pos.Line == 0 ||
		got.Pointer != s.Pointer || got.Message != `step "s" of workflow "w" has no bound target` {
		t.Errorf("finding = %+v", got)
	}
	if err.Error() != got.String() {
		t.Errorf("Error() = %q, want %q", err.Error(), got.String())
	}

	// A limit is a finding too, and errors.As still finds the *LimitError.
	d = loadDoc(t, deepInputsDoc(2))
	d.Workflows[0].Inputs = deepSchema(5000)
	_, err = runtime.New(d)
	var le *runtime.LimitError
	ds = nil
	if !errors.As(err, &le) || !errors.As(err, &ds) || len(ds) != 1 || ds[0].Code != arazzo.CodeLimit ||
		ds[0].Pos != d.Workflows[0].Pos || err.Error() != ds[0].String() {
		t.Errorf("limit: err = %v (%T), diagnostics %+v", err, err, ds)
	}
}
