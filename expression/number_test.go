package expression

import (
	"encoding/json"
	"testing"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// TestCompareFollowsNumberRule pins == on numbers to the rule
// internal/jsonvalue documents (docs/semantics.md, "JSON values").
func TestCompareFollowsNumberRule(t *testing.T) {
	nums := []any{1, 1.0, json.Number("1"), json.Number("1.0"), json.Number("1e0"), int8(1), uint64(1),
		int64(9007199254740993), json.Number("9007199254740992"), 9007199254740992.0,
		json.Number("12345678901234567891"), json.Number("12345678901234567892"), 2.5, json.Number("2.5")}
	for _, a := range nums {
		for _, b := range nums {
			x, _ := jsonvalue.ToNumber(a)
			y, _ := jsonvalue.ToNumber(b)
			want := x.Cmp(y) == 0
			if got := Compare(a, "==", b); got != want {
				t.Errorf("Compare(%#v == %#v) = %v; the number rule says %v", a, b, got, want)
			}
		}
	}
	if !Compare(1, "==", json.Number("1.0")) || Compare(int64(9007199254740993), "==", json.Number("9007199254740992")) {
		t.Error("1 == 1.0 must hold and two distinct exact integers must differ")
	}
	if !Compare(json.Number("9007199254740992"), "==", 9007199254740993.0) {
		t.Error("an integer and a float compare as floats")
	}
}
