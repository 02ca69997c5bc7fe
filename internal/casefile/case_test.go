package casefile

import (
	"slices"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	dirs, err := Find("../../arazzotest/testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 5 || !strings.HasSuffix(dirs[0], "bad-format") {
		t.Errorf("Find = %v", dirs)
	}
	if _, err := Find("../../arazzotest/testdata/bookshop.arazzo.yaml"); err == nil {
		t.Error("a file is not a case directory")
	}
}

// OpenAPISourceNames (the names ServeAll serves) follows referenced Arazzo
// documents and lists each OpenAPI source once.
func TestSourceNames(t *testing.T) {
	doc, err := Load(t.Context(), "../../arazzotest/testdata/nested.arazzo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.OpenAPISourceNames(); !slices.Equal(got, []string{"shop", "shopAgain"}) {
		t.Errorf("OpenAPISourceNames = %v", got)
	}
}
