package openapi

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/weftflow/weft/internal/yamlbudget"
)

// Real descriptions stay well inside the document budget: every OpenAPI
// description of the corpus (the 3.9 MB mist.com one included) decodes
// whole within it, and binding its operations meets no budget and no $ref
// cycle. The test logs the largest alias expansion and nesting seen, which
// is what the defaults are measured against.
func TestCorpusWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	var files, bound int
	var maxAlias, maxDepth int
	var maxAliasFile, maxDepthFile string
	start := time.Now()
	eachCorpusDescription(dir, func(rel string, data []byte) {
		root, err := decodeNode(data, &yamlbudget.Budget{File: rel})
		if err != nil {
			if isLimit(err) {
				t.Errorf("%s: %v", rel, err)
			}
			return
		}
		b := &yamlbudget.Budget{} // measures JSON trees too
		_ = b.Check(root)
		a, depth := b.Stats()
		if a > maxAlias {
			maxAlias, maxAliasFile = a, rel
		}
		if depth > maxDepth {
			maxDepth, maxDepthFile = depth, rel
		}
		d, err := Parse(context.Background(), data, nil, ParseOptions{})
		if err != nil {
			if fatal(err) {
				t.Errorf("%s: %v", rel, err)
			}
			return
		}
		files++
		ops := d.Operations()
		if len(ops) > 3 {
			ops = ops[:3] // a sample: binding is per operation
		}
		for _, op := range ops {
			if _, err := op.Parameters(context.Background()); fatal(err) {
				t.Errorf("%s: %v", rel, err)
			}
			bound++
		}
		return
	})
	t.Logf("corpus: %d descriptions, %d operations bound in %v; most alias nodes %d (%s), deepest nesting %d (%s)",
		files, bound, time.Since(start), maxAlias, maxAliasFile, maxDepth, maxDepthFile)
	if files < 100 {
		t.Errorf("only %d descriptions", files)
	}
}

// TestCorpusDuplicateKeys sweeps the corpus for duplicate mapping keys in
// OpenAPI descriptions (decoded whole, YAML and JSON) and lists them: they
// are errors now (before: accepted, one of the values silently kept).
func TestCorpusDuplicateKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := corpusDir(t)
	var files int
	var dups []string
	eachCorpusDescription(dir, func(rel string, data []byte) {
		_, err := decodeNode(data, &yamlbudget.Budget{File: rel})
		var de *DuplicateKeyError
		if errors.As(err, &de) {
			dups = append(dups, de.Error())
		} else if err != nil {
			return
		}
		files++
	})
	t.Logf("corpus: %d OpenAPI-looking documents decoded, %d with a duplicate key", files, len(dups))
	for _, d := range dups {
		// A real description with one: check that refusing it is right.
		t.Errorf("real description: %s", d)
	}
	if files < 100 {
		t.Errorf("only %d documents", files)
	}
}

// eachCorpusDescription calls fn with the path (relative to dir) and the
// bytes of every YAML or JSON file under dir that looks like an OpenAPI or
// Swagger description in its first 4 KB.
func eachCorpusDescription(dir string, fn func(rel string, data []byte)) {
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		head := data[:min(len(data), 4096)]
		if !strings.Contains(string(head), "openapi") && !strings.Contains(string(head), "swagger") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		fn(rel, data)
		return nil
	})
}
