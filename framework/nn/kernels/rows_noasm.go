//go:build !amd64 || purego

package kernels

// useAsm is false: this build has no assembly.
const useAsm = false

// useAVX512 is false: this build has no assembly.
const useAVX512 = false

func copyRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int) {
	panic("kernels: no assembly in this build")
}

func addRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int) {
	panic("kernels: no assembly in this build")
}

func winoIn4AVX2(a0, a1, a2, a3, v0, v1, v2, v3 *float32, n int) {
	panic("kernels: no assembly in this build")
}

func winoOut2AVX2(m0, m1, m2, m3, s0, s1 *float32, n int) {
	panic("kernels: no assembly in this build")
}

func winoGrad4AVX2(a0, a1, v0, v1, v2, v3 *float32, n int) {
	panic("kernels: no assembly in this build")
}

func winoRowGrad4AVX2(y *float32, n int, v0, v1, v2, v3 *float32) {
	panic("kernels: no assembly in this build")
}

func reluAVX2(x, y *float32, n int) {
	panic("kernels: no assembly in this build")
}

func reluGradAVX2(y, dy, dx *float32, n int) {
	panic("kernels: no assembly in this build")
}

func winoFiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int) {
	panic("kernels: no assembly in this build")
}

func winoPairsAVX2(s0, s1, y *float32, ys, rows, n int) {
	panic("kernels: no assembly in this build")
}

func bnNormAVX2(x, y *float32, n int, mean, inv float32, relu uint32, planes, stride int) {
	panic("kernels: no assembly in this build")
}

func bnBackAVX2(x, dy, dx *float32, n int, mean, inv, a, gm float32, keep uint32, planes, stride int) {
	panic("kernels: no assembly in this build")
}

func winoPlaneIn4AVX2(x *float32, ld, rows, n int, e *float32, t int) {
	panic("kernels: no assembly in this build")
}

func winoGradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int) {
	panic("kernels: no assembly in this build")
}

func bnSum4AVX2(x *float32, stride, n int, mean float64, sq bool, out *float64, groups int) {
	panic("kernels: no assembly in this build")
}

func bnDyXhat4AVX2(x, dy *float32, stride, n int, mean, inv float32, keep uint32, out *float64, groups int) {
	panic("kernels: no assembly in this build")
}

func wino4FiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int) {
	panic("kernels: no assembly in this build")
}

func winoPlaneIn6AVX2(x *float32, ld, rows, n int, e *float32, t int) {
	panic("kernels: no assembly in this build")
}

func wino4InAVX2(a *float32, as int, v *float32, vs, n int) {
	panic("kernels: no assembly in this build")
}

func wino4OutAVX2(m *float32, ms int, s *float32, ss, n int) {
	panic("kernels: no assembly in this build")
}

func winoQuadsAVX2(s *float32, st int, y *float32, ys, rows, n, sn int) {
	panic("kernels: no assembly in this build")
}

func winoPlaneGrad6AVX2(y *float32, ld, rows, n, sn int, e *float32, t int) {
	panic("kernels: no assembly in this build")
}

func wino4GradAVX2(a *float32, as int, v *float32, vs, n int) {
	panic("kernels: no assembly in this build")
}

func wino4GradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int) {
	panic("kernels: no assembly in this build")
}

func winoPlaneIn6AVX512(x *float32, ld, rows, n int, e *float32, t int) {
	panic("kernels: no assembly in this build")
}

func winoQuadsAVX512(s *float32, st int, y *float32, ys, rows, n, sn, w int) {
	panic("kernels: no assembly in this build")
}

func winoPlaneIn4AVX512(x *float32, ld, rows, n int, e *float32, t int) {
	panic("kernels: no assembly in this build")
}

func winoPairsAVX512(s0, s1, y *float32, ys, rows, n int) {
	panic("kernels: no assembly in this build")
}

func wino4InAVX512(a *float32, as int, v *float32, vs, n int) {
	panic("kernels: no assembly in this build")
}

func wino4OutAVX512(m *float32, ms int, s *float32, ss, n int) {
	panic("kernels: no assembly in this build")
}

func wino4GradAVX512(a *float32, as int, v *float32, vs, n int) {
	panic("kernels: no assembly in this build")
}

func maxPool2x2AVX512(x *float32, w int, y *float32, arg *int32, oh, ow int) uint32 {
	panic("kernels: no assembly in this build")
}

func maxUnpool2x2AVX512(dy *float32, arg *int32, dx *float32, w, oh, ow int) {
	panic("kernels: no assembly in this build")
}

func im2colPermAVX512(x *float32, hw int, cols *float32, ld int, perm *int32, masks *uint32, kk, ohw, nc int) {
	panic("kernels: no assembly in this build")
}

func col2imPermAVX512(cols *float32, ld int, dx *float32, hw int, inv *int32, masks *uint32, kk, ohw, nc int) {
	panic("kernels: no assembly in this build")
}
