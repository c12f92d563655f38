package data

import (
	"errors"
	"fmt"
	"io"
)

// CIFAR-10 binary format: each record is 1 label byte then 3072 pixel bytes
// (1024 red, 1024 green, 1024 blue, each 32×32 row-major).
const (
	cifarSide         = 32
	cifarChannels     = 3
	cifarImageBytes   = cifarChannels * cifarSide * cifarSide
	cifarRecordBytes  = 1 + cifarImageBytes
	cifarBatchRecords = 10000
	cifarBatchBytes   = cifarBatchRecords * cifarRecordBytes
	cifarClasses      = 10
)

// ParseCIFARBatch reads one CIFAR-10 binary batch file from r: exactly 10000
// records of 1 label byte and 3072 pixel bytes. It returns the pixels
// (10000×3×32×32, as in the file) and the labels. name is used in errors
// only. It fails, with a *FileError, if r holds fewer or more bytes than
// 10000×3073 or a label is not below 10. It allocates only as data arrives.
func ParseCIFARBatch(r io.Reader, name string) (pix, labels []uint8, err error) {
	return parseCIFARRecords(r, name, cifarBatchRecords, nil, nil)
}

// parseCIFARRecords reads exactly nrec records from r, appending their pixels
// and labels to pix and labels.
func parseCIFARRecords(r io.Reader, name string, nrec int, pix, labels []uint8) ([]uint8, []uint8, error) {
	return parseRecords(r, name, nrec, cifarImageBytes, pix, labels)
}

// parseRecords reads exactly nrec records of a label byte and imageBytes
// (at most cifarImageBytes) pixel bytes from r, appending their pixels and
// labels to pix and labels. The fuzz test uses tiny images to reach every
// path with small inputs.
func parseRecords(r io.Reader, name string, nrec, imageBytes int, pix, labels []uint8) ([]uint8, []uint8, error) {
	var buf [cifarRecordBytes]byte
	rec := buf[:1+imageBytes]
	recBytes := len(rec)
	for i := 0; i < nrec; i++ {
		k, err := io.ReadFull(r, rec)
		if err != nil {
			got := int64(i)*int64(recBytes) + int64(k)
			problem := fmt.Sprintf("expected %d bytes (%d records of 1 label byte + %d pixel bytes), found only %d: ",
				nrec*recBytes, nrec, imageBytes, got)
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, nil, &FileError{Name: name, Problem: problem + "the file is truncated"}
			}
			return nil, nil, &FileError{Name: name, Problem: problem + describeReadErr(err), Err: err}
		}
		if rec[0] >= cifarClasses {
			return nil, nil, &FileError{Name: name,
				Problem: fmt.Sprintf("record %d has label %d, expected 0..%d", i, rec[0], cifarClasses-1)}
		}
		labels = append(labels, rec[0])
		pix = append(pix, rec[1:]...)
	}
	if err := checkEnd(r, name, fmt.Sprintf("the last record (expected exactly %d bytes)", nrec*recBytes)); err != nil {
		return nil, nil, err
	}
	return pix, labels, nil
}
