package pluginrpc

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/hostapi"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/shm"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// Error is an error of an external component. It names the plugin binary,
// the component and what slotlab asked of it.
type Error struct {
	Plugin    string // the binary, as found
	Component string // e.g. "selector epsgreedy"
	Op        string // e.g. "Select for layer dense1 (training, step 3)"; "" for setup
	Err       error
}

// Error formats the error as "plugin PATH: KIND NAME: OP: cause".
func (e *Error) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("plugin %s: %s: %v", e.Plugin, e.Component, e.Err)
	}
	return fmt.Sprintf("plugin %s: %s: %s: %v", e.Plugin, e.Component, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// component is what the adapters of every kind share: the plugin process,
// the component's description, its options and its instance in the plugin.
type component struct {
	proc *process
	info wire.Component
	raw  *yaml.Node // the options as written; nil: the defaults

	mu       sync.Mutex
	instance uint64     // 0 before setup
	resolved *yaml.Node // the options after setup, defaults included
	argmax   [2]bool    // the selection is the argmax [while training, for evaluation]
	err      error      // why setup failed
	closed   bool
	segments []*segment // every segment shared with the plugin
}

// segment is shared memory mapped by both sides.
type segment struct {
	*shm.Segment
	remote uint64 // the plugin's id of its mapping
}

// adapters make the host's side of a plugin's component, by the namespace
// of its kind: the kinds of module a plugin can serve are the kinds
// (framework.Kind) that this table has an adapter for. An adapter calls
// the methods of its kind's interface over the wire.
var adapters = map[string]func(p *process, c *component) framework.Module{
	wire.KindSelector:    func(p *process, c *component) framework.Module { return &Selector{Plugin: p.path, component: c} },
	wire.KindInitializer: func(p *process, c *component) framework.Module { return &Initializer{Plugin: p.path, component: c} },
	wire.KindSharing: func(p *process, c *component) framework.Module {
		return &Sharing{Plugin: p.path, component: c, pools: map[string]framework.Pool{}}
	},
}

// newAdapter returns the adapter of the component info of p, whose kind
// hosted has checked.
func newAdapter(p *process, info wire.Component) framework.Module {
	return adapters[info.Kind](p, &component{proc: p, info: info})
}

// hosted checks that plugins can serve modules of namespace ns here: it
// is a registered kind's, and there is an adapter for it.
func hosted(ns string) error {
	kind, ok := framework.LookupKind(ns)
	if ok && adapters[ns] != nil {
		return nil
	}
	var can []framework.Kind
	for _, k := range framework.Kinds() {
		if adapters[k.Namespace] != nil {
			can = append(can, k)
		}
	}
	what := ns + " (no kind of module has that namespace)"
	if ok {
		what = kind.PluralName() + " (this slotlab has no plugin adapter for them)"
	}
	return fmt.Errorf("slotlab plugins serve %s, not %s", framework.KindList(can, framework.Kind.PluralName, "and"), what)
}

func (c *component) fail(op string, err error) error {
	return &Error{Plugin: c.proc.path, Component: framework.Singular(c.info.Kind) + " " + c.info.Name, Op: op, Err: err}
}

// SlotlabModule describes the component as a module: its ID, the plugin's
// summary, and the binary's absolute path as its source.
func (c *component) SlotlabModule() framework.ModuleInfo {
	return moduleInfo(c.proc, c.info)
}

// UnmarshalYAML keeps the options written in the configuration; the plugin
// decodes them at setup (Provision).
func (c *component) UnmarshalYAML(n *yaml.Node) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.instance != 0 {
		return fmt.Errorf("plugin %s: %s %s: options must be given before the component is set up", c.proc.path, framework.Singular(c.info.Kind), c.info.Name)
	}
	c.raw = n
	return nil
}

// MarshalYAML returns the options as the plugin resolved them, defaults
// included, so that a run's config.yaml and hash are complete; before
// setup, the options as written, or, with none written, the defaults the
// plugin described (for listings).
func (c *component) MarshalYAML() (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.resolved != nil:
		return c.resolved, nil
	case c.raw != nil:
		return c.raw, nil
	}
	return describedDefaults(c.info.Options), nil
}

// describedDefaults is the mapping of options to the defaults a plugin
// described (wire.Option.Default, YAML text).
func describedDefaults(opts []wire.Option) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, o := range opts {
		v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: o.Default}
		var doc yaml.Node
		if yaml.Unmarshal([]byte(o.Default), &doc) == nil && len(doc.Content) == 1 {
			v = doc.Content[0]
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: o.Name}, v)
	}
	return m
}

