//go:build !amd64 || purego

package slotupdate

func advanceAsm(y, g []float32, m *[6]float32) bool { return advanceGo(y, g, m) }

func argmaxFactoredAsm(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	argmaxFactoredGo(idx, weff, s0, w, y, a, k, stride)
}

func writeScoresAsm(dst, s0, w, y []float32, a float32, k, stride int) {
	writeScoresGo(dst, s0, w, y, a, k, stride)
}

// asmBlock is the block size of the assembly calls (factored_amd64.go);
// SampleSoftmax's loop names it in every build.
const asmBlock = 1 << 16

// zEverywhere has no effect in this build, which has no AVX-512 kernels;
// the tests set it for every path (factored_amd64.go).
var zEverywhere = false
