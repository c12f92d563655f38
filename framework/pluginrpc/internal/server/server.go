// Package server is the plugin side of slotlab's plugin protocol: the RPC
// service that runs a plugin's components on the host's shared memory.
// Plugins use it through the public sdk package; tests of the protocol use
// it directly to build plugins that misbehave.
package server

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/parallel"
	"github.com/slotlab/slotlab/framework/internal/strictyaml"
	"github.com/slotlab/slotlab/framework/nn/slotupdate"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/shm"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// versions, if set, are the protocol versions a plugin speaks,
// comma-separated, instead of wire.Version. It is a string without an
// initializer so that tests can build plugins that speak others:
//
//	go build -ldflags "-X github.com/slotlab/slotlab/framework/pluginrpc/internal/server.versions=99"
var versions string

// Factory makes fresh instances of one component, holding default options.
type Factory struct {
	Kind, Name string
	New        func() framework.Module
}

// Config is what a plugin serves.
type Config struct {
	Components []Factory
	// Tamper, if set, is called with every reply before it is sent (for
	// tests of the host's checks).
	Tamper func(method string, args, reply any)
}

// Versions returns the protocol versions this plugin speaks.
func Versions() []int {
	if versions == "" {
		return slices.Clone(wire.Versions)
	}
	var out []int
	for _, s := range strings.Split(versions, ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			out = append(out, v)
		}
	}
	sort.Ints(out)
	return out
}

// Serve serves the components until the host ends the plugin, and exits.
// Run by hand (without the host's handshake), the binary prints what it
// serves instead.
func Serve(cfg Config) {
	s, err := New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "slotlab plugin %s: %v\n", os.Args[0], err)
		os.Exit(1)
	}
	if os.Getenv(wire.Handshake.MagicCookieKey) != wire.Handshake.MagicCookieValue {
		s.printUsage()
		os.Exit(2)
	}
	mine := Versions()
	if host := os.Getenv("PLUGIN_PROTOCOL_VERSIONS"); host != "" && !overlap(mine, host) {
		// go-plugin's handshake fails on the host's side; say here which
		// versions this side speaks, which the host quotes.
		fmt.Fprintf(os.Stderr, "slotlab plugin protocol: this plugin speaks versions %s; the host speaks %s\n", join(mine), host)
	}
	set := map[int]goplugin.PluginSet{}
	for _, v := range mine {
		set[v] = goplugin.PluginSet{wire.PluginName: &wire.RPCPlugin{Impl: s}}
	}
	go watchParent()
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  wire.Handshake,
		VersionedPlugins: set,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: os.Stderr, JSONFormat: true}),
	})
}

func overlap(mine []int, host string) bool {
	for _, s := range strings.Split(host, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			continue
		}
		for _, m := range mine {
			if m == v {
				return true
			}
		}
	}
	return false
}

