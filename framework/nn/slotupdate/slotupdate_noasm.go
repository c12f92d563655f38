//go:build !amd64 || purego

package slotupdate

// hasAVX2 is false: this build has no assembly kernels.
const hasAVX2 = false

// useAsm selects the assembly kernels; always false in this build.
var useAsm = false

// hasAVX512 is false and useAVX512 never set: no assembly in this build.
const hasAVX512 = false

var useAVX512 = false

func sgdAsm(x, v, g []float32, p SGD) bool { return sgdGo(x, v, g, p) }

func sampleK8nAVX2(idx *int32, s, u, scratch *float32, n, k int) { panic("no assembly in this build") }

func zSampleWins(k int) bool { return false }

func sampleKernel(z bool, ip *int32, sp, up, scratch *float32, c, k int) {
	panic("no assembly in this build")
}
