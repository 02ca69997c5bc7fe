// Package sizedread reads a bounded stream into one buffer sized from the
// length its source declares (a file's size, a Content-Length), so that
// memory follows the bytes received and a read costs one allocation when
// the declaration is true. It is the one owner of that logic for documents
// (arazzo) and responses (openapi).
package sizedread

import (
	"io"
	"sync"
)

// Read reads r to EOF but at most limit bytes, returning exactly what
// io.ReadAll(io.LimitReader(r, limit)) returns. declared is the length the
// source declares (-1: unknown). The first buffer holds min(declared+1,
// trust, limit) bytes (the extra byte sees EOF without growing), so a
// declaration that lies costs at most trust bytes before the bytes arrive;
// once that buffer is full the body is as large as it said, and the rest
// goes into one buffer of the declared length (never beyond limit). Beyond
// the declaration the buffer grows as data arrives. A body of unknown
// length is read into a pooled buffer first and copied out at its size.
func Read(r io.Reader, limit, declared, trust int64) ([]byte, error) {
	if declared < 0 {
		return readUnsized(r, limit)
	}
	b := make([]byte, 0, max(min(declared+1, trust, limit), 0))
	for int64(len(b)) < limit {
		if len(b) == cap(b) {
			if want := min(declared+1, limit); want > int64(cap(b)) {
				nb := make([]byte, len(b), want)
				copy(nb, b)
				b = nb
			} else {
				b = append(b, 0)[:len(b)]
			}
		}
		var done bool
		var err error
		if b, done, err = readInto(r, b, limit); done {
			return b, err
		}
	}
	return b, nil
}

// readInto reads once into b's spare capacity, never past limit; done
// reports EOF or an error (err is nil at EOF).
func readInto(r io.Reader, b []byte, limit int64) ([]byte, bool, error) {
	n := cap(b) - len(b)
	if rest := limit - int64(len(b)); int64(n) > rest {
		n = int(rest)
	}
	m, err := r.Read(b[len(b) : len(b)+n])
	b = b[:len(b)+m]
	if err == io.EOF {
		return b, true, nil
	}
	return b, err != nil, err
}

// readUnsized is Read for a body of unknown length: most are small, so
// they cost one exact allocation instead of a buffer that doubles.
func readUnsized(r io.Reader, limit int64) ([]byte, error) {
	bp := pool.Get().(*[]byte)
	defer pool.Put(bp)
	buf := (*bp)[:cap(*bp)]
	if int64(len(buf)) > limit {
		buf = buf[:max(limit, 0)]
	}
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return append([]byte(nil), buf[:n]...), nil
		}
		if err != nil {
			return append([]byte(nil), buf[:n]...), err
		}
	}
	if int64(n) >= limit {
		return append([]byte(nil), buf[:n]...), nil
	}
	// Longer than the pooled buffer: grow as data arrives.
	b := make([]byte, n, 2*n)
	copy(b, buf[:n])
	for int64(len(b)) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		var done bool
		var err error
		if b, done, err = readInto(r, b, limit); done {
			return b, err
		}
	}
	return b, nil
}

// pool holds the buffers readUnsized reads into first.
var pool = sync.Pool{New: func() any { b := make([]byte, 0, pooled); return &b }}

// pooled is the size of readUnsized's pooled buffers.
const pooled = 4 << 10
