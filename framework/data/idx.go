package data

import (
	"encoding/binary"
	"fmt"
	"io"
)

// IDX magic numbers (http://yann.lecun.com/exdb/mnist/).
const (
	idxImagesMagic = 0x00000803 // unsigned bytes, 3 dimensions
	idxLabelsMagic = 0x00000801 // unsigned bytes, 1 dimension
)

// Limits on what an IDX header may declare, so that a lying header is
// rejected before anything is read.
const (
	// MaxIDXItems is the most images or labels an IDX file may declare.
	MaxIDXItems = 1_000_000
	// MaxIDXImagePixels is the most pixels (rows × columns) an IDX image may declare.
	MaxIDXImagePixels = 1024 * 1024
)

// idxShape is what a loader expects of an IDX file; zero fields accept anything.
type idxShape struct{ n, h, w int }

// ParseIDXImages reads an IDX image file (magic 0x00000803: unsigned bytes,
// dimensions count × rows × columns) from r. name is used in errors only.
// It returns the count, rows, columns and the pixels, image after image, row
// by row. It fails, with a *FileError, on a bad magic number, declared sizes
// above MaxIDXItems or MaxIDXImagePixels, fewer bytes than declared, or data
// after the last image. It allocates only as data arrives.
func ParseIDXImages(r io.Reader, name string) (n, h, w int, pix []uint8, err error) {
	return parseIDXImages(r, name, idxShape{})
}

func parseIDXImages(r io.Reader, name string, want idxShape) (n, h, w int, pix []uint8, err error) {
	// Read and check the magic number first, so that a wrong kind of file
	// is reported as such even when it is shorter than this header.
	var hdr [16]byte
	k, err := io.ReadFull(r, hdr[:4])
	magic := binary.BigEndian.Uint32(hdr[0:])
	if err == nil && magic == idxImagesMagic {
		var m int
		m, err = io.ReadFull(r, hdr[4:])
		k += m
	}
	if err != nil {
		return 0, 0, 0, nil, &FileError{Name: name, Err: err,
			Problem: fmt.Sprintf("expected a 16-byte IDX image header, found only %d bytes: %s", k, describeReadErr(err))}
	}
	if magic != idxImagesMagic {
		what := "not an IDX image file"
		if magic == idxLabelsMagic {
			what = "an IDX label file where an image file was expected"
		}
		return 0, 0, 0, nil, &FileError{Name: name,
			Problem: fmt.Sprintf("%s: magic number 0x%08x, expected 0x%08x", what, magic, idxImagesMagic)}
	}
	un := binary.BigEndian.Uint32(hdr[4:])
	uh := binary.BigEndian.Uint32(hdr[8:])
	uw := binary.BigEndian.Uint32(hdr[12:])
	switch {
	case un > MaxIDXItems:
		return 0, 0, 0, nil, &FileError{Name: name,
			Problem: fmt.Sprintf("header declares %d images, more than the limit of %d", un, MaxIDXItems)}
	case uh == 0 || uw == 0 || uint64(uh)*uint64(uw) > MaxIDXImagePixels:
		return 0, 0, 0, nil, &FileError{Name: name,
			Problem: fmt.Sprintf("header declares %d×%d images, expected at least 1×1 and at most %d pixels", uh, uw, MaxIDXImagePixels)}
	}
	n, h, w = int(un), int(uh), int(uw)
	if want.n > 0 && n != want.n {
		return 0, 0, 0, nil, &FileError{Name: name,
			Problem: fmt.Sprintf("header declares %d images, expected %d", n, want.n)}
	}
	if want.h > 0 && (h != want.h || w != want.w) {
		return 0, 0, 0, nil, &FileError{Name: name,
			Problem: fmt.Sprintf("header declares %d×%d images, expected %d×%d", h, w, want.h, want.w)}
	}
	size := n * h * w
	pix, err = readExactly(r, size)
	if err != nil {
		return 0, 0, 0, nil, &FileError{Name: name, Err: err,
			Problem: fmt.Sprintf("expected %d bytes of pixels after the header (%d images of %d×%d), found %d: %s",
				size, n, h, w, len(pix), describeReadErr(err))}
	}
	if err := checkEnd(r, name, fmt.Sprintf("the last image (expected exactly %d bytes)", 16+size)); err != nil {
		return 0, 0, 0, nil, err
	}
	return n, h, w, pix, nil
}

// ParseIDXLabels reads an IDX label file (magic 0x00000801: unsigned bytes,
// one dimension) from r and returns the labels. name is used in errors only.
// It fails, with a *FileError, on a bad magic number, a declared count above
// MaxIDXItems, fewer bytes than declared, or data after the last label. It
// does not check the label values: loaders do, against their class count.
func ParseIDXLabels(r io.Reader, name string) ([]uint8, error) {
	return parseIDXLabels(r, name, 0)
}

func parseIDXLabels(r io.Reader, name string, wantN int) ([]uint8, error) {
	var hdr [8]byte
	k, err := io.ReadFull(r, hdr[:4])
	magic := binary.BigEndian.Uint32(hdr[0:])
	if err == nil && magic == idxLabelsMagic {
		var m int
		m, err = io.ReadFull(r, hdr[4:])
		k += m
	}
	if err != nil {
		return nil, &FileError{Name: name, Err: err,
			Problem: fmt.Sprintf("expected an 8-byte IDX label header, found only %d bytes: %s", k, describeReadErr(err))}
	}
	if magic != idxLabelsMagic {
		what := "not an IDX label file"
		if magic == idxImagesMagic {
			what = "an IDX image file where a label file was expected"
		}
		return nil, &FileError{Name: name,
			Problem: fmt.Sprintf("%s: magic number 0x%08x, expected 0x%08x", what, magic, idxLabelsMagic)}
	}
	un := binary.BigEndian.Uint32(hdr[4:])
	if un > MaxIDXItems {
		return nil, &FileError{Name: name,
			Problem: fmt.Sprintf("header declares %d labels, more than the limit of %d", un, MaxIDXItems)}
	}
	n := int(un)
	if wantN > 0 && n != wantN {
		return nil, &FileError{Name: name, Problem: fmt.Sprintf("header declares %d labels, expected %d", n, wantN)}
	}
	labels, err := readExactly(r, n)
	if err != nil {
		return nil, &FileError{Name: name, Err: err,
			Problem: fmt.Sprintf("expected %d labels after the header, found %d: %s", n, len(labels), describeReadErr(err))}
	}
	if err := checkEnd(r, name, fmt.Sprintf("the last label (expected exactly %d bytes)", 8+n)); err != nil {
		return nil, err
	}
	return labels, nil
}

// checkEnd fails if r holds anything more, or cannot be read to its end.
func checkEnd(r io.Reader, name, after string) error {
	extra, err := trailing(r)
	if err != nil {
		return &FileError{Name: name, Err: err,
			Problem: fmt.Sprintf("error reading past %s: %s", after, describeReadErr(err))}
	}
	if extra > 0 {
		return &FileError{Name: name,
			Problem: fmt.Sprintf("%d bytes of unexpected data after %s", extra, after)}
	}
	return nil
}

// checkLabels fails if a label is not below classes.
func checkLabels(labels []uint8, classes int, name string) error {
	for i, l := range labels {
		if int(l) >= classes {
			return &FileError{Name: name,
				Problem: fmt.Sprintf("label %d of example %d is out of range, expected 0..%d", l, i, classes-1)}
		}
	}
	return nil
}