func join(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// watchParent ends the plugin when the host dies without ending it (a
// crash, or os.Exit before cleaning up): the plugin is then adopted by
// another process.
func watchParent() {
	parent := os.Getppid()
	for range time.Tick(250 * time.Millisecond) {
		if os.Getppid() != parent {
			os.Exit(3)
		}
	}
}

func (s *Service) printUsage() {
	fmt.Printf("%s is a slotlab plugin (protocol versions %s). It serves:\n\n", os.Args[0], join(Versions()))
	d := s.describe()
	for _, c := range d.Components {
		fmt.Printf("  %s %s: %s\n", framework.Singular(c.Kind), c.Name, c.Summary)
		if p := policies(c); p != "" {
			fmt.Printf("      (%s)\n", p)
		}
		for _, o := range c.Options {
			doc := ""
			if o.Doc != "" {
				doc = " — " + o.Doc
			}
			fmt.Printf("      %s (%s, default %s)%s\n", o.Name, o.Type, o.Default, doc)
		}
	}
	fmt.Printf("\nPut this binary, named slotlab-SOMETHING, in a directory of SLOTLAB_PLUGIN_PATH,\n" +
		"or list it in an experiment (plugins: [path/to/it], relative to the experiment file),\n" +
		"and name its modules like built-in ones")
	// The first component whose kind an experiment key names, as example.
	for _, c := range d.Components {
		if k, _ := framework.LookupKind(c.Kind); len(k.Keys) > 0 {
			fmt.Printf(":\n\n  %s: {id: %s, ...options}", k.Keys[0], c.Name)
			break
		}
	}
	fmt.Printf("\n\nslotlab starts this binary itself.\n")
}

// policies describes what a component declares: its table label, and
// that it sets what the rate and decay `auto` resolve to.
func policies(c wire.Component) string {
	var p []string
	if c.Label != "" {
		p = append(p, "table label "+c.Label)
	}
	if c.RatePolicy {
		p = append(p, "declares learning_rate and weight_decay auto")
	}
	return strings.Join(p, "; ")
}

// Service runs the components; it is the net/rpc receiver "Plugin".
type Service struct {
	cfg       Config
	factories map[string]Factory // kind + "." + name

	mu        sync.RWMutex
	next      uint64
	instances map[uint64]*instance
	segments  map[uint64][]byte
}

type instance struct {
	kind, name string
	mod        framework.Module
}

var _ wire.Service = (*Service)(nil)

// New checks the components and returns the service.
func New(cfg Config) (*Service, error) {
	s := &Service{cfg: cfg, factories: map[string]Factory{}, instances: map[uint64]*instance{}, segments: map[uint64][]byte{}}
	if len(cfg.Components) == 0 {
		return nil, errors.New("serves no components")
	}
	for _, f := range cfg.Components {
		if f.Name == "" || strings.ContainsAny(f.Name, " \t\n.") {
			return nil, fmt.Errorf("bad component name %q", f.Name)
		}
		if f.New == nil {
			return nil, fmt.Errorf("%s %s has no constructor", framework.Singular(f.Kind), f.Name)
		}
		kind, ok := framework.LookupKind(f.Kind)
		if !ok {
			kinds := framework.KindList(framework.Kinds(), func(k framework.Kind) string { return k.Namespace }, "or")
			return nil, fmt.Errorf("unknown kind %q of component %s: a module's ID is KIND.NAME with KIND %s, e.g. selectors.%s", f.Kind, f.Name, kinds, f.Name)
		}
		if m := f.New(); !kind.Implements(m) {
			return nil, fmt.Errorf("%s %s: %T does not implement %s", kind.Singular, f.Name, m, kind.Interface)
		}
		key := f.Kind + "." + f.Name
		if _, dup := s.factories[key]; dup {
			return nil, fmt.Errorf("%s %s is served twice", framework.Singular(f.Kind), f.Name)
		}
		s.factories[key] = f
	}
	s.cfg.Components = slices.Clone(cfg.Components)
	slices.SortFunc(s.cfg.Components, func(a, b Factory) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
	})
	return s, nil
}

func (s *Service) tamper(method string, args, reply any) {
	if s.cfg.Tamper != nil {
		s.cfg.Tamper(method, args, reply)
	}
}

// Describe lists the components.
func (s *Service) Describe(_ wire.Empty, reply *wire.DescribeReply) error {
	*reply = s.describe()
	s.tamper(wire.MethodDescribe, wire.Empty{}, reply)
	return nil
}

func (s *Service) describe() wire.DescribeReply {
	r := wire.DescribeReply{Versions: Versions()}
	for _, f := range s.cfg.Components {
		m := f.New()
		info := m.SlotlabModule()
		_, rates := m.(framework.RatePolicy)
		r.Components = append(r.Components, wire.Component{
			Kind: f.Kind, Name: f.Name, Summary: info.Summary, Options: options(m),
			Label: framework.LabelOf(m), RatePolicy: rates,
		})
	}
	return r
}

// options describes the exported fields of a module's struct.
func options(m framework.Module) []wire.Option {
	v := reflect.ValueOf(m)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []wire.Option
	for _, f := range framework.OptionFields(v.Type()) {
		fv := v.FieldByIndex(f.Index)
		def, err := yaml.Marshal(fv.Interface())
		d := strings.TrimSpace(string(def))
		if err != nil {
			d = "?"
		}
		out = append(out, wire.Option{Name: f.Name, Type: fv.Type().String(), Default: d, Doc: f.Doc})
	}
	return out
}

