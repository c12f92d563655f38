package gemm

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/internal/isa"
)

// childEnv marks the test binary run by TestISAOverride.
const childEnv = "SLOTLAB_GEMM_TEST_ISA_CHILD"

// TestISAOverride runs this test binary again with SLOTLAB_ISA set to each
// path, to auto and to an unknown name, and checks the path ISA and
// Backend report: the one asked for when the CPU and this build have it,
// otherwise the widest available, with a message on standard error. The
// GODEBUG cases hide CPU features (golang.org/x/sys/cpu honours
// cpu.avx512f=off and cpu.avx2=off), so that the fallback from a path the
// CPU lacks is exercised on any machine.
func TestISAOverride(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		fmt.Printf("isa=%s backend=%s\n", ISA(), Backend())
		return
	}
	if override != nil {
		t.Skip("the openblas build does not use the Go kernels")
	}
	cases := []struct{ env, godebug string }{
		{"avx512", ""}, {"avx2", ""}, {"generic", ""}, {"auto", ""}, {"", ""}, {"avx-512", ""},
		{"avx512", "cpu.avx512f=off"}, {"", "cpu.avx512f=off"}, {"avx2", "cpu.avx2=off"}, {"avx512", "cpu.avx2=off"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("SLOTLAB_ISA=%s,GODEBUG=%s", c.env, c.godebug), func(t *testing.T) {
			hidden := func(l isa.Level) bool {
				return strings.Contains(c.godebug, "avx2=off") && l >= isa.AVX2 ||
					strings.Contains(c.godebug, "avx512f=off") && l >= isa.AVX512
			}
			cpuHas := func(l isa.Level) bool { return isa.Supported(l) && !hidden(l) }
			widest := func(top isa.Level, has func(isa.Level) bool) isa.Level {
				for _, l := range isa.Levels {
					if l <= top && has(l) {
						return l
					}
				}
				return isa.Generic
			}
			sel := widest(isa.AVX512, cpuHas)
			want, ok, err := isa.Parse(c.env)
			msg := err != nil || ok && !cpuHas(want)
			if ok && cpuHas(want) {
				sel = want
			}
			path := widest(sel, func(l isa.Level) bool { return cpuHas(l) && shapeFor(l).isa == l })
			msg = msg || ok && cpuHas(want) && path != want

			cmd := exec.Command(os.Args[0], "-test.run=^TestISAOverride$")
			cmd.Env = append(os.Environ(), childEnv+"=1", isa.EnvVar+"="+c.env, "GODEBUG="+c.godebug)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("child: %v\n%s%s", err, out, stderr.String())
			}
			line := fmt.Sprintf("isa=%s backend=go-%s\n", path, path)
			if !strings.Contains(string(out), line) {
				t.Errorf("child reported %q, want %q", out, line)
			}
			if got := strings.Contains(stderr.String(), "slotlab: "+isa.EnvVar+"="); got != msg {
				t.Errorf("message on standard error: %v, want %v (stderr %q)", got, msg, stderr.String())
			}
		})
	}
}
