package suggest

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"sorcesApi", "sourcesApi", 1}, {"kitten", "sitting", 3}, {"prot", "port", 1}, {"ca", "abc", 3}, {"ABC", "abc", 0}, {"", "abc", 3}} {
		if got := Distance(tt.a, tt.b); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
	// A hostile name is cut, not compared in full.
	long := strings.Repeat("x", 1<<20)
	if d := Distance(long, long+"y"); d != 0 {
		t.Errorf("long names compare their first %d runes: %d", MaxRunes, d)
	}
}

func TestClosest(t *testing.T) {
	for _, c := range []struct {
		name  string
		known []string
		want  string
	}{
		{"sorcesApi", []string{"sourcesApi", "integrationsApi"}, "sourcesApi"},
		{"zzz", []string{"sourcesApi", "integrationsApi"}, ""},
		{"petid", []string{"petId", "orderId", "cartId"}, "petId"},
		{"pet_id", []string{"petId", "orderId", "cartId"}, "petId"},
		{"ordreId", []string{"petId", "orderId", "cartId"}, "orderId"},
		{"x", []string{"petId", "orderId", "cartId"}, ""},
		{"limit", []string{"petId", "orderId", "cartId"}, ""},
		{"same", []string{"same"}, ""},
	} {
		if got := Closest(c.name, c.known); got != c.want {
			t.Errorf("Closest(%q, %v) = %q, want %q", c.name, c.known, got, c.want)
		}
	}
}

func FuzzDistance(f *testing.F) {
	f.Add("sorcesApi", "sourcesApi")
	f.Add("", "x")
	f.Add("ünïcode", "unicode")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Distance(a, b)
		if d < 0 || d != Distance(b, a) {
			t.Fatalf("Distance(%q, %q) = %d, not symmetric", a, b, d)
		}
		if a == b && d != 0 {
			t.Fatalf("Distance(%q, itself) = %d", a, d)
		}
	})
}
