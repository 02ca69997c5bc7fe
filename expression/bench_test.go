package expression

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func BenchmarkStatusCodeCondition(b *testing.B) {
	c, err := CompileCriterion(CriterionSpec{Condition: "$statusCode == 200"})
	if err != nil {
		b.Fatal(err)
	}
	env := &Values{StatusCode: 200}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := check(c, env)
		if !o.Passed || err != nil {
			b.Fatal(o, err)
		}
	}
}

func BenchmarkTemplateTwoParts(b *testing.B) {
	t, err := ParseTemplate("https://{$inputs.host}/pets/{$steps.create.outputs.id}")
	if err != nil {
		b.Fatal(err)
	}
	env := &Values{
		Inputs: map[string]any{"host": "api.example.com"},
		Steps:  map[string]map[string]any{"create": {"id": json.Number("4711")}},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, missing := t.Render(env)
		if len(missing) > 0 || s != "https://api.example.com/pets/4711" {
			b.Fatal(s, missing)
		}
	}
}

// body10KB returns a decoded (UseNumber) JSON body of about 10 KB.
func body10KB(tb testing.TB) any {
	var sb strings.Builder
	sb.WriteString(`{"success":true,"count":100,"models":[`)
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"id":"evt_` + strconv.Itoa(i) + `","status":"delivered","attempts":` + strconv.Itoa(i%4) + `,"url":"https://example.com/hooks/` + strconv.Itoa(i) + `","tags":["a","b"]}`)
	}
	sb.WriteString(`]}`)
	if sb.Len() < 9500 {
		tb.Fatalf("body is only %d bytes", sb.Len())
	}
	dec := json.NewDecoder(strings.NewReader(sb.String()))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func BenchmarkJSONPathComparison10KB(b *testing.B) {
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.models.length > 0", Type: "jsonpath"})
	if err != nil {
		b.Fatal(err)
	}
	env := &Values{ResponseBody: body10KB(b), HasResponse: true}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := check(c, env)
		if !o.Passed || err != nil {
			b.Fatal(o, err)
		}
	}
}

func BenchmarkJSONPathFilter10KB(b *testing.B) {
	c, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.models[?(@.attempts > 2)]", Type: "jsonpath"})
	if err != nil {
		b.Fatal(err)
	}
	env := &Values{ResponseBody: body10KB(b), HasResponse: true}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o, err := check(c, env)
		if !o.Passed || err != nil {
			b.Fatal(o, err)
		}
	}
}

func BenchmarkCompileCondition(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := CompileCriterion(CriterionSpec{Condition: "$statusCode == 200 && $response.body#/status == 'completed'"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileJSONPathComparison compiles the reference workflow's
// jsonpath criterion: "$.success == true" is first tried as a whole path
// (it is not one) and then parsed as a condition.
func BenchmarkCompileJSONPathComparison(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := CompileCriterion(CriterionSpec{Context: "$response.body", Condition: "$.success == true", Type: "jsonpath"}); err != nil {
			b.Fatal(err)
		}
	}
}
