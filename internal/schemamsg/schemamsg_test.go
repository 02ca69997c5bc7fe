package schemamsg

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compile(t *testing.T, schema string) (*jsonschema.Schema, Docs) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(schema)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///s.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem:///s.json")
	if err != nil {
		t.Fatal(err)
	}
	return s, Docs{"mem:///s.json": doc}
}

func words(ls []Leaf) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Instance+": "+l.Message)
	}
	return strings.Join(out, " | ")
}

// TestPropertyNamesPlacedAtTheProperty: each bad name is placed at its
// own property, in spite of v6's shared instance location.
func TestPropertyNamesPlacedAtTheProperty(t *testing.T) {
	s, docs := compile(t, `{"properties": {"a": {"propertyNames": {"pattern": "^[a-z]+$"}}, "b": {"propertyNames": {"pattern": "^[a-z]+$"}}, "c": {"type": "object"}}}`)
	v := map[string]any{"a": map[string]any{"X1": 1}, "b": map[string]any{"Y 2": 1}, "c": map[string]any{"zz": map[string]any{}}}
	got := words(Leaves(s.Validate(v), docs, v))
	for _, want := range []string{"/a/X1: does not match pattern '^[a-z]+$'", "/b/Y 2: does not match pattern '^[a-z]+$'"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// TestTypeOrderAsSpelt: the types of a type error are listed as the
// schema spells them, with the raw document; v6's order without.
func TestTypeOrderAsSpelt(t *testing.T) {
	s, docs := compile(t, `{"properties": {"a": {"type": ["string", "null"]}}}`)
	v := map[string]any{"a": 1.5}
	if got := words(Leaves(s.Validate(v), docs, v)); got != "/a: expected string or null, but got number" {
		t.Errorf("with the document: %s", got)
	}
	if got := words(Leaves(s.Validate(v), nil, v)); got != "/a: expected null or string, but got number" {
		t.Errorf("without: %s", got)
	}
}

// TestPointerEscapes: pointers escape ~ and / (RFC 6901), nothing else.
func TestPointerEscapes(t *testing.T) {
	if got := Pointer([]string{"a b", "x/y", "m~n", ""}); got != "/a b/x~1y/m~0n/" {
		t.Errorf("got %q", got)
	}
	if Leaves(nil, nil, nil) != nil {
		t.Error("no error, no leaves")
	}
}
