//go:build !amd64 || purego

package slotupdate

func advanceAsm(y, g []float32, m *[6]float32) bool { return advanceGo(y, g, m) }

func argmaxFactoredAsm(idx []int32, weff, s0, w, y []float32, a float32, k, stride int) {
	argmaxFactoredGo(idx, weff, s0, w, y, a, k, stride)
}

func writeScoresAsm(dst, s0, w, y []float32, a float32, k, stride int) {
	writeScoresGo(dst, s0, w, y, a, k, stride)
}
