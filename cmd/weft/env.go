package main

import (
	"context"
	"fmt"
)

func (e *env) envCmd(args []string) error {
	fs := newFlagSet("env", "env DOC\n"+loaderFlagsUsage, e.stderr)
	lf := addLoaderFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usagef("env: want exactly one document")
	}
	doc, err := e.loadForUse(context.Background(), pos[0], lf)
	if err != nil {
		return err
	}
	vars := envVarNames(doc)
	if len(vars) == 0 {
		fmt.Fprintln(e.stderr, "the document needs no credentials")
		return nil
	}
	for _, v := range vars {
		fmt.Fprintf(e.stdout, "%-48s # source %s\n", v.Name, v.Source)
	}
	return nil
}
