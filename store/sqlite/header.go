package sqlite

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"unicode/utf8"
)

// encodeHeader gives the text of the ev_header column: the header as a
// JSON object when every name and value is valid UTF-8 (the usual case,
// readable with the sqlite3 shell), else a JSON array of arrays, each the
// base64 of a name followed by the base64 of its values, so that bytes
// JSON cannot carry (obs-text in a value) survive.
func encodeHeader(h map[string][]string) (string, error) {
	lossless := true
	for k, vs := range h {
		lossless = lossless && utf8.ValidString(k)
		for _, v := range vs {
			lossless = lossless && utf8.ValidString(v)
		}
	}
	if lossless {
		b, err := json.Marshal(h)
		return string(b), err
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	enc := base64.StdEncoding.EncodeToString
	rows := make([][]string, 0, len(h))
	for _, k := range names {
		row := []string{enc([]byte(k))}
		for _, v := range h[k] {
			row = append(row, enc([]byte(v)))
		}
		rows = append(rows, row)
	}
	b, err := json.Marshal(rows)
	return string(b), err
}

// decodeHeader reads what encodeHeader wrote.
func decodeHeader(text string) (map[string][]string, error) {
	if len(text) == 0 || text[0] != '[' {
		var h map[string][]string
		err := json.Unmarshal([]byte(text), &h)
		return h, err
	}
	var rows [][]string
	if err := json.Unmarshal([]byte(text), &rows); err != nil {
		return nil, err
	}
	h := make(map[string][]string, len(rows))
	for _, row := range rows {
		if len(row) == 0 {
			return nil, errors.New("empty header row")
		}
		var vals []string
		for i, c := range row {
			b, err := base64.StdEncoding.DecodeString(c)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				continue
			}
			vals = append(vals, string(b))
		}
		name, _ := base64.StdEncoding.DecodeString(row[0])
		h[string(name)] = vals
	}
	return h, nil
}