// Setup creates an instance, decodes its options strictly and provisions
// it (framework.Provision).
func (s *Service) Setup(args wire.SetupArgs, reply *wire.SetupReply) error {
	f, ok := s.factories[args.Kind+"."+args.Name]
	if !ok {
		return fmt.Errorf("serves no %s named %q", framework.Singular(args.Kind), args.Name)
	}
	m := f.New()
	if err := decode(m, args.Options); err != nil {
		return err
	}
	if err := framework.Provision(m); err != nil {
		return err
	}
	resolved, err := yaml.Marshal(m)
	if err != nil {
		resolved = nil
	}
	s.mu.Lock()
	s.next++
	id := s.next
	s.instances[id] = &instance{kind: f.Kind, name: f.Name, mod: m}
	s.mu.Unlock()
	*reply = wire.SetupReply{Instance: id, Resolved: resolved}
	if a, ok := m.(framework.ArgmaxSelector); ok && f.Kind == wire.KindSelector {
		reply.ArgmaxTrain, reply.ArgmaxEval = a.SelectsArgmax(true), a.SelectsArgmax(false)
	}
	s.tamper(wire.MethodSetup, args, reply)
	return nil
}

// decode decodes a YAML mapping of options into m with the strict decoder
// the host's config loader uses (framework/internal/strictyaml), so that an
// option is read, and refused, alike compiled in and in a plugin.
func decode(m framework.Module, opts []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(opts, &doc); err != nil {
		return fmt.Errorf("options: %s", cleanYAML(err))
	}
	if doc.Kind == 0 {
		return nil
	}
	n := doc.Content[0]
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("options must be a mapping of keys, like {eps: 0.1}")
	}
	if len(n.Content) == 0 {
		return nil
	}
	v := reflect.ValueOf(m)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct || len(framework.OptionFields(v.Elem().Type())) == 0 {
		return fmt.Errorf("takes no options, but was given %s", n.Content[0].Value)
	}
	d := strictyaml.Decoder{Describe: describeOption, Unknown: unknownOption}
	var msgs []string
	for _, e := range d.Decode("", n, m) {
		msgs = append(msgs, e.Msg)
	}
	if len(msgs) > 0 {
		return errors.New(strings.Join(msgs, "; "))
	}
	return nil
}

// describeOption names an option in messages.
func describeOption(path string) string {
	if path == "" {
		return "the options"
	}
	return fmt.Sprintf("option %q", path)
}

// unknownOption names an unknown option and lists the module's options.
func unknownOption(_, key string, known []string) string {
	return fmt.Sprintf("unknown option %q; its options are: %s", key, strings.Join(known, ", "))
}

// cleanYAML drops yaml.v3's prefixes and line numbers, which refer to the
// options as re-encoded, not to the experiment file.
func cleanYAML(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimPrefix(strings.TrimSpace(l), "yaml: ")
		if strings.HasPrefix(l, "line ") {
			if _, rest, ok := strings.Cut(l, ": "); ok {
				l = rest
			}
		}
		out = append(out, l)
	}
	return strings.Join(out, "; ")
}

// Release drops an instance and closes its module (framework.Close).
func (s *Service) Release(args wire.ReleaseArgs, reply *wire.Empty) error {
	s.mu.Lock()
	inst := s.instances[args.Instance]
	delete(s.instances, args.Instance)
	s.mu.Unlock()
	if inst == nil {
		return nil
	}
	return framework.Close(inst.mod)
}

// Map maps a segment of the host's shared memory.
func (s *Service) Map(args wire.MapArgs, reply *wire.MapReply) error {
	b, err := shm.Open(args.Path, args.Size)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.next++
	id := s.next
	s.segments[id] = b
	s.mu.Unlock()
	reply.Segment = id
	s.tamper(wire.MethodMap, args, reply)
	return nil
}

// Unmap releases a segment.
func (s *Service) Unmap(args wire.UnmapArgs, reply *wire.Empty) error {
	s.mu.Lock()
	b, ok := s.segments[args.Segment]
	delete(s.segments, args.Segment)
	s.mu.Unlock()
	if ok {
		return shm.Unmap(b)
	}
	return nil
}

func (s *Service) lookup(inst, seg uint64, kind string) (framework.Module, []byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	in, ok := s.instances[inst]
	if !ok {
		return nil, nil, fmt.Errorf("no instance %d (released, or never set up)", inst)
	}
	if in.kind != kind {
		return nil, nil, fmt.Errorf("instance %d is a %s, not a %s", inst, framework.Singular(in.kind), framework.Singular(kind))
	}
	if seg == 0 {
		return in.mod, nil, nil
	}
	b, ok := s.segments[seg]
	if !ok {
		return nil, nil, fmt.Errorf("no shared memory segment %d", seg)
	}
	return in.mod, b, nil
}