// Provision sets the component up in the plugin, which decodes its options
// strictly and provisions its module.
func (c *component) Provision() error {
	_, err := c.setup()
	return err
}

// setup creates the instance in the plugin once and returns its id.
func (c *component) setup() (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return 0, c.fail("", errors.New("used after Close"))
	case c.instance != 0:
		return c.instance, nil
	case c.err != nil:
		return 0, c.err
	}
	args := wire.SetupArgs{Kind: c.info.Kind, Name: c.info.Name}
	if c.raw != nil {
		b, err := yaml.Marshal(c.raw)
		if err != nil {
			return 0, c.fail("", fmt.Errorf("encoding options: %w", err))
		}
		args.Options = b
	}
	var reply wire.SetupReply
	if err := c.proc.call(wire.MethodSetup, args, &reply); err != nil {
		c.err = c.fail("", err)
		return 0, c.err
	}
	if reply.Instance == 0 {
		c.err = c.fail("", errors.New("the plugin gave instance 0"))
		return 0, c.err
	}
	c.resolved = resolvedOptions(reply.Resolved)
	c.instance = reply.Instance
	c.argmax = [2]bool{reply.ArgmaxTrain, reply.ArgmaxEval}
	return c.instance, nil
}

// resolvedOptions reads the options a plugin resolved at setup, defaults
// included (SetupReply.Resolved): a YAML mapping, kept to be recorded in
// the run's config. Options are a plugin's struct fields, so every key
// must be a plain string, given once; and what is kept must encode to a
// mapping that reads back with the same keys (yaml.v3 writes some keyed
// nodes, such as a sequence key followed by a comment, as text that is not
// a mapping). It returns nil, and the options as written are recorded
// instead, for anything else.
func resolvedOptions(b []byte) *yaml.Node {
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) != nil || len(doc.Content) != 1 {
		return nil
	}
	m := doc.Content[0]
	keys, ok := optionKeys(m)
	if !ok {
		return nil
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return nil
	}
	var again yaml.Node
	if yaml.Unmarshal(out, &again) != nil || len(again.Content) != 1 {
		return nil
	}
	back, ok := optionKeys(again.Content[0])
	if !ok || !slices.Equal(keys, back) {
		return nil
	}
	return m
}

// optionKeys returns the keys of m, in order, if m is a mapping whose keys
// are distinct plain strings (no merge key, no alias, no sequence or
// mapping as a key), and false otherwise.
func optionKeys(m *yaml.Node) ([]string, bool) {
	if m.Kind != yaml.MappingNode {
		return nil, false
	}
	keys := make([]string, 0, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || slices.Contains(keys, k.Value) {
			return nil, false
		}
		keys = append(keys, k.Value)
	}
	return keys, true
}

// share creates a shared memory segment of size bytes and has the plugin
// map it.
func (c *component) share(name string, size int64) (*segment, error) {
	memfd := os.Getenv("SLOTLAB_PLUGIN_SHM") != "file"
	for {
		s, err := shm.Create(name, size, memfd)
		if err != nil {
			return nil, err
		}
		var reply wire.MapReply
		err = c.proc.call(wire.MethodMap, wire.MapArgs{Path: s.Path, Size: int64(len(s.Bytes))}, &reply)
		if err != nil {
			s.Close()
			if memfd && c.proc.failed() == nil {
				memfd = false // the plugin may not open /proc/PID/fd: use a file
				continue
			}
			return nil, fmt.Errorf("sharing memory with the plugin: %w", err)
		}
		s.Shared()
		seg := &segment{Segment: s, remote: reply.Segment}
		c.mu.Lock()
		c.segments = append(c.segments, seg)
		c.mu.Unlock()
		return seg, nil
	}
}

// Close releases the component's instance in the plugin and unmaps its
// shared memory. The buffers a selector gave out must no longer be in use.
// The plugin process itself runs on (see Shutdown).
func (c *component) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	segs, inst := c.segments, c.instance
	c.segments = nil
	c.mu.Unlock()
	if c.proc.failed() == nil {
		for _, s := range segs {
			_ = c.proc.call(wire.MethodUnmap, wire.UnmapArgs{Segment: s.remote}, &wire.Empty{})
		}
		if inst != 0 {
			_ = c.proc.call(wire.MethodRelease, wire.ReleaseArgs{Instance: inst}, &wire.Empty{})
		}
	}
	var err error
	for _, s := range segs {
		err = errors.Join(err, s.Close())
	}
	return err
}

