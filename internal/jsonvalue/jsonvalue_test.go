package jsonvalue

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// rfcDoc is the document of RFC 6901 section 5.
const rfcDoc = `{
  "foo": ["bar", "baz"],
  "": 0,
  "a/b": 1,
  "c%d": 2,
  "e^f": 3,
  "g|h": 4,
  "i\\j": 5,
  "k\"l": 6,
  " ": 7,
  "m~n": 8
}`

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestGetRFC6901Examples(t *testing.T) {
	doc := decode(t, rfcDoc)
	for ptr, want := range map[string]any{
		"/foo":   []any{"bar", "baz"},
		"/foo/0": "bar",
		"/":      json.Number("0"),
		"/a~1b":  json.Number("1"),
		"/c%d":   json.Number("2"),
		"/e^f":   json.Number("3"),
		"/g|h":   json.Number("4"),
		"/i\\j":  json.Number("5"),
		"/k\"l":  json.Number("6"),
		"/ ":     json.Number("7"),
		"/m~0n":  json.Number("8"),
	} {
		got, ok := Get(doc, ptr)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%q) = %v, %v; want %v", ptr, got, ok, want)
		}
	}
	if got, ok := Get(doc, ""); !ok || !reflect.DeepEqual(got, doc) {
		t.Errorf("Get(\"\") = %v, %v; want the whole document", got, ok)
	}
}

func TestGetAddressesNothing(t *testing.T) {
	doc := decode(t, rfcDoc)
	for _, ptr := range []string{
		"foo",      // no leading '/'
		"/foo/2",   // past the end
		"/foo/-",   // "-" never exists
		"/foo/01",  // leading zero
		"/foo/+1",  // sign
		"/foo/0/x", // into a string
		"/m~2n",    // bad escape
		"/m~",      // truncated escape
		"/nope",
	} {
		if got, ok := Get(doc, ptr); ok {
			t.Errorf("Get(%q) = %v, true; want false", ptr, got)
		}
	}
	if got, ok := Get(map[string]string{"a/b": "x"}, "/a~1b"); !ok || got != "x" {
		t.Errorf("Get on map[string]string = %v, %v", got, ok)
	}
	if got, ok := Get([]string{"x", "y"}, "/1"); !ok || got != "y" {
		t.Errorf("Get on []string = %v, %v", got, ok)
	}
}

func TestEscapeUnescape(t *testing.T) {
	// "~01" decodes to "~1", not "/": "~0" is decoded after "~1" (RFC 6901 §4).
	for raw, esc := range map[string]string{"a/b": "a~1b", "m~n": "m~0n", "~1": "~01", "": "", "/~": "~1~0"} {
		if got := EscapeToken(raw); got != esc {
			t.Errorf("EscapeToken(%q) = %q; want %q", raw, got, esc)
		}
		if got := UnescapeToken(esc); got != raw {
			t.Errorf("UnescapeToken(%q) = %q; want %q", esc, got, raw)
		}
	}
	// A bad escape is kept as written.
	if got := UnescapeToken("a~2~1~"); got != "a~2/~" {
		t.Errorf("UnescapeToken(bad) = %q; want \"a~2/~\"", got)
	}
	if got := Join("paths", "/pets/{id}", "get"); got != "/paths/~1pets~1{id}/get" {
		t.Errorf("Join = %q", got)
	}
}

func TestSplitAndCheck(t *testing.T) {
	toks, err := Split("/a~1b/~0/")
	if err != nil || !reflect.DeepEqual(toks, []string{"a/b", "~", ""}) {
		t.Errorf("Split = %q, %v", toks, err)
	}
	if toks, err := Split(""); err != nil || toks != nil {
		t.Errorf("Split(\"\") = %q, %v", toks, err)
	}
	var se *SyntaxError
	if _, err := Split("/ab~x"); !errors.As(err, &se) || se.Offset != 3 {
		t.Errorf("Split(bad escape) error = %v; want a *SyntaxError at 3", err)
	}
	if err := Check("a/b"); !errors.As(err, &se) || se.Offset != 0 || !strings.Contains(err.Error(), "start with '/'") {
		t.Errorf("Check(no slash) = %v", err)
	}
}