// Select runs a selector in place on shared memory: on the whole range at
// once for a selector that selects whole layers
// (framework.WholeLayerSelector), else split into chunks selected in
// parallel, as the host does for compiled-in selectors.
func (s *Service) Select(args wire.SelectArgs, reply *wire.CountReply) error {
	m, b, err := s.lookup(args.Instance, args.Segment, wire.KindSelector)
	if err != nil {
		return err
	}
	if err := shape(args.Count, args.K); err != nil {
		return err
	}
	scores, err := shm.Float32s(b, args.ScoresOff, args.Count*args.K)
	if err != nil {
		return fmt.Errorf("scores: %w", err)
	}
	idx, err := shm.Int32s(b, args.IdxOff, args.Count)
	if err != nil {
		return fmt.Errorf("indices: %w", err)
	}
	sel, k := m.(framework.Selector), args.K
	if framework.SelectsWholeLayer(sel) {
		err = selectWhole(sel, idx, scores, args.Ctx, k)
	} else {
		err = parallel.ForChunks(args.Count, slotupdate.Chunk(k), func(lo, hi int) error {
			ctx := args.Ctx
			ctx.Offset += lo
			ctx.Layer.K = k // the shape the scores were checked against
			return safely(func() error { return sel.Select(idx[lo:hi], scores[lo*k:hi*k], ctx) })
		})
	}
	if err != nil {
		return err
	}
	reply.Count = args.Count
	s.tamper(wire.MethodSelect, args, reply)
	return nil
}

// SelectFactored runs a selector in place on shared memory whose scores
// it computes from their factored form, chunk by chunk in parallel, into
// buffers of its own that stay in cache: the same chunks and the same
// arithmetic (slotupdate.WriteScores) as the host's when it writes the
// scores out. A selector that selects whole layers is given them all at
// once, written out in parallel into one buffer.
func (s *Service) SelectFactored(args wire.SelectFactoredArgs, reply *wire.CountReply) error {
	m, b, err := s.lookup(args.Instance, args.Segment, wire.KindSelector)
	if err != nil {
		return err
	}
	n, k := args.Count, args.K
	if err := shape(n, k); err != nil {
		return err
	}
	init, err := shm.Float32s(b, args.InitOff, n*k)
	if err != nil {
		return fmt.Errorf("initial scores: %w", err)
	}
	w, err := shm.Float32s(b, args.WeightsOff, n*k)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	y, err := shm.Float32s(b, args.YOff, 2*n)
	if err != nil {
		return fmt.Errorf("coefficients: %w", err)
	}
	idx, err := shm.Int32s(b, args.IdxOff, n)
	if err != nil {
		return fmt.Errorf("indices: %w", err)
	}
	sel := m.(framework.Selector)
	chunk := slotupdate.Chunk(k)
	if framework.SelectsWholeLayer(sel) {
		buf := scoreBufs.Get().(*[]float32)
		defer scoreBufs.Put(buf)
		if cap(*buf) < n*k {
			*buf = make([]float32, n*k)
		}
		scores := (*buf)[:n*k]
		_ = parallel.ForChunks(n, chunk, func(lo, hi int) error {
			slotupdate.WriteScores(scores[lo*k:hi*k], init[lo*k:hi*k], w[lo*k:hi*k], y[2*lo:2*hi], args.A, k, k)
			return nil
		})
		err = selectWhole(sel, idx, scores, args.Ctx, k)
	} else {
		err = parallel.ForChunks(n, chunk, func(lo, hi int) error {
			buf := scoreBufs.Get().(*[]float32)
			defer scoreBufs.Put(buf)
			if cap(*buf) < (hi-lo)*k {
				*buf = make([]float32, min(chunk, n)*k)
			}
			scores := (*buf)[:(hi-lo)*k]
			slotupdate.WriteScores(scores, init[lo*k:hi*k], w[lo*k:hi*k], y[2*lo:2*hi], args.A, k, k)
			ctx := args.Ctx
			ctx.Offset += lo
			ctx.Layer.K = k // the shape the scores were checked against
			return safely(func() error { return sel.Select(idx[lo:hi], scores, ctx) })
		})
	}
	if err != nil {
		return err
	}
	reply.Count = n
	s.tamper(wire.MethodSelectFactored, args, reply)
	return nil
}