// scratch is a pool of shared segments for calls whose tensors are not
// already shared (initializers; selectors called on memory they did not
// provide).
type scratch struct {
	mu   sync.Mutex
	free []*segment
}

// get returns a free segment of at least size bytes.
func (s *scratch) get(c *component, size int64) (*segment, error) {
	s.mu.Lock()
	for i, seg := range s.free {
		if int64(len(seg.Bytes)) >= size {
			s.free = append(s.free[:i], s.free[i+1:]...)
			s.mu.Unlock()
			return seg, nil
		}
	}
	s.mu.Unlock()
	n := int64(1 << 20)
	for n < size {
		n *= 2
	}
	return c.share("scratch", n)
}

func (s *scratch) put(seg *segment) {
	s.mu.Lock()
	s.free = append(s.free, seg)
	s.mu.Unlock()
}

// Selector is an external selector. It owns the memory of the layers'
// scores and selections (hostapi.BufferProvider), shared with the
// plugin, so that each Select is one small call per layer.
type Selector struct {
	// Plugin is the binary the selector runs in. (Exported so that config
	// records the resolved options, see MarshalYAML.)
	Plugin string `yaml:"plugin"`
	*component

	mu      sync.Mutex
	layers  []*layerBuffers
	scratch scratch
}

var (
	_ framework.Selector       = (*Selector)(nil)
	_ hostapi.BufferProvider   = (*Selector)(nil)
	_ hostapi.FactoredSelector = (*Selector)(nil)
	_ framework.ArgmaxSelector = (*Selector)(nil)
	_ framework.Labeler        = (*Selector)(nil)
	_ framework.RatePolicy     = (*Selector)(nil)
	_ framework.Provisioner    = (*Selector)(nil)
	_ yaml.Unmarshaler         = (*Selector)(nil)
	_ yaml.Marshaler           = (*Selector)(nil)
)

// SelectsArgmax reports what the plugin's selector declared at setup: that
// its choice is the argmax of the scores in this mode (the selector
// implements framework.ArgmaxSelector in the plugin), so that the trainer
// may select in its fused score update without calling Select for that
// mode, as for a compiled-in argmax selector. It is false if setup fails
// (the error comes from Buffers and Select).
func (s *Selector) SelectsArgmax(training bool) bool {
	if _, err := s.setup(); err != nil {
		return false
	}
	s.component.mu.Lock()
	defer s.component.mu.Unlock()
	if training {
		return s.argmax[0]
	}
	return s.argmax[1]
}

// Label is the table label the plugin's selector declares
// (framework.Labeler), "" if none.
func (s *Selector) Label() string { return s.info.Label }

// DefaultRate is the rate the plugin's selector declares for c
// (framework.RatePolicy).
func (s *Selector) DefaultRate(c framework.RateContext) (float64, bool) {
	p := s.policy(c)
	return p.Rate, p.HasRate
}

// DefaultDecay is the decay the plugin's selector declares for c
// (framework.RatePolicy).
func (s *Selector) DefaultDecay(c framework.RateContext) (float64, bool) {
	p := s.policy(c)
	return p.Decay, p.HasDecay
}

// policy asks the plugin's selector, set up with its options, for its
// rate and decay in c; a plugin of protocol version 1 or 2 declared one
// of each for every experiment, in its description. It declares nothing if
// setup fails (the error comes from Buffers and Select). A plugin that
// fails to answer is marked failed, and so is every later call to it: no
// experiment goes on with a rate the plugin did not give.
func (s *Selector) policy(c framework.RateContext) wire.PolicyReply {
	if s.proc.version < 3 {
		return wire.PolicyReply{Rate: s.info.LearningRate, HasRate: s.info.LearningRate > 0, Decay: s.info.WeightDecay, HasDecay: s.info.HasWeightDecay}
	}
	if !s.info.RatePolicy {
		return wire.PolicyReply{}
	}
	inst, err := s.setup()
	if err != nil {
		return wire.PolicyReply{}
	}
	var reply wire.PolicyReply
	if err := s.proc.call(wire.MethodPolicy, wire.PolicyArgs{Instance: inst, Context: c}, &reply); err != nil {
		s.proc.fail(s.fail("policy", err), true)
		return wire.PolicyReply{}
	}
	return reply
}

