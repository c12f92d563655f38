package pluginrpc

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/pluginrpc/plugintest"
	"github.com/slotlab/slotlab/framework/rng"
	"github.com/slotlab/slotlab/framework/selectkit"
	_ "github.com/slotlab/slotlab/plugins/standard"
)

// TestSelectorSharedMemory runs the external greedy on buffers it
// provided (shared memory: only control crosses the RPC) and on foreign
// memory (copied through scratch), with memfds and with files.
func TestSelectorSharedMemory(t *testing.T) {
	path := greedyBin(t)
	for _, tc := range []struct {
		name, shm string
		n, k      int
	}{
		{"memfd", "", 10000, 8},
		{"file", "file", 3000, 5},
		{"k=1", "", 100, 1},
		{"one connection", "", 1, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLOTLAB_PLUGIN_SHM", tc.shm)
			s := load(t, path, "greedy", "selectors", "").(*Selector)
			l := layer("dense1", tc.n, tc.k)
			b, err := s.Buffers(l)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Scores) != tc.n*tc.k || len(b.Idx) != tc.n || len(b.EvalIdx) != tc.n {
				t.Fatalf("buffers of %d/%d/%d", len(b.Scores), len(b.Idx), len(b.EvalIdx))
			}
			randomScores(b.Scores, 1)
			want := argmax(b.Scores, tc.k)
			ctx := framework.SelectContext{Layer: l, Training: true, Step: 3}
			for _, idx := range [][]int32{b.Idx, b.EvalIdx} {
				if err := s.Select(idx, b.Scores, ctx); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(idx, want) {
					t.Fatal("shared-memory selection differs from the argmax")
				}
			}
			// The scores change in place between steps, as in training.
			randomScores(b.Scores, 2)
			if err := s.Select(b.Idx, b.Scores, ctx); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(b.Idx, argmax(b.Scores, tc.k)) {
				t.Fatal("the plugin did not see the updated scores")
			}
			// Memory the selector did not provide goes through scratch.
			scores := slices.Clone(b.Scores)
			idx := make([]int32, tc.n)
			if err := s.Select(idx, scores, ctx); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(idx, b.Idx) {
				t.Fatal("copied selection differs")
			}
		})
	}
}

// TestEpsGreedy checks the example selector: deterministic, the argmax at
// evaluation and with eps 0, about eps of the connections explore, and the
// result does not depend on how the layer is split.
func TestEpsGreedy(t *testing.T) {
	path := epsBin(t)
	const n, k = 20000, 8
	l := layer("dense1", n, k)
	scores := make([]float32, n*k)
	randomScores(scores, 3)
	best := argmax(scores, k)
	sel := func(eps string, training bool, step int64, lo, hi int) []int32 {
		s := load(t, path, "epsgreedy", "selectors", "eps: "+eps).(framework.Selector)
		idx := make([]int32, hi-lo)
		ctx := framework.SelectContext{Layer: l, Training: training, Step: step, Offset: lo, Stream: 42}
		if err := s.Select(idx, scores[lo*k:hi*k], ctx); err != nil {
			t.Fatal(err)
		}
		return idx
	}
	differ := func(a, b []int32) int {
		d := 0
		for i := range a {
			if a[i] != b[i] {
				d++
			}
		}
		return d
	}
	a := sel("0.25", true, 5, 0, n)
	if !slices.Equal(a, sel("0.25", true, 5, 0, n)) {
		t.Fatal("not deterministic")
	}
	if d := differ(a, best); d < n*k/4*(k-1)/k/k-500 || d > n/4*(k-1)/k+500 {
		t.Fatalf("%d of %d connections left the argmax with eps 0.25 (want about %d)", d, n, n/4*(k-1)/k)
	}
	if slices.Equal(a, sel("0.25", true, 6, 0, n)) {
		t.Fatal("steps 5 and 6 explored the same way")
	}
	if !slices.Equal(sel("0.25", false, 5, 0, n), best) || !slices.Equal(sel("0", true, 5, 0, n), best) {
		t.Fatal("evaluation, or eps 0, is not the argmax")
	}
	split := append(sel("0.25", true, 5, 0, 777), sel("0.25", true, 5, 777, n)...)
	if !slices.Equal(split, a) {
		t.Fatal("the selection depends on how the layer is split")
	}
}

