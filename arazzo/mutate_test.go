package arazzo

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// corpusArazzoFiles lists the Arazzo documents of ../shared/corpus (the
// sweep's selection: YAML or JSON, at most 2 MiB, an arazzo key near the
// top), skipping the test when the corpus is absent.
func corpusArazzoFiles(t testing.TB) (corpus string, files []string) {
	t.Helper()
	corpus = filepath.Join(sharedDir(t), "corpus")
	filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		if ext != ".yaml" && ext != ".yml" && ext != ".json" || strings.HasPrefix(filepath.Base(p), "_") {
			return nil
		}
		fi, err := d.Info()
		if err != nil || fi.Size() > 2<<20 {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		head := make([]byte, 4096)
		n, _ := f.Read(head)
		f.Close()
		if arazzoKeyRE.Match(head[:n]) {
			files = append(files, p)
		}
		return nil
	})
	return corpus, files
}

// mutants returns n deterministic variants of the YAML document data, each
// with one or two mistakes of the kinds the schema catches (a key removed
// or misspelt, a scalar of the wrong type, an enum value out of range, an
// empty or duplicated list item, a stray property, a goto without target,
// a 1.1-only field, a broken inputs schema) so that the schema's
// diagnostics get exercised on realistic documents.
func mutants(data []byte, seed int64, n int) [][]byte {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) != 1 {
		return nil
	}
	var out [][]byte
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < n; i++ {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			return out
		}
		var nodes []*yaml.Node
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			nodes = append(nodes, n)
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(doc.Content[0])
		for k := 0; k <= r.Intn(2); k++ {
			mutate(nodes[r.Intn(len(nodes))], r)
		}
		b, err := yaml.Marshal(&doc)
		if err == nil {
			out = append(out, b)
		}
	}
	return out
}

// mutate applies one random mistake at n.
func mutate(n *yaml.Node, r *rand.Rand) {
	scalar := func(v, tag string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: tag} }
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) < 2 {
			n.Content = append(n.Content, scalar("x", "!!str"), scalar("y", "!!str"))
			return
		}
		i := 2 * r.Intn(len(n.Content)/2)
		switch r.Intn(9) {
		case 0: // remove a key
			n.Content = append(n.Content[:i:i], n.Content[i+2:]...)
		case 1: // misspell a key
			if k := n.Content[i].Value; len(k) > 2 {
				n.Content[i].Value = k[:len(k)-1]
			}
		case 2: // stray property
			n.Content = append(n.Content, scalar("stray", "!!str"), scalar("1", "!!int"))
		case 3: // wrong type
			n.Content[i+1] = scalar("12", "!!int")
		case 4:
			n.Content[i+1] = scalar("text", "!!str")
		case 5:
			n.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		case 6: // a goto without target, an unknown enum value
			n.Content = append(n.Content, scalar("type", "!!str"), scalar([]string{"goto", "retry", "end", "bogus", "jsonpath"}[r.Intn(5)], "!!str"))
		case 7: // a 1.1-only field or an extension
			n.Content = append(n.Content, scalar([]string{"x-ext", "dependsOn", "timeout", "$self", "parameters", "reference"}[r.Intn(6)], "!!str"), scalar("v", "!!str"))
		case 8: // a broken schema keyword
			n.Content = append(n.Content, scalar([]string{"type", "required", "minLength", "properties", "enum", "pattern"}[r.Intn(6)], "!!str"), scalar([]string{"objekt", "-1", "7"}[r.Intn(3)], []string{"!!str", "!!int"}[r.Intn(2)]))
		}
	case yaml.SequenceNode:
		switch {
		case len(n.Content) == 0:
			n.Content = append(n.Content, scalar("1", "!!int"))
		case r.Intn(2) == 0: // duplicate an item
			n.Content = append(n.Content, n.Content[r.Intn(len(n.Content))])
		default: // empty the list
			n.Content = nil
		}
	case yaml.ScalarNode:
		switch r.Intn(4) {
		case 0:
			n.Value, n.Tag, n.Style = "true", "!!bool", 0
		case 1:
			n.Value, n.Tag, n.Style = "", "!!null", 0
		case 2:
			n.Value, n.Tag, n.Style = "-3", "!!int", 0
		default:
			n.Value, n.Tag, n.Style = n.Value+"~/ x", "!!str", 0
		}
	}
}
