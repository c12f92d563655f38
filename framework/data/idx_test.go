package data

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"testing/iotest"
)

func TestParseIDXImages(t *testing.T) {
	body := make([]byte, 2*3*4)
	for i := range body {
		body[i] = byte(i)
	}
	tests := []struct {
		name    string
		in      []byte
		n, h, w int
		errs    []string // words the error must contain; nil = success
	}{
		{"valid", idxImages(0x803, 2, 3, 4, body), 2, 3, 4, nil},
		{"empty set", idxImages(0x803, 0, 28, 28, nil), 0, 28, 28, nil},
		{"empty file", nil, 0, 0, 0, []string{"16-byte IDX image header", "found only 0"}},
		{"short header", idxImages(0x803, 2, 3, 4, nil)[:10], 0, 0, 0, []string{"header", "found only 10", "truncated"}},
		{"bad magic", idxImages(0x804, 2, 3, 4, body), 0, 0, 0, []string{"magic number 0x00000804", "expected 0x00000803"}},
		{"label file", idxLabels(0x801, 2, nil), 0, 0, 0, []string{"label file", "0x00000801"}},
		{"too many", idxImages(0x803, MaxIDXItems+1, 1, 1, nil), 0, 0, 0, []string{"1000001 images", "limit"}},
		{"negative count", idxImages(0x803, -1, 1, 1, nil), 0, 0, 0, []string{"4294967295 images", "limit"}},
		{"zero rows", idxImages(0x803, 1, 0, 4, nil), 0, 0, 0, []string{"0×4", "at least 1×1"}},
		{"huge images", idxImages(0x803, 1, 2048, 1024, nil), 0, 0, 0, []string{"2048×1024", "at most"}},
		{"truncated body", idxImages(0x803, 2, 3, 4, body[:20]), 0, 0, 0, []string{"expected 24 bytes", "found 20", "truncated"}},
		{"trailing garbage", idxImages(0x803, 2, 3, 4, append(body, 1, 2)), 0, 0, 0, []string{"2 bytes of unexpected data", "exactly 40 bytes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, h, w, pix, err := ParseIDXImages(bytes.NewReader(tc.in), "x.idx")
			if tc.errs != nil {
				wantErr(t, err, append([]string{"x.idx"}, tc.errs...)...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.n || h != tc.h || w != tc.w || len(pix) != n*h*w {
				t.Fatalf("got %d×%d×%d with %d pixels, want %d×%d×%d", n, h, w, len(pix), tc.n, tc.h, tc.w)
			}
			if n > 0 && !bytes.Equal(pix, body) {
				t.Fatal("pixels differ")
			}
		})
	}
}

func TestParseIDXImagesExpectedShape(t *testing.T) {
	in := idxImages(0x803, 2, 3, 4, make([]byte, 24))
	_, _, _, _, err := parseIDXImages(bytes.NewReader(in), "f", idxShape{n: 2, h: 28, w: 28})
	wantErr(t, err, "f", "3×4", "expected 28×28")
	_, _, _, _, err = parseIDXImages(bytes.NewReader(in), "f", idxShape{n: 60000, h: 3, w: 4})
	wantErr(t, err, "f", "2 images", "expected 60000")
	if _, _, _, _, err = parseIDXImages(bytes.NewReader(in), "f", idxShape{n: 2, h: 3, w: 4}); err != nil {
		t.Fatal(err)
	}
}

func TestParseIDXLabels(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want []uint8
		errs []string
	}{
		{"valid", idxLabels(0x801, 3, []byte{1, 2, 9}), []uint8{1, 2, 9}, nil},
		{"values are not checked", idxLabels(0x801, 1, []byte{200}), []uint8{200}, nil},
		{"empty file", nil, nil, []string{"8-byte IDX label header", "found only 0"}},
		{"bad magic", idxLabels(0x802, 3, []byte{1, 2, 3}), nil, []string{"magic number 0x00000802", "expected 0x00000801"}},
		{"image file", idxImages(0x803, 1, 1, 1, []byte{0}), nil, []string{"image file", "label file was expected"}},
		{"too many", idxLabels(0x801, MaxIDXItems+1, nil), nil, []string{"1000001 labels", "limit"}},
		{"truncated", idxLabels(0x801, 5, []byte{1, 2}), nil, []string{"expected 5 labels", "found 2", "truncated"}},
		{"trailing garbage", idxLabels(0x801, 1, []byte{1, 2}), nil, []string{"1 bytes of unexpected data", "exactly 9 bytes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseIDXLabels(bytes.NewReader(tc.in), "l.idx")
			if tc.errs != nil {
				wantErr(t, err, append([]string{"l.idx"}, tc.errs...)...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("got %v want %v", got, tc.want)
			}
		})
	}
	_, err := parseIDXLabels(bytes.NewReader(idxLabels(0x801, 3, []byte{1, 2, 3})), "l", 60000)
	wantErr(t, err, "3 labels", "expected 60000")
}

// A reader that returns one byte at a time, or errors, is handled.
func TestParseIDXOddReaders(t *testing.T) {
	body := bytes.Repeat([]byte{7}, 5*4*4)
	in := idxImages(0x803, 5, 4, 4, body)
	n, _, _, pix, err := ParseIDXImages(iotest.OneByteReader(bytes.NewReader(in)), "f")
	if err != nil || n != 5 || !bytes.Equal(pix, body) {
		t.Fatalf("one-byte reader: n=%d err=%v", n, err)
	}
	_, _, _, _, err = ParseIDXImages(iotest.TimeoutReader(bytes.NewReader(in)), "f")
	wantErr(t, err, "f", "read error", "timeout")
	_, _, _, _, err = ParseIDXImages(io.MultiReader(bytes.NewReader(in[:20]), iotest.ErrReader(io.ErrClosedPipe)), "f")
	wantErr(t, err, "f", "closed pipe")
}

// A header that declares a huge file must not make the parser allocate it.
func TestParseIDXLyingHeaderAllocatesLittle(t *testing.T) {
	in := idxImages(0x803, MaxIDXItems, 1024, 1024, make([]byte, 1000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _, _, err := ParseIDXImages(bytes.NewReader(in), "lie")
	runtime.ReadMemStats(&after)
	wantErr(t, err, "lie", "found 1000", "truncated")
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Fatalf("allocated %d bytes for a 1 kB input", got)
	}
}

func TestCheckLabels(t *testing.T) {
	if err := checkLabels([]uint8{0, 9, 3}, 10, "f"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, checkLabels([]uint8{0, 9, 10}, 10, "f"), "f", "label 10 of example 2", "expected 0..9")
}
