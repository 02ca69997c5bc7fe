package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/jsonvalue"
)

// loadDoc loads an Arazzo document. It returns the document and its error
// diagnostics as an error (nil when none).
func loadDoc(ctx context.Context, location string, opts ...arazzo.Option) (doc *arazzo.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%s: internal error while loading: %v", location, r)
		}
	}()
	return arazzo.Load(ctx, location, opts...)
}

// printDiagnostics writes the findings of a load as text and counts them.
func printDiagnostics(w io.Writer, location string, doc *arazzo.Document, err error) (errs, warns int) {
	ds := findings(location, doc, err)
	writeText(w, ds)
	return count(ds)
}

func (e *env) validate(args []string) error {
	fs := newFlagSet("validate", "validate [--format text|json|github] DOC...\n"+loaderFlagsUsage, e.stderr)
	format := fs.String("format", "text", "how to write diagnostics: text (file:line:col: severity: message (hint)), json (one array), github (GitHub Actions annotations)")
	lf := addLoaderFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if !slices.Contains(diagFormats, *format) {
		return usagef("validate: --format must be one of %s, not %q", strings.Join(diagFormats, ", "), *format)
	}
	if len(pos) == 0 {
		fs.Usage()
		return usagef("validate: no documents given")
	}
	failed := false
	var all arazzo.Diagnostics
	for _, loc := range pos {
		doc, err := lf.load(context.Background(), loc)
		ds := findings(loc, doc, err)
		switch *format {
		case "text":
			writeText(e.stdout, ds)
		case "github":
			writeGitHub(e.stdout, ds)
		case "json":
			all = append(all, ds...)
		}
		errs, warns := count(ds)
		if errs > 0 {
			failed = true
			fmt.Fprintf(e.stderr, "%s: %d error(s), %d warning(s)\n", loc, errs, warns)
		} else {
			fmt.Fprintf(e.stderr, "%s: valid (%d warning(s))\n", loc, warns)
		}
	}
	if *format == "json" {
		if err := writeJSON(e.stdout, all); err != nil {
			return err
		}
	}
	if failed {
		return exitError{code: exitFailed}
	}
	return nil
}

// loadForUse loads a document for list, env and run: error diagnostics are
// printed to stderr and make a document error (exit 2); warnings are
// printed too. lf is the loader policy.
func (e *env) loadForUse(ctx context.Context, loc string, lf *loaderFlags) (*arazzo.Document, error) {
	doc, err := lf.load(ctx, loc)
	if err != nil || doc == nil {
		printDiagnostics(e.stderr, loc, doc, err)
		return nil, exitError{code: exitUsage, msg: loc + ": document has errors"}
	}
	for _, d := range doc.Diagnostics {
		fmt.Fprintln(e.stderr, d.String())
	}
	return doc, nil
}

func (e *env) list(args []string) error {
	fs := newFlagSet("list", "list DOC\n"+loaderFlagsUsage, e.stderr)
	lf := addLoaderFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usagef("list: want exactly one document")
	}
	doc, err := e.loadForUse(context.Background(), pos[0], lf)
	if err != nil {
		return err
	}
	writeList(e.stdout, doc)
	return nil
}

// writeList prints the workflows of doc with inputs, outputs and steps.
func writeList(w io.Writer, doc *arazzo.Document) {
	for i, wf := range doc.Workflows {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "workflow %s\n", wf.WorkflowID)
		if wf.Summary != "" {
			fmt.Fprintf(w, "  %s\n", oneLine(wf.Summary))
		}
		if len(wf.DependsOn) > 0 {
			fmt.Fprintf(w, "  depends on: %s\n", strings.Join(wf.DependsOn, ", "))
		}
		props, required := inputProperties(doc, wf)
		if len(props) > 0 {
			fmt.Fprintln(w, "  inputs:")
			for _, p := range props {
				line := fmt.Sprintf("    %-24s %s", p.name, p.typ)
				if required[p.name] {
					line += " (required)"
				}
				if p.desc != "" {
					line += "  " + oneLine(p.desc)
				}
				fmt.Fprintln(w, strings.TrimRight(line, " "))
			}
		}
		if len(wf.Outputs) > 0 {
			fmt.Fprintln(w, "  outputs:")
			for _, o := range wf.Outputs {
				fmt.Fprintf(w, "    %-24s %s\n", o.Name, o.Value)
			}
		}
		fmt.Fprintln(w, "  steps:")
		for n, s := range wf.Steps {
			fmt.Fprintf(w, "    %2d. %-24s %s\n", n+1, s.StepID, stepTarget(s))
		}
	}
}

func stepTarget(s *arazzo.Step) string {
	src := ""
	if s.Target != nil && s.Target.Source != nil {
		src = " [" + s.Target.Source.Name + "]"
	}
	switch {
	case s.OperationID != "":
		op := s.OperationID
		if s.Target != nil && s.Target.Operation != nil {
			op = s.Target.Operation.Method + " " + s.Target.Operation.Path + " (" + s.OperationID + ")"
		}
		return op + src
	case s.OperationPath != "":
		op := s.OperationPath
		if s.Target != nil && s.Target.Operation != nil {
			op = s.Target.Operation.Method + " " + s.Target.Operation.Path
		}
		return op + src
	case s.WorkflowID != "":
		return "workflow " + s.WorkflowID + src
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

type inputProp struct {
	name, typ, desc string
	schema          map[string]any
}

// inputSchema returns the workflow's inputs schema with a top-level $ref to
// components.inputs resolved.
func inputSchema(doc *arazzo.Document, wf *arazzo.Workflow) map[string]any {
	s, _ := wf.Inputs.(map[string]any)
	for i := 0; i < 8 && s != nil; i++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		s = resolveInputRef(doc, wf, ref)
	}
	return s
}

func resolveInputRef(doc *arazzo.Document, wf *arazzo.Workflow, ref string) map[string]any {
	const prefix = "#/components/inputs/"
	if !strings.HasPrefix(ref, prefix) {
		return nil
	}
	d := wf.Document
	if d == nil {
		d = doc
	}
	if d == nil || d.Components == nil {
		return nil
	}
	name := jsonvalue.UnescapeToken(strings.TrimPrefix(ref, prefix))
	m, _ := d.Components.Inputs[name].(map[string]any)
	return m
}

// inputProperties lists the declared inputs of wf in name order.
func inputProperties(doc *arazzo.Document, wf *arazzo.Workflow) ([]inputProp, map[string]bool) {
	s := inputSchema(doc, wf)
	req := map[string]bool{}
	if s == nil {
		return nil, req
	}
	if r, ok := s["required"].([]any); ok {
		for _, v := range r {
			if n, ok := v.(string); ok {
				req[n] = true
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	var out []inputProp
	for name, v := range props {
		ps, _ := v.(map[string]any)
		if ps != nil {
			if ref, ok := ps["$ref"].(string); ok {
				if r := resolveInputRef(doc, wf, ref); r != nil {
					ps = r
				}
			}
		}
		p := inputProp{name: name, schema: ps, typ: "any"}
		if ps != nil {
			if t := schemaTypes(ps); len(t) > 0 {
				p.typ = strings.Join(t, "|")
			}
			if f, ok := ps["format"].(string); ok {
				p.typ += " (" + f + ")"
			}
			p.desc, _ = ps["description"].(string)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, req
}

// schemaTypes returns the "type" of a schema as a list.
func schemaTypes(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, v := range t {
			if str, ok := v.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
