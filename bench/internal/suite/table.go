package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// format prints one figure in its unit.
func format(v float64, unit string) string {
	switch unit {
	case "x":
		return fmt.Sprintf("%.2f×", v)
	case "x body":
		return fmt.Sprintf("%.1f×", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

// unitLabel is the unit column: ratios are weft over its baseline.
func unitLabel(unit string) string {
	switch unit {
	case "x":
		return "ratio"
	case "x body":
		return "× body"
	}
	return unit
}

// WriteTable prints the outcomes as a Markdown table: one line per
// measure with the min, median and max over the rounds and the goal;
// skipped and failed rows say why.
func WriteTable(w io.Writer, outs []Outcome) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| row\t| measure\t| unit\t| min\t| median\t| max\t| n\t| goal\t|")
	fmt.Fprintln(tw, "|---\t|---\t|---\t|---:\t|---:\t|---:\t|---:\t|---\t|")
	for _, o := range outs {
		num := rowNumber(o.Row)
		switch {
		case o.Err != nil:
			fmt.Fprintf(tw, "| %s %s\t| FAILED: %s\t|\t|\t|\t|\t|\t|\t|\n", num, o.Row, oneLine(o.Err.Error()))
		case o.Skipped != "":
			fmt.Fprintf(tw, "| %s %s\t| skipped: %s\t|\t|\t|\t|\t|\t|\t|\n", num, o.Row, oneLine(o.Skipped))
		}
		for _, l := range o.Lines {
			s := l.Stats
			fmt.Fprintf(tw, "| %s %s\t| %s\t| %s\t| %s\t| %s\t| %s\t| %d\t| %s\t|\n", num, o.Row, l.Measure, unitLabel(l.Unit),
				format(s.Min, l.Unit), format(s.Median, l.Unit), format(s.Max, l.Unit), s.N, l.Goal)
		}
	}
	return tw.Flush()
}

// rowNumber is the row's number in the table.
func rowNumber(name string) string {
	for i, r := range rows {
		if r.name == name {
			return fmt.Sprint(i + 1)
		}
	}
	return "?"
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// jsonOutcome is an Outcome as JSON.
type jsonOutcome struct {
	Row     string `json:"row"`
	Title   string `json:"title"`
	Skipped string `json:"skipped,omitempty"`
	Error   string `json:"error,omitempty"`
	Lines   []Line `json:"lines,omitempty"`
}

// WriteJSON writes the outcomes as a JSON array.
func WriteJSON(w io.Writer, outs []Outcome) error {
	js := make([]jsonOutcome, len(outs))
	for i, o := range outs {
		js[i] = jsonOutcome{Row: o.Row, Title: o.Title, Skipped: o.Skipped, Lines: o.Lines}
		if o.Err != nil {
			js[i].Error = o.Err.Error()
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(js)
}
