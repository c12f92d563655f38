package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slotlab/slotlab/framework/bench"
)

// TestBenchJSON runs `slotlab bench --json` on Lenet and checks the line it
// prints, and the flag errors of a comparison.
func TestBenchJSON(t *testing.T) {
	text, err := capture(t, func() error {
		return benchCmd([]string{repoFile("experiments", "lenet.yaml"), "--json", "--steps", "2", "--warmup", "0", "train.batch_size=16"})
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	var r bench.Result
	if err := json.Unmarshal([]byte(strings.TrimSpace(text)), &r); err != nil {
		t.Fatalf("%v: %q", err, text)
	}
	if r.Net != "lenet-300-100" || r.Batch != 16 || r.Steps != 2 || r.SamplesPerSecond <= 0 {
		t.Fatalf("result %+v", r)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--compare", "jax", repoFile("experiments", "lenet.yaml")}, "only torch"},
		{[]string{"--compare", "torch", "--reps", "0", repoFile("experiments", "lenet.yaml")}, "--reps and --threads must be at least 1"},
		{[]string{"--compare", "torch"}, "missing experiment file (or --paper)"},
		{[]string{"--compare", "torch", "--torch-isa", "avx2", repoFile("experiments", "lenet.yaml")}, `--torch-isa "avx2": use match or native`},
	} {
		if _, err := capture(t, func() error { return benchCmd(tc.args) }); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	// --paper's key=value arguments reach every case's config, checked
	// before anything runs (from the repository root, as --paper runs).
	t.Chdir(repoFile())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--compare", "torch", "--paper", "winograd=f3"}, "winograd must be f2 (F(2×2, 3×3)) or f4"},
		{[]string{"--compare", "torch", "--paper", "winogard=f4"}, `did you mean "winograd"?`},
		{[]string{"--compare", "torch", "--paper", "--nets", "vgg19,vgg16"}, `no network "vgg16" in the paper's suite (use some of lenet, conv2, conv4, conv6, vgg19)`},
		{[]string{"--compare", "torch", "--nets", "vgg19", repoFile("experiments", "vgg19.yaml")}, "--nets chooses among --paper's networks: give --paper too"},
	} {
		if _, err := capture(t, func() error { return benchCmd(tc.args) }); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
