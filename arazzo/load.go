package arazzo

import (
	"context"
	"io/fs"
	"net/http"
	"time"
)

// Option configures Load.
type Option func(*loadConfig)

type loadConfig struct {
	httpClient *http.Client
	fsys       fs.FS
	baseURL    string
	maxBytes   int64
	maxSources int
	schemes    []string
}

// WithHTTPClient sets the client used for http and https sources.
func WithHTTPClient(c *http.Client) Option { return func(l *loadConfig) { l.httpClient = c } }

// WithFS makes Load read relative locations and file paths from fsys.
func WithFS(fsys fs.FS) Option { return func(l *loadConfig) { l.fsys = fsys } }

// WithBaseURL resolves source description URLs against base instead of the
// referring document's location (when they do not resolve there).
func WithBaseURL(base string) Option { return func(l *loadConfig) { l.baseURL = base } }

// WithMaxDocumentSize caps the size of each document read.
func WithMaxDocumentSize(n int64) Option { return func(l *loadConfig) { l.maxBytes = n } }

// WithMaxSources caps the number of source documents loaded.
func WithMaxSources(n int) Option { return func(l *loadConfig) { l.maxSources = n } }

// WithSchemes sets the URL schemes that may be fetched ("file", "http", "https").
func WithSchemes(schemes ...string) Option { return func(l *loadConfig) { l.schemes = schemes } }

// Defaults of the loader options.
const (
	DefaultMaxDocumentSize = 32 << 20 // bytes per document
	DefaultMaxSources      = 256      // documents loaded per Load call, entry included
)

// Load reads the Arazzo document at location (a file path or URL), every
// source description it names (transitively), binds every step target and
// validates the result. It returns the document together with an error
// of type Diagnostics when any diagnostic is an error; the document's
// Diagnostics field holds all findings, warnings included.
//
// location is a file path, a file:// or http(s):// URL, or, with WithFS, a
// slash-separated path inside the file system. The returned document is nil
// only when the entry document itself cannot be read or parsed.
func Load(ctx context.Context, location string, opts ...Option) (*Document, error) {
	cfg := loadConfig{maxBytes: DefaultMaxDocumentSize, maxSources: DefaultMaxSources,
		schemes: []string{"file", "http", "https"}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.httpClient == nil {
		cfg.httpClient = &http.Client{Timeout: 60 * time.Second}
	}
	l := newLoader(cfg)
	doc, diags := l.loadEntry(ctx, location)
	if diags.HasErrors() {
		return doc, diags
	}
	return doc, nil
}
