//go:build amd64 && !purego

package slotupdate

// The kernels of factored_avx512_amd64.s: the AVX-512 versions of the
// kernels of factored_amd64.s, with the same arguments and the same
// results, bit for bit (w still steps by wstep bytes per 8 scores for K <
// 8). Chosen by advanceAsm, argmaxFactoredAsm and writeScoresAsm when
// useAVX512 is set. The kernels for K < 8 take twice the group of their
// AVX2 versions per step (factoredGroup), so n must be a multiple of that;
// the callers give the last group, if any, to the AVX2 kernel.

// argmaxFK8Z is argmaxFK8 (K = 8, w stepped by wstep bytes per
// connection) for any n.
//
//go:noescape
func argmaxFK8Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

// argmaxFK8nZ is argmaxFK8n: every K that is a multiple of 8, from 16 on.
//
//go:noescape
func argmaxFK8nZ(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

// argmaxFK2Z is argmaxFK2 for n a multiple of 8.
//
//go:noescape
func argmaxFK2Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

// argmaxFK4Z is argmaxFK4 for n a multiple of 4.
//
//go:noescape
func argmaxFK4Z(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)

// scoresK1Z is scoresK1 for n a multiple of 16.
//
//go:noescape
func scoresK1Z(dst, s0, w, y *float32, n, k, wstep int, a float32)

// scoresK2Z is scoresK2 for n a multiple of 8.
//
//go:noescape
func scoresK2Z(dst, s0, w, y *float32, n, k, wstep int, a float32)

// scoresK4Z is scoresK4 for n a multiple of 4.
//
//go:noescape
func scoresK4Z(dst, s0, w, y *float32, n, k, wstep int, a float32)

// scoresK8nZ is scoresK8n: every K that is a multiple of 8.
//
//go:noescape
func scoresK8nZ(dst, s0, w, y *float32, n, k, wstep int, a float32)

// advanceZ is advanceAVX2 for n a multiple of 8.
//
//go:noescape
func advanceZ(y, grad *float32, n int, m *[6]float32) (ok bool)