// layerBuffers are the shared buffers of one layer: scores, then the
// training and the evaluation selection, each aligned to a cache line; or,
// for a factored layer, initial scores, weights, coefficients and the two
// selections.
type layerBuffers struct {
	name string
	seg  *segment
	bufs hostapi.SelectionBuffers
	// factored: the byte offsets of the initial scores, weights and
	// coefficients.
	factored            bool
	initOff, wOff, yOff int64
}

// Buffers allocates a layer's scores and selections in memory shared with
// the plugin.
func (s *Selector) Buffers(layer framework.LayerInfo) (hostapi.SelectionBuffers, error) {
	n, k := layer.Connections, layer.K
	seg, off, err := s.layerSegment("Buffers", layer, int64(n)*int64(k), int64(n), int64(n))
	if err != nil {
		return hostapi.SelectionBuffers{}, err
	}
	var b hostapi.SelectionBuffers
	b.Scores, _ = shm.Float32s(seg.Bytes, off[0], n*k)
	b.Idx, _ = shm.Int32s(seg.Bytes, off[1], n)
	b.EvalIdx, _ = shm.Int32s(seg.Bytes, off[2], n)
	s.addLayer(&layerBuffers{name: layer.Name, seg: seg, bufs: b})
	return b, nil
}

// layerSegment checks a layer's shape and shares a segment holding arrays
// of the given numbers of 4-byte elements, one after another, each aligned
// to a cache line; it returns their byte offsets. op names the call in
// errors.
func (s *Selector) layerSegment(op string, layer framework.LayerInfo, counts ...int64) (*segment, []int64, error) {
	op += " for layer " + layer.Name
	if _, err := s.setup(); err != nil {
		return nil, nil, err
	}
	if err := framework.CheckK(layer.K); err != nil || layer.Connections < 0 {
		return nil, nil, s.fail(op, fmt.Errorf("bad layer shape: %d connections, K = %d", layer.Connections, layer.K))
	}
	off := make([]int64, len(counts))
	var size int64
	for i, c := range counts {
		off[i] = size
		size = shm.AlignUp(size + 4*c)
	}
	seg, err := s.share(layer.Name, size)
	if err != nil {
		return nil, nil, s.fail(op, err)
	}
	return seg, off, nil
}

func (s *Selector) addLayer(l *layerBuffers) {
	s.mu.Lock()
	s.layers = append(s.layers, l)
	s.mu.Unlock()
}

// FactoredBuffers allocates a layer's initial scores, candidate weights,
// score coefficients and selections in memory shared with the plugin, so
// that each SelectFactored carries control only and the plugin computes
// the scores in its own cache. ok is false when the plugin speaks only
// protocol version 1, which has no SelectFactored.
func (s *Selector) FactoredBuffers(layer framework.LayerInfo) (hostapi.FactoredBuffers, bool, error) {
	if _, err := s.setup(); err != nil {
		return hostapi.FactoredBuffers{}, false, err
	}
	if s.proc.version < 2 {
		return hostapi.FactoredBuffers{}, false, nil
	}
	n, k := layer.Connections, layer.K
	nk := int64(n) * int64(k)
	seg, off, err := s.layerSegment("FactoredBuffers", layer, nk, nk, 2*int64(n), int64(n), int64(n))
	if err != nil {
		return hostapi.FactoredBuffers{}, false, err
	}
	var b hostapi.FactoredBuffers
	b.Init, _ = shm.Float32s(seg.Bytes, off[0], n*k)
	b.Weights, _ = shm.Float32s(seg.Bytes, off[1], n*k)
	b.Y, _ = shm.Float32s(seg.Bytes, off[2], 2*n)
	b.Idx, _ = shm.Int32s(seg.Bytes, off[3], n)
	b.EvalIdx, _ = shm.Int32s(seg.Bytes, off[4], n)
	s.addLayer(&layerBuffers{name: layer.Name, seg: seg, factored: true, initOff: off[0], wOff: off[1], yOff: off[2],
		bufs: hostapi.SelectionBuffers{Idx: b.Idx, EvalIdx: b.EvalIdx}})
	return b, true, nil
}

