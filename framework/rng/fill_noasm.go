//go:build !amd64 || purego

package rng

// hasAVX2 is false: this build has no assembly kernel.
const hasAVX2 = false

// useAsm selects the assembly kernel; always false in this build.
var useAsm = false

func fillUniformAVX2(dst *float32, n int, z uint64, lo, d, scale float32) {
	panic("rng: no assembly kernel in this build")
}
