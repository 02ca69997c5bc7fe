package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// decodeJSON decodes one JSON value with exact numbers (json.Number);
// trailing data is an error. Valid input is decoded by jdec, which yields
// exactly what encoding/json does; anything else goes to encoding/json so
// that errors read the same.
func decodeJSON(data []byte) (any, error) {
	if json.Valid(data) {
		d := jdec{data: data}
		if v, ok := d.value(); ok {
			return v, nil
		}
	}
	return decodeJSONStd(data)
}

func decodeJSONStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

// jdec decodes JSON already checked by json.Valid into map[string]any,
// []any, string, json.Number, bool and nil. Strings with escapes or
// non-ASCII bytes are unquoted by encoding/json. ok is false on anything
// unexpected, and the caller falls back to encoding/json.
type jdec struct {
	data []byte
	i    int
}

func (d *jdec) ws() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jdec) value() (any, bool) {
	d.ws()
	if d.i >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.i]; {
	case c == '{':
		d.i++
		m := make(map[string]any)
		d.ws()
		if d.i < len(d.data) && d.data[d.i] == '}' {
			d.i++
			return m, true
		}
		for {
			d.ws()
			k, ok := d.str()
			if !ok {
				return nil, false
			}
			d.ws()
			if d.i >= len(d.data) || d.data[d.i] != ':' {
				return nil, false
			}
			d.i++
			v, ok := d.value()
			if !ok {
				return nil, false
			}
			m[k] = v
			d.ws()
			if d.i >= len(d.data) {
				return nil, false
			}
			switch d.data[d.i] {
			case ',':
				d.i++
			case '}':
				d.i++
				return m, true
			default:
				return nil, false
			}
		}
	case c == '[':
		d.i++
		a := make([]any, 0)
		d.ws()
		if d.i < len(d.data) && d.data[d.i] == ']' {
			d.i++
			return a, true
		}
		for {
			v, ok := d.value()
			if !ok {
				return nil, false
			}
			a = append(a, v)
			d.ws()
			if d.i >= len(d.data) {
				return nil, false
			}
			switch d.data[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				return a, true
			default:
				return nil, false
			}
		}
	case c == '"':
		return d.str()
	case c == 't':
		return d.lit("true", true)
	case c == 'f':
		return d.lit("false", false)
	case c == 'n':
		return d.lit("null", nil)
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.i
		for d.i < len(d.data) && isNumByte(d.data[d.i]) {
			d.i++
		}
		return json.Number(d.data[start:d.i]), true
	}
	return nil, false
}

func (d *jdec) lit(s string, v any) (any, bool) {
	if len(d.data)-d.i < len(s) || string(d.data[d.i:d.i+len(s)]) != s {
		return nil, false
	}
	d.i += len(s)
	return v, true
}

// str decodes the string starting at d.i.
func (d *jdec) str() (string, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", false
	}
	start := d.i
	d.i++
	plain := true
	for d.i < len(d.data) {
		switch c := d.data[d.i]; {
		case c == '"':
			d.i++
			if plain {
				return string(d.data[start+1 : d.i-1]), true
			}
			var s string
			if err := json.Unmarshal(d.data[start:d.i], &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			d.i += 2
		case c < 0x20 || c >= 0x80:
			plain = false
			d.i++
		default:
			d.i++
		}
	}
	return "", false
}

func isNumByte(b byte) bool {
	return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E'
}
