//go:build amd64 && !purego

package kernels

import "testing"

// The portable row helpers, used where there is no AVX2, must give the same
// convolutions.
func TestConvWithoutAssembly(t *testing.T) {
	defer func(v bool) { useAsm = v }(useAsm)
	useAsm = false
	TestConvAgainstReference(t)
}

// So must the Winograd passes.
func TestWinogradWithoutAssembly(t *testing.T) {
	defer func(v bool) { useAsm = v }(useAsm)
	useAsm = false
	TestWinogradAgainstReference(t)
	TestWinogradFilterAgainstReference(t)
}

// BenchmarkReLUPaths times ReLU forward and backward on CONV-4's largest
// activation (128 images × 64 × 30 × 30), with the AVX2 kernels and with
// the Go loops alone.
func BenchmarkReLUPaths(b *testing.B) {
	n := 128 * 64 * 30 * 30
	x := reluSpecials(n)
	dy := to32(randVec(703, n, 1))
	y, dx := make([]float32, n), make([]float32, n)
	asm := useAsm
	defer func() { useAsm = asm }()
	for _, path := range []struct {
		name string
		asm  bool
	}{{"go", false}, {"avx2", asm}} {
		useAsm = path.asm
		b.Run("forward/"+path.name, func(b *testing.B) {
			b.SetBytes(int64(8 * n))
			for i := 0; i < b.N; i++ {
				ReLUForward(x, y)
			}
		})
		b.Run("backward/"+path.name, func(b *testing.B) {
			b.SetBytes(int64(12 * n))
			for i := 0; i < b.N; i++ {
				ReLUBackward(y, dy, dx)
			}
		})
	}
}
