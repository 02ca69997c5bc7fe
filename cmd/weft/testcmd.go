package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/weftflow/weft/internal/casefile"
	"github.com/weftflow/weft/report"
)

func (e *env) testCmd(args []string) error {
	fs := newFlagSet("test", "test [--junit FILE] [--run REGEXP] [-v] DIR...", e.stderr)
	junitOut := fs.String("junit", "", "write a JUnit XML report to `FILE` (- for stdout): a test case per conformance case")
	runPat := fs.String("run", "", "run only cases whose directory name matches `REGEXP`")
	verbose := fs.Bool("v", false, "print every case with its description, not only failures")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return usagef("test: no case directories given")
	}
	var re *regexp.Regexp
	if *runPat != "" {
		if re, err = regexp.Compile(*runPat); err != nil {
			return usagef("--run: %v", err)
		}
	}
	dirs, err := casefile.Find(pos...)
	if err != nil {
		return usagef("test: %v", err)
	}
	out := e.stdout
	if *junitOut == "-" {
		out = e.stderr
	}
	started := time.Now()
	suite := report.Suite{Name: "weft test", Timestamp: started.UTC().Format("2006-01-02T15:04:05"),
		Properties: &report.Properties{Property: []report.Property{{Name: "weft.version", Value: versionString()}}}}
	passed, failed := 0, 0
	for _, dir := range dirs {
		if re != nil && !re.MatchString(filepath.Base(dir)) && !re.MatchString(filepath.ToSlash(dir)) {
			continue
		}
		rep, err := casefile.Exec(context.Background(), dir)
		tc := report.Case{Name: filepath.Base(dir), Classname: filepath.ToSlash(filepath.Dir(dir)), Time: report.Seconds(rep.Duration)}
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(out, "FAIL %s (%dms)\n  %v\n", rep.Name, rep.Duration.Milliseconds(), err)
			tc.Error = &report.Failure{Message: firstLineOf(err.Error()), Type: "error", Text: err.Error()}
		case !rep.Passed:
			failed++
			fmt.Fprint(out, rep.String())
			msg := "case failed"
			if len(rep.Problems) > 0 {
				msg = firstLineOf(rep.Problems[0])
			}
			tc.Failure = &report.Failure{Message: msg, Type: "conformance", Text: rep.String()}
		default:
			passed++
			if *verbose {
				fmt.Fprint(out, rep.String())
			}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	total := time.Since(started)
	suite.Time = report.Seconds(total)
	fmt.Fprintf(out, "%d cases: %d passed, %d failed (%s)\n", passed+failed, passed, failed, total.Round(time.Millisecond))
	if *junitOut != "" {
		suites := &report.Suites{Name: "weft test"}
		suites.Add(suite)
		if err := writeTo(*junitOut, e.stdout, func(w io.Writer) error { return report.WriteJUnit(w, suites) }); err != nil {
			return exitError{code: exitUsage, msg: "--junit: " + err.Error()}
		}
	}
	if passed+failed == 0 {
		return usagef("test: no case matches --run %q", *runPat)
	}
	if failed > 0 {
		return exitError{code: exitFailed}
	}
	return nil
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