// TestInitializer fills a tensor larger than one chunk through shared
// memory and checks every value against the host's own uniforms.
func TestInitializer(t *testing.T) {
	in := load(t, faultyBin(t), "uniform", "initializers", "scale: 2").(framework.Initializer)
	dst := make([]float32, fillChunk+12345)
	ti := framework.TensorInfo{Layer: layer("dense1", len(dst), 1), Role: framework.Weights, Offset: 77, Stream: framework.StreamKey(rng.New(1, "w").Key)}
	if err := in.Fill(dst, ti); err != nil {
		t.Fatal(err)
	}
	for i, v := range dst {
		if want := 2 * ti.Uniform(77+uint64(i)); v != want {
			t.Fatalf("element %d: %v, want %v", i, v, want)
		}
	}
	if err := in.Fill(nil, ti); err != nil {
		t.Fatal(err)
	}
	// The network fills chunks of a tensor at the same time.
	par := make([]float32, 1<<18)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lo, hi := c*len(par)/8, (c+1)*len(par)/8
			part := ti
			part.Offset = uint64(lo)
			errs[c] = in.Fill(par[lo:hi], part)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for i, v := range par {
		if v != 2*ti.Uniform(uint64(i)) {
			t.Fatalf("parallel fill: element %d differs", i)
		}
	}
}

// TestSharing asks an external sharing strategy for pools, and checks that
// a pool that cannot work is an error.
func TestSharing(t *testing.T) {
	path := faultyBin(t)
	s := load(t, path, "perlayer", "sharing", "").(*Sharing)
	if p, err := s.Pool(layer("conv1", 10, 4)); err != nil || p != (framework.Pool{Key: "faulty/conv1", Stride: 0}) {
		t.Fatalf("pool %+v, %v", p, err)
	}
	bad := load(t, path, "perlayer", "sharing", "bad: true").(*Sharing)
	p, err := bad.Pool(layer("conv1", 10, 4))
	wantErr(t, err, "plugin "+path, "sharing strategy perlayer", "Pool for layer conv1", "stride 1")
	if p != (framework.Pool{}) {
		t.Fatalf("a failed Pool returned pool %+v", p)
	}
}

// TestOptions checks that the plugin decodes options strictly and
// validates them, and that errors name the plugin and the component.
func TestOptions(t *testing.T) {
	eps, greedy := epsBin(t), greedyBin(t)
	for _, tc := range []struct {
		name, path, comp, opts string
		want                   []string
	}{
		{"unknown key", eps, "epsgreedy", "epsilon: 0.1", []string{`unknown option "epsilon"`, "its options are: eps"}},
		{"invalid value", eps, "epsgreedy", "eps: 1.5", []string{"eps must be between 0 and 1, not 1.5"}},
		{"wrong type", eps, "epsgreedy", "eps: lots", []string{`option "eps" must be a number, not "lots"`}},
		{"another selector's option", greedy, "greedy", "eps: 0.1", []string{`unknown option "eps"; its options are: fused`}},
		{"not a mapping", eps, "epsgreedy", "[1, 2]", []string{"options must be a mapping"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path, tc.comp, "selectors", options(t, tc.opts))
			wantErr(t, err, append([]string{"plugin " + tc.path, "selector " + tc.comp}, tc.want...)...)
		})
	}
	m := load(t, eps, "epsgreedy", "selectors", "eps: 0.05")
	got, err := m.(*Selector).MarshalYAML()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]float64
	if err := got.(interface{ Decode(any) error }).Decode(&v); err != nil || v["eps"] != 0.05 {
		t.Fatalf("resolved options %v (%v)", v, err)
	}
}

