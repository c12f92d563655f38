// Package checkpoint reads and writes slotlab's checkpoint files: a JSON
// header and named float32/int32 tensors, protected by a SHA-256 of the
// whole file, written atomically so that a kill at any moment leaves either
// the previous checkpoint or the new one.
//
// Layout (little endian):
//
//	magic      16 bytes  "SLOTLAB-CKPT\x00\x00v1"
//	header     uint64 length, then that many bytes of JSON: the caller's
//	           metadata and the tensor directory (name, dtype, length)
//	tensors    the data of every tensor, in directory order
//	checksum   32 bytes  SHA-256 of everything before it
package checkpoint

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"unsafe"

	"github.com/slotlab/slotlab/framework/atomicfile"
)

// Magic starts every checkpoint file.
const Magic = "SLOTLAB-CKPT\x00\x00v1"

// maxHeader bounds the JSON header a reader accepts.
const maxHeader = 64 << 20

// Tensor is a named array: exactly one of F32, F64 and I32 is set.
type Tensor struct {
	Name string
	F32  []float32
	F64  []float64
	I32  []int32
}

// dtypeSize is the element size of each dtype.
var dtypeSize = map[string]int{"f32": 4, "f64": 8, "i32": 4}

// kind returns the tensor's dtype name and element size, or "" if it does
// not hold exactly one array.
func (t Tensor) kind() (string, int) {
	dt := ""
	switch {
	case t.F32 != nil && t.F64 == nil && t.I32 == nil:
		dt = "f32"
	case t.F64 != nil && t.F32 == nil && t.I32 == nil:
		dt = "f64"
	case t.I32 != nil && t.F32 == nil && t.F64 == nil:
		dt = "i32"
	}
	return dt, dtypeSize[dt]
}

type entry struct {
	Name  string `json:"name"`
	DType string `json:"dtype"`
	Len   int64  `json:"len"`
}

type header struct {
	Meta    json.RawMessage `json:"meta"`
	Tensors []entry         `json:"tensors"`
}