func TestSet(t *testing.T) {
	doc := decode(t, `{"a": {"b": [1, 2]}}`)
	steps := []struct {
		ptr  string
		val  any
		want string
	}{
		{"/a/b/0", "x", `{"a":{"b":["x",2]}}`},
		{"/a/b/-", 3, `{"a":{"b":["x",2,3]}}`},
		{"/a/b/3", 4, `{"a":{"b":["x",2,3,4]}}`},
		{"/a/c~1d", true, `{"a":{"b":["x",2,3,4],"c/d":true}}`},
	}
	for _, s := range steps {
		var err error
		if doc, err = Set(doc, s.ptr, s.val); err != nil {
			t.Fatalf("Set(%q): %v", s.ptr, err)
		}
		if b, _ := json.Marshal(doc); string(b) != s.want {
			t.Errorf("after Set(%q): %s; want %s", s.ptr, b, s.want)
		}
	}
	for _, ptr := range []string{"/x/y", "/a/b/9", "/a/b/01", "/a/b/-/0", "/a/b/0/z", "a"} {
		if _, err := Set(doc, ptr, 1); err == nil {
			t.Errorf("Set(%q) succeeded; want an error", ptr)
		}
	}
	if v, err := Set(doc, "", "whole"); err != nil || v != "whole" {
		t.Errorf("Set(\"\") = %v, %v", v, err)
	}
}

func TestCopyDoesNotAlias(t *testing.T) {
	orig := decode(t, `{"a": [{"b": 1}], "c": "d"}`)
	c := Copy(orig)
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("Copy = %v; want %v", c, orig)
	}
	c.(map[string]any)["a"].([]any)[0].(map[string]any)["b"] = 2
	if v, _ := Get(orig, "/a/0/b"); v != json.Number("1") {
		t.Errorf("changing the copy changed the original: %v", v)
	}
}

// TestNumberRule pins the rule documented in the package comment, which
// expression's == follows.
func TestNumberRule(t *testing.T) {
	n := func(v any) Number {
		t.Helper()
		x, ok := ToNumber(v)
		if !ok {
			t.Fatalf("ToNumber(%#v) failed", v)
		}
		return x
	}
	equal := [][2]any{
		{1, 1.0},
		{1, json.Number("1")},
		{1.0, json.Number("1")},
		{json.Number("1"), json.Number("1.0")},
		{json.Number("1"), json.Number("1e0")},
		{int8(1), uint64(1)},
		{float32(0.5), json.Number("0.5")},
		{int64(math.MaxInt64), json.Number("9223372036854775807")},
		{uint64(math.MaxUint64), float64(math.MaxUint64)},
		// Beyond int64 both sides are floats.
		{json.Number("12345678901234567891"), json.Number("12345678901234567892")},
	}
	for _, p := range equal {
		if c := n(p[0]).Cmp(n(p[1])); c != 0 {
			t.Errorf("%#v vs %#v: Cmp = %d; want 0", p[0], p[1], c)
		}
	}
	// Two int64s compare exactly, though their float64 values are equal.
	if c := n(int64(9007199254740993)).Cmp(n(json.Number("9007199254740992"))); c != 1 {
		t.Errorf("exact integers: Cmp = %d; want 1", c)
	}
	if c := n(json.Number("2")).Cmp(n(10)); c != -1 {
		t.Errorf("2 vs 10: Cmp = %d; want -1", c)
	}
	if c := n(math.NaN()).Cmp(n(math.NaN())); c != 2 {
		t.Errorf("NaN: Cmp = %d; want 2 (unordered)", c)
	}
	if v := n(json.Number("1")).Value(); v != int64(1) {
		t.Errorf("Value(1) = %#v; want int64(1)", v)
	}
	if v := n(json.Number("1.0")).Value(); v != 1.0 {
		t.Errorf("Value(1.0) = %#v; want float64(1)", v)
	}
	for _, s := range []string{"", "-", "1.", ".5", "1e", "0x10", "1_000", " 1", "NaN"} {
		if _, ok := ParseNumber(s); ok {
			t.Errorf("ParseNumber(%q) accepted", s)
		}
	}
	if x, ok := ParseNumber("+1e400"); !ok || !math.IsInf(x.Float(), 1) {
		t.Errorf("ParseNumber(+1e400) = %v, %v; want +Inf", x, ok)
	}
	if _, ok := ToNumber("1"); ok {
		t.Error("ToNumber accepted a string")
	}
}

