package arazzo

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadSizedIsReadAllOfLimitReader holds readSized to
// io.ReadAll(io.LimitReader(r, limit)) for true, short, long and unknown
// declared sizes, limits below, at and above the length, and readers
// that return one byte at a time or fail.
func TestReadSizedIsReadAllOfLimitReader(t *testing.T) {
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100_000} {
		data := bytes.Repeat([]byte("abcdefg"), n/7+1)[:n]
		for _, limit := range []int64{0, 1, int64(n) - 1, int64(n), int64(n) + 1, 1<<63 - 1} {
			if limit < 0 {
				continue
			}
			for _, size := range []int64{-1, 0, int64(n), int64(n) / 2, int64(n) * 3, 1 << 40} {
				for name, r := range map[string]func() io.Reader{
					"plain":   func() io.Reader { return bytes.NewReader(data) },
					"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
				} {
					want, _ := io.ReadAll(io.LimitReader(r(), limit))
					got, err := readSized(r(), limit, size)
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("n=%d limit=%d size=%d %s: got %d bytes, %v; want %d", n, limit, size, name, len(got), err, len(want))
					}
				}
			}
		}
	}
	boom := errors.New("boom")
	if _, err := readSized(io.MultiReader(bytes.NewReader([]byte("ab")), iotest.ErrReader(boom)), 10, 2); !errors.Is(err, boom) {
		t.Errorf("error not returned: %v", err)
	}
}

// TestReadSizedOneBuffer: a declared size that is right costs one
// buffer; one that lies costs at most firstBufferMax before the bytes.
func TestReadSizedOneBuffer(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 1<<20)
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(data)
		if b, _ := readSized(r, 1<<30, int64(len(data))); cap(b) != len(data)+1 {
			t.Fatalf("cap %d", cap(b))
		}
	})
	if allocs > 1 {
		t.Errorf("%v allocations for a file of known size", allocs)
	}
	if b, _ := readSized(bytes.NewReader([]byte("ab")), 1<<30, 1<<40); cap(b) > firstBufferMax {
		t.Errorf("a lying size got a %d-byte buffer", cap(b))
	}
}
