package main

import (
	"context"
	"errors"
	"flag"
	"strings"

	"github.com/weftflow/weft/arazzo"
)

// loaderFlags are the loader policy flags of validate, list, env and run
// (arazzo.Policy; the zero values are the safe defaults).
type loaderFlags struct {
	hosts      multiFlag
	private    bool
	outside    bool
	root       string
	maxDoc     int64
	maxTotal   int64
	maxSources int
	offline    bool
	baseURL    string
}

const loaderFlagsUsage = `    [--allow-host HOST]... [--allow-private] [--local-root DIR] [--allow-local-outside]
    [--max-document-bytes N] [--max-total-bytes N] [--max-sources N]
    [--offline] [--base-url URL]`

// loaderHelp is the loader section of weft help.
const loaderHelp = `Loader policy (validate, list, env, run, serve): what the documents may make weft read.
  By default a document fetched over http(s) may name only public http(s) URLs (no
  file: URL, no local path, no loopback/private/link-local address, checked when
  connecting and on every redirect); a local document may name files under its tree
  (its directory, or the top of the git/hg repository holding it) and remote URLs.
  --allow-host HOST         only these hosts may be named (repeatable; host, host:port,
                            *.domain, or an IP that documents from the network may reach)
  --allow-private           documents from the network may name non-public addresses
  --local-root DIR          the local tree (default: see above)
  --allow-local-outside     local documents may name any local file
  --max-document-bytes N    bytes per document (default 32 MiB)
  --max-total-bytes N       bytes per load, external $refs included (default 64 MiB)
  --max-sources N           documents per load (default 256)
  --offline                 fetch nothing over the network: http(s) documents are refused
  --base-url URL            fallback base for relative source URLs that do not resolve
                            against their document (a directory or an http(s) URL)
  A refused location is reported with code "policy" and the rule's name.
`

func addLoaderFlags(fs *flag.FlagSet) *loaderFlags {
	f := &loaderFlags{}
	fs.Var(&f.hosts, "allow-host", "only `HOST` (host, host:port, *.domain or IP) may be named by documents; repeatable")
	fs.BoolVar(&f.private, "allow-private", false, "documents from the network may name loopback, private and other non-public addresses")
	fs.StringVar(&f.root, "local-root", "", "local documents may name files under `DIR` (default: the entry's directory or its repository top)")
	fs.BoolVar(&f.outside, "allow-local-outside", false, "local documents may name files outside the local tree")
	fs.Int64Var(&f.maxDoc, "max-document-bytes", 0, "cap each document at `N` bytes (0: 32 MiB)")
	fs.Int64Var(&f.maxTotal, "max-total-bytes", 0, "cap the bytes one load reads at `N` (0: 64 MiB)")
	fs.IntVar(&f.maxSources, "max-sources", 0, "cap the documents one load reads at `N` (0: 256)")
	fs.BoolVar(&f.offline, "offline", false, "read local files only: an http(s) document or source is refused")
	fs.StringVar(&f.baseURL, "base-url", "", "resolve relative source URLs that do not resolve against their document against `URL` (a directory or http(s) URL)")
	return f
}

// options returns the arazzo options the flags ask for.
func (f *loaderFlags) options() []arazzo.Option {
	if f == nil {
		return nil
	}
	opts := []arazzo.Option{arazzo.WithPolicy(arazzo.Policy{
		AllowHosts:        f.hosts,
		AllowPrivate:      f.private,
		AllowLocalOutside: f.outside,
		LocalRoot:         f.root,
		MaxDocumentBytes:  f.maxDoc,
		MaxTotalBytes:     f.maxTotal,
		MaxSources:        f.maxSources,
	})}
	if f.offline {
		opts = append(opts, arazzo.WithSchemes("file"))
	}
	if f.baseURL != "" {
		opts = append(opts, arazzo.WithBaseURL(f.baseURL))
	}
	return opts
}

// offlineHint is the hint of a location --offline refused.
const offlineHint = "--offline reads local files only; use a local copy or drop --offline"

// load loads the document at loc under the flags; with --offline, the
// hint of every refused http(s) location says so.
func (f *loaderFlags) load(ctx context.Context, loc string) (*arazzo.Document, error) {
	doc, err := arazzo.Load(ctx, loc, f.options()...)
	if f == nil || !f.offline {
		return doc, err
	}
	fix := func(ds arazzo.Diagnostics) {
		for i := range ds {
			m := ds[i].Message
			if strings.Contains(m, "rule "+arazzo.RuleScheme) || strings.HasPrefix(m, `scheme "http`) {
				ds[i].Hint = offlineHint
			}
		}
	}
	if doc != nil {
		fix(doc.Diagnostics)
	}
	var ds arazzo.Diagnostics
	if errors.As(err, &ds) {
		fix(ds)
	}
	return doc, err
}
