package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/results"
)

// TestISAPathsTrainAlike trains Lenet and CONV-2 briefly on every
// instruction-set path this CPU supports (SLOTLAB_ISA=avx512, avx2,
// generic; a path the CPU lacks is skipped): every path trains as the
// generic one does within float tolerance, epoch by epoch: losses within a
// relative 1e-5 and accuracies within one point. The generic path runs
// twice and must repeat itself exactly; the default (widest) path's
// determinism is TestGOMAXPROCSSameRun's, and gemm's tests check every
// path's. Measured on an AMD EPYC with
// AVX-512: AVX-512 and AVX2 agree bit for bit; generic differs from them in
// the ninth digit of the loss. Checked to fail by scaling the AVX-512
// kernel's alpha by 1.001 (the loss tolerance breaks).
func TestISAPathsTrainAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	for _, tc := range []struct {
		name string
		exp  string
		args func(t *testing.T) []string
	}{
		{"lenet", repoFile("experiments", "lenet.yaml"), func(*testing.T) []string { return quick }},
		{"conv2", repoFile("experiments", "conv2.yaml"), cifarSubset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", tc.exp, "--quiet"}, tc.args(t)...)
			run := func(isa string) (string, []results.Epoch) {
				dir := runChild(t, args, "SLOTLAB_ISA="+isa)
				r, err := results.ReadResult(dir)
				if err != nil {
					t.Fatal(err)
				}
				var eps []results.Epoch
				for _, line := range strings.Split(strings.TrimSpace(string(stripTimes(t, dir))), "\n") {
					var e results.Epoch
					if err := json.Unmarshal([]byte(line), &e); err != nil {
						t.Fatal(err)
					}
					eps = append(eps, e)
				}
				return r.Host.GemmKernel, eps
			}
			_, generic := run("generic")
			for _, isa := range []string{"generic", "avx2", "avx512"} {
				kernel, a := run(isa)
				if kernel != "go-"+isa {
					t.Logf("SLOTLAB_ISA=%s: this CPU runs %s instead; skipped", isa, kernel)
					continue
				}
				for i := range a {
					g := generic[i]
					if isa == "generic" && a[i] != g {
						t.Fatalf("generic is not deterministic: epoch %d %+v then %+v", i+1, a[i], g)
					}
					rel := func(x, y float64) float64 { return math.Abs(x-y) / math.Max(math.Abs(y), 1e-12) }
					if rel(a[i].TrainLoss, g.TrainLoss) > 1e-5 || rel(a[i].TestLoss, g.TestLoss) > 1e-5 ||
						math.Abs(a[i].TestAcc-g.TestAcc) > 1 || math.Abs(a[i].TrainAcc-g.TrainAcc) > 1 {
						t.Fatalf("%s differs from generic beyond float tolerance at epoch %d:\n%+v\n%+v", isa, i+1, a[i], g)
					}
				}
				t.Logf("%s: epoch %d train loss %.10g (generic %.10g)", isa, len(a), a[len(a)-1].TrainLoss, generic[len(a)-1].TrainLoss)
			}
		})
	}
}