// TestConfig loads an experiment that names external modules in the older
// form, {plugin: PATH, name: NAME}: options reach the plugin, config.yaml
// records them resolved, with the module's ID and the binary, and a bad
// option is an error at its place in the file.
func TestConfig(t *testing.T) {
	eps, faulty := epsBin(t), faultyBin(t)
	arch, err := filepath.Abs("../../architectures/lenet-300-100.yaml")
	if err != nil {
		t.Fatal(err)
	}
	exp := func(sel string) string {
		return "name: t\ndataset: mnist\narchitecture: " + arch + "\nselector: " + sel +
			"\ninitializers:\n  scores: {plugin: " + faulty + ", name: uniform, scale: 0.5}\n"
	}
	e, err := config.Parse("exp.yaml", []byte(exp("{plugin: "+eps+", name: epsgreedy, eps: 0.05}")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Selector.Module.(*Selector); !ok {
		t.Fatalf("selector is a %T", e.Selector.Module)
	}
	if _, ok := e.Initializers.Scores.Module.(*Initializer); !ok {
		t.Fatalf("score initializer is a %T", e.Initializers.Scores.Module)
	}
	b, err := e.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"plugin: " + eps, "id: selectors.epsgreedy", "eps: 0.05", "id: initializers.uniform", "scale: 0.5"} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("config.yaml lacks %q:\n%s", want, b)
		}
	}
	// The default options are recorded too.
	e2, err := config.Parse("exp.yaml", []byte(exp("{plugin: "+eps+", name: epsgreedy}")), nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := e2.YAML(); !strings.Contains(string(b), "eps: 0.1") {
		t.Fatalf("config.yaml lacks the default eps:\n%s", b)
	}
	if e2.Hash() == e.Hash() {
		t.Fatal("different options, same hash")
	}
	_, err = config.Parse("exp.yaml", []byte(exp("{plugin: "+eps+", name: epsgreedy, eps: 7}")), nil)
	wantErr(t, err, "exp.yaml:4:", "plugin "+eps, "selector epsgreedy", "eps must be between 0 and 1")
	_, err = config.Parse("exp.yaml", []byte(exp("{plugin: "+eps+", name: topk}")), nil)
	wantErr(t, err, "exp.yaml:4:", "serves no selector named \"topk\"", "it serves selector epsgreedy")
}

