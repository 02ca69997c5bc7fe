package openapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestJdecMatchesStd(t *testing.T) {
	cases := []string{`{}`, `[]`, ` {"a":1,"b":[1,2.5e-3,-0],"c":{"d":null,"e":true,"f":false}} `, `"x"`, `"a\nb\u00e9"`, "\"h\xc3\xa9\"", "\"bad\xff\"", `{"a":1,"a":2}`, `[[[]]]`, `12`, `-1.5E+10`, `{"k\"":"v"}`, `"\ud800"`, `{"a":[{}, [], "", 0]}`}
	for _, c := range cases {
		got, err1 := decodeJSON([]byte(c))
		want, err2 := decodeJSONStd([]byte(c))
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %#v %v vs %#v %v", c, got, err1, want, err2)
		}
	}
	for _, c := range []string{``, `1 2`, `{`, `{"a":1}x`, `nul`, `[1,]`} {
		_, err1 := decodeJSON([]byte(c))
		_, err2 := decodeJSONStd([]byte(c))
		if err1 == nil || err1.Error() != err2.Error() {
			t.Errorf("%q: %v vs %v", c, err1, err2)
		}
	}
}

func TestMarshalJSONFastMatchesStd(t *testing.T) {
	std := func(v any) string {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "error: " + err.Error()
		}
		return strings.TrimRight(buf.String(), "\n")
	}
	cases := []any{nil, true, false, "", "plain <&>", "quo\"te", "tab\t", "é", "\u2028",
		json.Number(""), json.Number("12"), json.Number("-0.5e+3"), json.Number("1."), json.Number("01"), json.Number(" 1"),
		map[string]any{}, map[string]any{"b": 1.5, "a": []any{"x", nil}}, map[string]any{"z": map[string]any{"y": []any{}}, "é": "k"},
		[]any(nil), []any{}, []any{map[string]any{"k": json.Number("3")}}, map[string]any{"ch": make(chan int)}}
	for _, c := range cases {
		got, err := marshalJSON(c)
		g := string(got)
		if err != nil {
			g = "error: " + err.Error()
		}
		if want := std(c); g != want {
			t.Errorf("%#v: got %s, want %s", c, g, want)
		}
	}
}

// FuzzJSONDecodeMatchesStd checks the fast response decoder against
// encoding/json on arbitrary input: same value, same error.
func FuzzJSONDecodeMatchesStd(f *testing.F) {
	for _, s := range []string{`{}`, `[1,"a",null,true]`, `{"a":{"b":[1.5e3,-0]}}`, `"\u00e9\n"`, "\"\xff\"", `{"a":1}x`, `[1,]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err1 := decodeJSON(data)
		want, err2 := decodeJSONStd(data)
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %#v (%v), std %#v (%v)", data, got, err1, want, err2)
		}
	})
}
