package openapi

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// value is a parameter value normalised for serialization.
type value struct {
	kind  int // 0 primitive, 1 array, 2 object
	prim  string
	null  bool
	items []string
	keys  []string
	vals  []string
	raw   any // for deepObject nesting
}

const (
	kPrim = iota
	kArray
	kObject
)

// ScalarString formats a scalar the way weft writes it in a URL, a header
// or a form; ok is false for values that are not scalars (maps, slices of
// values). nil is the empty string.
func ScalarString(v any) (string, bool) { return primString(v) }

// primString formats a scalar the way it appears in a URL or header.
func primString(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", true
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e15 {
			return strconv.FormatInt(int64(t), 10), true
		}
		return strconv.FormatFloat(t, 'g', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(t), 'g', -1, 32), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int32:
		return strconv.FormatInt(int64(t), 10), true
	case uint64:
		return strconv.FormatUint(t, 10), true
	case uint:
		return strconv.FormatUint(uint64(t), 10), true
	case []byte:
		return string(t), true
	case fmt.Stringer:
		return t.String(), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), true
	case reflect.String:
		return rv.String(), true
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), true
	}
	return "", false
}

// itemString formats an array item or object member: scalars as text,
// nested structures as JSON.
func itemString(v any) string {
	if s, ok := primString(v); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func normalize(v any) value {
	if v == nil {
		return value{null: true}
	}
	if s, ok := primString(v); ok {
		return value{prim: s}
	}
	switch t := v.(type) {
	case []any:
		out := value{kind: kArray, items: make([]string, len(t))}
		for i, x := range t {
			out.items[i] = itemString(x)
		}
		return out
	case []string:
		return value{kind: kArray, items: append([]string(nil), t...)}
	case map[string]any:
		out := value{kind: kObject, raw: t}
		for k := range t {
			out.keys = append(out.keys, k)
		}
		sort.Strings(out.keys)
		for _, k := range out.keys {
			out.vals = append(out.vals, itemString(t[k]))
		}
		return out
	case map[string]string:
		out := value{kind: kObject}
		for k := range t {
			out.keys = append(out.keys, k)
		}
		sort.Strings(out.keys)
		for _, k := range out.keys {
			out.vals = append(out.vals, t[k])
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := value{kind: kArray}
		for i := 0; i < rv.Len(); i++ {
			out.items = append(out.items, itemString(rv.Index(i).Interface()))
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			m := map[string]any{}
			for _, k := range rv.MapKeys() {
				m[k.String()] = rv.MapIndex(k).Interface()
			}
			return normalize(m)
		}
	case reflect.Pointer:
		if rv.IsNil() {
			return value{null: true}
		}
		return normalize(rv.Elem().Interface())
	}
	return value{prim: itemString(v)}
}

const upperhex = "0123456789ABCDEF"

// escape percent-encodes every byte that is not unreserved (RFC 3986); with
// reserved, RFC 3986 reserved characters are kept too.
func escape(s string, reserved bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keep(s[i], reserved) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c, reserved) {
			b = append(b, c)
		} else {
			b = append(b, '%', upperhex[c>>4], upperhex[c&15])
		}
	}
	return string(b)
}

func keep(c byte, reserved bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	switch c {
	case '-', '.', '_', '~':
		return true
	case ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return reserved
	}
	return false
}

func joinEsc(xs []string, sep string, enc func(string) string) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(enc(x))
	}
	return b.String()
}

func pairs(v value, kvSep, sep string, enc func(string) string) string {
	var b strings.Builder
	for i, k := range v.keys {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(enc(k))
		b.WriteString(kvSep)
		b.WriteString(enc(v.vals[i]))
	}
	return b.String()
}

// serializePath serializes a path parameter (styles simple, label, matrix).
func serializePath(p Parameter, v any) (string, error) {
	enc := func(s string) string { return escape(s, false) }
	return serializeSimpleLike(p, normalize(v), enc)
}

// serializeHeader serializes a header parameter (style simple).
func serializeHeader(p Parameter, v any) (string, error) {
	enc := func(s string) string { return s }
	s, err := serializeSimpleLike(p, normalize(v), enc)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(s, "\r\n\x00") {
		return "", fmt.Errorf("openapi: header %q: value contains a line break or NUL", p.Name)
	}
	return s, nil
}

