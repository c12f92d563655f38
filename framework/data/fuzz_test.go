package data

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParseIDXImages(f *testing.F) {
	f.Add(idxImages(0x803, 2, 3, 4, make([]byte, 24)))
	f.Add(idxImages(0x803, 1, 28, 28, make([]byte, 784)))
	f.Add(idxImages(0x803, 0, 1, 1, nil))
	f.Add(idxImages(0x803, 3, 2, 2, make([]byte, 11)))
	f.Add(idxImages(0x803, 1, 1, 1, []byte{1, 2}))
	f.Add(idxImages(0x803, MaxIDXItems, 1024, 1024, []byte{1, 2, 3}))
	f.Add(idxImages(0x801, 2, 3, 4, nil))
	f.Add([]byte{0, 0, 8})
	f.Fuzz(func(t *testing.T, in []byte) {
		n, h, w, pix, err := ParseIDXImages(bytes.NewReader(in), "fuzz")
		if err != nil {
			checkFuzzErr(t, err)
			if pix != nil {
				t.Fatal("pixels returned with an error")
			}
			return
		}
		if n < 0 || n > MaxIDXItems || h < 1 || w < 1 || h*w > MaxIDXImagePixels {
			t.Fatalf("accepted shape %d×%d×%d", n, h, w)
		}
		if len(pix) != n*h*w || len(in) != 16+len(pix) || !bytes.Equal(pix, in[16:]) {
			t.Fatalf("%d×%d×%d: %d pixels from %d bytes", n, h, w, len(pix), len(in))
		}
	})
}

func FuzzParseIDXLabels(f *testing.F) {
	f.Add(idxLabels(0x801, 3, []byte{1, 2, 9}))
	f.Add(idxLabels(0x801, 0, nil))
	f.Add(idxLabels(0x801, 5, []byte{1}))
	f.Add(idxLabels(0x801, 1, []byte{1, 2}))
	f.Add(idxLabels(0x801, MaxIDXItems, []byte{1}))
	f.Add(idxLabels(0x803, 1, []byte{1}))
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		labels, err := ParseIDXLabels(bytes.NewReader(in), "fuzz")
		if err != nil {
			checkFuzzErr(t, err)
			if labels != nil {
				t.Fatal("labels returned with an error")
			}
			return
		}
		if len(labels) > MaxIDXItems || len(in) != 8+len(labels) || !bytes.Equal(labels, in[8:]) {
			t.Fatalf("%d labels from %d bytes", len(labels), len(in))
		}
	})
}

// FuzzParseCIFARBatch runs the exported parser, which needs exactly 10000
// records of 3073 bytes, so fuzzed inputs only reach its error paths, and the
// same parser set for 3 records of 4-byte images, which fuzzed inputs can
// satisfy; small inputs keep the fuzzer fast.
func FuzzParseCIFARBatch(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 9, 5, 6, 7, 8, 5, 1, 1, 1, 1})
	f.Add([]byte{0, 1, 2, 3, 4, 9, 5, 6, 7, 8, 5, 1, 1, 1})
	f.Add([]byte{0, 1, 2, 3, 4, 9, 5, 6, 7, 8, 5, 1, 1, 1, 1, 7})
	f.Add([]byte{0, 1, 2, 3, 4, 10, 5, 6, 7, 8, 5, 1, 1, 1, 1})
	f.Add([]byte{3})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		pix, labels, err := ParseCIFARBatch(bytes.NewReader(in), "fuzz")
		if err == nil {
			t.Fatalf("accepted %d bytes as a full batch", len(in))
		}
		checkFuzzErr(t, err)
		if pix != nil || labels != nil {
			t.Fatal("data returned with an error")
		}

		const nrec, size = 3, 4
		pix, labels, err = parseRecords(bytes.NewReader(in), "fuzz", nrec, size, nil, nil)
		if err != nil {
			checkFuzzErr(t, err)
			return
		}
		if len(in) != nrec*(1+size) || len(labels) != nrec || len(pix) != nrec*size {
			t.Fatalf("accepted %d bytes: %d labels, %d pixels", len(in), len(labels), len(pix))
		}
		for i, l := range labels {
			r := in[i*(1+size) : (i+1)*(1+size)]
			if l >= 10 || l != r[0] || !bytes.Equal(pix[i*size:(i+1)*size], r[1:]) {
				t.Fatalf("record %d decoded wrongly", i)
			}
		}
	})
}

// checkFuzzErr checks that a parse error is a *FileError naming the input.
func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) || fe.Name != "fuzz" || fe.Problem == "" {
		t.Fatalf("error %v (%T) is not a *FileError naming the input", err, err)
	}
}