func TestNativeNumbers(t *testing.T) {
	in := decode(t, `{"a": [1, 2.5, "x"], "b": {"c": true}}`)
	out, changed := NativeNumbers(in)
	if !changed {
		t.Fatal("NativeNumbers reported no change")
	}
	want := map[string]any{"a": []any{int64(1), 2.5, "x"}, "b": map[string]any{"c": true}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("NativeNumbers = %#v", out)
	}
	if in.(map[string]any)["a"].([]any)[0] != json.Number("1") {
		t.Error("NativeNumbers changed its input")
	}
	// Unchanged containers are shared, not copied.
	if reflect.ValueOf(out.(map[string]any)["b"]).UnsafePointer() != reflect.ValueOf(in.(map[string]any)["b"]).UnsafePointer() {
		t.Error("an object without numbers was copied")
	}
}

func FuzzPointer(f *testing.F) {
	for _, s := range []string{"", "/", "/a~1b", "/m~0n", "~", "/~", "/~2", "/0/01/-", "a/b", "~01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if u := UnescapeToken(EscapeToken(s)); u != s {
			t.Fatalf("UnescapeToken(EscapeToken(%q)) = %q", s, u)
		}
		if _, ok := unescape(EscapeToken(s)); !ok {
			t.Fatalf("EscapeToken(%q) = %q has a bad escape", s, EscapeToken(s))
		}
		if toks, err := Split(Join(s, s)); err != nil || len(toks) != 2 || toks[0] != s || toks[1] != s {
			t.Fatalf("Split(Join(%q, %q)) = %q, %v", s, s, toks, err)
		}
		// The two-pass decoding the callers wrote by hand gives the same.
		if u := UnescapeToken(s); u != strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~") {
			t.Fatalf("UnescapeToken(%q) = %q; the RFC 6901 two-pass decoding differs", s, u)
		}
		toks, err := Split(s)
		if (err == nil) != (Check(s) == nil) {
			t.Fatalf("Split and Check disagree on %q", s)
		}
		if err == nil && Join(toks...) != s {
			t.Fatalf("Join(Split(%q)) = %q", s, Join(toks...))
		}
		doc := map[string]any{s: []any{s}, "": map[string]any{"": s}}
		_, _ = Get(doc, s)
		_, _ = Set(Copy(doc), s, 1)
		_, _ = ParseNumber(s)
	})
}

func BenchmarkGetPointer(b *testing.B) {
	doc := decode(b, `{"data": {"items": [{"id": 1}, {"id": 2, "a/b": 3}]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Get(doc, "/data/items/1/id"); !ok {
			b.Fatal("missing")
		}
		if _, ok := Get(doc, "/data/items/1/a~1b"); !ok {
			b.Fatal("missing")
		}
	}
}

func TestEqual(t *testing.T) {
	a := decode(t, `{"n": 1, "l": [1.0, "x", true, null], "o": {"f": 0.5}}`)
	b := map[string]any{"n": 1.0, "l": []any{int64(1), "x", true, nil}, "o": map[string]any{"f": float32(0.5)}}
	if !Equal(a, b) || !Equal(b, a) {
		t.Error("equal values under the number rule compare unequal")
	}
	for _, p := range [][2]any{
		{json.Number("1"), "1"}, // a number is not a string
		{"A", "a"},              // strings compare exactly (unlike expression's ==)
		{nil, false},            // null is only null
		{[]any{1}, []any{1, 1}}, // lengths differ
		{map[string]any{"a": nil}, map[string]any{"b": nil}},
		{json.Number("2"), json.Number("2.5")},
		{math.NaN(), math.NaN()},
	} {
		if Equal(p[0], p[1]) || Equal(p[1], p[0]) {
			t.Errorf("Equal(%#v, %#v) = true", p[0], p[1])
		}
	}
}
