package pluginrpc

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc/internal/wire"
)

// replyPlugin is the path the selector of the reply checks names.
const replyPlugin = "./plugins/fuzzed"

// replySelector is a selector adapter for a plugin that is never started:
// enough for the checks of its replies, which run on the host.
func replySelector() *Selector {
	c := &component{proc: &process{path: replyPlugin}, info: wire.Component{Kind: wire.KindSelector, Name: "fuzzed"}}
	return &Selector{Plugin: replyPlugin, component: c}
}

// int32s reads b as native int32, as the host reads indices from shared
// memory; a last partial group of bytes is dropped.
func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.NativeEndian.Uint32(b[4*i:]))
	}
	return out
}

// checkReply runs the host's check of a selection reply (the indices the
// plugin wrote, the count it says) and checks that it accepts exactly the
// replies with the count asked for and every index in [0, K), and rejects
// the others with an *Error naming the plugin, the component and the call.
func checkReply(t *testing.T, idx []int32, k, count int) error {
	t.Helper()
	s := replySelector()
	ctx := framework.SelectContext{Layer: framework.LayerInfo{Name: "dense1"}, Training: true, Step: 3}
	err := s.check(s.selectOp(ctx), idx, k, ctx, count)
	valid := count == len(idx)
	for _, c := range idx {
		valid = valid && c >= 0 && int64(c) < int64(k)
	}
	switch {
	case valid && err != nil:
		t.Fatalf("%d indices %v, K = %d, count %d: rejected: %v", len(idx), idx, k, count, err)
	case !valid && err == nil:
		t.Fatalf("%d indices %v, K = %d, count %d: accepted", len(idx), idx, k, count)
	case err != nil:
		var e *Error
		if !errors.As(err, &e) || e.Plugin != replyPlugin || !strings.HasPrefix(err.Error(), "plugin "+replyPlugin+": selector fuzzed: Select for layer dense1 (training, step 3): ") {
			t.Fatalf("error %q does not name the plugin, the component and the call", err)
		}
	}
	return err
}

// checkResolved runs the host's reading of the resolved options a plugin
// replies to Setup and checks that it keeps a mapping or nothing; that
// every key it keeps is a distinct plain string (options are struct
// fields); and that what it keeps encodes, as the run's config.yaml
// records it, to a mapping that reads back with the same keys in the same
// order.
func checkResolved(t *testing.T, b []byte) {
	t.Helper()
	n := resolvedOptions(b)
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		t.Fatalf("resolved options %q kept as a node of kind %d", b, n.Kind)
	}
	keys := plainKeys(t, b, n)
	out, err := yaml.Marshal(n)
	if err != nil {
		t.Fatalf("resolved options %q kept, but do not encode: %v", b, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("resolved options %q kept, encoded as %q, which is not a mapping (%v)", b, out, err)
	}
	if back := plainKeys(t, out, doc.Content[0]); strings.Join(back, "\x00") != strings.Join(keys, "\x00") {
		t.Fatalf("resolved options %q kept with keys %q, encoded as %q, which reads back with keys %q", b, keys, out, back)
	}
}

// plainKeys returns the keys of the mapping m read from b, failing the
// test if one is not a plain string scalar or is given twice.
func plainKeys(t *testing.T, b []byte, m *yaml.Node) []string {
	t.Helper()
	seen := map[string]bool{}
	var keys []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" || seen[k.Value] {
			t.Fatalf("resolved options %q kept with key %d of kind %d, tag %q, value %q (seen before: %v)", b, i/2, k.Kind, k.Tag, k.Value, seen[k.Value])
		}
		seen[k.Value] = true
		keys = append(keys, k.Value)
	}
	return keys
}

// FuzzPluginReply checks what the host makes of what a plugin replies
// beyond gob's decoding: the indices and the count of a selection,
// accepted exactly when the count is the one asked for and every index is
// in [0, K), else rejected with an error naming the plugin (checkReply);
// and the resolved options of Setup, kept only as a mapping that encodes
// to one again (checkResolved). Each property was seen to fail, on the
// seeds alone, by breaking what it guards: check without its count test
// (count 0 for 1 index accepted), without its test of negative indices
// (index -1 accepted with K = 4), and with its old uint32(c) >= uint32(k)
// (index -2^31 accepted with K = 2^32+2^31+5; index 10 rejected with K =
// 2^32+9); resolvedOptions without its test of a mapping ("[1, 2]" kept),
// and without its test of plain string keys ("? []#0", found by the fuzzer
// and kept in testdata/fuzz, encoded as text that is not a mapping).
func FuzzPluginReply(f *testing.F) {
	for _, s := range []struct {
		idx      []int32
		k, count int
		resolved string
	}{
		{[]int32{0, 3, 1}, 4, 3, "eps: 0.5\nmode: x\n"},
		{[]int32{0, 4}, 4, 2, ""},
		{[]int32{-1}, 4, 1, "[1, 2]"},
		{[]int32{0}, 4, 0, "&a {x: *a}"},
		{[]int32{1, 1}, 4, 3, "null"},
		{[]int32{10}, 1<<32 + 9, 1, "{? [a] : b}"},
		{[]int32{-2147483648}, 1<<32 + 1<<31 + 5, 1, "{a: !!binary /w==}"},
		{nil, 0, 0, "{<<: {a: 1}}"},
		{[]int32{0}, math.MaxInt, 1, "a: 1\n---\nb: 2\n"},
		{[]int32{0}, 4, 1, "? []#0"},
		{[]int32{0}, 4, 1, "a: 1\na: 2\n"},
		{[]int32{0}, 4, 1, "1: x\n"},
		{[]int32{0}, 4, 1, "&k a: 1\n*k : 2\n"},
	} {
		raw := make([]byte, 4*len(s.idx))
		for i, c := range s.idx {
			binary.NativeEndian.PutUint32(raw[4*i:], uint32(c))
		}
		f.Add(raw, s.k, s.count, []byte(s.resolved))
	}
	f.Fuzz(func(t *testing.T, raw []byte, k, count int, resolved []byte) {
		_ = checkReply(t, int32s(raw), k, count)
		checkResolved(t, resolved)
	})
}

// TestReplyChecks runs the host's checks on replies that a plugin could
// give: the rejected ones fail with an error naming the plugin. Before
// the fix, the check compared uint32 of the index with uint32 of K, so
// that K past 2^32 truncated: index -2^31 passed with K = 2^32+2^31+5,
// and index 10 failed with K = 2^32+9.
func TestReplyChecks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		idx      []int32
		k, count int
		want     string // "" for accepted
	}{
		{"valid", []int32{0, 3, 1}, 4, 3, ""},
		{"none", nil, 4, 0, ""},
		{"count short", []int32{0, 1}, 4, 1, "the plugin says it selected 1 connections, but was asked for 2"},
		{"count long", []int32{0}, 4, 2, "the plugin says it selected 2 connections, but was asked for 1"},
		{"index K", []int32{0, 4}, 4, 2, "the plugin chose candidate 4 for connection 1, but K = 4 (valid: 0..3)"},
		{"index negative", []int32{-1}, 4, 1, "the plugin chose candidate -1 for connection 0, but K = 4"},
		{"negative index, K past 2^32", []int32{math.MinInt32}, 1<<32 + 1<<31 + 5, 1, "the plugin chose candidate -2147483648"},
		{"valid index, K past 2^32", []int32{10}, 1<<32 + 9, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkReply(t, tc.idx, tc.k, tc.count)
			if tc.want == "" {
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
