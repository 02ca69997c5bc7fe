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

// Load reads the Arazzo document at location (a file path or URL), every
// source description it names (transitively), binds every step target and
// validates the result. It returns the document together with an error
// of type Diagnostics when any diagnostic is an error; the document's
// Diagnostics field holds all findings, warnings included.
func Load(ctx context.Context, location string, opts ...Option) (*Document, error) {
	panic("arazzo.Load: not implemented yet")
}
