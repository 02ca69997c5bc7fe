// Package jsonvalue owns the rules for JSON-like values shared by the
// expression, openapi, arazzo and runtime packages and the CLI: RFC 6901
// JSON pointers (token escaping, parsing, get and set), number
// normalisation, and deep copy and equality of decoded values.
//
// A decoded value is nil, bool, string, a number (any Go integer or float
// type, or json.Number), []any or map[string]any. Get also reads
// map[string]string and []string, the shapes headers and form fields take.
//
// # Numbers
//
// A number from any source (int64 and float64 from YAML, json.Number from
// JSON decoded with UseNumber, any other Go numeric type) normalises to a
// Number: an exact int64 when the value is written without a fraction or
// exponent and fits an int64, otherwise a float64. Two numbers that are
// both int64 compare exactly; any other pair compares as float64 values.
// So 1, 1.0, int8(1) and json.Number("1") are all equal, and
// json.Number("9007199254740993") differs from 9007199254740992 only when
// both are integers. NaN is unordered: it is equal to nothing.
package jsonvalue
