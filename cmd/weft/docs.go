package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/weftflow/weft/arazzo"
)

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
		in, _ := wf.InputSchema()
		if in != nil && len(in.Properties) > 0 {
			fmt.Fprintln(w, "  inputs:")
			for _, p := range in.Properties {
				typ := "any"
				if len(p.Types) > 0 {
					typ = strings.Join(p.Types, "|")
				}
				if p.Format != "" {
					typ += " (" + p.Format + ")"
				}
				line := fmt.Sprintf("    %-24s %s", p.Name, typ)
				if p.Required {
					line += " (required)"
				}
				if p.Description != "" {
					line += "  " + oneLine(p.Description)
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

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
