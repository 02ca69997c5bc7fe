package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sync"
)

// decodeJSON decodes one JSON value with exact numbers (json.Number);
// trailing data is an error. jdec decodes and checks in one pass; input it
// does not accept goes to encoding/json, so that errors read the same.
func decodeJSON(data []byte) (any, error) {
	sc := jdecScratch.Get().(*jdecStacks)
	d := jdec{data: data, kvs: sc.kvs[:0], items: sc.items[:0]}
	defer func() {
		clear(d.kvs[:cap(d.kvs)]) // drop what a failed decode left
		clear(d.items[:cap(d.items)])
		sc.kvs, sc.items = d.kvs[:0], d.items[:0]
		jdecScratch.Put(sc)
	}()
	if len(data) >= internMin {
		d.keys = make(map[string]string)
	}
	if v, ok := d.value(0); ok {
		if d.ws(); d.i == len(d.data) {
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

// jdec decodes JSON into map[string]any, []any, string, json.Number, bool
// and nil, exactly as encoding/json with UseNumber does, checking the
// grammar as it goes (there is no separate json.Valid pass). Strings with
// escapes or non-ASCII bytes are unquoted by encoding/json. ok is false on
// anything it does not accept (malformed input, nesting deeper than
// encoding/json allows), and the caller falls back to encoding/json.
//
// It is kept because it pays for itself: against encoding/json (Decoder,
// UseNumber, into any) on API list bodies, interleaved in the same runs
// (BenchmarkDecodeJSON, 8 rounds, medians of the per-round ratios), it is
// 1.9× faster at 1 KB and 1.8× at 100 KB and 10 MB, and allocates 29%,
// 36% and 43% fewer bytes (docs/performance.md, section hotpath).
type jdec struct {
	data []byte
	i    int
	// keys, for a large body, shares the member names that repeat from
	// record to record (one string each instead of one per record); it
	// holds at most internMax names. (Sharing short values too was
	// measured: it costs more for unique values than it saves.)
	keys  map[string]string
	kvs   []kv  // members of the objects being decoded
	items []any // items of the arrays being decoded
}

// jdecStacks are the stacks of one decode, pooled.
type jdecStacks struct {
	kvs   []kv
	items []any
}

var jdecScratch = sync.Pool{New: func() any { return &jdecStacks{} }}

type kv struct {
	k string
	v any
}

// internMin is the body size from which jdec shares repeated member
// names; internMax bounds how many.
const (
	internMin = 16 << 10
	internMax = 4096
)

// maxJSONDepth is encoding/json's nesting limit: deeper input is left to
// encoding/json, which reports it.
const maxJSONDepth = 10000

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

func (d *jdec) value(depth int) (any, bool) {
	d.ws()
	if d.i >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.i]; {
	case c == '{':
		if depth >= maxJSONDepth {
			return nil, false
		}
		d.i++
		d.ws()
		if d.i < len(d.data) && d.data[d.i] == '}' {
			d.i++
			return make(map[string]any), true
		}
		// Members wait on d.kvs until the object ends, so that the map is
		// made at its size instead of grown.
		base := len(d.kvs) // (on failure the whole decode stops: no need to pop)
		for {
			d.ws()
			k, ok := d.key()
			if !ok {
				return nil, false
			}
			d.ws()
			if d.i >= len(d.data) || d.data[d.i] != ':' {
				return nil, false
			}
			d.i++
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			d.kvs = append(d.kvs, kv{k, v})
			d.ws()
			if d.i >= len(d.data) {
				return nil, false
			}
			switch d.data[d.i] {
			case ',':
				d.i++
			case '}':
				d.i++
				m := make(map[string]any, len(d.kvs)-base)
				for _, e := range d.kvs[base:] {
					m[e.k] = e.v // in order: the last of equal names wins
				}
				clear(d.kvs[base:]) // (let the values go with the tree)
				d.kvs = d.kvs[:base]
				return m, true
			default:
				return nil, false
			}
		}
	case c == '[':
		if depth >= maxJSONDepth {
			return nil, false
		}
		d.i++
		d.ws()
		if d.i < len(d.data) && d.data[d.i] == ']' {
			d.i++
			return make([]any, 0), true
		}
		// Items wait on d.items until the array ends: one slice at its
		// size instead of one per doubling.
		base := len(d.items)
		for {
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			d.items = append(d.items, v)
			d.ws()
			if d.i >= len(d.data) {
				return nil, false
			}
			switch d.data[d.i] {
			case ',':
				d.i++
			case ']':
				d.i++
				a := append(make([]any, 0, len(d.items)-base), d.items[base:]...)
				clear(d.items[base:])
				d.items = d.items[:base]
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
		s := string(d.data[start:d.i])
		if !isValidNumber(s) {
			return nil, false
		}
		return json.Number(s), true
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

// key decodes a member name, shared through d.keys when there is one.
func (d *jdec) key() (string, bool) {
	if d.keys == nil || d.i >= len(d.data) || d.data[d.i] != '"' {
		return d.str()
	}
	j := d.i + 1
	for j < len(d.data) {
		c := d.data[j]
		if c == '"' {
			break
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return d.str() // not plain: not shared
		}
		j++
	}
	if j >= len(d.data) {
		return "", false
	}
	raw := d.data[d.i+1 : j]
	d.i = j + 1
	if k, ok := d.keys[string(raw)]; ok {
		return k, true
	}
	k := string(raw)
	if len(d.keys) < internMax {
		d.keys[k] = k
	}
	return k, true
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
