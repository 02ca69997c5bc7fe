package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/weftflow/weft/arazzo"
)

// diagFormats are the values of weft validate --format.
var diagFormats = []string{"text", "json", "github"}

// findings returns the findings of a load: every diagnostic of the
// document, or those err carries, or err itself as one error diagnostic
// when it is not a Diagnostics value.
func findings(location string, doc *arazzo.Document, err error) arazzo.Diagnostics {
	var ds arazzo.Diagnostics
	if doc != nil {
		ds = append(ds, doc.Diagnostics...)
	}
	var derr arazzo.Diagnostics
	isDiags := errors.As(err, &derr)
	switch {
	case err != nil && !isDiags:
		ds = append(ds, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: location},
			Code: arazzo.CodeLoad, Message: err.Error()})
	case err != nil && len(ds) == 0:
		ds = derr
	case err != nil && !ds.HasErrors():
		// The error carries diagnostics the document did not list.
		ds = append(ds, derr.Errors()...)
	}
	return ds
}

// count returns the numbers of errors and warnings.
func count(ds arazzo.Diagnostics) (errs, warns int) {
	for _, d := range ds {
		switch d.Severity {
		case arazzo.SeverityError:
			errs++
		case arazzo.SeverityWarning:
			warns++
		}
	}
	return errs, warns
}

// writeText writes one diagnostic a line, as file:line:col: severity:
// message (hint), each followed by its related positions and suggested
// fixes as indented note lines:
//
//	file:line:col: note: first declared here
//	file:line:col: fix: replace "x" with "y"
func writeText(w io.Writer, ds arazzo.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
		for _, r := range d.Related {
			fmt.Fprintf(w, "\t%snote: %s\n", posPrefix(r.Pos), r.Message)
		}
		for _, f := range d.SuggestedFixes {
			var at arazzo.Position
			if len(f.Edits) > 0 {
				at = f.Edits[0].Pos
			}
			fmt.Fprintf(w, "\t%sfix: %s\n", posPrefix(at), f.Message)
		}
	}
}

// posPrefix formats p as "file:line:col: " (the parts it has), as
// Diagnostic.String does.
func posPrefix(p arazzo.Position) string {
	s := ""
	if p.File != "" {
		s = p.File + ":"
	}
	if p.Line > 0 {
		s += strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column) + ":"
	}
	if s != "" {
		s += " "
	}
	return s
}

// jsonDiagnostic is one element of weft validate --format json. The end,
// related positions and fixes are left out when a diagnostic has none, so
// the output of a finding without them is as before they existed.
type jsonDiagnostic struct {
	File           string        `json:"file"`
	Line           int           `json:"line"`
	Column         int           `json:"column"`
	EndLine        int           `json:"endLine,omitempty"`
	EndColumn      int           `json:"endColumn,omitempty"`
	Severity       string        `json:"severity"`
	Code           string        `json:"code"`
	Message        string        `json:"message"`
	Hint           string        `json:"hint"`
	Pointer        string        `json:"pointer,omitempty"`
	Related        []jsonRelated `json:"related,omitempty"`
	SuggestedFixes []jsonFix     `json:"suggestedFixes,omitempty"`
}

// jsonSpan is a position, with its end when known.
type jsonSpan struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
}

func spanOf(pos, end arazzo.Position) jsonSpan {
	return jsonSpan{File: pos.File, Line: pos.Line, Column: pos.Column, EndLine: end.Line, EndColumn: end.Column}
}

// jsonRelated is one related position of a diagnostic.
type jsonRelated struct {
	jsonSpan
	Message string `json:"message"`
}

// jsonFix is one suggested fix: each edit replaces its span with newText.
type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	jsonSpan
	NewText string `json:"newText"`
}

// writeJSON writes the diagnostics as one JSON array ([] when none).
func writeJSON(w io.Writer, ds arazzo.Diagnostics) error {
	out := make([]jsonDiagnostic, 0, len(ds))
	for _, d := range ds {
		jd := jsonDiagnostic{File: d.Pos.File, Line: d.Pos.Line, Column: d.Pos.Column, EndLine: d.End.Line, EndColumn: d.End.Column,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Hint: d.Hint, Pointer: d.Pointer}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{spanOf(r.Pos, r.End), r.Message})
		}
		for _, f := range d.SuggestedFixes {
			jf := jsonFix{Message: f.Message, Edits: []jsonEdit{}}
			for _, e := range f.Edits {
				jf.Edits = append(jf.Edits, jsonEdit{spanOf(e.Pos, e.End), e.NewText})
			}
			jd.SuggestedFixes = append(jd.SuggestedFixes, jf)
		}
		out = append(out, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// writeGitHub writes the diagnostics as GitHub Actions workflow commands
// (::error / ::warning / ::notice), which the Actions runner shows as
// annotations on the file and line. File names are made relative to the
// working directory, which in Actions is the checkout.
func writeGitHub(w io.Writer, ds arazzo.Diagnostics) {
	wd, _ := os.Getwd()
	for _, d := range ds {
		cmd := "error"
		switch d.Severity {
		case arazzo.SeverityWarning:
			cmd = "warning"
		case arazzo.SeverityInfo:
			cmd = "notice"
		}
		var props []string
		if f := relFile(wd, d.Pos.File); f != "" {
			props = append(props, "file="+ghProperty(f))
		}
		if d.Pos.Line > 0 {
			props = append(props, "line="+strconv.Itoa(d.Pos.Line), "endLine="+strconv.Itoa(d.Pos.Line))
			if d.Pos.Column > 0 {
				props = append(props, "col="+strconv.Itoa(d.Pos.Column))
			}
		}
		if d.Code != "" {
			props = append(props, "title="+ghProperty(d.Code))
		}
		msg := d.Message
		if d.Hint != "" {
			msg += " (" + d.Hint + ")"
		}
		fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg))
	}
}

// relFile returns f relative to wd when it lies below it.
func relFile(wd, f string) string {
	if wd == "" || !filepath.IsAbs(f) {
		return f
	}
	if r, err := filepath.Rel(wd, f); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r)
	}
	return f
}

// ghData escapes a workflow command's message: %, CR and LF.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value: as ghData, plus
// ':' and ','.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
