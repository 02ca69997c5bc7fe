package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"sort"
	"strings"

	"github.com/antchfx/xmlquery"

	"github.com/weftflow/weft/internal/jsonvalue"
)

// Body is an evaluated request body.
type Body struct {
	// ContentType is the media type; "" means the operation's first.
	ContentType string
	// Value is the payload: JSON-like Go values, string, []byte or io.Reader.
	Value        any
	Replacements []Replacement
}

// Replacement is an evaluated payload replacement.
type Replacement struct {
	// Target is an RFC 6901 JSON pointer (JSON-like payloads) or an XPath
	// expression (XML payloads).
	Target string
	// Value is the value to put there.
	Value any
}

func isJSONType(mt string) bool {
	mt = mediaBase(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}

func isXMLType(mt string) bool {
	mt = mediaBase(mt)
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// chooseContentType picks the media type of a body.
func chooseContentType(b *Body, header string, declared []string) string {
	if b.ContentType != "" {
		return b.ContentType
	}
	if header != "" {
		return header
	}
	if len(declared) > 0 {
		return declared[0]
	}
	switch b.Value.(type) {
	case []byte, io.Reader:
		return "application/octet-stream"
	case string:
		s := strings.TrimSpace(b.Value.(string))
		if strings.HasPrefix(s, "<") {
			return "application/xml"
		}
		return "text/plain"
	}
	return "application/json"
}

// encodeBody applies replacements and encodes the payload. It returns the
// bytes, the final Content-Type header and the payload as a Go value.
func encodeBody(b *Body, ct string, encs map[string]Encoding) ([]byte, string, any, error) {
	v := b.Value
	if r, ok := v.(io.Reader); ok {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, "", nil, fmt.Errorf("openapi: reading request body: %w", err)
		}
		v = data
	}
	mt := mediaBase(ct)
	// Replacements.
	if len(b.Replacements) > 0 {
		var err error
		v, err = applyReplacements(v, mt, b.Replacements)
		if err != nil {
			return nil, "", nil, err
		}
	}
	switch {
	case isJSONType(mt):
		switch t := v.(type) {
		case []byte:
			return t, ct, decodeJSONOr(t), nil
		case string:
			if json.Valid([]byte(t)) {
				return []byte(t), ct, decodeJSONOr([]byte(t)), nil
			}
		}
		data, err := marshalJSON(v)
		if err != nil {
			return nil, "", nil, fmt.Errorf("openapi: encoding JSON body: %w", err)
		}
		return data, ct, v, nil
	case mt == "application/x-www-form-urlencoded":
		switch t := v.(type) {
		case string:
			return []byte(t), ct, t, nil
		case []byte:
			return t, ct, string(t), nil
		}
		m, ok := asObject(v)
		if !ok {
			return nil, "", nil, fmt.Errorf("openapi: a %s body needs an object value, got %T", mt, v)
		}
		var parts []string
		for _, k := range sortedKeys(m) {
			e, ok := encs[k]
			if !ok {
				e = Encoding{Style: "form", Explode: true}
			}
			val := m[k]
			if e.ContentType != "" && isJSONType(e.ContentType) {
				if _, isPrim := primString(val); !isPrim {
					j, _ := marshalJSON(val)
					val = string(j)
				}
			}
			p := Parameter{Name: k, In: "query", Style: e.Style, Explode: e.Explode, AllowReserved: e.AllowReserved}
			pieces, err := serializeQuery(p, val)
			if err != nil {
				return nil, "", nil, err
			}
			parts = append(parts, pieces...)
		}
		return []byte(strings.Join(parts, "&")), ct, v, nil
	case mt == "multipart/form-data" || strings.HasPrefix(mt, "multipart/"):
		m, ok := asObject(v)
		if !ok {
			return nil, "", nil, fmt.Errorf("openapi: a %s body needs an object value, got %T", mt, v)
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, k := range sortedKeys(m) {
			if err := writePart(w, k, m[k], encs[k]); err != nil {
				return nil, "", nil, err
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", nil, err
		}
		return buf.Bytes(), mt + "; boundary=" + w.Boundary(), v, nil
	}
	// XML, text and anything else: strings and bytes are sent as they are.
	switch t := v.(type) {
	case string:
		return []byte(t), ct, t, nil
	case []byte:
		return t, ct, t, nil
	}
	if s, ok := primString(v); ok && v != nil {
		return []byte(s), ct, s, nil
	}
	if isXMLType(mt) {
		return nil, "", nil, fmt.Errorf("openapi: an XML body must be a string, got %T", v)
	}
	// Structured value for an unknown media type: JSON is the best guess.
	data, err := marshalJSON(v)
	if err != nil {
		return nil, "", nil, fmt.Errorf("openapi: encoding body as JSON for %s: %w", mt, err)
	}
	return data, ct, v, nil
}

func writePart(w *multipart.Writer, name string, v any, e Encoding) error {
	if r, ok := v.(io.Reader); ok {
		data, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("openapi: reading multipart field %q: %w", name, err)
		}
		v = data
	}
	h := textproto.MIMEHeader{}
	disp := `form-data; name="` + quoteEscape(name) + `"`
	var data []byte
	ct := e.ContentType
	switch t := v.(type) {
	case []byte:
		disp += `; filename="` + quoteEscape(name) + `"`
		if ct == "" {
			ct = "application/octet-stream"
		}
		data = t
	case []any:
		// Arrays of scalars or files: one part per item (OpenAPI 3.1).
		for _, x := range t {
			if err := writePart(w, name, x, e); err != nil {
				return err
			}
		}
		return nil
	default:
		if s, ok := primString(v); ok {
			data = []byte(s)
		} else {
			j, err := marshalJSON(v)
			if err != nil {
				return fmt.Errorf("openapi: multipart field %q: %w", name, err)
			}
			data = j
			if ct == "" {
				ct = "application/json"
			}
		}
	}
	h.Set("Content-Disposition", disp)
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = pw.Write(data)
	return err
}

func quoteEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A").Replace(s)
}

func asObject(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = x
		}
		return m, true
	}
	return nil, false
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func marshalJSON(v any) ([]byte, error) {
	if data, ok := appendJSONFast(nil, v, 0); ok {
		return data, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func decodeJSONOr(data []byte) any {
	if v, err := decodeJSON(data); err == nil {
		return v
	}
	return string(data)
}

// applyReplacements sets each target in the payload: JSON pointers for
// JSON-like values (a JSON string or bytes is decoded first), XPath for XML
// strings.
func applyReplacements(v any, mt string, reps []Replacement) (any, error) {
	var xmlText string
	isXML := false
	switch t := v.(type) {
	case string:
		s := strings.TrimSpace(t)
		if isXMLType(mt) || strings.HasPrefix(s, "<") {
			isXML, xmlText = true, t
		} else if j, err := decodeJSON([]byte(t)); err == nil {
			v = j
		} else {
			return nil, fmt.Errorf("openapi: payload replacements need a JSON or XML payload")
		}
	case []byte:
		if isXMLType(mt) || bytes.HasPrefix(bytes.TrimSpace(t), []byte("<")) {
			isXML, xmlText = true, string(t)
		} else if j, err := decodeJSON(t); err == nil {
			v = j
		} else {
			return nil, fmt.Errorf("openapi: payload replacements need a JSON or XML payload")
		}
	default:
		v = jsonvalue.Copy(v)
	}
	if isXML {
		return replaceXML(xmlText, reps)
	}
	for _, r := range reps {
		var err error
		v, err = jsonvalue.Set(v, strings.TrimPrefix(r.Target, "#"), r.Value)
		if err != nil {
			return nil, fmt.Errorf("openapi: payload replacement %q: %w", r.Target, err)
		}
	}
	return v, nil
}

// replaceXML sets the text of every node each XPath target selects (an
// attribute's value or an element's text content).
func replaceXML(doc string, reps []Replacement) (string, error) {
	root, err := xmlquery.Parse(strings.NewReader(doc))
	if err != nil {
		return "", fmt.Errorf("openapi: payload replacements: parsing XML payload: %v", err)
	}
	for _, r := range reps {
		nodes, err := xmlquery.QueryAll(root, r.Target)
		if err != nil {
			return "", fmt.Errorf("openapi: payload replacement %q: %v", r.Target, err)
		}
		if len(nodes) == 0 {
			return "", fmt.Errorf("openapi: payload replacement %q: selects nothing", r.Target)
		}
		text := itemString(r.Value)
		for _, n := range nodes {
			switch n.Type {
			case xmlquery.AttributeNode:
				if n.Parent != nil {
					key := n.Data
					if n.Prefix != "" {
						key = n.Prefix + ":" + n.Data
					}
					n.Parent.SetAttr(key, text)
				}
			case xmlquery.TextNode, xmlquery.CharDataNode:
				n.Data = text
			default:
				n.FirstChild, n.LastChild = nil, nil
				xmlquery.AddChild(n, &xmlquery.Node{Type: xmlquery.TextNode, Data: text})
			}
		}
	}
	out := root.OutputXMLWithOptions(xmlquery.WithPreserveSpace())
	if !strings.HasPrefix(strings.TrimSpace(doc), "<?xml") && strings.HasPrefix(out, "<?xml") {
		if i := strings.Index(out, "?>"); i >= 0 {
			out = out[i+2:]
		}
	}
	return out, nil
}
