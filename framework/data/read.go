package data

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// readExactly reads exactly n bytes from r. Its buffer grows only as data
// actually arrives, so a header that claims a huge size cannot make it
// allocate much more than the reader really holds. A short read returns the
// bytes read so far and io.ErrUnexpectedEOF (or the reader's error).
func readExactly(r io.Reader, n int) ([]byte, error) {
	const first = 64 << 10
	buf := make([]byte, 0, min(n, first))
	zero := 0
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			if len(buf) < n {
				return buf, io.ErrUnexpectedEOF
			}
			break
		}
		if err != nil {
			return buf, err
		}
		if m == 0 {
			if zero++; zero > 100 {
				return buf, io.ErrNoProgress
			}
		} else {
			zero = 0
		}
	}
	return buf, nil
}

// trailing reads r to its end and returns how many bytes it still held.
// Reading to the end also makes a gzip reader verify its checksum.
func trailing(r io.Reader) (int64, error) {
	return io.Copy(io.Discard, r)
}

// describeReadErr turns a read error into words a user can act on.
func describeReadErr(err error) string {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the data ends early: the file is truncated (an incomplete download or copy?)"
	case errors.Is(err, gzip.ErrChecksum):
		return "gzip checksum mismatch: the file is corrupt"
	case errors.Is(err, gzip.ErrHeader):
		return "corrupt gzip data (bad gzip header, or garbage after the compressed data)"
	case errors.As(err, &corrupt):
		return "corrupt gzip data"
	default:
		return "read error"
	}
}

// openData opens a data file. A name ending in .gz must hold gzip data and is
// decompressed; any other file is decompressed if it starts with the gzip
// magic bytes and read as is otherwise. closeFn releases the file.
func openData(path string) (r io.Reader, closeFn func() error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &FileError{Name: path, Problem: "cannot open the file", Err: err}
	}
	br := bufio.NewReaderSize(f, 1<<20)
	if !strings.HasSuffix(path, ".gz") && !hasGzipMagic(br) {
		return br, f.Close, nil
	}
	zr, err := newGzipReader(br, path, "gzip data")
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return zr, func() error { zr.Close(); return f.Close() }, nil
}

// hasGzipMagic reports whether br starts with the gzip magic bytes 1f 8b.
func hasGzipMagic(br *bufio.Reader) bool {
	m, _ := br.Peek(2)
	return len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b
}

// newGzipReader starts decompressing br, which must hold gzip data. name and
// what (a description of the expected content) are used in errors.
func newGzipReader(br *bufio.Reader, name, what string) (*gzip.Reader, error) {
	if !hasGzipMagic(br) {
		start, _ := br.Peek(8)
		if len(start) == 0 {
			return nil, &FileError{Name: name, Problem: "the file is empty, expected " + what}
		}
		return nil, &FileError{Name: name,
			Problem: fmt.Sprintf("not a valid gzip file: expected %s, starting with the gzip magic bytes 1f 8b, found %q", what, start)}
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		problem := "corrupt gzip header"
		if errors.Is(err, io.ErrUnexpectedEOF) {
			problem = "the gzip header is cut short: the file is truncated"
		}
		return nil, &FileError{Name: name, Problem: problem, Err: err}
	}
	return zr, nil
}
