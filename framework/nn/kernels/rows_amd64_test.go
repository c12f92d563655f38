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
