package kernels

import "testing"

// validRange must agree with a direct scan for every stride, pad and size.
func TestValidRange(t *testing.T) {
	for stride := 1; stride <= 3; stride++ {
		for pad := 0; pad <= 3; pad++ {
			for w := 1; w <= 6; w++ {
				for k := 0; k <= w+2*pad-1; k++ {
					ow := (w+2*pad-k-1)/stride + 1
					if ow < 1 {
						continue
					}
					lo, hi := validRange(k, pad, stride, w, ow)
					for o := 0; o < ow; o++ {
						i := o*stride + k - pad
						in := i >= 0 && i < w
						if in != (o >= lo && o < hi) {
							t.Fatalf("stride %d pad %d w %d k %d ow %d: [%d,%d) wrong at %d", stride, pad, w, k, ow, lo, hi, o)
						}
					}
				}
			}
		}
	}
}
