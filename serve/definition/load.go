package definition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/sizedread"
	"github.com/weftflow/weft/internal/yamlbudget"
	"gopkg.in/yaml.v3"
)

// Budgets of a definition file. Reaching one is a CodeTooLarge diagnostic
// that names it (the YAML nesting and alias budgets, MaxNestingDepth and
// MaxAliasNodes, are those of internal/yamlbudget, shared with Arazzo
// documents).
const (
	// MaxFileBytes caps the file's size.
	MaxFileBytes = 1 << 20
	// MaxExpandedBytes caps the bytes ${NAME} substitution adds to the
	// file in all, so that a short file cannot expand one large
	// environment value many times.
	MaxExpandedBytes = 4 << 20
	// MaxDiagnostics caps the findings reported; one more says how many
	// were left out.
	MaxDiagnostics = 200
)

// Marker is the value the required "weft:" field must have.
const Marker = "serve/v1"

// Option configures Load and Parse.
type Option func(*options)

type options struct {
	lookupEnv func(string) (string, bool)
}

// WithLookupEnv makes Load and Parse read configuration variables through
// lookup instead of os.LookupEnv.
func WithLookupEnv(lookup func(string) (string, bool)) Option {
	return func(o *options) {
		if lookup != nil {
			o.lookupEnv = lookup
		}
	}
}

// Load reads, decodes and validates the definition file at path. Its
// error, when not nil, is an arazzo.Diagnostics listing every mistake
// with its file:line:col, in file order. ctx is checked before and after
// the read.
func Load(ctx context.Context, path string, opts ...Option) (*File, error) {
	if err := ctx.Err(); err != nil {
		return nil, arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: path},
			Code: CodeCancelled, Message: "loading cancelled: " + err.Error()}}
	}
	src, err := readFile(path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: path},
			Code: CodeCancelled, Message: "loading cancelled: " + err.Error()}}
	}
	return Parse(path, src, opts...)
}

var errTooLarge = errors.New("too large")

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: path},
			Code: CodeRead, Message: "cannot read the definition file: " + err.Error()}}
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	if size > MaxFileBytes {
		return nil, tooLargeFile(path, size)
	}
	src, err := sizedread.Read(f, MaxFileBytes+1, size, MaxFileBytes+1)
	if err == nil && len(src) > MaxFileBytes {
		err = errTooLarge
	}
	if errors.Is(err, errTooLarge) {
		return nil, tooLargeFile(path, int64(len(src)))
	}
	if err != nil && err != io.EOF {
		return nil, arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: path},
			Code: CodeRead, Message: "cannot read the definition file: " + err.Error()}}
	}
	return src, nil
}

func tooLargeFile(file string, n int64) arazzo.Diagnostics {
	what := "more than " + strconv.Itoa(MaxFileBytes) + " bytes"
	if n > MaxFileBytes+1 {
		what = strconv.FormatInt(n, 10) + " bytes"
	}
	return arazzo.Diagnostics{{Severity: arazzo.SeverityError, Pos: arazzo.Position{File: file, Line: 1, Column: 1},
		Code: CodeTooLarge, Message: fmt.Sprintf("definition file too large: %s, limit MaxFileBytes (%d) reached", what, MaxFileBytes),
		Hint: "a definition file is configuration; split large inputs into the Arazzo documents it names"}}
}

// Parse decodes and validates the definition file src, read from name
// (used in positions; relative paths in the file are resolved against
// its directory). Its error, when not nil, is an arazzo.Diagnostics.
func Parse(name string, src []byte, opts ...Option) (*File, error) {
	o := options{lookupEnv: os.LookupEnv}
	for _, opt := range opts {
		opt(&o)
	}
	if len(src) > MaxFileBytes {
		return nil, tooLargeFile(name, int64(len(src)))
	}
	d := &decoder{file: name, dir: filepath.Dir(name), lookup: o.lookupEnv, src: src}
	f := d.decode()
	if len(d.diags) > 0 {
		return nil, d.finish()
	}
	return f, nil
}

// finish orders the diagnostics by position and applies MaxDiagnostics.
func (d *decoder) finish() arazzo.Diagnostics {
	ds := d.diags
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	if len(ds) > MaxDiagnostics {
		rest := ds[MaxDiagnostics]
		n := len(ds) - MaxDiagnostics
		ds = append(ds[:MaxDiagnostics:MaxDiagnostics], arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: rest.Pos,
			Code: CodeTooMany, Message: fmt.Sprintf("%d more findings not shown: limit MaxDiagnostics (%d) reached", n, MaxDiagnostics)})
	}
	return ds
}

// parseRoot parses src into its top mapping node, reporting syntax and
// budget errors.
func (d *decoder) parseRoot() *yaml.Node {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(d.src))
	if err := dec.Decode(&doc); err != nil {
		if lerr := yamlbudget.FromYAML(err, d.file, d.src); lerr != err {
			d.limit(lerr, nil)
			return nil
		}
		if err == io.EOF {
			d.errAt(d.pos(1, 1), CodeSyntax, "the definition file is empty", "it starts with \"weft: "+Marker+"\"")
			return nil
		}
		line, msg := 0, err.Error()
		if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
			if i := strings.IndexByte(rest, ':'); i > 0 {
				if n, e := strconv.Atoi(rest[:i]); e == nil {
					line, msg = n, "yaml: "+strings.TrimSpace(rest[i+1:])
				}
			}
		}
		col := 1
		if line == 0 {
			line = 1
		}
		d.errAt(d.pos(line, col), CodeSyntax, "cannot parse the definition file: "+msg, "the file must be YAML")
		return nil
	}
	if err := (&yamlbudget.Budget{File: d.file}).Check(&doc); err != nil {
		d.limit(err, &doc)
		return nil
	}
	for _, e := range yamlbudget.DuplicateKeys(&doc, d.file) {
		d.diags = append(d.diags, arazzo.Diagnostic{Severity: arazzo.SeverityError, Pos: d.pos(e.Line, e.Column),
			Pointer: e.Pointer, Code: CodeDuplicateKey,
			Message: fmt.Sprintf("duplicate key %q (first at line %d, column %d)", e.Key, e.FirstLine, e.FirstColumn),
			Related: []arazzo.RelatedInformation{{Pos: d.pos(e.FirstLine, e.FirstColumn), Message: "first written here"}}})
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errAt(d.nodePos(n), CodeSyntax, "a definition file must be a mapping, found "+kindName(n),
			"it starts with \"weft: "+Marker+"\"")
		return nil
	}
	return n
}

func (d *decoder) limit(err error, n *yaml.Node) {
	pos := d.pos(1, 1)
	if n != nil && n.Line > 0 {
		pos = d.nodePos(n)
	}
	var le *yamlbudget.LimitError
	if errors.As(err, &le) && le.Line > 0 {
		pos = d.pos(le.Line, le.Column)
	}
	d.errAt(pos, CodeTooLarge, "definition file too large: "+err.Error(),
		"avoid deep nesting and recursive YAML aliases")
}
