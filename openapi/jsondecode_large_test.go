package openapi

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Bodies large enough for jdec to share member names decode as
// encoding/json decodes them: names with escapes and non-ASCII bytes,
// repeated and duplicate names, nested objects and arrays.
func TestJdecLargeMatchesStd(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < 3*internMin; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"x%d","a\"b":%d,"é":[%d.5,{"id":null,"id":"dup"}],"\u0041":true,"t\tab":"\n","":[],"k%d":{}}`, i, i, i, i%7)
	}
	sb.WriteString(`]}`)
	data := []byte(sb.String())
	if len(data) < internMin {
		t.Fatal("body too small")
	}
	got, err1 := decodeJSON(data)
	want, err2 := decodeJSONStd(data)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("large body: %v / %v, equal %v", err1, err2, reflect.DeepEqual(got, want))
	}
	// A malformed large body falls back with encoding/json's error.
	bad := append(append([]byte(nil), data[:len(data)-2]...), ',', ']', '}')
	_, err1 = decodeJSON(bad)
	_, err2 = decodeJSONStd(bad)
	if err1 == nil || err1.Error() != err2.Error() {
		t.Fatalf("malformed: %v vs %v", err1, err2)
	}
}