// Write stores meta (any JSON-encodable value) and the tensors at path,
// atomically: a temporary file in the same directory is written, fsynced
// and renamed over path, and the directory is fsynced. If keep is not "",
// the file at path, if any, is renamed to keep first, so that the previous
// checkpoint survives the new one (atomicfile.WriteKeeping).
func Write(path string, meta any, tensors []Tensor, keep string) error {
	m, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("checkpoint %s: encoding metadata: %w", path, err)
	}
	h := header{Meta: m}
	for _, t := range tensors {
		dt, size := t.kind()
		if dt == "" {
			return fmt.Errorf("checkpoint %s: tensor %q must hold exactly one of F32, F64 and I32", path, t.Name)
		}
		h.Tensors = append(h.Tensors, entry{t.Name, dt, int64(len(raw(t)) / size)})
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return err
	}
	write := func(f io.Writer) error {
		sum := sha256.New()
		bw := bufio.NewWriterSize(io.MultiWriter(f, sum), 1<<20)
		if _, err := bw.WriteString(Magic); err != nil {
			return err
		}
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(hb)))
		if _, err := bw.Write(n[:]); err != nil {
			return err
		}
		if _, err := bw.Write(hb); err != nil {
			return err
		}
		for _, t := range tensors {
			if _, err := bw.Write(raw(t)); err != nil {
				return err
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		_, err := f.Write(sum.Sum(nil))
		return err
	}
	if err := atomicfile.WriteKeeping(path, keep, write); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// raw views a tensor's data as bytes (the machine is little endian: amd64
// and arm64; see the init check).
func raw(t Tensor) []byte {
	switch {
	case len(t.F32) > 0:
		return unsafe.Slice((*byte)(unsafe.Pointer(&t.F32[0])), 4*len(t.F32))
	case len(t.F64) > 0:
		return unsafe.Slice((*byte)(unsafe.Pointer(&t.F64[0])), 8*len(t.F64))
	case len(t.I32) > 0:
		return unsafe.Slice((*byte)(unsafe.Pointer(&t.I32[0])), 4*len(t.I32))
	}
	return nil
}

func init() {
	x := uint16(1)
	if *(*byte)(unsafe.Pointer(&x)) != 1 {
		panic("checkpoint: big-endian machines are not supported")
	}
}

// Error is a checkpoint that cannot be used (damaged, truncated, not a
// checkpoint), with the reason.
type Error struct {
	Path, Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("checkpoint %s: %s; delete it (or run with --restart) to start the run over", e.Path, e.Problem)
}

// Read loads a checkpoint, verifying its checksum, and decodes its metadata
// into meta. It never trusts a length before checking it against the file's
// size, so a corrupt file cannot make it allocate more than the file holds.
func Read(path string, meta any) (map[string]Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return decode(path, f, st.Size(), meta)
}

func decode(path string, r io.Reader, size int64, meta any) (map[string]Tensor, error) {
	bad := func(format string, args ...any) error {
		return &Error{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	const fixed = int64(len(Magic)) + 8 + sha256.Size
	if size < fixed {
		return nil, bad("truncated: %d bytes is shorter than any checkpoint", size)
	}
	sum := sha256.New()
	br := bufio.NewReaderSize(r, 1<<20)
	body := io.TeeReader(io.LimitReader(br, size-sha256.Size), sum)
	var head [len(Magic) + 8]byte
	if _, err := io.ReadFull(body, head[:]); err != nil {
		return nil, bad("reading the header: %v", err)
	}
	if string(head[:len(Magic)]) != Magic {
		return nil, bad("not a slotlab checkpoint (bad magic %q)", head[:len(Magic)])
	}
	hl := binary.LittleEndian.Uint64(head[len(Magic):])
	if hl > maxHeader || int64(hl) > size-fixed {
		return nil, bad("corrupt: header length %d does not fit in a file of %d bytes", hl, size)
	}
	hb := make([]byte, hl)
	if _, err := io.ReadFull(body, hb); err != nil {
		return nil, bad("truncated header: %v", err)
	}
	var h header
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, bad("corrupt header: %v", err)
	}
	var total int64
	for _, e := range h.Tensors {
		elem := int64(dtypeSize[e.DType])
		if elem == 0 || e.Len < 0 || e.Len > math.MaxInt32*4 {
			return nil, bad("corrupt tensor entry %+v", e)
		}
		total += elem * e.Len
		if total > size {
			break
		}
	}
	if want := fixed + int64(hl) + total; want != size {
		return nil, bad("size %d bytes, but its header describes %d bytes (truncated or corrupt)", size, want)
	}
	out := make(map[string]Tensor, len(h.Tensors))
	for _, e := range h.Tensors {
		t := Tensor{Name: e.Name}
		switch e.DType {
		case "f32":
			t.F32 = make([]float32, e.Len)
		case "f64":
			t.F64 = make([]float64, e.Len)
		default:
			t.I32 = make([]int32, e.Len)
		}
		if _, err := io.ReadFull(body, raw(t)); err != nil {
			return nil, bad("truncated data of %q: %v", e.Name, err)
		}
		if _, dup := out[e.Name]; dup {
			return nil, bad("tensor %q appears twice", e.Name)
		}
		out[e.Name] = t
	}
	var stored [sha256.Size]byte
	if _, err := io.ReadFull(br, stored[:]); err != nil {
		return nil, bad("missing checksum: %v", err)
	}
	if !bytes.Equal(stored[:], sum.Sum(nil)) {
		return nil, bad("checksum mismatch: the file is corrupt")
	}
	if meta != nil {
		if err := json.Unmarshal(h.Meta, meta); err != nil {
			return nil, bad("corrupt metadata: %v", err)
		}
	}
	return out, nil
}

// Exists reports whether a checkpoint file is present.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}
