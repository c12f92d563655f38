//go:build !amd64 || purego

package kernels

// useAsm is false: this build has no assembly.
const useAsm = false

func copyRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int) {
	panic("kernels: no assembly in this build")
}

func addRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int) {
	panic("kernels: no assembly in this build")
}
