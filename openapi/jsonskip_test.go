package openapi

import (
	"encoding/json"
	"testing"
)

// skipStr accepts exactly the JSON strings encoding/json accepts.
func TestSkipStrMatchesStd(t *testing.T) {
	for _, s := range []string{`""`, `"a"`, `"a\"b"`, `"\\"`, `"\u00e9\n\t\/"`, `"\u00g0"`, `"\x"`, `"a` + "\n" + `"`,
		`"a` + "\x01" + `"`, `"unterminated`, `"\`, `"\u12"`, `"é ü"`, `"\"\\\""`} {
		p := &jp{data: []byte(s), line: 1}
		err := p.skipStr()
		ok := err == nil && p.i == len(s)
		if ok != json.Valid([]byte(s)) {
			t.Errorf("%q: skipStr ok=%v (%v), json.Valid=%v", s, ok, err, !ok)
		}
		q := &jp{data: []byte(s), line: 1}
		_, serr := q.str()
		if (serr == nil) != (err == nil) {
			t.Errorf("%q: str %v, skipStr %v", s, serr, err)
		}
	}
}