// TestStartFaults checks each way a plugin can fail to start: the error
// names the plugin and says what happened, and nothing hangs.
func TestStartFaults(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "plain")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho garbage on stdout\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	trueBin := "/bin/true"
	if _, err := os.Stat(trueBin); err != nil {
		trueBin = "/usr/bin/true"
	}
	faulty := faultyBin(t)
	v99 := bins.Build(t, "faulty-v99", "./framework/pluginrpc/testdata/faulty", plugintest.VersionsFlag("99"))
	for _, tc := range []struct {
		name, path, comp, ns, env string
		want                      []string
	}{
		{"missing", filepath.Join(dir, "nope"), "x", "selectors", "", []string{"no such file", "SLOTLAB_PLUGIN_PATH"}},
		{"directory", dir, "x", "selectors", "", []string{"is a directory"}},
		{"not executable", notExec, "x", "selectors", "", []string{"is not executable", "chmod +x"}},
		{"exits at once", trueBin, "x", "selectors", "", []string{"not a slotlab plugin", "exit"}},
		{"prints garbage", script, "x", "selectors", "", []string{"not a slotlab plugin", "garbage on stdout"}},
		{"go program printing garbage", faulty, "faulty", "selectors", "garbage", []string{"not a slotlab plugin", "hello, I am not a plugin"}},
		{"fails at start", faulty, "faulty", "selectors", "exit", []string{"exited (exit status 4)", "faulty: giving up at start"}},
		{"hangs at start", faulty, "faulty", "selectors", "hang", []string{"no slotlab plugin handshake within 1.5s"}},
		{"version mismatch", v99, "faulty", "selectors", "", []string{"protocol version mismatch", "the plugin speaks slotlab plugin protocol version 99", "this slotlab speaks 1"}},
		{"unknown component", faulty, "nope", "selectors", "", []string{`serves no selector named "nope"`, "it serves initializer uniform, selector faulty, sharing strategy perlayer"}},
		{"wrong kind", faulty, "uniform", "selectors", "", []string{`serves no selector named "uniform"`}},
		{"bad namespace", faulty, "faulty", "optimizers", "", []string{"not optimizers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Shutdown() // start afresh, with this environment
			t.Setenv("FAULTY_START", tc.env)
			t.Setenv("SLOTLAB_PLUGIN_TIMEOUT", "1.5s")
			start := time.Now()
			_, err := Load(tc.path, tc.comp, tc.ns, nil)
			wantErr(t, err, append([]string{"plugin " + tc.path}, tc.want...)...)
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

// TestVersionNegotiation checks that a plugin that also speaks a version
// this slotlab does not works, on the version both speak.
func TestVersionNegotiation(t *testing.T) {
	path := bins.Build(t, "faulty-v1-99", "./framework/pluginrpc/testdata/faulty", plugintest.VersionsFlag("1,99"))
	s := load(t, path, "faulty", "selectors", "").(*Selector)
	if v := s.proc.version; v != 1 {
		t.Fatalf("negotiated version %d, want 1", v)
	}
	if got := s.proc.desc.Versions; !slices.Equal(got, []int{1, 99}) {
		t.Fatalf("plugin says it speaks %v", got)
	}
	idx, scores := []int32{0}, []float32{1, 3, 2}
	if err := s.Select(idx, scores, framework.SelectContext{Layer: layer("d", 1, 3)}); err != nil || idx[0] != 1 {
		t.Fatalf("select: %v %v", idx, err)
	}
}

// runtimeFaults are the faulty selector's modes and what the error of each
// must say.
var runtimeFaults = []struct {
	mode string
	want []string
}{
	{"error", []string{"faulty selector fails at step 2"}},
	{"panic", []string{"panic: faulty selector panics at step 2"}},
	{"crash", []string{"the plugin exited (exit status 2)", "panic: faulty plugin crashes at step 2"}},
	{"kill", []string{"the plugin was killed (signal: killed)"}},
	{"hang", []string{"did not answer Select within 1s", "killed it"}},
	{"range", []string{"chose candidate 8 for connection", "but K = 8"}},
	{"count", []string{"says it selected 999 connections, but was asked for 1000"}},
}

// faultySelector starts a fresh faulty plugin (a fault kills its process)
// whose selector misbehaves from step 2 as mode says, with a 1 s timeout,
// and returns it with a layer dense1 of n connections.
func faultySelector(t *testing.T, path, mode string, n, k int) (*Selector, framework.LayerInfo) {
	t.Setenv("SLOTLAB_PLUGIN_TIMEOUT", "1s")
	Shutdown()
	return load(t, path, "faulty", "selectors", "{mode: "+mode+", at: 2}").(*Selector), layer("dense1", n, k)
}

// TestRuntimeFaults makes the faulty selector misbehave at step 2 of a
// layer's selections and checks the error, and that the next load of the
// plugin (the next run of a sweep) works again.
func TestRuntimeFaults(t *testing.T) {
	path := faultyBin(t)
	const n, k = 1000, 8
	for _, tc := range runtimeFaults {
		t.Run(tc.mode, func(t *testing.T) {
			s, l := faultySelector(t, path, tc.mode, n, k)
			b, err := s.Buffers(l)
			if err != nil {
				t.Fatal(err)
			}
			randomScores(b.Scores, 1)
			start := time.Now()
			for step := int64(0); step < 2; step++ {
				if err := s.Select(b.Idx, b.Scores, framework.SelectContext{Layer: l, Training: true, Step: step}); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
			}
			err = s.Select(b.Idx, b.Scores, framework.SelectContext{Layer: l, Training: true, Step: 2})
			wantErr(t, err, append([]string{"plugin " + path, "selector faulty", "Select for layer dense1 (training, step 2)"}, tc.want...)...)
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v", d)
			}
			// A new load (the next run of a sweep) works.
			s2 := load(t, path, "faulty", "selectors", "").(*Selector)
			b2, err := s2.Buffers(l)
			if err != nil {
				t.Fatal(err)
			}
			copy(b2.Scores, b.Scores)
			if err := s2.Select(b2.Idx, b2.Scores, framework.SelectContext{Layer: l, Training: true, Step: 2}); err != nil {
				t.Fatalf("after the fault: %v", err)
			}
		})
	}
}

// TestRuntimeFaultsFactored makes the faulty selector misbehave at step 2
// when it selects from factored scores (protocol version 2), and checks
// the error; the selections before the fault are the argmax of the scores
// the host would write out.
func TestRuntimeFaultsFactored(t *testing.T) {
	path := faultyBin(t)
	const n, k = 1000, 8
	for _, tc := range runtimeFaults {
		t.Run(tc.mode, func(t *testing.T) {
			s, l := faultySelector(t, path, tc.mode, n, k)
			b, ok, err := s.FactoredBuffers(l)
			if err != nil || !ok {
				t.Fatalf("FactoredBuffers: %v, %v", ok, err)
			}
			randomScores(b.Init, 1)
			randomScores(b.Weights, 2)
			randomScores(b.Y, 3)
			const a = 0.9
			scores := make([]float32, n*k)
			slotupdate.WriteScores(scores, b.Init, b.Weights, b.Y, a, k, k)
			want := make([]int32, n)
			selectkit.Argmax(want, scores, k)
			for step := int64(0); step < 2; step++ {
				if err := s.SelectFactored(b.Idx, a, framework.SelectContext{Layer: l, Training: true, Step: step}); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				if !slices.Equal(b.Idx, want) {
					t.Fatalf("step %d: the selection is not the argmax of the factored scores", step)
				}
			}
			err = s.SelectFactored(b.Idx, a, framework.SelectContext{Layer: l, Training: true, Step: 2})
			wantErr(t, err, append([]string{"plugin " + path, "selector faulty", "Select for layer dense1 (training, step 2)"}, tc.want...)...)
		})
	}
}

// TestResolve finds plugins as given and on SLOTLAB_PLUGIN_PATH.
func TestResolve(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(bin, "slotlab-x")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, env, want string
	}{
		{"absolute", exe, "", exe},
		{"relative to a path dir", "bin/slotlab-x", dir, exe},
		{"base name in a path dir", "slotlab-x", "/nonexistent:" + bin, exe},
		{"directory part ignored if needed", "other/slotlab-x", bin, exe},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(PathEnv, tc.env)
			got, err := Resolve(tc.path)
			if err != nil || got != tc.want {
				t.Fatalf("Resolve(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
			}
		})
	}
	t.Setenv(PathEnv, bin)
	_, err := Resolve("missing")
	wantErr(t, err, "plugin missing: no such file", filepath.Join(bin, "missing"))
}

// TestShutdownEndsProcesses checks that no plugin process outlives
// Shutdown.
func TestShutdownEndsProcesses(t *testing.T) {
	s := load(t, greedyBin(t), "greedy", "selectors", "").(*Selector)
	proc := s.proc.cmd.Process
	Shutdown()
	deadline := time.Now().Add(5 * time.Second)
	for s.proc.cmd.ProcessState == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.proc.cmd.ProcessState == nil {
		t.Fatalf("plugin process %d still runs after Shutdown", proc.Pid)
	}
	_, err := s.Buffers(layer("d", 10, 2))
	wantErr(t, err, "plugin", "stopped")
}
