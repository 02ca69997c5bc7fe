package report

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/weftflow/weft/runtime"
)

// ANSI colours used when Color is set.
const (
	ansiReset = "\x1b[0m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiDim   = "\x1b[2m"
	ansiBold  = "\x1b[1m"
)

// MaxBodyPrint caps the bytes of a request or response body printed in
// verbose mode.
const MaxBodyPrint = 4096

// Printer prints a line per step execution as it completes and, when
// Verbose, the requests and responses (as the runtime gives them, secrets
// masked). It is safe for concurrent use.
type Printer struct {
	W io.Writer
	// Color turns ANSI colours on; see UseColor.
	Color bool
	// Verbose adds requests and responses.
	Verbose bool
	// Workflow is the top-level workflow id; steps of other workflows are
	// printed as "workflowId/stepId".
	Workflow string

	mu sync.Mutex
}

// UseColor reports whether output to f should be coloured: f is a terminal
// and the NO_COLOR environment variable is empty.
func UseColor(f *os.File) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}

func (p *Printer) paint(code, s string) string {
	if !p.Color {
		return s
	}
	return code + s + ansiReset
}

// Observer returns the runtime observer that drives the printer.
func (p *Printer) Observer() *runtime.Observer {
	o := &runtime.Observer{StepFinished: p.StepFinished}
	if p.Verbose {
		o.RequestSent = p.RequestSent
		o.ResponseReceived = p.ResponseReceived
	}
	return o
}

func (p *Printer) stepName(wf, step string) string {
	if wf != "" && wf != p.Workflow {
		return wf + "/" + step
	}
	return step
}

// StepFinished prints the line of one completed step execution.
func (p *Printer) StepFinished(s runtime.StepRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.W, FormatStep(s, p.stepName(s.WorkflowID, s.StepID), p.Color))
}

// FormatStep formats a step execution as the progress line (and, when it
// failed, indented lines saying why). name is how the step is shown.
func FormatStep(s runtime.StepRecord, name string, color bool) string {
	p := &Printer{Color: color}
	var b strings.Builder
	mark := p.paint(ansiGreen, "✓")
	if s.Status != runtime.StatusSucceeded {
		mark = p.paint(ansiRed, "✗")
	}
	if s.Attempt > 1 {
		name = fmt.Sprintf("%s (attempt %d)", name, s.Attempt)
	}
	fmt.Fprintf(&b, "%s %-28s", mark, name)
	if s.Method != "" {
		fmt.Fprintf(&b, " %-6s %s %d", s.Method, s.URL, s.StatusCode)
	} else {
		b.WriteString(" workflow")
	}
	fmt.Fprintf(&b, " %s", p.paint(ansiDim, formatDuration(s.Duration)))
	if s.Action != "" && s.Action != "next" {
		fmt.Fprintf(&b, " → %s", s.Action)
	}
	b.WriteByte('\n')
	if s.Status != runtime.StatusSucceeded {
		for _, line := range strings.Split(strings.TrimRight(StepFailureDetail(s), "\n"), "\n") {
			if line == "" || strings.HasPrefix(line, s.Method+" ") && s.Method != "" || strings.HasPrefix(line, "action: ") {
				continue
			}
			fmt.Fprintf(&b, "    %s\n", p.paint(ansiRed, line))
		}
	}
	return b.String()
}

func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
}

// RequestSent prints a request (verbose mode).
func (p *Printer) RequestSent(r runtime.RequestInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.W, "  %s %s %s\n", p.paint(ansiBold, "→"), r.Method, r.URL)
	p.headersAndBody(r.Header, r.Body)
}

// ResponseReceived prints a response (verbose mode).
func (p *Printer) ResponseReceived(r runtime.ResponseInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.W, "  %s %d %s (%s)\n", p.paint(ansiBold, "←"), r.StatusCode, http.StatusText(r.StatusCode), formatDuration(r.Duration))
	p.headersAndBody(r.Header, r.Body)
}

func (p *Printer) headersAndBody(h http.Header, body []byte) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(p.W, "    %s\n", p.paint(ansiDim, k+": "+v))
		}
	}
	if len(body) == 0 {
		return
	}
	text := string(body)
	if len(body) > MaxBodyPrint {
		text = string(body[:MaxBodyPrint]) + fmt.Sprintf("… (%d bytes)", len(body))
	}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(p.W, "    %s\n", line)
	}
}
