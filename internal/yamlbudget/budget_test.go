package yamlbudget

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func tree(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [%s*l%d]\n", i, i, strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), i-1)
	}
	return b.String()
}

func TestCheckCountsAliases(t *testing.T) {
	b := &Budget{File: "a.yaml"}
	if err := b.Check(tree(t, laughs(2))); err != nil {
		t.Fatal(err)
	}
	// l1: 10 aliases of 11 nodes; l2: 10 aliases of 10*11+1 nodes.
	if added, depth := b.Stats(); added != 110+1110 || depth != 4 {
		t.Errorf("stats = %d, %d", added, depth)
	}
	// The allowance is per document: a second tree draws on the same one.
	for i := 0; i < 20; i++ {
		if err := b.Check(tree(t, laughs(2))); err != nil {
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != AliasNodes || le.File != "a.yaml" || le.Line != 3 {
				t.Fatalf("err = %#v", err)
			}
			return
		}
	}
	t.Fatal("budget never reached")
}

// The budget is reached at the alias that crosses it (the 8th of l3), in
// time linear in the text.
func TestCheckBillionLaughs(t *testing.T) {
	start := time.Now()
	err := (&Budget{File: "b.yaml"}).Check(tree(t, laughs(30))) // 10^30 nodes
	if err == nil || err.Error() != "limit MaxAliasNodes (10000) reached at b.yaml:4:45" {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("took %v", d)
	}
}

func TestCheckAliasCycle(t *testing.T) {
	err := (&Budget{}).Check(tree(t, "a: &a [1, *a]\n"))
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != AliasNodes || le.Line != 1 || le.Column != 11 {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckDepth(t *testing.T) {
	// as written
	err := (&Budget{File: "d.yaml"}).Check(tree(t, "x: "+strings.Repeat("[", 1001)+strings.Repeat("]", 1001)))
	if err == nil || err.Error() != "limit MaxNestingDepth (1000) reached at d.yaml:1:1003" {
		t.Fatalf("err = %v", err)
	}
	// through aliases: 600 + 600 levels
	src := "a: &a " + strings.Repeat("[", 600) + strings.Repeat("]", 600) + "\nb: " + strings.Repeat("[", 600) + "*a" + strings.Repeat("]", 600) + "\n"
	err = (&Budget{File: "d.yaml"}).Check(tree(t, src))
	if err == nil || !strings.HasPrefix(err.Error(), "limit MaxNestingDepth (1000) reached at d.yaml:2:") {
		t.Fatalf("err = %v", err)
	}
	if err := (&Budget{}).Check(tree(t, "x: "+strings.Repeat("[", 999)+strings.Repeat("]", 999))); err != nil {
		t.Fatal(err)
	}
}

func TestFromYAML(t *testing.T) {
	data := []byte("a: 1\nb: \"[[[\"\nc: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n")
	var n yaml.Node
	yerr := yaml.Unmarshal(data, &n)
	if yerr == nil {
		t.Fatal("yaml.v3 accepted 20000 levels")
	}
	err := FromYAML(yerr, "f.yaml", data)
	if err == nil || err.Error() != "limit MaxNestingDepth (1000) reached at f.yaml:3:1004" {
		t.Fatalf("FromYAML(%v) = %v", yerr, err)
	}
	other := errors.New("yaml: line 1: did not find expected key")
	if FromYAML(other, "f.yaml", nil) != other {
		t.Error("other errors must pass through")
	}
}
