package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/weftflow/weft/arazzo"
	"github.com/weftflow/weft/internal/suggest"
	"github.com/weftflow/weft/openapi"
)

// Names given on the command line (--server SOURCE=URL, --server-var,
// --input, WEFT_ credential variables) must name something of the
// document: a misspelt source name would otherwise be ignored and the run
// would go to the description's own (production) server with the
// credential attached. This file owns that check and the "did you mean"
// suggestion.

// closestName is the suggestion for a mistyped name (internal/suggest).
func closestName(name string, known []string) string { return suggest.Closest(name, known) }

// unknownNameError is the usage error for a name that the document does
// not have: it lists the known names and suggests the closest.
func unknownNameError(what, name string, known []string) error {
	return unknownName(what, name, "", known)
}

// unknownName is unknownNameError with why said after the name.
func unknownName(what, name, why string, known []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q is unknown", what, name)
	if why != "" {
		fmt.Fprintf(&b, " (%s)", why)
	}
	if len(known) == 0 {
		b.WriteString("; there are none")
	} else {
		sorted := append([]string(nil), known...)
		sort.Strings(sorted)
		fmt.Fprintf(&b, "; known: %s", strings.Join(sorted, ", "))
		if c := closestName(name, known); c != "" {
			fmt.Fprintf(&b, " (did you mean %s?)", c)
		}
	}
	return usageError{b.String()}
}

// forEachSource calls fn for every source description doc reaches.
func forEachSource(doc *arazzo.Document, fn func(*arazzo.SourceDescription)) { doc.EachSource(fn) }

// checkServerFlags checks that every --server and --server-var names an
// OpenAPI source of doc, and every --server-var a variable of one of that
// source's servers (the description's, a path item's or an operation's).
func checkServerFlags(ctx context.Context, doc *arazzo.Document, servers []string, vars [][2]string) error {
	sources := doc.OpenAPISourceNames()
	known := map[string]bool{}
	for _, s := range sources {
		known[s] = true
	}
	for _, s := range servers {
		if !known[s] {
			return unknownNameError("--server: source", s, sources)
		}
	}
	for _, v := range vars {
		if !known[v[0]] {
			return unknownNameError("--server-var: source", v[0], sources)
		}
		names := serverVariableNames(ctx, doc, v[0])
		if !contains(names, v[1]) {
			return unknownNameError("--server-var: source "+v[0]+": variable", v[1], names)
		}
	}
	return nil
}

// serverVariableNames lists the variables of every server of the OpenAPI
// sources called source.
func serverVariableNames(ctx context.Context, doc *arazzo.Document, source string) []string {
	seen := map[string]bool{}
	var out []string
	forEachSource(doc, func(sd *arazzo.SourceDescription) {
		if sd.Name != source || sd.OpenAPI == nil {
			return
		}
		add := func(srvs []openapi.Server) {
			for _, s := range srvs {
				for n := range s.Variables {
					if !seen[n] {
						seen[n] = true
						out = append(out, n)
					}
				}
			}
		}
		add(sd.OpenAPI.Servers)
		for _, op := range sd.OpenAPI.Operations() {
			if ss, err := op.Servers(ctx); err == nil {
				add(ss)
			}
		}
	})
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// credentialParts are the last parts of the variables openapi.EnvCredentials
// reads (WEFT_<SOURCE>_<SCHEME>_<PART>).
var credentialParts = []string{"_API_KEY", "_TOKEN", "_USERNAME", "_PASSWORD", "_CLIENT_ID", "_CLIENT_SECRET"}

// isCredentialVar reports whether name has the form of a credential
// variable: WEFT_, something, and a credential part.
func isCredentialVar(name string) bool {
	if !strings.HasPrefix(name, "WEFT_") {
		return false
	}
	for _, p := range credentialParts {
		if strings.HasSuffix(name, p) && len(name) > len("WEFT_")+len(p) {
			return true
		}
	}
	return false
}

// checkCredentialEnv checks that every credential variable set in environ
// (WEFT_..._API_KEY, _TOKEN, _USERNAME, _PASSWORD, _CLIENT_ID,
// _CLIENT_SECRET) is one the run reads: one weft env lists for doc. Only
// names are compared; values are never read or shown.
func checkCredentialEnv(doc *arazzo.Document, environ []string) error {
	var known []string
	want := map[string]bool{}
	for _, v := range envVarNames(doc) {
		known = append(known, v.Name)
		want[v.Name] = true
	}
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if isCredentialVar(name) && !want[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return unknownName("credential variable", unknown[0], "names no security scheme the document uses; weft env lists the variables it reads", known)
}

// checkInputNames checks the names of the inputs against the workflow's
// inputs schema: when its properties are the whole list of names it
// accepts (arazzo.InputSchema.Complete: nothing composed, matched by
// pattern or allowed by additionalProperties), every input must be one
// of them; otherwise any name passes.
func checkInputNames(in *arazzo.InputSchema, inputs map[string]any, from func(name string) string) error {
	if in == nil || !in.Complete || len(in.Properties) == 0 {
		return nil
	}
	known := make([]string, 0, len(in.Properties))
	for _, p := range in.Properties {
		known = append(known, p.Name)
	}
	names := make([]string, 0, len(inputs))
	for n := range inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if in.Property(n) == nil {
			return unknownNameError(from(n)+": input", n, known)
		}
	}
	return nil
}

// environ is os.Environ; tests of run() set variables with t.Setenv.
var environ = os.Environ
