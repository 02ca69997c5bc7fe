package sizedread

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadIsReadAllOfLimitReader: whatever the declaration (true, too
// small, too large, unknown), the trust and the reader's chunking, Read
// returns what io.ReadAll(io.LimitReader(r, limit)) returns.
func TestReadIsReadAllOfLimitReader(t *testing.T) {
	for _, size := range []int{0, 1, 100, pooled - 1, pooled, pooled + 1, 3*pooled + 7, 70000} {
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16+1)[:size]
		for _, limit := range []int64{0, 1, 99, int64(size), int64(size) + 1, 1 << 20} {
			for _, declared := range []int64{-1, 0, int64(size) / 2, int64(size), int64(size) + 1, 1 << 40} {
				for _, trust := range []int64{1, 512, 16 << 10, 4 << 20} {
					readers := map[string]func() io.Reader{
						"whole":   func() io.Reader { return bytes.NewReader(data) },
						"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
						"half":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
					}
					for name, r := range readers {
						want, _ := io.ReadAll(io.LimitReader(r(), limit))
						got, err := Read(r(), limit, declared, trust)
						if err != nil || !bytes.Equal(got, want) {
							t.Fatalf("size %d limit %d declared %d trust %d %s: got %d bytes, %v; want %d", size, limit, declared, trust, name, len(got), err, len(want))
						}
					}
				}
			}
		}
	}
}

// TestReadError: a reader's error comes back with what was read before it.
func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	for _, declared := range []int64{-1, 2, 10} {
		got, err := Read(io.MultiReader(bytes.NewReader([]byte("ab")), iotest.ErrReader(boom)), 100, declared, 512)
		if !errors.Is(err, boom) || string(got) != "ab" {
			t.Fatalf("declared %d: %q, %v", declared, got, err)
		}
	}
}

// TestReadMemoryFollowsBytes: a true declaration costs one buffer of the
// body's size; a lie costs at most trust before the bytes arrive.
func TestReadMemoryFollowsBytes(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 1<<20)
	if b, _ := Read(bytes.NewReader(data), 1<<30, int64(len(data)), 4<<20); cap(b) != len(data)+1 {
		t.Fatalf("true declaration: cap %d, want %d", cap(b), len(data)+1)
	}
	if b, _ := Read(bytes.NewReader([]byte("ab")), 1<<30, 1<<40, 16<<10); cap(b) > 16<<10 {
		t.Fatalf("lying declaration: cap %d", cap(b))
	}
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(20, func() {
		r.Reset(data)
		_, _ = Read(r, 1<<30, int64(len(data)), 4<<20)
	})
	if allocs > 1 {
		t.Fatalf("%v allocations for a true declaration, want 1", allocs)
	}
}

// FuzzRead holds Read to io.ReadAll(io.LimitReader) on any input.
func FuzzRead(f *testing.F) {
	f.Add([]byte("hello"), int64(3), int64(-1), int64(1))
	f.Add(bytes.Repeat([]byte("y"), 5000), int64(6000), int64(4000), int64(512))
	f.Fuzz(func(t *testing.T, data []byte, limit, declared, trust int64) {
		if limit > 1<<20 || limit < 0 || trust < 0 || trust > 1<<20 {
			t.Skip()
		}
		want, _ := io.ReadAll(io.LimitReader(bytes.NewReader(data), limit))
		got, err := Read(iotest.HalfReader(bytes.NewReader(data)), limit, declared, trust)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got %d bytes %v, want %d", len(got), err, len(want))
		}
	})
}
