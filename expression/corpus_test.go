package expression

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// corpusDir is the shared corpus of real-world Arazzo documents, relative
// to this package directory.
const corpusDir = "../../shared/corpus"

// corpusItem is one expression, value, template or criterion found in a
// corpus document.
type corpusItem struct {
	kind  string // "expression", "value", "template", "condition:<type>"
	where string // file and JSON-pointer-ish location
	text  string
	spec  CriterionSpec
	value any
}

// jsonPathForm classifies a JSONPath criterion condition for the census.
func jsonPathForm(cond string) string {
	if strings.Contains(cond, "{$") {
		return "with embedded {$...} expressions"
	}
	c, err := compileJSONPath(cond)
	if err != nil {
		return "invalid"
	}
	if c.root.kind == nPath {
		return "plain RFC 9535 query"
	}
	if len(c.refs) > 0 {
		return "comparison with a runtime expression operand"
	}
	return "comparison with a literal operand"
}

func collectCorpus(t *testing.T, sub string) (items []corpusItem, docs int) {
	t.Helper()
	dir := filepath.Join(corpusDir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not available at %s", dir)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(data), "arazzo") {
			return nil
		}
		var doc any
		if yaml.Unmarshal(data, &doc) != nil {
			return nil
		}
		root, ok := doc.(map[string]any)
		if !ok {
			return nil
		}
		if _, ok := root["arazzo"]; !ok {
			return nil
		}
		docs++
		rel, _ := filepath.Rel(corpusDir, path)
		items = append(items, collectDoc(rel, root)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items, docs
}

func collectDoc(file string, root map[string]any) []corpusItem {
	var items []corpusItem
	add := func(kind, where, text string) {
		items = append(items, corpusItem{kind: kind, where: file + where, text: text})
	}
	criteria := func(where string, v any) {
		list, _ := v.([]any)
		for i, c := range list {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			if ref, ok := m["reference"].(string); ok {
				add("expression", fmt.Sprintf("%s/%d/reference", where, i), ref)
				continue
			}
			spec := CriterionSpec{}
			spec.Context, _ = m["context"].(string)
			spec.Condition = fmt.Sprint(m["condition"])
			switch ty := m["type"].(type) {
			case string:
				spec.Type = ty
			case map[string]any:
				spec.Type, _ = ty["type"].(string)
				spec.Version, _ = ty["version"].(string)
			}
			kind := spec.Type
			if kind == "" {
				kind = "simple"
			}
			items = append(items, corpusItem{kind: "condition:" + kind, where: fmt.Sprintf("%s%s/%d", file, where, i), text: spec.Condition, spec: spec})
		}
	}
	actions := func(where string, v any) {
		list, _ := v.([]any)
		for i, a := range list {
			if m, ok := a.(map[string]any); ok {
				if ref, ok := m["reference"].(string); ok {
					add("expression", fmt.Sprintf("%s/%d/reference", where, i), ref)
				}
				criteria(fmt.Sprintf("%s/%d/criteria", where, i), m["criteria"])
				if wf, ok := m["workflowId"].(string); ok && strings.HasPrefix(wf, "$") {
					add("expression", fmt.Sprintf("%s/%d/workflowId", where, i), wf)
				}
			}
		}
	}
	values := func(where string, v any) {
		items = append(items, corpusItem{kind: "value", where: file + where, value: v, text: fmt.Sprint(v)})
	}
	params := func(where string, v any) {
		list, _ := v.([]any)
		for i, p := range list {
			if m, ok := p.(map[string]any); ok {
				if ref, ok := m["reference"].(string); ok {
					add("expression", fmt.Sprintf("%s/%d/reference", where, i), ref)
				}
				if val, ok := m["value"]; ok {
					values(fmt.Sprintf("%s/%d/value", where, i), val)
				}
			}
		}
	}
	outputs := func(where string, v any) {
		m, _ := v.(map[string]any)
		for k, o := range m {
			if s, ok := o.(string); ok {
				add("expression", where+"/"+k, s)
			}
		}
	}
	wfs, _ := root["workflows"].([]any)
	for wi, w := range wfs {
		wm, ok := w.(map[string]any)
		if !ok {
			continue
		}
		wp := fmt.Sprintf("#/workflows/%d", wi)
		params(wp+"/parameters", wm["parameters"])
		outputs(wp+"/outputs", wm["outputs"])
		actions(wp+"/successActions", wm["successActions"])
		actions(wp+"/failureActions", wm["failureActions"])
		steps, _ := wm["steps"].([]any)
		for si, s := range steps {
			sm, ok := s.(map[string]any)
			if !ok {
				continue
			}
			sp := fmt.Sprintf("%s/steps/%d", wp, si)
			params(sp+"/parameters", sm["parameters"])
			outputs(sp+"/outputs", sm["outputs"])
			criteria(sp+"/successCriteria", sm["successCriteria"])
			actions(sp+"/onSuccess", sm["onSuccess"])
			actions(sp+"/onFailure", sm["onFailure"])
			if op, ok := sm["operationPath"].(string); ok {
				add("template", sp+"/operationPath", op)
			}
			for _, f := range []string{"operationId", "workflowId"} {
				if s, ok := sm[f].(string); ok && strings.HasPrefix(s, "$") {
					add("expression", sp+"/"+f, s)
				}
			}
			if rb, ok := sm["requestBody"].(map[string]any); ok {
				if p, ok := rb["payload"]; ok {
					values(sp+"/requestBody/payload", p)
				}
				reps, _ := rb["replacements"].([]any)
				for ri, r := range reps {
					if rm, ok := r.(map[string]any); ok {
						if val, ok := rm["value"]; ok {
							values(fmt.Sprintf("%s/requestBody/replacements/%d/value", sp, ri), val)
						}
					}
				}
			}
		}
	}
	if comps, ok := root["components"].(map[string]any); ok {
		if ps, ok := comps["parameters"].(map[string]any); ok {
			for k, p := range ps {
				if pm, ok := p.(map[string]any); ok {
					if val, ok := pm["value"]; ok {
						values("#/components/parameters/"+k+"/value", val)
					}
				}
			}
		}
		for _, f := range []string{"successActions", "failureActions"} {
			if as, ok := comps[f].(map[string]any); ok {
				for k, a := range as {
					if am, ok := a.(map[string]any); ok {
						criteria("#/components/"+f+"/"+k+"/criteria", am["criteria"])
					}
				}
			}
		}
	}
	return items
}

func (it corpusItem) check() error {
	switch {
	case it.kind == "expression":
		_, err := Parse(it.text)
		return err
	case it.kind == "template":
		_, err := ParseTemplate(it.text)
		return err
	case it.kind == "value":
		_, err := CompileValue(it.value)
		return err
	default:
		_, err := CompileCriterion(it.spec)
		return err
	}
}

// TestCorpusCensus parses every runtime expression, value, template and
// criterion of the shared corpus and reports the counts and the failures.
func TestCorpusCensus(t *testing.T) {
	items, docs := collectCorpus(t, "")
	type tally struct{ ok, fail int }
	counts := map[string]*tally{}
	var failures []string
	jsonPathForms := map[string]int{}
	total, ok := 0, 0
	for _, it := range items {
		c := counts[it.kind]
		if c == nil {
			c = &tally{}
			counts[it.kind] = c
		}
		if it.kind == "condition:jsonpath" {
			jsonPathForms[jsonPathForm(it.text)]++
		}
		total++
		if err := it.check(); err != nil {
			c.fail++
			var e *Error
			if errors.As(err, &e) {
				failures = append(failures, fmt.Sprintf("%s [%s] %q: %s col %d: %s", it.where, it.kind, truncate(e.Input), e.Field, e.Column(), e.Msg))
			} else {
				failures = append(failures, fmt.Sprintf("%s [%s]: %v", it.where, it.kind, err))
			}
			continue
		}
		c.ok++
		ok++
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	t.Logf("corpus: %d Arazzo documents, %d items, %d parse (%.1f%%), %d fail", docs, total, ok, 100*float64(ok)/float64(max(total, 1)), total-ok)
	for _, k := range kinds {
		t.Logf("  %-22s %5d ok %4d failed", k, counts[k].ok, counts[k].fail)
	}
	forms := make([]string, 0, len(jsonPathForms))
	for f := range jsonPathForms {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	for _, f := range forms {
		t.Logf("  jsonpath criteria, %-45s %d", f+":", jsonPathForms[f])
	}
	sort.Strings(failures)
	for _, f := range failures {
		t.Log("  FAIL " + f)
	}
	if total < 1000 {
		t.Fatalf("only %d items found in the corpus; the walker is broken", total)
	}
	if rate := float64(ok) / float64(total); rate < minCorpusRate {
		t.Errorf("corpus success rate %.4f fell below %.4f", rate, minCorpusRate)
	}
}

// minCorpusRate is the measured share of corpus items that compile (99.3% when written), minus
// a small margin; a drop below it is a regression.
const minCorpusRate = 0.99
