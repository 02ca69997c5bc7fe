package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/weftflow/weft/internal/schemamsg"
)

// prepareInputs applies defaults, normalises numbers through JSON and
// validates against the inputs schema, listing every problem.
func (ru *run) prepareInputs(w *workflow, inputs map[string]any) (map[string]any, error) {
	in := inputs
	if len(w.defaults) > 0 || in == nil {
		in = make(map[string]any, len(w.defaults)+len(inputs))
		for k, v := range w.defaults {
			in[k] = v
		}
		for k, v := range inputs {
			in[k] = v
		}
	}
	// Normalise to JSON types so that the schema validator and the
	// expression evaluator see one set of types.
	norm, ok := jsonNative(in).(map[string]any)
	if !ok {
		data, err := json.Marshal(in)
		if err != nil {
			return nil, &InputError{WorkflowID: w.id, Problems: []string{err.Error()}}
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&norm); err != nil {
			return nil, &InputError{WorkflowID: w.id, Problems: []string{err.Error()}}
		}
	}
	// Secrets are known before any message about the inputs is written.
	ru.masker.addAt(norm, w.secrets)
	if w.schema != nil && !w.quick.accepts(norm) {
		if err := w.schema.Validate(norm); err != nil {
			if leaves := schemamsg.Leaves(err, w.schemaDocs, norm); leaves != nil {
				return nil, &InputError{WorkflowID: w.id, Problems: leafProblems(leaves, &ru.masker)}
			}
			return nil, &InputError{WorkflowID: w.id, Problems: []string{ru.masker.mask(err.Error())}}
		}
	}
	return norm, nil
}

// leafProblems words each leaf error as "pointer: reason", masked and
// sorted.
func leafProblems(leaves []schemamsg.Leaf, m *masker) []string {
	out := make([]string, 0, len(leaves))
	for _, l := range leaves {
		loc := l.Instance
		if loc == "" {
			loc = "/"
		}
		out = append(out, m.mask(fmt.Sprintf("%s: %s", loc, l.Message)))
	}
	sort.Strings(out)
	return out
}

// jsonNative returns v with Go numbers turned into json.Number and maps
// and slices copied, or a value of type struct{} when v holds something
// only encoding/json can convert (structs, other map types).
func jsonNative(v any) any {
	switch t := v.(type) {
	case nil, bool, string, json.Number:
		return v
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return struct{}{}
		}
		return json.Number(strconv.FormatFloat(t, 'g', -1, 64))
	case float32:
		return json.Number(strconv.FormatFloat(float64(t), 'g', -1, 32))
	case int:
		return json.Number(strconv.Itoa(t))
	case int64:
		return json.Number(strconv.FormatInt(t, 10))
	case int32:
		return json.Number(strconv.FormatInt(int64(t), 10))
	case uint:
		return json.Number(strconv.FormatUint(uint64(t), 10))
	case uint64:
		return json.Number(strconv.FormatUint(t, 10))
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			y := jsonNative(x)
			if _, bad := y.(struct{}); bad {
				return y
			}
			m[k] = y
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			y := jsonNative(x)
			if _, bad := y.(struct{}); bad {
				return y
			}
			out[i] = y
		}
		return out
	default:
		return struct{}{}
	}
}
