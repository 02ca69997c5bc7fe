package runtime

import (
	"fmt"
	"strings"
)

// workflowOutputs evaluates the workflow's outputs as far as they resolve.
// Unresolved outputs are reported as warnings only when the workflow
// succeeded: after a failure they are expected.
func (ru *run) workflowOutputs(f *frame, report bool) map[string]any {
	out := map[string]any{}
	env := &env{ru: ru, f: f}
	for _, o := range f.w.outputs {
		v, missing, err := o.value.Eval(env)
		if err != nil {
			ru.warn(fmt.Sprintf("workflow %q output %q: %v", f.w.id, o.name, err))
			continue
		}
		if len(missing) > 0 && v == nil {
			if !report {
				continue
			}
			ru.warn(fmt.Sprintf("workflow %q output %q did not resolve: %s", f.w.id, o.name, strings.Join(missing, ", ")))
			continue
		}
		out[o.name] = v
	}
	return out
}
