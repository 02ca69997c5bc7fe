package expression

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
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
	res := c.root.path.query(c.root.path.x, c.root.path.splitX, &st)
	if len(res) != 1 || res[0].(map[string]any)["n"] != json.Number("12345678901234567891") {
		t.Fatalf("got %#v", res)
	}
}
