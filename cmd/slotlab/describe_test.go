package main

import (
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/nn/kernels"
)

// TestDescribeConvAlgorithms: slotlab describe shows each conv's algorithm
// per pass, F(4×4) and the transform-GEMM path only where the config says
// winograd: f4 (and then where they measured faster), "–" for the first layer's input gradient, which is
// never computed, and no column for a network without convolutions.
func TestDescribeConvAlgorithms(t *testing.T) {
	defer kernels.SetDefaultAlgo(kernels.SetDefaultAlgo(kernels.ConvAlgoAuto))
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{repoFile("experiments", "conv4.yaml")}, []string{"conv: forward / ∂x / ∂w",
			"conv0 (conv)   │ 64×30×30  │     1,728 │  1,555,200 │ 155.2 KiB │ im2col / – / im2col",
			"F(2×2) / im2col / F(2×2)"}, []string{"F(4×4)"}},
		{[]string{repoFile("experiments", "conv4.yaml"), "winograd=f4"}, []string{
			"conv1 (conv)   │ 64×28×28  │    36,864 │ 28,901,376 │   3.2 MiB │ F(4×4) / F(4×4) / F(4×4)",
			"F(2×2) / F(4×4) / F(2×2)"}, nil},
		{[]string{repoFile("experiments", "conv6.yaml")}, []string{"im2col / im2col / im2col"}, []string{"GEMM", "F(4×4)"}},
		{[]string{repoFile("experiments", "conv6.yaml"), "winograd=f4"}, []string{
			"conv5 (conv)   │ 256×5×5   │   589,824 │ 14,745,600 │  51.8 MiB │ F(3×3) GEMM / F(3×3) GEMM / F(3×3) GEMM"}, nil},
		{[]string{repoFile("experiments", "lenet.yaml")}, nil, []string{"conv:"}},
	} {
		out, err := capture(t, func() error { return describeCmd(tc.args) })
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%v: output has %q:\n%s", tc.args, w, out)
			}
		}
	}
}
