package arazzo

import (
	"context"
	"io/fs"
	"net/http"
)

// Option configures Load.
type Option func(*loadConfig)

type loadConfig struct {
	httpClient *http.Client
	fsys       fs.FS
	baseURL    string
	policy     Policy
	schemes    []string
}

// WithHTTPClient sets the client used for http and https sources.
func WithHTTPClient(c *http.Client) Option { return func(l *loadConfig) { l.httpClient = c } }

// WithFS makes Load read relative locations and file paths from fsys.
func WithFS(fsys fs.FS) Option { return func(l *loadConfig) { l.fsys = fsys } }

// WithBaseURL resolves source description URLs against base instead of the
// referring document's location (when they do not resolve there).
func WithBaseURL(base string) Option { return func(l *loadConfig) { l.baseURL = base } }

// WithMaxDocumentSize caps the size of each document read (Policy.MaxDocumentBytes;
// 0 or less: the default).
func WithMaxDocumentSize(n int64) Option {
	return func(l *loadConfig) {
		if n < 0 {
			n = 0
		}
		l.policy.MaxDocumentBytes = n
	}
}

// WithMaxSources caps the number of source documents loaded
// (Policy.MaxSources; 0 or less: no cap).
func WithMaxSources(n int) Option {
	return func(l *loadConfig) {
		if n <= 0 {
			n = -1
		}
		l.policy.MaxSources = n
	}
}

// WithSchemes sets the URL schemes that may be fetched ("file", "http", "https").
func WithSchemes(schemes ...string) Option { return func(l *loadConfig) { l.schemes = schemes } }

// Defaults of the loader options.
const (
	DefaultMaxDocumentSize = 32 << 20 // bytes per document
	DefaultMaxSources      = 256      // documents loaded per Load call, entry included
	DefaultMaxTotalSize    = 64 << 20 // bytes read per Load call, external $refs included
)

// Load reads the Arazzo document at location (a file path or URL), every
// source description it names (transitively), binds every step target and
// validates the result. It returns the document together with an error
// of type Diagnostics when any diagnostic is an error; the document's
// Diagnostics field holds all findings, warnings included.
//
// location is a file path, a file:// or http(s):// URL, or, with WithFS, a
// slash-separated path inside the file system. What the documents may
// make Load read is governed by the Policy (WithPolicy): by default a
// document from the network reaches only public http(s) locations and a
// local one only files under its own directory and remote URLs. The returned document is nil
// only when the entry document itself cannot be read or parsed.
func Load(ctx context.Context, location string, opts ...Option) (*Document, error) {
	cfg := loadConfig{schemes: []string{"file", "http", "https"}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.policy.MaxSources == 0 {
		cfg.policy.MaxSources = DefaultMaxSources
	}
	l := newLoader(cfg)
	doc, diags := l.loadEntry(ctx, location)
	if l.http.closeIdle != nil {
		l.http.closeIdle()
	}
	if diags.HasErrors() {
		return doc, diags
	}
	return doc, nil
}
