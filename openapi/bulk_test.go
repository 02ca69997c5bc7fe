package openapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The schema layer decodes a components kind at once (bulk.go); the nodes
// are the ones decoding entry by entry, or the whole document, gives:
// same positions, same values. A kind with an anchor or alias, or one of
// whose entries was decoded alone, is decoded entry by entry.
func TestBulkEntriesMatchFullDecode(t *testing.T) {
	src := strings.Replace(bigYAML(), "Shared: *shared", "Shared: {type: string, maxLength: 3}", 1)
	src = strings.Replace(src, "x-shared: &shared\n  type: string\n  maxLength: 3\n", "", 1)
	lz, full := parseBoth(t, src)
	ctx := context.Background()
	if _, err := lz.OperationByID("get7").schemaRoute(ctx); err != nil {
		t.Fatal(err)
	}
	var g *entryGroup
	for _, ls := range lz.lazy {
		if ls.group != nil && ls.path[1] == "schemas" {
			g = ls.group
		}
	}
	if g == nil || !g.bulked {
		t.Fatal("schemas not decoded in bulk")
	}
	for i := 0; i < 60; i++ {
		for _, p := range []string{"", "/properties/description", "/properties/name", "/required/0"} {
			ptr := fmt.Sprintf("/components/schemas/S%d%s", i, p)
			n, ok := lz.pointer(lz.root, ptr)
			nf, okf := full.pointer(full.root, ptr)
			if !ok || !okf || n.Line != nf.Line || n.Column != nf.Column || n.Value != nf.Value || n.Kind != nf.Kind {
				t.Fatalf("%s: lazy %v %d:%d %q, full %v %d:%d %q", ptr, ok, n.Line, n.Column, n.Value, okf, nf.Line, nf.Column, nf.Value)
			}
		}
	}
	// an entry decoded alone first: no bulk decode
	lz2 := mustParse(t, src, "https://big.example.com/spec.yaml")
	if _, ok := lz2.pointer(lz2.root, "/components/schemas/S1"); !ok {
		t.Fatal("S1")
	}
	if _, err := lz2.OperationByID("get7").schemaRoute(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ls := range lz2.lazy {
		if ls.group != nil && ls.path[1] == "schemas" && ls.group.bulked {
			t.Fatal("bulk decode after an entry was decoded alone")
		}
	}
}
