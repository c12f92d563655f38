package server

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// The harness of FuzzServePayload: a service holding one instance of each
// kind and one segment, a plain []byte between two guard zones, all filled
// with canary bytes.
const (
	segSize = 1<<18 + 1<<12 // bytes of the segment: room for two chunks of Fill
	guard   = 256           // canary bytes either side of it
	canary  = 0xA5          // as an int32 index 0xA5A5A5A5 is negative: never a valid one

	selInst   = 1 // instance ids as newHarness sets them up
	initInst  = 2
	shareInst = 3
	segID     = 4
)

// contract records the first time the service hands one of the harness's
// components arguments that break the framework's contract (a selector
// given len(scores) ≠ len(idx)·K): the components do not fail, so that the
// handler's reply shows what it made of the call.
type contract struct {
	mu  sync.Mutex
	err error
}

// breach records a breach unless one is recorded already.
func (c *contract) breach(format string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = fmt.Errorf(format, a...)
	}
}

// first returns the first breach recorded, or nil.
func (c *contract) first() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// fuzzSelector writes idx[i] = (ctx.Offset+i) mod K, so that every index
// shows which connection the service said it is, and records a shape that
// breaks the Selector contract instead of failing.
type fuzzSelector struct {
	Eps  float64 `yaml:"eps"`
	Mode string  `yaml:"mode"`
	c    *contract
}

func (*fuzzSelector) SlotlabModule() framework.ModuleInfo {
	return framework.ModuleInfo{Summary: "fuzz selector"}
}

func (s *fuzzSelector) Select(idx []int32, scores []float32, ctx framework.SelectContext) error {
	k := ctx.Layer.K
	if k < 1 || len(idx) > math.MaxInt/k || len(scores) != len(idx)*k {
		s.c.breach("Select given %d indices, %d scores and K = %d", len(idx), len(scores), k)
		return nil
	}
	for i := range idx {
		idx[i] = wantIndex(ctx.Offset, i, k)
	}
	return nil
}

// wantIndex is the index fuzzSelector writes for connection i of a call
// whose first connection is off.
func wantIndex(off, i, k int) int32 { return int32(uint64(off+i) % uint64(k)) }

// fuzzInit writes fillBits of each element's index within the tensor.
type fuzzInit struct{}

func (fuzzInit) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }

func (fuzzInit) Fill(dst []float32, t framework.TensorInfo) error {
	for i := range dst {
		dst[i] = math.Float32frombits(fillBits(t.Offset + uint64(i)))
	}
	return nil
}

// fillBits are the bits fuzzInit writes for element j: a finite float32
// that differs from one element to the next.
func fillBits(j uint64) uint32 { return uint32(j*0x9E3779B97F4A7C15>>34) & 0x3FFFFFFF }

// fuzzSharing pools by layer name, and panics on a negative K (the
// service must turn that into an error).
type fuzzSharing struct{}

func (fuzzSharing) SlotlabModule() framework.ModuleInfo { return framework.ModuleInfo{} }

func (fuzzSharing) Pool(l framework.LayerInfo) (framework.Pool, error) {
	if l.K < 0 {
		panic("negative K")
	}
	return framework.Pool{Key: "pool/" + l.Name, Stride: l.K}, nil
}

// harness is a service with a selector (instance 1), an initializer (2), a
// sharing strategy (3) and a segment (4) whose bytes, and those of the
// guard zones around it, are canaries.
type harness struct {
	s   *Service
	c   *contract
	buf []byte // guard, segment, guard
}

