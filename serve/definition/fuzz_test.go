package definition

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/weftflow/weft/arazzo"
)

// FuzzParse: no input panics; a failure is a list of positioned,
// ordered diagnostics; a success has every flow named; the secret's
// value appears in no diagnostic.
func FuzzParse(f *testing.F) {
	if src, err := os.ReadFile("testdata/hookdeck.yml"); err == nil {
		f.Add(src)
	}
	for _, tc := range badFiles {
		f.Add([]byte(tc.src))
	}
	const secret = "FUZZSECRETVALUE"
	env := map[string]string{"S": secret, "K": secret, "WEBHOOK_SECRET": secret, "HOOKDECK_KEY": secret, "NOTIFY_SECRET": secret}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.yml", src, lookup(env))
		if err == nil {
			if file == nil || len(file.Flows) == 0 {
				t.Fatalf("success without flows: %+v", file)
			}
			for _, fl := range file.Flows {
				if !validFlowName(fl.Name) || fl.Workflow == "" || fl.Document == "" {
					t.Fatalf("flow %+v", fl)
				}
			}
			return
		}
		var ds arazzo.Diagnostics
		if !errors.As(err, &ds) || len(ds) == 0 {
			t.Fatalf("error %T %v", err, err)
		}
		checkOrdered(t, ds)
		if len(ds) > MaxDiagnostics+1 {
			t.Fatalf("%d diagnostics", len(ds))
		}
		if !strings.Contains(string(src), secret) && strings.Contains(ds.Error(), secret) {
			t.Fatalf("secret in diagnostics: %v", ds)
		}
	})
}