// SelectFactored has the plugin write into idx, one of the selections of a
// layer's FactoredBuffers, the selection from the scores a·Init + Y·Weights,
// which the plugin computes chunk by chunk. The indices it writes are
// checked.
func (s *Selector) SelectFactored(idx []int32, a float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	op := s.selectOp(ctx)
	inst, err := s.setup()
	if err != nil {
		return err
	}
	n := len(idx)
	if n == 0 {
		return nil
	}
	var l *layerBuffers
	var idxOff int64
	s.mu.Lock()
	for _, c := range s.layers {
		if off, ok := shm.Within(c.seg.Bytes, idx); ok && c.factored {
			l, idxOff = c, off
			break
		}
	}
	s.mu.Unlock()
	if l == nil {
		return s.fail(op(), errors.New("the indices are not a selection of the selector's factored buffers"))
	}
	args := wire.SelectFactoredArgs{Instance: inst, Segment: l.seg.remote, InitOff: l.initOff, WeightsOff: l.wOff, YOff: l.yOff, IdxOff: idxOff, Count: n, K: k, A: a, Ctx: ctx}
	var reply wire.CountReply
	if err := s.proc.call(wire.MethodSelectFactored, args, &reply); err != nil {
		return s.fail(op(), err)
	}
	return s.check(op, idx, k, ctx, reply.Count)
}

// selectOp names a selection for messages.
func (s *Selector) selectOp(ctx framework.SelectContext) func() string {
	return func() string {
		mode := "training"
		if !ctx.Training {
			mode = "evaluation"
		}
		return fmt.Sprintf("Select for layer %s (%s, step %d)", ctx.Layer.Name, mode, ctx.Step)
	}
}

// check verifies what the plugin says it selected and the indices it wrote.
// The indices are compared with K as ints: uint32(K) would truncate a K
// past 2^32 and let a negative index through.
func (s *Selector) check(op func() string, idx []int32, k int, ctx framework.SelectContext, count int) error {
	n := len(idx)
	if count != n {
		return s.fail(op(), fmt.Errorf("the plugin says it selected %d connections, but was asked for %d", count, n))
	}
	for i, c := range idx {
		if c < 0 || int(c) >= k {
			return s.fail(op(), fmt.Errorf("the plugin chose candidate %d for connection %d, but K = %d (valid: 0..%d)", c, ctx.Offset+i, k, k-1))
		}
	}
	return nil
}

// find returns the shared buffers holding both slices, and their offsets.
func (s *Selector) find(name string, idx []int32, scores []float32) (*segment, int64, int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	try := func(l *layerBuffers) (int64, int64, bool) {
		idxOff, ok1 := shm.Within(l.seg.Bytes, idx)
		scoresOff, ok2 := shm.Within(l.seg.Bytes, scores)
		return idxOff, scoresOff, ok1 && ok2
	}
	for _, l := range s.layers {
		if l.name == name {
			if idxOff, scoresOff, ok := try(l); ok {
				return l.seg, idxOff, scoresOff, true
			}
		}
	}
	for _, l := range s.layers {
		if idxOff, scoresOff, ok := try(l); ok {
			return l.seg, idxOff, scoresOff, true
		}
	}
	return nil, 0, 0, false
}

// Select has the plugin write the selection into idx. When idx and scores
// are buffers from Buffers (as in training) only control crosses the
// process boundary; other memory is copied through a scratch segment. The
// indices the plugin writes are checked.
func (s *Selector) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	op := s.selectOp(ctx)
	inst, err := s.setup()
	if err != nil {
		return err
	}
	n := len(idx)
	if err := framework.CheckK(k); err != nil || len(scores) != n*k {
		return s.fail(op(), fmt.Errorf("%d scores for %d connections and K = %d", len(scores), n, k))
	}
	if n == 0 {
		return nil
	}
	args := wire.SelectArgs{Instance: inst, Count: n, K: k, Ctx: ctx}
	var reply wire.CountReply
	seg, idxOff, scoresOff, shared := s.find(ctx.Layer.Name, idx, scores)
	if shared {
		args.Segment, args.IdxOff, args.ScoresOff = seg.remote, idxOff, scoresOff
		err = s.proc.call(wire.MethodSelect, args, &reply)
	} else {
		err = s.viaScratch(idx, scores, &args, &reply)
	}
	if err != nil {
		return s.fail(op(), err)
	}
	return s.check(op, idx, k, ctx, reply.Count)
}

