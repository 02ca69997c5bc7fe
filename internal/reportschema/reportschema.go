// Package reportschema checks JSON reports against the published schema
// of weft's JSON report, docs/report.schema.json, in tests.
package reportschema

import (
	"bytes"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	once   sync.Once
	schema *jsonschema.Schema
	errC   error
)

// Path is the file of the schema in the repository.
func Path() string {
	_, file, _, _ := goruntime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "report.schema.json")
}

func compile() (*jsonschema.Schema, error) {
	once.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		schema, errC = c.Compile(Path())
	})
	return schema, errC
}

// Check fails t unless data is a JSON report that the schema accepts.
func Check(t testing.TB, data []byte) {
	t.Helper()
	if err := Validate(data); err != nil {
		t.Errorf("report does not match docs/report.schema.json: %v\n%s", err, data)
	}
}

// Validate validates data against the schema.
func Validate(data []byte) error {
	s, err := compile()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
