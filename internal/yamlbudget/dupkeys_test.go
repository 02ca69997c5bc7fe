package yamlbudget

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDuplicateKeys: both positions and the pointer, for small mappings
// (compared pairwise) and large ones (indexed), in block and flow style;
// merge keys are not duplicates.
func TestDuplicateKeys(t *testing.T) {
	var big strings.Builder
	big.WriteString("a:\n  list:\n    - m:\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&big, "        k%d: %d\n", i, i)
	}
	big.WriteString("        k7: again\n") // line 44
	src := big.String() + "b: {x: 1, y: 2, x: 3}\nc: &c {p: 1}\nd: {<<: *c, <<: *c}\n\"e/~\": {z: 1, z: 2}\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range DuplicateKeys(&root, "f.yaml") {
		got = append(got, e.Error()+" "+e.Pointer)
	}
	want := []string{
		`duplicate key "k7" at f.yaml:44:9 (first at line 11, column 9) /a/list/0/m/k7`,
		`duplicate key "x" at f.yaml:45:17 (first at line 45, column 5) /b/x`,
		`duplicate key "z" at f.yaml:48:15 (first at line 48, column 9) /e~1~0/z`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := FirstDuplicateKey(&root, ""); err == nil || !strings.HasPrefix(err.Error(), `duplicate key "k7" at <document>:44:9`) {
		t.Errorf("FirstDuplicateKey = %v", err)
	}
}

// FuzzDuplicateKeys checks DuplicateKeys against a plain map-per-mapping
// reference on whatever yaml.v3 decodes.
func FuzzDuplicateKeys(f *testing.F) {
	for _, s := range []string{"a: 1\na: 2\n", "{a: {b: 1, b: 2}, c: [ {d: 1, d: 1} ]}", "<<: {a: 1}\n<<: {b: 2}\n",
		"x: &x {a: 1, a: 2}\ny: *x\n", "? [a]\n: 1\n? [a]\n: 2\n", "{[{d,d}]}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var root yaml.Node
		if yaml.Unmarshal([]byte(s), &root) != nil {
			return
		}
		if (&Budget{}).Check(&root) != nil {
			return
		}
		if got, want := len(DuplicateKeys(&root, "")), refDuplicates(&root); got != want {
			t.Errorf("%q: %d duplicates, reference %d", s, got, want)
		}
	})
}

func refDuplicates(n *yaml.Node) int {
	c := 0
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				if seen[k.Value] {
					c++
				}
				seen[k.Value] = true
			}
		}
	}
	if n.Kind != yaml.AliasNode {
		for _, ch := range n.Content {
			c += refDuplicates(ch)
		}
	}
	return c
}
