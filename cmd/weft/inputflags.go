package main

import (
	"strings"

	"github.com/weftflow/weft/arazzo"
)

// gatherInputs merges the inputs of a run, later sources winning:
// the --inputs file, then the environment variables PREFIXname of
// --input-env (when prefix is not empty), then each --input name=value.
// Values from the environment and from --input are converted by the
// input's declared type (convertInput). When the inputs schema's
// properties are the whole list of names it accepts (checkInputNames), a
// name it does not list is a usage error naming where it came from.
func gatherInputs(doc *arazzo.Document, wf *arazzo.Workflow, file map[string]any, prefix string, flags []string) (map[string]any, error) {
	schema, _ := wf.InputSchema() // its errors are runtime.New's to report
	types := func(name string) []string {
		if p := schema.Property(name); p != nil {
			return p.Types
		}
		return nil
	}
	inputs := map[string]any{}
	from := map[string]string{}
	for k, v := range file {
		inputs[k] = v
		from[k] = "--inputs"
	}
	if prefix != "" {
		for _, kv := range environ() {
			name, raw, _ := strings.Cut(kv, "=")
			if !strings.HasPrefix(name, prefix) || len(name) == len(prefix) {
				continue
			}
			in := name[len(prefix):]
			v, err := convertInput(types(in), raw)
			if err != nil {
				return nil, usagef("--input-env: %s: %v", name, err)
			}
			inputs[in] = v
			from[in] = "--input-env " + name
		}
	}
	for _, s := range flags {
		name, raw, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, usagef("--input %q: want name=value", s)
		}
		v, err := convertInput(types(name), raw)
		if err != nil {
			return nil, usagef("--input %s: %v", name, err)
		}
		inputs[name] = v
		from[name] = "--input"
	}
	if err := checkInputNames(schema, inputs, func(n string) string { return from[n] }); err != nil {
		return nil, err
	}
	return inputs, nil
}
