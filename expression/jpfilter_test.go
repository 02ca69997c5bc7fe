package expression

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ohler55/ojg/jp"
)

// The filter-by-filter evaluation selects the same nodes as ojg on the
// whole value with its numbers converted (the evaluation it replaces),
// only with numbers as decoded.
func TestGetFilteredMatchesConvertedValue(t *testing.T) {
	docs := []string{
		`{"items":[{"id":"a","price":5,"qty":1.5,"tags":["x"],"o":{"n":3}},{"id":"b","price":12,"qty":2,"o":{"n":30}},{"id":"c","price":12345678901234567890,"o":{}},{"id":"d"}],"total":3,"m":{"k1":{"v":1},"k2":{"v":2.5},"k3":{"v":"1"}}}`,
		`[{"a":1},{"a":2,"b":[{"c":1},{"c":5}]},{"a":"2"},3,4.5,"s",null,true,[1,2]]`,
		`{"a":{"b":{"c":[{"d":1e2},{"d":100},{"d":-0.5}]}}}`,
		`[]`, `{}`, `7`,
	}
	paths := []string{
		`$.items[?(@.price > 10)]`, `$.items[?(@.price == 5)].id`, `$.items[?(@.qty >= 1.5)]`,
		`$.items[?(@.id == 'b')].o.n`, `$.items[?(@.o.n < 10)]`, `$.items[?(@.tags)]`,
		`$.items[?(@.price)][?(@ > 1)]`, `$.m[?(@.v > 1)]`, `$.m[?(@.v == 1)].v`,
		`$[?(@.a == 2)]`, `$[?(@.a)].b[?(@.c > 2)].c`, `$[?(@ > 3)]`, `$[?(@ == 's')]`,
		`$.a.b.c[?(@.d == 100)]`, `$.a.b.c[?(@.d < 0)].d`, `$.a.*.c[?(@.d)]`, `$..c[?(@.d > 1)]`,
		`$.items[*].o[?(@ > 5)]`, `$.items[?(@.price > 10 && @.id == 'b')]`, `$.items[?(!(@.price > 10))]`,
		`$.items[?(@.id =~ /^[ab]/)]`, `$.items[0:2][?(@ == 'a')]`, `$[?(@.a)][?(@ > 1)]`,
		`$.items[?(length(@.tags) == 1)]`, `$.items[?(count(@.o.*) > 0)].id`,
	}
	canon := func(res []any) []string {
		var out []string
		for _, r := range res {
			b, _ := json.Marshal(normalizeNumbers(r))
			out = append(out, string(b))
		}
		sort.Strings(out)
		return out
	}
	for _, d := range docs {
		dec := json.NewDecoder(strings.NewReader(d))
		dec.UseNumber()
		var data any
		if err := dec.Decode(&data); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			x, err := parseJP(p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if !splitFilters(x) {
				t.Errorf("%s: not evaluated filter by filter", p)
				continue
			}
			want, ok1 := getJP(x, normalizeNumbers(data))
			got, ok2 := getFiltered(x, data)
			if ok1 != ok2 || strings.Join(canon(got), "\n") != strings.Join(canon(want), "\n") {
				t.Errorf("%s on %s:\n got %v (%v)\nwant %v (%v)", p, d, canon(got), ok2, canon(want), ok1)
			}
		}
	}
	for _, p := range []string{`$..[?(@.a)]`, `$.items[?(@.price == $.total)]`, `$.a`} {
		x, _ := parseJP(p)
		if splitFilters(x) {
			t.Errorf("%s: evaluated filter by filter", p)
		}
	}
}

// What a filter selects keeps its numbers exact: a big integer is not
// rounded to a float on its way through the filter.
func TestJSONPathFilterKeepsExactNumbers(t *testing.T) {
	c, err := compileJSONPath(`$.items[?(@.id == 'c')]`)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(`{"items":[{"id":"c","n":12345678901234567891}]}`))
	dec.UseNumber()
	var data any
	_ = dec.Decode(&data)
	st := evalState{cv: data}
	res := c.root.path.query(c.root.path.x, c.root.path.splitX, c.root.path.directX, &st)
	if len(res) != 1 || res[0].(map[string]any)["n"] != json.Number("12345678901234567891") {
		t.Fatalf("got %#v", res)
	}
}

// getDirect selects what ojg selects for paths of names and indexes.
func TestGetDirectMatchesOjg(t *testing.T) {
	dec := json.NewDecoder(strings.NewReader(`{"a":{"b":[1,{"c":null},"x"],"n":2.50},"e":[],"s":"str","z":null}`))
	dec.UseNumber()
	var data any
	_ = dec.Decode(&data)
	for _, p := range []string{`$`, `$.a`, `$.a.b`, `$.a.b[0]`, `$.a.b[1].c`, `$.a.b[-1]`, `$.a.b[-4]`, `$.a.b[3]`,
		`$.a.n`, `$.a.x`, `$.e[0]`, `$.s.x`, `$.s[0]`, `$.z`, `$.z.y`, `$['a']['b'][1]`, `$.a[0]`, `$.a.b.c`, `@.a`} {
		x, err := parseJP(p)
		if err != nil || !isDirect(x) {
			t.Fatalf("%s: %v direct=%v", p, err, isDirect(x))
		}
		got, ok := getDirect(x, data)
		want, _ := getJP(x, data)
		if !ok || !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%s: got %#v (%v), want %#v", p, got, ok, want)
		}
	}
	if _, ok := getDirect(jp.C("a"), map[string]string{"a": "b"}); ok {
		t.Error("a typed map is left to ojg")
	}
}