// newHarness returns a fresh harness.
func newHarness(tb testing.TB) *harness {
	tb.Helper()
	h := &harness{c: &contract{}, buf: bytes.Repeat([]byte{canary}, guard+segSize+guard)}
	s, err := New(Config{Components: []Factory{
		{Kind: wire.KindSelector, Name: "fuzz", New: func() framework.Module { return &fuzzSelector{c: h.c} }},
		{Kind: wire.KindInitializer, Name: "fuzz", New: func() framework.Module { return fuzzInit{} }},
		{Kind: wire.KindSharing, Name: "fuzz", New: func() framework.Module { return fuzzSharing{} }},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	h.s = s
	for i, kind := range []string{wire.KindSelector, wire.KindInitializer, wire.KindSharing} {
		var r wire.SetupReply
		if err := s.Setup(wire.SetupArgs{Kind: kind, Name: "fuzz"}, &r); err != nil || r.Instance != uint64(i+1) {
			tb.Fatalf("setup of %s: instance %d, %v", kind, r.Instance, err)
		}
	}
	if id := s.addSegment(h.buf[guard : guard+segSize : guard+segSize]); id != segID {
		tb.Fatalf("segment %d", id)
	}
	return h
}

// addSegment registers b as a mapped segment, as Map does with the
// host's shared memory, and returns its id.
func (s *Service) addSegment(b []byte) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	s.segments[s.next] = b
	return s.next
}

// region returns the bytes [lo, hi) of the segment that n 4-byte elements
// at byte offset off take; ok is false if they do not lie inside it.
func region(off int64, n int) (lo, hi int64, ok bool) {
	if off < 0 || off > segSize || off%4 != 0 || n < 0 || int64(n) > (segSize-off)/4 {
		return 0, 0, false
	}
	return off, off + 4*int64(n), true
}

// untouched fails unless every byte of the buffer outside the segment's
// bytes [lo, hi) is still a canary.
func (h *harness) untouched(t *testing.T, lo, hi int64) {
	t.Helper()
	for i, b := range h.buf {
		at := int64(i) - guard
		if b != canary && (at < lo || at >= hi) {
			t.Fatalf("byte %d of the segment (outside [%d, %d)) changed to %#x", at, lo, hi, b)
		}
	}
}

// elem returns the 4 bytes at byte i of the segment.
func (h *harness) elem(i int64) uint32 {
	return binary.NativeEndian.Uint32(h.buf[guard+i:])
}

// checkSelection checks a selection's reply: with components that never
// fail, an error leaves every byte as it was; success means the selector
// was given a consistent shape, the reply counts the connections asked
// for, and the indices, inside the segment, are all written, in [0, K),
// the ones of their connections, and the only bytes that changed.
func (h *harness) checkSelection(t *testing.T, err error, got, n, k int, idxOff int64, ctxOff int) {
	t.Helper()
	if c := h.c.first(); c != nil {
		t.Fatalf("%v (the call returned %v)", c, err)
	}
	if err != nil {
		h.untouched(t, 0, 0)
		return
	}
	if got != n {
		t.Fatalf("reply.Count = %d, asked for %d", got, n)
	}
	lo, hi, ok := region(idxOff, n)
	if !ok {
		t.Fatalf("accepted %d indices at byte %d of a segment of %d bytes", n, idxOff, segSize)
	}
	for i := 0; i < n; i++ {
		v := int32(h.elem(lo + 4*int64(i)))
		if v < 0 || int64(v) >= int64(k) {
			t.Fatalf("index %d of connection %d is outside [0, %d)", v, i, k)
		}
		if w := wantIndex(ctxOff, i, k); v != w {
			t.Fatalf("connection %d has index %d, want %d: chunks misplaced", i, v, w)
		}
	}
	h.untouched(t, lo, hi)
}

// checkSelect calls Select and checks its reply.
func (h *harness) checkSelect(t *testing.T, a wire.SelectArgs) error {
	t.Helper()
	var r wire.CountReply
	err := h.s.Select(a, &r)
	h.checkSelection(t, err, r.Count, a.Count, a.K, a.IdxOff, a.Ctx.Offset)
	return err
}

// checkSelectFactored calls SelectFactored and checks its reply.
func (h *harness) checkSelectFactored(t *testing.T, a wire.SelectFactoredArgs) error {
	t.Helper()
	var r wire.CountReply
	err := h.s.SelectFactored(a, &r)
	h.checkSelection(t, err, r.Count, a.Count, a.K, a.IdxOff, a.Ctx.Offset)
	return err
}

// checkFill calls Fill and checks that an error leaves every byte as it
// was, and that success fills exactly the elements asked for, inside the
// segment, each with the value of its index in the tensor.
func (h *harness) checkFill(t *testing.T, a wire.FillArgs) error {
	t.Helper()
	var r wire.CountReply
	err := h.s.Fill(a, &r)
	if err != nil {
		h.untouched(t, 0, 0)
		return err
	}
	if r.Count != a.Count {
		t.Fatalf("reply.Count = %d, asked for %d", r.Count, a.Count)
	}
	lo, hi, ok := region(a.Off, a.Count)
	if !ok {
		t.Fatalf("filled %d elements at byte %d of a segment of %d bytes", a.Count, a.Off, segSize)
	}
	for i := 0; i < a.Count; i++ {
		if v, w := h.elem(lo+4*int64(i)), fillBits(a.Tensor.Offset+uint64(i)); v != w {
			t.Fatalf("element %d is %#x, want %#x: chunks misplaced or not written", i, v, w)
		}
	}
	h.untouched(t, lo, hi)
	return nil
}

// checkSetup calls Setup and checks that success registers an instance of
// the kind asked for whose resolved options, given back as options (as a
// rerun from a run's config.yaml does), are accepted and make the same
// options (see sameOpts).
func (h *harness) checkSetup(t *testing.T, a wire.SetupArgs) error {
	t.Helper()
	var r wire.SetupReply
	err := h.s.Setup(a, &r)
	h.untouched(t, 0, 0)
	if err != nil {
		return err
	}
	m, _, err := h.s.lookup(r.Instance, 0, a.Kind)
	if err != nil || r.Instance <= shareInst {
		t.Fatalf("instance %d: %v", r.Instance, err)
	}
	again := h.s.factories[a.Kind+"."+a.Name].New()
	if err := decode(again, r.Resolved); err != nil {
		t.Fatalf("resolved options %q given back: %v", r.Resolved, err)
	}
	if s, ok := m.(*fuzzSelector); ok {
		s2 := again.(*fuzzSelector)
		if !sameOpts(opts{Eps: s.Eps, Mode: s.Mode}, opts{Eps: s2.Eps, Mode: s2.Mode}) {
			t.Fatalf("options %q resolved to %q, which make %+v, not %+v", a.Options, r.Resolved, *s2, *s)
		}
	}
	return nil
}

// checkPool calls Pool and checks that success gives the strategy's pool.
func (h *harness) checkPool(t *testing.T, a wire.PoolArgs) error {
	t.Helper()
	var r framework.Pool
	err := h.s.Pool(a, &r)
	h.untouched(t, 0, 0)
	if err != nil {
		return err
	}
	if want, _ := (fuzzSharing{}).Pool(a.Layer); r != want {
		t.Fatalf("pool %+v, want %+v", r, want)
	}
	return nil
}

// payloadMethods are the handlers FuzzServePayload calls, by the fuzzed
// method number modulo their count. (Map opens paths and Unmap unmaps:
// neither belongs in a fuzzer.)
var payloadMethods = []string{wire.MethodSetup, wire.MethodSelect, wire.MethodSelectFactored, wire.MethodFill, wire.MethodPool}

// gobDecode decodes payload as net/rpc's gob codec decodes a request body
// into the argument of a method.
func gobDecode[T any](payload []byte) (T, bool) {
	var v T
	err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&v)
	return v, err == nil
}

// serve decodes payload into the arguments of the method and calls its
// handler on a fresh harness, checking the reply.
func serve(t *testing.T, method string, payload []byte) {
	h := newHarness(t)
	switch method {
	case wire.MethodSetup:
		if a, ok := gobDecode[wire.SetupArgs](payload); ok {
			_ = h.checkSetup(t, a)
		}
	case wire.MethodSelect:
		if a, ok := gobDecode[wire.SelectArgs](payload); ok {
			_ = h.checkSelect(t, a)
		}
	case wire.MethodSelectFactored:
		if a, ok := gobDecode[wire.SelectFactoredArgs](payload); ok {
			_ = h.checkSelectFactored(t, a)
		}
	case wire.MethodFill:
		if a, ok := gobDecode[wire.FillArgs](payload); ok {
			_ = h.checkFill(t, a)
		}
	case wire.MethodPool:
		if a, ok := gobDecode[wire.PoolArgs](payload); ok {
			_ = h.checkPool(t, a)
		}
	}
}

// Shapes at the edges, in the seeds of FuzzServePayload and in
// TestBadShapes.
const (
	// wraps: 3·wraps = 2^64 + 2, so 3 connections of K = wraps make
	// "2" scores in int arithmetic.
	wraps = 6148914691236517206
	// nearEnd is 4-aligned and so near the end of int64 that adding
	// the bytes of one element wraps around.
	nearEnd = math.MaxInt64 - 3
)

// payloadSeeds are valid calls of every method, and calls at the edges.
func payloadSeeds() []struct {
	method string
	args   any
} {
	ctx := framework.SelectContext{Layer: framework.LayerInfo{Name: "dense1", Connections: 100, K: 4}, Training: true, Step: 3, Offset: 7, Stream: 9}
	type seed = struct {
		method string
		args   any
	}
	sel := func(a wire.SelectArgs) seed {
		a.Instance, a.Segment, a.Ctx = selInst, segID, ctx
		return seed{wire.MethodSelect, a}
	}
	fac := func(a wire.SelectFactoredArgs) seed {
		a.Instance, a.Segment, a.Ctx, a.A = selInst, segID, ctx, 0.5
		return seed{wire.MethodSelectFactored, a}
	}
	fill := func(a wire.FillArgs) seed {
		a.Instance, a.Segment = initInst, segID
		a.Tensor = framework.TensorInfo{Layer: ctx.Layer, Role: framework.Weights, Offset: 11, Stream: 5}
		return seed{wire.MethodFill, a}
	}
	return []seed{
		{wire.MethodSetup, wire.SetupArgs{Kind: wire.KindSelector, Name: "fuzz", Options: []byte("{eps: 0.5, mode: x}")}},
		{wire.MethodSetup, wire.SetupArgs{Kind: wire.KindSelector, Name: "fuzz", Options: []byte("{eps: -0.0, mode: !!binary /w==}")}},
		{wire.MethodSetup, wire.SetupArgs{Kind: wire.KindInitializer, Name: "fuzz"}},
		{wire.MethodSetup, wire.SetupArgs{Kind: wire.KindSelector, Name: "fuzz", Options: []byte("{bogus: 1}")}},
		{wire.MethodSetup, wire.SetupArgs{Kind: wire.KindSharing, Name: "nope"}},
		sel(wire.SelectArgs{ScoresOff: 0, IdxOff: 2048, Count: 100, K: 4}),
		sel(wire.SelectArgs{ScoresOff: 0, IdxOff: 72000, Count: 300, K: 60}), // two chunks of 273
		sel(wire.SelectArgs{IdxOff: segSize - 4, Count: 1, K: 1}),
		sel(wire.SelectArgs{IdxOff: segSize, Count: 0, K: 3}),
		sel(wire.SelectArgs{IdxOff: nearEnd, Count: 1, K: 1}),
		sel(wire.SelectArgs{ScoresOff: nearEnd, Count: 1, K: 1}),
		sel(wire.SelectArgs{IdxOff: 2, Count: 1, K: 1}),
		sel(wire.SelectArgs{Count: -1, K: 4}),
		sel(wire.SelectArgs{Count: 4, K: 1 << 62}),
		sel(wire.SelectArgs{Count: 3, K: wraps}),
		sel(wire.SelectArgs{Count: 1<<62 + 1, K: 1}),
		sel(wire.SelectArgs{Count: 1<<61 + 1, K: 1, IdxOff: 64}),
		sel(wire.SelectArgs{Count: 1, K: 1 << 40}),
		{wire.MethodSelect, wire.SelectArgs{Instance: initInst, Segment: segID, Count: 1, K: 1}},
		{wire.MethodSelect, wire.SelectArgs{Instance: selInst, K: 1}},
		fac(wire.SelectFactoredArgs{InitOff: 0, WeightsOff: 1024, YOff: 2048, IdxOff: 3072, Count: 64, K: 4}),
		fac(wire.SelectFactoredArgs{InitOff: 0, WeightsOff: 72000, YOff: 144000, IdxOff: 146400, Count: 300, K: 60}),
		fac(wire.SelectFactoredArgs{Count: 4, K: 1 << 62, IdxOff: 64}),
		fac(wire.SelectFactoredArgs{Count: 3, K: wraps, IdxOff: 64, YOff: 128}),
		fac(wire.SelectFactoredArgs{Count: 1 << 62, K: 1}),
		fac(wire.SelectFactoredArgs{Count: 1, K: 1, YOff: nearEnd}),
		fac(wire.SelectFactoredArgs{Count: -1, K: 1}),
		fill(wire.FillArgs{Off: 64, Count: 100}),
		fill(wire.FillArgs{Off: 0, Count: segSize / 4}), // two chunks of 2^16
		fill(wire.FillArgs{Off: segSize - 4, Count: 1}),
		fill(wire.FillArgs{Off: segSize, Count: 1}),
		fill(wire.FillArgs{Off: nearEnd, Count: 1}),
		fill(wire.FillArgs{Count: 1<<62 + 1}),
		fill(wire.FillArgs{Count: -1}),
		{wire.MethodPool, wire.PoolArgs{Instance: shareInst, Layer: ctx.Layer}},
		{wire.MethodPool, wire.PoolArgs{Instance: shareInst, Layer: framework.LayerInfo{Name: "x", K: -1}}},
		{wire.MethodPool, wire.PoolArgs{Instance: selInst}},
	}
}

// FuzzServePayload feeds fuzzed bytes through the gob decoding net/rpc
// does for a request body into the arguments of Setup, Select,
// SelectFactored, Fill or Pool, and calls the handler on a service whose
// segment and the guard zones around it are canary bytes. The handler
// must not panic, and must either fail, leaving every byte as it was, or
// succeed as checkSelection, checkFill, checkSetup and checkPool say:
// the count asked for, every index in [0, K) and its connection's, no
// byte outside the region the arguments describe changed, components
// given a consistent shape.
//
// Each property was seen to fail, on the seeds alone, by breaking what it
// guards: shm.check without its upper bound, or with its old overflowing
// form off+n·size > len (the seeds at byte math.MaxInt64-3 panic in
// &b[off]); Select with its old check of K alone instead of shape (3
// connections of K = wraps reach the selector with 2 scores); Select
// without ctx.Offset += lo (connection 273, in the second chunk, gets
// index 7, want 40); Fill reading its destination 4 bytes late (element
// 0 still a canary), or one element long and filling it (byte 464 of the
// segment, just past the region, changed); Fill without t.Offset += lo
// (element 65536 wrong); Fill without reply.Count (0, asked for 100);
// Setup replying half its resolved options ("{eps: 0.5, mode: x}"
// resolved to "eps: 0.5", which makes mode ""); Pool asking for another layer's pool, or without safely (the
// strategy's panic on K = -1 escapes).
func FuzzServePayload(f *testing.F) {
	for _, s := range payloadSeeds() {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(s.args); err != nil {
			f.Fatal(err)
		}
		m := uint8(0)
		for m < uint8(len(payloadMethods)) && payloadMethods[m] != s.method {
			m++
		}
		f.Add(m, b.Bytes())
	}
	f.Fuzz(func(t *testing.T, method uint8, payload []byte) {
		serve(t, payloadMethods[int(method)%len(payloadMethods)], payload)
	})
}

// TestPayloadSeeds runs the seeds of FuzzServePayload, gob-encoded and
// decoded, and checks which of them the service accepts.
func TestPayloadSeeds(t *testing.T) {
	for i, s := range payloadSeeds() {
		t.Run(fmt.Sprintf("%d-%s", i, strings.TrimPrefix(s.method, "Plugin.")), func(t *testing.T) {
			var b bytes.Buffer
			if err := gob.NewEncoder(&b).Encode(s.args); err != nil {
				t.Fatal(err)
			}
			serve(t, s.method, b.Bytes())
		})
	}
}

// TestBadShapes calls the handlers with the shapes and offsets that wrap
// around in int or int64 arithmetic, which the service once accepted:
// each must fail with the error given, with no byte of the segment
// changed (checkSelection, checkFill). Before the fix, Select of 4 or 3
// connections with K = 2^62 or wraps handed the selector 0 or 2 scores;
// Select of 2^61+1 connections took shm's bounds check (off+n·4 wrapped
// negative) and wrote indices past the segment until the process died of
// a segmentation fault; Select and Fill of 2^62+1 elements panicked in
// unsafe.Slice, and every call with an offset of math.MaxInt64-3 in
// &b[off]; SelectFactored with K = 2^62 panicked in WriteScores, and with
// K = wraps in makeslice, outside the recovery of safely: a panic there
// ends the plugin.
func TestBadShapes(t *testing.T) {
	sel := func(a wire.SelectArgs) wire.SelectArgs {
		a.Instance, a.Segment = selInst, segID
		return a
	}
	fac := func(a wire.SelectFactoredArgs) wire.SelectFactoredArgs {
		a.Instance, a.Segment = selInst, segID
		return a
	}
	fill := func(a wire.FillArgs) wire.FillArgs {
		a.Instance, a.Segment = initInst, segID
		return a
	}
	for _, tc := range []struct {
		name string
		args any
		want string
	}{
		{"select negative count", sel(wire.SelectArgs{Count: -1, K: 4}), "bad shape: -1 connections, K = 4"},
		{"select K 0", sel(wire.SelectArgs{Count: 1, K: 0}), "bad shape: 1 connections, K = 0"},
		{"select K past MaxK", sel(wire.SelectArgs{Count: 1, K: framework.MaxK + 1}), "bad shape: 1 connections, K = 65537"},
		{"select n·K wraps to 0", sel(wire.SelectArgs{Count: 4, K: 1 << 62}), "bad shape: 4 connections, K = 4611686018427387904"},
		{"select n·K wraps to 2", sel(wire.SelectArgs{Count: 3, K: wraps}), "bad shape: 3 connections, K = 6148914691236517206"},
		{"select 2n wraps", sel(wire.SelectArgs{Count: 1<<62 + 1, K: 1}), "bad shape: 4611686018427387905 connections, K = 1"},
		{"select bytes wrap", sel(wire.SelectArgs{Count: 1<<61 + 1, K: 1, IdxOff: 64}), "scores: range of 2305843009213693953×4 bytes at offset 0 does not fit"},
		{"select indices near the end of int64", sel(wire.SelectArgs{Count: 1, K: 1, IdxOff: nearEnd}), "indices: range of 1×4 bytes at offset 9223372036854775804 does not fit"},
		{"select scores near the end of int64", sel(wire.SelectArgs{Count: 1, K: 1, ScoresOff: nearEnd}), "scores: range of 1×4 bytes at offset 9223372036854775804 does not fit"},
		{"factored negative count", fac(wire.SelectFactoredArgs{Count: -1, K: 1}), "bad shape: -1 connections, K = 1"},
		{"factored n·K wraps to 0", fac(wire.SelectFactoredArgs{Count: 4, K: 1 << 62, IdxOff: 64}), "bad shape: 4 connections, K = 4611686018427387904"},
		{"factored n·K wraps to 2", fac(wire.SelectFactoredArgs{Count: 3, K: wraps, IdxOff: 64, YOff: 128}), "bad shape: 3 connections, K = 6148914691236517206"},
		{"factored 2n wraps", fac(wire.SelectFactoredArgs{Count: 1 << 62, K: 1}), "bad shape: 4611686018427387904 connections, K = 1"},
		{"factored coefficients near the end of int64", fac(wire.SelectFactoredArgs{Count: 1, K: 1, YOff: nearEnd}), "coefficients: range of 2×4 bytes at offset 9223372036854775804 does not fit"},
		{"fill negative count", fill(wire.FillArgs{Count: -1}), "bad count: -1 elements"},
		{"fill bytes wrap", fill(wire.FillArgs{Count: 1<<62 + 1}), "range of 4611686018427387905×4 bytes at offset 0 does not fit"},
		{"fill near the end of int64", fill(wire.FillArgs{Count: 1, Off: nearEnd}), "range of 1×4 bytes at offset 9223372036854775804 does not fit"},
		{"fill just past the segment", fill(wire.FillArgs{Count: 1, Off: segSize}), "range of 1×4 bytes at offset 266240 does not fit a segment of 266240 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			var err error
			switch a := tc.args.(type) {
			case wire.SelectArgs:
				err = h.checkSelect(t, a)
			case wire.SelectFactoredArgs:
				err = h.checkSelectFactored(t, a)
			case wire.FillArgs:
				err = h.checkFill(t, a)
			default:
				t.Fatalf("arguments of type %s", reflect.TypeOf(a))
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFactoredScoreBuffer checks that SelectFactored sizes its score
// buffer to the connections it selects, not to a whole chunk: one
// connection of K = 16000 took a buffer of 256·16000 float32 (16 MB;
// with K = 10^6, 1 GB) before the fix, and fails this test so.
func TestFactoredScoreBuffer(t *testing.T) {
	h := newHarness(t)
	const k = 16000
	a := wire.SelectFactoredArgs{Instance: selInst, Segment: segID, WeightsOff: 4 * k, YOff: 8 * k, IdxOff: 8*k + 64, Count: 1, K: k}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := h.checkSelectFactored(t, a); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 4<<20 {
		t.Fatalf("selecting 1 connection of K = %d allocated %d bytes", k, d)
	}
}
