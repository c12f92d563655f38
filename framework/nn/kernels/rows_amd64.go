//go:build amd64 && !purego

package kernels

import (
	"golang.org/x/sys/cpu"

	"github.com/slotlab/slotlab/framework/internal/isa"
)

// useAsm reports whether the AVX2 row helpers of rows_amd64.s run here: the
// CPU has AVX2 and SLOTLAB_ISA does not force the generic path.
var useAsm = cpu.X86.HasAVX2 && isa.Selected() >= isa.AVX2

// useAVX512 reports whether the AVX-512 forms of the per-plane Winograd
// gathers and scatters (wino_avx512_amd64.s) run here: the CPU has
// AVX-512F and VL (and BMI2) and SLOTLAB_ISA selects the AVX-512 path. They give the
// same bits as the AVX2 forms; tests turn it off to compare them.
var useAVX512 = useAsm && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL && cpu.X86.HasBMI2 && isa.Selected() >= isa.AVX512

// copyRowsAVX2 is copyRows in AVX2 assembly; the caller checks bounds.
//
//go:noescape
func copyRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int)

// addRowsAVX2 is addRows in AVX2 assembly; the caller checks bounds.
//
//go:noescape
func addRowsAVX2(dst *float32, ds int, src *float32, ss, rows, cols int)

// winoIn4AVX2 is winoIn4 in AVX2 assembly; the caller checks bounds.
//
//go:noescape
func winoIn4AVX2(a0, a1, a2, a3, v0, v1, v2, v3 *float32, n int)

// winoOut2AVX2 is winoOut2 in AVX2 assembly; the caller checks bounds.
//
//go:noescape
func winoOut2AVX2(m0, m1, m2, m3, s0, s1 *float32, n int)

// winoGrad4AVX2 is winoGrad4 in AVX2 assembly; the caller checks bounds.
//
//go:noescape
func winoGrad4AVX2(a0, a1, v0, v1, v2, v3 *float32, n int)

// winoRowGrad4AVX2 is winoRowGrad4 in AVX2 assembly; the caller checks
// bounds.
//
//go:noescape
func winoRowGrad4AVX2(y *float32, n int, v0, v1, v2, v3 *float32)

// reluAVX2 is the ReLU of activation.go on n elements, n a positive
// multiple of 8; the caller checks bounds.
//
//go:noescape
func reluAVX2(x, y *float32, n int)

// reluGradAVX2 is the ReLU gradient of activation.go on n elements, n a
// positive multiple of 8; the caller checks bounds.
//
//go:noescape
func reluGradAVX2(y, dy, dx *float32, n int)

// winoFiltersAVX2 is the filter transform of winoDir.filters on blocks of
// eight filters (wino_amd64.s); the caller checks bounds.
//
//go:noescape
func winoFiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int)

// winoPairsAVX2 interleaves two columns of tile outputs into rows of an
// output plane, for winoDir.scatter (wino_amd64.s); the caller checks
// bounds.
//
//go:noescape
func winoPairsAVX2(s0, s1, y *float32, ys, rows, n int)

// bnNormAVX2 is BatchNorm.normalise's loop over the planes of a channel
// (wino_amd64.s), with the fused ReLU where relu is all ones; the caller
// checks bounds.
//
//go:noescape
func bnNormAVX2(x, y *float32, n int, mean, inv float32, relu uint32, planes, stride int)

// bnBackAVX2 is the ∂x loop of BatchNorm.backwardChannel over the planes
// of a channel (wino_amd64.s):
// keep all ones passes dy as it is, keep 0 (a fused ReLU) passes it where
// x̂ > 0 only; the caller checks bounds.
//
//go:noescape
func bnBackAVX2(x, dy, dx *float32, n int, mean, inv, a, gm float32, keep uint32, planes, stride int)

// winoPlaneIn4AVX2 is winoRowIn4 over every row of tiles of a plane,
// for winoDir.rowsIn (wino_amd64.s); the caller checks bounds.
//
//go:noescape
func winoPlaneIn4AVX2(x *float32, ld, rows, n int, e *float32, t int)

// winoGradFiltersAVX2 is winoDir.gradFilters on blocks of eight filters
// (wino_amd64.s); the caller checks bounds.
//
//go:noescape
func winoGradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int)

// bnSum4AVX2 is sum64's loop (sq false) or sumSq64's (sq true) on the
// planes of a channel, four at a time, one lane per partial sum
// (wino_amd64.s); the caller checks bounds.
//
//go:noescape
func bnSum4AVX2(x *float32, stride, n int, mean float64, sq bool, out *float64, groups int)

// bnDyXhat4AVX2 is sumDyXhat64's loop on the planes of a channel, four at
// a time, dy masked by x̂ > 0 unless keep is all ones (wino_amd64.s); the
// caller checks bounds.
//
//go:noescape
func bnDyXhat4AVX2(x, dy *float32, stride, n int, mean, inv float32, keep uint32, out *float64, groups int)

// wino4FiltersAVX2 is the F(4×4) filter transform of winoDir.filters on blocks
// of eight filters (wino4_amd64.s): lane l of block b takes g_k =
// w[b·wadv + idx[l] + k·kstep], k < 9, and writes position pos of its
// U = G g Gᵀ to u[pos·plane + 8b + l], pos < 36; the caller checks bounds.
//
//go:noescape
func wino4FiltersAVX2(w *float32, kstep int, idx *int32, wadv int, u *float32, plane, blocks int)

