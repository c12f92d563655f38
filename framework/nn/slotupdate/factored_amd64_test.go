//go:build amd64 && !purego

package slotupdate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
	"github.com/slotlab/slotlab/framework/isatest"
)

// TestKernelPaths says which paths impls (and so every comparison with the
// reference in this package) runs here, with a subtest per path that is
// skipped, visibly, when the CPU lacks it, and checks that the default
// choice follows package isa: AVX-512 exactly when SLOTLAB_ISA allows it
// and the CPU has it.
func TestKernelPaths(t *testing.T) {
	var names []string
	for _, im := range impls() {
		names = append(names, im.name)
	}
	t.Logf("paths checked against the reference: %v (isa.Selected = %s)", names, isa.Selected())
	if want := hasAVX512 && hasAVX2 && isa.Selected() >= isa.AVX512; useAVX512 != want {
		t.Errorf("useAVX512 = %v, want %v (isa.Selected = %s)", useAVX512, want, isa.Selected())
	}
	if want := hasAVX2 && isa.Selected() >= isa.AVX2; useAsm != want {
		t.Errorf("useAsm = %v, want %v (isa.Selected = %s)", useAsm, want, isa.Selected())
	}
	for _, p := range []struct {
		l   isa.Level
		has bool
	}{{isa.AVX512, hasAVX512}, {isa.AVX2, hasAVX2}, {isa.Generic, true}} {
		t.Run(p.l.String(), func(t *testing.T) { isatest.Path(t, p.l, p.has) })
	}
}

// zKernels pairs each AVX-512 selection kernel with its AVX2 version.
var zKernels = []struct {
	name    string
	ks      []int
	z, avx2 func(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
}{
	{"FK8", []int{8}, argmaxFK8Z, argmaxFK8},
	{"FK8n", []int{16, 24, 32, 40, 48, 64, 72, 136}, argmaxFK8nZ, argmaxFK8n},
}

// TestArgmaxKernelsZ calls the AVX-512 selection kernels directly, for
// every n from 0 to 21 and a few more (every remainder of the 4, 2 and 1
// connections argmaxFK8Z takes per step), K = 8 and multiples of 8 with
// K/8 odd and even, per-connection and shared weights (wstep 0), random,
// tied and special (NaN, ±Inf, ±0) inputs, and checks idx and weff
// against the reference and the AVX2 kernel bit for bit, and that nothing
// past n is written.
func TestArgmaxKernelsZ(t *testing.T) {
	isatest.Path(t, isa.AVX512, hasAVX512)
	var ns []int
	for n := range 22 {
		ns = append(ns, n)
	}
	ns = append(ns, 63, 64, 65, 66, 67, 301)
	for _, kz := range zKernels {
		for _, k := range kz.ks {
			for _, stride := range []int{k, 0} {
				for _, n := range ns {
					for _, kind := range factoredKinds {
						name := fmt.Sprintf("%s/K%d/stride%d/n%d/kind%d", kz.name, k, stride, n, kind)
						r := rand.New(rand.NewPCG(uint64(k*1000+n), uint64(int(kind)*2+stride)+99))
						in := newFactoredIn(r, n, k, stride, kind)
						wantIdx, wantW := outputs(n, n)
						refArgmaxFactored(wantIdx[:n], wantW, in.s0, in.w, in.y, in.a, k, stride)
						wstep := 4 * stride
						for _, v := range []struct {
							name string
							f    func(idx *int32, weff, s0, w, y *float32, n, k, wstep int, a float32)
						}{{"avx512", kz.z}, {"avx2", kz.avx2}} {
							idx, weff := outputs(n, n)
							v.f(&idx[0], &weff[0], &in.s0[0], &in.w[0], &in.y[0], n, k, wstep, in.a)
							diffI(t, name+" "+v.name+" idx", idx, wantIdx)
							for i := range weff {
								if math.Float32bits(weff[i]) != math.Float32bits(wantW[i]) {
									t.Fatalf("%s %s: weff[%d] = %#08x, want %#08x", name, v.name, i, math.Float32bits(weff[i]), math.Float32bits(wantW[i]))
								}
							}
							checkGuards(t, name+" "+v.name+" weff", weff, n)
						}
					}
				}
			}
		}
	}
}

// childEnv marks the test binary run by TestISAOverride.
const childEnv = "SLOTLAB_SLOTUPDATE_TEST_ISA_CHILD"

// TestISAOverride runs this test binary again with SLOTLAB_ISA set to each
// path (and GODEBUG hiding AVX-512F, as golang.org/x/sys/cpu allows), and
// checks the kernels it chooses: AVX-512 only when the variable allows it
// and the CPU has it, AVX2 down to avx2, Go for generic.
func TestISAOverride(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		fmt.Printf("asm=%v avx512=%v\n", useAsm, useAVX512)
		return
	}
	cases := []struct {
		env, godebug string
		asm, z       bool
	}{
		{"avx512", "", hasAVX2, hasAVX512},
		{"", "", hasAVX2, hasAVX512},
		{"avx2", "", hasAVX2, false},
		{"generic", "", false, false},
		{"avx512", "cpu.avx512f=off", hasAVX2, false},
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestISAOverride$")
		cmd.Env = append(os.Environ(), childEnv+"=1", isa.EnvVar+"="+c.env, "GODEBUG="+c.godebug)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("SLOTLAB_ISA=%s GODEBUG=%s: %v\n%s", c.env, c.godebug, err, out)
		}
		if want := fmt.Sprintf("asm=%v avx512=%v\n", c.asm, c.z); !strings.Contains(string(out), want) {
			t.Errorf("SLOTLAB_ISA=%s GODEBUG=%s: child reported %q, want %q", c.env, c.godebug, out, want)
		}
	}
}
