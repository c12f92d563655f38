package kernels

import (
	"math"
	"testing"
)

// The assembly row helpers must agree bit for bit with plain Go.
func TestRowHelpers(t *testing.T) {
	if !useAsm {
		t.Skip("no assembly in this build")
	}
	for _, tc := range []struct{ rows, cols, ds, ss int }{
		{1, 1, 1, 1}, {3, 7, 9, 8}, {4, 8, 8, 10}, {2, 15, 20, 15}, {5, 16, 16, 16},
		{3, 17, 30, 17}, {28, 28, 28, 30}, {2, 31, 31, 40}, {1, 100, 100, 100},
	} {
		n := (tc.rows-1)*max(tc.ds, tc.ss) + tc.cols + 5
		src := to32(randVec(uint64(tc.cols), n, 1))
		base := to32(randVec(uint64(tc.rows), n, 1))
		for _, add := range []bool{false, true} {
			want := append([]float32(nil), base...)
			got := append([]float32(nil), base...)
			for r := 0; r < tc.rows; r++ {
				for j := 0; j < tc.cols; j++ {
					if add {
						want[r*tc.ds+j] += src[r*tc.ss+j]
					} else {
						want[r*tc.ds+j] = src[r*tc.ss+j]
					}
				}
			}
			if add {
				addRowsAVX2(&got[0], tc.ds, &src[0], tc.ss, tc.rows, tc.cols)
			} else {
				copyRowsAVX2(&got[0], tc.ds, &src[0], tc.ss, tc.rows, tc.cols)
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%+v add=%v: element %d = %v, want %v", tc, add, i, got[i], want[i])
				}
			}
		}
	}
}