// scoreBufs are SelectFactored's score buffers, of a chunk or of a whole
// layer.
var scoreBufs = sync.Pool{New: func() any { return new([]float32) }}

// selectWhole runs a selector that selects whole layers on the n =
// len(idx) connections of a selection, which must be all of the layer's.
func selectWhole(sel framework.Selector, idx []int32, scores []float32, ctx framework.SelectContext, k int) error {
	if ctx.Offset != 0 || len(idx) != ctx.Layer.Connections {
		return fmt.Errorf("the selector selects whole layers, but was asked for connections %d..%d of the %d of layer %s", ctx.Offset, ctx.Offset+len(idx), ctx.Layer.Connections, ctx.Layer.Name)
	}
	ctx.Layer.K = k // the shape the scores were checked against
	return safely(func() error { return sel.Select(idx, scores, ctx) })
}

// shape checks the shape of a selection of n connections with K
// candidates each, whose arrays hold n·K scores and, factored, 2n
// coefficients: n ≥ 0, K in range (framework.CheckK), and neither n·K nor
// 2n past the range of int, where they would wrap around to a small, wrong
// length.
func shape(n, k int) error {
	if framework.CheckK(k) != nil || n < 0 || n > math.MaxInt/k || n > math.MaxInt/2 {
		return fmt.Errorf("bad shape: %d connections, K = %d", n, k)
	}
	return nil
}

// Fill runs an initializer in place on shared memory, in parallel chunks.
func (s *Service) Fill(args wire.FillArgs, reply *wire.CountReply) error {
	m, b, err := s.lookup(args.Instance, args.Segment, wire.KindInitializer)
	if err != nil {
		return err
	}
	if args.Count < 0 {
		return fmt.Errorf("bad count: %d elements", args.Count)
	}
	dst, err := shm.Float32s(b, args.Off, args.Count)
	if err != nil {
		return err
	}
	init := m.(framework.Initializer)
	err = parallel.ForChunks(args.Count, 1<<16, func(lo, hi int) error {
		t := args.Tensor
		t.Offset += uint64(lo)
		return safely(func() error { return init.Fill(dst[lo:hi], t) })
	})
	if err != nil {
		return err
	}
	reply.Count = args.Count
	s.tamper(wire.MethodFill, args, reply)
	return nil
}

// Pool asks a sharing strategy for a layer's pool.
func (s *Service) Pool(args wire.PoolArgs, reply *framework.Pool) error {
	m, _, err := s.lookup(args.Instance, 0, wire.KindSharing)
	if err != nil {
		return err
	}
	err = safely(func() error {
		p, err := m.(framework.Sharing).Pool(args.Layer)
		*reply = p
		return err
	})
	if err != nil {
		return err
	}
	s.tamper(wire.MethodPool, args, reply)
	return nil
}

// Policy asks a selector instance what the rate and decay `auto` resolve
// to in the experiment described (framework.RatePolicy); a selector that
// is no RatePolicy declares neither.
func (s *Service) Policy(args wire.PolicyArgs, reply *wire.PolicyReply) error {
	m, _, err := s.lookup(args.Instance, 0, wire.KindSelector)
	if err != nil {
		return err
	}
	p, ok := m.(framework.RatePolicy)
	if !ok {
		return nil
	}
	err = safely(func() error {
		reply.Rate, reply.HasRate = p.DefaultRate(args.Context)
		reply.Decay, reply.HasDecay = p.DefaultDecay(args.Context)
		return nil
	})
	if err != nil {
		return err
	}
	s.tamper(wire.MethodPolicy, args, reply)
	return nil
}

// safely runs fn, turning a panic into an error that says where it was.
func safely(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, firstFrames(debug.Stack()))
		}
	}()
	return fn()
}

// firstFrames keeps the top of a stack trace, from the panicking function.
func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+1 < len(lines) {
			lines = lines[i+2:]
			break
		}
	}
	return strings.Join(lines[:min(len(lines), 6)], "\n")
}
