package arazzo

import (
	"fmt"
	"strings"
)

// Severity tells how serious a Diagnostic is.
type Severity int

// Severities, from least to most serious.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	default:
		return "error"
	}
}

// Diagnostic is one finding of the loader or the validator, in the manner
// of golang.org/x/tools/go/analysis: a position (and, where known, an end),
// a message, a hint, the other places the finding involves and the fixes
// that would resolve it.
type Diagnostic struct {
	Severity Severity
	Pos      Position
	// End, when known, is the position just past the offending text (on
	// Pos's line, its column is exclusive); the zero Position otherwise.
	End Position
	// Pointer is the JSON pointer of the offending value in its document.
	Pointer string
	Message string
	// Hint suggests a fix; may be empty.
	Hint string
	// Code is a short stable identifier of the check, one of the Code
	// constants (CodeSchema, CodeDuplicateStepID, ...); docs/diagnostics.md
	// lists them.
	Code string
	// Related lists other places the finding involves, such as the first
	// declaration of a duplicated id.
	Related []RelatedInformation
	// SuggestedFixes lists edits that resolve the finding, such as the
	// known name a misspelled one most likely meant. A tool may apply one
	// without asking: each is a complete fix.
	SuggestedFixes []SuggestedFix
}

// RelatedInformation is a secondary position of a Diagnostic, with a note
// ("first declared here").
type RelatedInformation struct {
	Pos Position
	// End is the position just past the text, or the zero Position.
	End     Position
	Message string
}

// SuggestedFix is one way to resolve a Diagnostic: a description and the
// edits to make to the document's text, none of them overlapping.
type SuggestedFix struct {
	Message string
	Edits   []TextEdit
}

// TextEdit replaces the text from Pos up to End (exclusive) with NewText.
// Both positions are in the diagnostic's file; columns count characters,
// as in every Position.
type TextEdit struct {
	Pos     Position
	End     Position
	NewText string
}

// String formats the diagnostic as "file:line:col: severity: message (hint)".
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		b.WriteString(d.Pos.File)
		b.WriteByte(':')
	}
	if d.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", d.Pos.Line, d.Pos.Column)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(d.Severity.String())
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteByte(')')
	}
	return b.String()
}

// Diagnostics is a list of findings. As an error it reports its errors.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity >= SeverityError {
			return true
		}
	}
	return false
}

// Errors returns the error diagnostics only.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity >= SeverityError {
			out = append(out, d)
		}
	}
	return out
}

// Error formats the error diagnostics, one per line.
func (ds Diagnostics) Error() string {
	errs := ds.Errors()
	if len(errs) == 0 {
		errs = ds
	}
	lines := make([]string, len(errs))
	for i, d := range errs {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}