func serializeSimpleLike(p Parameter, v value, enc func(string) string) (string, error) {
	style := p.Style
	if style == "" {
		style = "simple"
	}
	switch style {
	case "simple":
		switch v.kind {
		case kArray:
			return joinEsc(v.items, ",", enc), nil
		case kObject:
			if p.Explode {
				return pairs(v, "=", ",", enc), nil
			}
			return pairs(v, ",", ",", enc), nil
		}
		return enc(v.prim), nil
	case "label":
		switch v.kind {
		case kArray:
			if p.Explode {
				return "." + joinEsc(v.items, ".", enc), nil
			}
			return "." + joinEsc(v.items, ",", enc), nil
		case kObject:
			if p.Explode {
				return "." + pairs(v, "=", ".", enc), nil
			}
			return "." + pairs(v, ",", ",", enc), nil
		}
		return "." + enc(v.prim), nil
	case "matrix":
		name := enc(p.Name)
		switch v.kind {
		case kArray:
			if p.Explode {
				var b strings.Builder
				for _, x := range v.items {
					b.WriteString(";" + name + "=" + enc(x))
				}
				return b.String(), nil
			}
			return ";" + name + "=" + joinEsc(v.items, ",", enc), nil
		case kObject:
			if p.Explode {
				return ";" + pairs(v, "=", ";", enc), nil
			}
			return ";" + name + "=" + pairs(v, ",", ",", enc), nil
		}
		if v.null || v.prim == "" {
			return ";" + name, nil
		}
		return ";" + name + "=" + enc(v.prim), nil
	}
	return "", fmt.Errorf("openapi: parameter %q in %s: style %q is not allowed there", p.Name, p.In, style)
}

// serializeQuery serializes a query parameter (or a form/multipart field)
// into already-encoded "k=v" pieces to be joined with "&".
func serializeQuery(p Parameter, v any) ([]string, error) {
	enc := func(s string) string { return escape(s, p.AllowReserved) }
	name := escape(p.Name, false)
	nv := normalize(v)
	style := p.Style
	if style == "" {
		style = "form"
	}
	delim := ""
	switch style {
	case "form":
		delim = ","
	case "spaceDelimited":
		delim = "%20"
	case "pipeDelimited":
		delim = "|"
	case "tabDelimited":
		delim = "%09"
	case "deepObject":
		if nv.kind != kObject {
			return nil, fmt.Errorf("openapi: parameter %q: style deepObject needs an object value", p.Name)
		}
		var out []string
		deepObject(name, nv.raw, nv, enc, &out)
		return out, nil
	default:
		return nil, fmt.Errorf("openapi: parameter %q in %s: style %q is not allowed there", p.Name, p.In, style)
	}
	switch nv.kind {
	case kArray:
		if p.Explode {
			out := make([]string, len(nv.items))
			for i, x := range nv.items {
				out[i] = name + "=" + enc(x)
			}
			return out, nil
		}
		return []string{name + "=" + joinEsc(nv.items, delim, enc)}, nil
	case kObject:
		if p.Explode {
			out := make([]string, len(nv.keys))
			for i, k := range nv.keys {
				out[i] = enc(k) + "=" + enc(nv.vals[i])
			}
			return out, nil
		}
		return []string{name + "=" + pairs(nv, delim, delim, enc)}, nil
	}
	return []string{name + "=" + enc(nv.prim)}, nil
}

// deepObject writes name[k]=v pieces, recursing into nested objects
// (name[a][b]=v) and repeating arrays (name[k]=1&name[k]=2).
func deepObject(prefix string, raw any, nv value, enc func(string) string, out *[]string) {
	m, _ := raw.(map[string]any)
	for i, k := range nv.keys {
		key := prefix + "[" + enc(k) + "]"
		if m != nil {
			sub := normalize(m[k])
			switch sub.kind {
			case kObject:
				deepObject(key, sub.raw, sub, enc, out)
				continue
			case kArray:
				for _, x := range sub.items {
					*out = append(*out, key+"="+enc(x))
				}
				continue
			}
		}
		*out = append(*out, key+"="+enc(nv.vals[i]))
	}
}

// serializeCookie serializes a cookie parameter (style form) into
// name=value pairs; values are percent-encoded only where RFC 6265 forbids
// the character.
func serializeCookie(p Parameter, v any) ([][2]string, error) {
	enc := cookieEscape
	nv := normalize(v)
	if p.Style != "" && p.Style != "form" {
		return nil, fmt.Errorf("openapi: parameter %q in cookie: style %q is not allowed there", p.Name, p.Style)
	}
	switch nv.kind {
	case kArray:
		if p.Explode {
			out := make([][2]string, len(nv.items))
			for i, x := range nv.items {
				out[i] = [2]string{p.Name, enc(x)}
			}
			return out, nil
		}
		return [][2]string{{p.Name, joinEsc(nv.items, ",", enc)}}, nil
	case kObject:
		if p.Explode {
			out := make([][2]string, len(nv.keys))
			for i, k := range nv.keys {
				out[i] = [2]string{k, enc(nv.vals[i])}
			}
			return out, nil
		}
		return [][2]string{{p.Name, pairs(nv, ",", ",", enc)}}, nil
	}
	return [][2]string{{p.Name, enc(nv.prim)}}, nil
}

func cookieEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= 0x20 || c >= 0x7f || c == '"' || c == ';' || c == '\\' || c == ',' || c == '%' {
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
