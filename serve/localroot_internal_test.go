package serve

import (
	"path/filepath"
	"testing"
)

// TestLocalRoot pins the default local tree of a flow's document: the
// deepest directory holding both the definition file and the document.
func TestLocalRoot(t *testing.T) {
	for _, c := range []struct{ def, doc, want string }{
		{"/srv/serve.yaml", "/srv/testdata/hookdeck/arazzo/a.yml", "/srv"},
		{"/srv/conf/serve.yaml", "/srv/flows/a.yml", "/srv"},
		{"/srv/conf/serve.yaml", "/srv/conf/a.yml", "/srv/conf"},
		{"/a/b/c/serve.yaml", "/x/a.yml", "/"},
	} {
		if got := localRoot(c.def, c.doc); got != filepath.FromSlash(c.want) {
			t.Errorf("localRoot(%s, %s) = %s, want %s", c.def, c.doc, got, c.want)
		}
	}
}