// winoPlaneIn6AVX2 is wino4RowIn over every row of tiles of a plane, for
// winoDir.rowsIn4 (wino4_amd64.s): for r < rows and k < 6, the row
// x[(4r+k)·ld:] gives tiles q < n of e[(6k+j)·t + r·n + q], j < 6; the
// caller checks bounds.
//
//go:noescape
func winoPlaneIn6AVX2(x *float32, ld, rows, n int, e *float32, t int)

// wino4InAVX2 is wino4In in AVX2 assembly (wino4_amd64.s); the caller
// checks bounds.
//
//go:noescape
func wino4InAVX2(a *float32, as int, v *float32, vs, n int)

// wino4OutAVX2 is wino4Out in AVX2 assembly (wino4_amd64.s); the caller
// checks bounds.
//
//go:noescape
func wino4OutAVX2(m *float32, ms int, s *float32, ss, n int)

// winoQuadsAVX2 interleaves four columns of tile outputs into rows of an
// output plane, for winoDir.scatter4 (wino4_amd64.s): y[r·ys + 4q + b] =
// s[b·st + r·sn + q] for r < rows, q < n ≤ sn, b < 4; the caller checks
// bounds.
//
//go:noescape
func winoQuadsAVX2(s *float32, st int, y *float32, ys, rows, n, sn int)

// wino4GradAVX2 is wino4Grad in AVX2 assembly (wino4_amd64.s); the caller
// checks bounds.
//
//go:noescape
func wino4GradAVX2(a *float32, as int, v *float32, vs, n int)

// winoPlaneGrad6AVX2 is winoGrad6 on the whole tiles of the whole tile rows
// of a plane of ∂y, for winoDir.rowsGrad4 (wino4_amd64.s): for r < rows
// and a < 4, tiles q < n of the row y[(4r+a)·ld:] give
// e[(6a+j)·t + r·sn + q], j < 6; the caller checks bounds.
//
//go:noescape
func winoPlaneGrad6AVX2(y *float32, ld, rows, n, sn int, e *float32, t int)

// wino4GradFiltersAVX2 is winoDir.gradFilters4 on blocks of eight filters
// (wino4_amd64.s); the caller checks bounds.
//
//go:noescape
func wino4GradFiltersAVX2(du *float32, plane, slab, slabs int, dw *float32, blocks int)

// winoPlaneIn6AVX512 is winoPlaneIn6AVX2 with each row's last n mod 8
// tiles in one masked step (wino_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func winoPlaneIn6AVX512(x *float32, ld, rows, n int, e *float32, t int)

// winoQuadsAVX512 is winoQuadsAVX2 writing w outputs of each row, 4n−3 ≤
// w ≤ 4n (the last tile may be partial), with each row's last 1 to 8 tiles
// in one masked step (wino_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func winoQuadsAVX512(s *float32, st int, y *float32, ys, rows, n, sn, w int)

// winoPlaneIn4AVX512 is winoPlaneIn4AVX2 sixteen tiles at a time, each
// row's last n mod 16 in one masked step (wino_avx512_amd64.s); the caller
// checks bounds.
//
//go:noescape
func winoPlaneIn4AVX512(x *float32, ld, rows, n int, e *float32, t int)

// winoPairsAVX512 is winoPairsAVX2 sixteen tiles at a time, each row's
// last n mod 16 in one masked step (wino_avx512_amd64.s); the caller
// checks bounds.
//
//go:noescape
func winoPairsAVX512(s0, s1, y *float32, ys, rows, n int)

// wino4InAVX512 is wino4InAVX2 sixteen lanes at a time, the last n mod 16
// in one masked step (wino_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func wino4InAVX512(a *float32, as int, v *float32, vs, n int)

// wino4OutAVX512 is wino4OutAVX2 sixteen lanes at a time, the last n mod
// 16 in one masked step (wino_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func wino4OutAVX512(m *float32, ms int, s *float32, ss, n int)

// wino4GradAVX512 is wino4GradAVX2 sixteen lanes at a time, the last n
// mod 16 in one masked step (wino_avx512_amd64.s); the caller checks
// bounds.
//
//go:noescape
func wino4GradAVX512(a *float32, as int, v *float32, vs, n int)

// maxPool2x2AVX512 is maxPlane2x2 on one plane, sixteen windows at a time
// (pool_avx512_amd64.s): it returns 0xffff unless the plane holds a NaN or
// an infinity, where the caller reruns the plane; the caller checks bounds.
//
//go:noescape
func maxPool2x2AVX512(x *float32, w int, y *float32, arg *int32, oh, ow int) uint32

// maxUnpool2x2AVX512 is MaxPoolBackward on one plane for 2×2 windows with
// stride 2 (pool_avx512_amd64.s): it writes rows 0..2·oh−1, columns
// 0..2·ow−1 of dx densely; the caller clears the rest and checks bounds.
//
//go:noescape
func maxUnpool2x2AVX512(dy *float32, arg *int32, dx *float32, w, oh, ow int)

// im2colPermAVX512 is im2colTable on nc whole channels of hw ≤ 32 inputs
// and ohw ≤ 32 outputs, by the register permutations perm (permTables.fwd)
// and masks (fwdMask) (im2col_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func im2colPermAVX512(x *float32, hw int, cols *float32, ld int, perm *int32, masks *uint32, kk, ohw, nc int)

// col2imPermAVX512 is col2imTable on nc whole channels of hw ≤ 32 inputs
// and ohw ≤ 32 outputs, by the register permutations inv (permTables.inv)
// and masks (invMask), with col2imTable's additions in its order
// (im2col_avx512_amd64.s); the caller checks bounds.
//
//go:noescape
func col2imPermAVX512(cols *float32, ld int, dx *float32, hw int, inv *int32, masks *uint32, kk, ohw, nc int)
