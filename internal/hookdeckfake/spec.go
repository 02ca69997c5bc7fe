package hookdeckfake

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecFiles are the OpenAPI descriptions the fake serves, by file name.
var SpecFiles = []string{
	"hookdeck-sources-api-openapi.yml",
	"hookdeck-integrations-api-openapi.yml",
	"hookdeck-connections-api-openapi.yml",
	"hookdeck-destinations-api-openapi.yml",
	"hookdeck-transformations-api-openapi.yml",
}

// SpecDirInModule is where the descriptions live, relative to the module root.
const SpecDirInModule = "testdata/hookdeck/openapi"

// FindSpecDir looks for SpecDirInModule in the current directory and its
// parents, stopping at the first directory that holds a go.mod file.
func FindSpecDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("hookdeckfake: %w", err)
	}
	for {
		cand := filepath.Join(dir, filepath.FromSlash(SpecDirInModule))
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("hookdeckfake: cannot find " + SpecDirInModule + "; pass WithSpecDir or WithSpecFS")
}

// LoadSpecs loads and validates every file of SpecFiles from fsys with
// kin-openapi. The result is keyed by file name.
func LoadSpecs(fsys fs.FS) (map[string]*openapi3.T, error) {
	out := make(map[string]*openapi3.T, len(SpecFiles))
	for _, name := range SpecFiles {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("hookdeckfake: reading %s: %w", name, err)
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: name})
		if err != nil {
			return nil, fmt.Errorf("hookdeckfake: loading %s: %w", name, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("hookdeckfake: %s is not a valid OpenAPI description: %w", name, err)
		}
		out[name] = doc
	}
	return out, nil
}

func newRouter(doc *openapi3.T) (routers.Router, error) {
	return legacy.NewRouter(doc)
}

func dirFS(dir string) fs.FS { return os.DirFS(dir) }
