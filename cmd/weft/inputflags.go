package main

import (
	"strings"

	"github.com/weftflow/weft/arazzo"
)

// gatherInputs merges the inputs of a run, later sources winning:
// the --inputs file, then the environment variables PREFIXname of
// --input-env (when prefix is not empty), then each --input name=value.
// Values from the environment and from --input are converted by the
// input's declared type (convertInput). When the inputs schema lists its
// properties (and does not allow additional ones), a name it does not
// list is a usage error naming where it came from.
func gatherInputs(doc *arazzo.Document, wf *arazzo.Workflow, file map[string]any, prefix string, flags []string) (map[string]any, error) {
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
			v, err := convertInput(inputPropertySchema(doc, wf, in), raw)
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
		v, err := convertInput(inputPropertySchema(doc, wf, name), raw)
		if err != nil {
			return nil, usagef("--input %s: %v", name, err)
		}
		inputs[name] = v
		from[name] = "--input"
	}
	if err := checkInputNames(doc, wf, inputs, func(n string) string { return from[n] }); err != nil {
		return nil, err
	}
	return inputs, nil
}
