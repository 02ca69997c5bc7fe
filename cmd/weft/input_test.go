package main

import (
	"encoding/json"
	"flag"
	"io"
	"reflect"
	"testing"
)

func TestConvertInput(t *testing.T) {
	typ := func(t ...string) []string { return t }
	tests := []struct {
		name    string
		schema  []string
		raw     string
		want    any
		wantErr bool
	}{
		{"string keeps digits", typ("string"), "42", "42", false},
		{"string keeps JSON", typ("string"), `{"a":1}`, `{"a":1}`, false},
		{"integer", typ("integer"), "42", json.Number("42"), false},
		{"integer big", typ("integer"), "9007199254740993", json.Number("9007199254740993"), false},
		{"integer from 2.0", typ("integer"), "2.0", json.Number("2"), false},
		{"integer rejects fraction", typ("integer"), "2.5", nil, true},
		{"integer rejects word", typ("integer"), "many", nil, true},
		{"number", typ("number"), "2.5", json.Number("2.5"), false},
		{"number rejects NaN", typ("number"), "NaN", nil, true},
		{"boolean true", typ("boolean"), "true", true, false},
		{"boolean false", typ("boolean"), "false", false, false},
		{"boolean rejects yes", typ("boolean"), "yes", nil, true},
		{"array", typ("array"), `["a",1]`, []any{"a", json.Number("1")}, false},
		{"array rejects object", typ("array"), `{"a":1}`, nil, true},
		{"object", typ("object"), `{"a":true}`, map[string]any{"a": true}, false},
		{"object rejects text", typ("object"), "hello", nil, true},
		{"type list tries in order", typ("integer", "string"), "abc", "abc", false},
		{"type list integer first", typ("integer", "string"), "7", json.Number("7"), false},
		{"nullable null", typ("string", "null"), "null", "null", false},
		{"null", typ("null"), "null", nil, false},
		{"undeclared JSON number", nil, "12", json.Number("12"), false},
		{"undeclared JSON bool", nil, "true", true, false},
		{"undeclared JSON object", nil, `{"k":"v"}`, map[string]any{"k": "v"}, false},
		{"undeclared JSON string", nil, `"quoted"`, "quoted", false},
		{"undeclared text", nil, "hello world", "hello world", false},
		{"undeclared trailing data is text", nil, "1 2", "1 2", false},
		{"undeclared empty", nil, "", "", false},
		{"schema without type", typ(), "[1]", []any{json.Number("1")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := convertInput(tt.schema, tt.raw)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wantW   string
		wantV   bool
	}{
		{[]string{"doc.yaml", "--workflow", "x", "-v"}, []string{"doc.yaml"}, "x", true},
		{[]string{"-v", "doc.yaml", "--workflow=x"}, []string{"doc.yaml"}, "x", true},
		{[]string{"a", "b", "--workflow", "x", "c"}, []string{"a", "b", "c"}, "x", false},
		{[]string{"a", "--", "-v"}, []string{"a", "-v"}, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		w := fs.String("workflow", "", "")
		v := fs.Bool("v", false, "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if !reflect.DeepEqual(pos, tt.wantPos) || *w != tt.wantW || *v != tt.wantV {
			t.Errorf("%v: pos %v workflow %q v %v", tt.args, pos, *w, *v)
		}
	}
}

func TestParseInputs(t *testing.T) {
	for _, src := range []string{`{"a": 1, "b": "x"}`, "a: 1\nb: x\n"} {
		got, err := parseInputs([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if !reflect.DeepEqual(got, map[string]any{"a": json.Number("1"), "b": "x"}) {
			t.Errorf("%q: got %#v", src, got)
		}
	}
	if _, err := parseInputs([]byte("[1, 2]")); err == nil {
		t.Error("a list of inputs should be rejected")
	}
}