func (s *Selector) viaScratch(idx []int32, scores []float32, args *wire.SelectArgs, reply *wire.CountReply) error {
	idxOff := shm.AlignUp(int64(len(scores)) * 4)
	seg, err := s.scratch.get(s.component, idxOff+int64(len(idx))*4)
	if err != nil {
		return err
	}
	defer s.scratch.put(seg)
	ss, _ := shm.Float32s(seg.Bytes, 0, len(scores))
	si, _ := shm.Int32s(seg.Bytes, idxOff, len(idx))
	copy(ss, scores)
	copy(si, idx)
	args.Segment, args.ScoresOff, args.IdxOff = seg.remote, 0, idxOff
	if err := s.proc.call(wire.MethodSelect, *args, reply); err != nil {
		return err
	}
	copy(idx, si)
	return nil
}

// Initializer is an external initializer. Fill goes through shared
// scratch memory in chunks, so large tensors never cross the RPC.
type Initializer struct {
	// Plugin is the binary the initializer runs in. (Exported so that
	// config records the resolved options, see MarshalYAML.)
	Plugin string `yaml:"plugin"`
	*component
	scratch scratch
}

var (
	_ framework.Initializer = (*Initializer)(nil)
	_ framework.Provisioner = (*Initializer)(nil)
)

// fillChunk is the most elements one Fill call asks of the plugin.
const fillChunk = 1 << 20

// Fill has the plugin fill dst, elements [t.Offset, t.Offset+len(dst)) of
// the tensor.
func (in *Initializer) Fill(dst []float32, t framework.TensorInfo) error {
	inst, err := in.setup()
	if err != nil {
		return err
	}
	op := func() string {
		return fmt.Sprintf("Fill of the %s of layer %s (elements %d..%d)", t.Role, t.Layer.Name, t.Offset, t.Offset+uint64(len(dst)))
	}
	if len(dst) == 0 {
		return nil
	}
	seg, err := in.scratch.get(in.component, int64(min(len(dst), fillChunk))*4)
	if err != nil {
		return in.fail(op(), err)
	}
	defer in.scratch.put(seg)
	for lo := 0; lo < len(dst); lo += fillChunk {
		hi := min(len(dst), lo+fillChunk)
		part := t
		part.Offset += uint64(lo)
		var reply wire.CountReply
		args := wire.FillArgs{Instance: inst, Segment: seg.remote, Count: hi - lo, Tensor: part}
		if err := in.proc.call(wire.MethodFill, args, &reply); err != nil {
			return in.fail(op(), err)
		}
		if reply.Count != hi-lo {
			return in.fail(op(), fmt.Errorf("the plugin says it filled %d elements, but was asked for %d", reply.Count, hi-lo))
		}
		src, _ := shm.Float32s(seg.Bytes, 0, hi-lo)
		copy(dst[lo:hi], src)
	}
	return nil
}

// Sharing is an external sharing strategy.
type Sharing struct {
	// Plugin is the binary the strategy runs in. (Exported so that config
	// records the resolved options, see MarshalYAML.)
	Plugin string `yaml:"plugin"`
	*component

	mu    sync.Mutex
	pools map[string]framework.Pool
}

var (
	_ framework.Sharing     = (*Sharing)(nil)
	_ framework.Provisioner = (*Sharing)(nil)
)

// Pool asks the plugin for a layer's pool and checks it; a failure, the
// plugin's or a bad pool, is the error (naming the plugin and the layer)
// that stops the network's build.
func (s *Sharing) Pool(layer framework.LayerInfo) (framework.Pool, error) {
	s.mu.Lock()
	p, ok := s.pools[layer.Name]
	s.mu.Unlock()
	if ok {
		return p, nil
	}
	op := "Pool for layer " + layer.Name
	inst, err := s.setup()
	if err != nil {
		return framework.Pool{}, err
	}
	if err := s.proc.call(wire.MethodPool, wire.PoolArgs{Instance: inst, Layer: layer}, &p); err != nil {
		return framework.Pool{}, s.fail(op, err)
	}
	if p.Key == "" || p.Stride < 0 || (p.Stride > 0 && p.Stride < layer.K) {
		return framework.Pool{}, s.fail(op, fmt.Errorf("the plugin gave pool %q with stride %d: want a key and a stride of 0 (all connections share K weights) or at least K = %d", p.Key, p.Stride, layer.K))
	}
	s.mu.Lock()
	s.pools[layer.Name] = p
	s.mu.Unlock()
	return p, nil
}
