package sweep

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework/config"
)

// VariantsKey is the reserved key of a sweep block whose value is a list of
// sweep blocks: the union of their runs is one dimension of the product.
// It lets one file cross, say, the seeds with "GS and PS at every K, plus
// the learned baseline once" without training the baseline once per K.
const VariantsKey = "variants"

// dimension is one factor of a sweep's Cartesian product: a list of
// options, each a list of key=value overrides. A plain axis has one
// override per option; a variants dimension has as options every run of
// every variant.
type dimension struct {
	key     string // the swept config key, or VariantsKey
	options [][]string
}

// block is a parsed sweep block: its dimensions in file order.
type block []dimension

// points returns the Cartesian product of the dimensions, the first
// dimension varying slowest, as lists of overrides.
func (b block) points() [][]string {
	out := [][]string{nil}
	for _, d := range b {
		var next [][]string
		for _, p := range out {
			for _, o := range d.options {
				q := append(append([]string(nil), p...), o...)
				next = append(next, q)
			}
		}
		out = next
	}
	return out
}

// without drops every dimension that sweeps key, in the block and in its
// variants, so that a key pinned or swept on the command line wins over
// the file.
func (b block) without(key string) block {
	var out block
	for _, d := range b {
		if d.key == key {
			continue
		}
		if d.key == VariantsKey {
			var opts [][]string
			seen := map[string]bool{}
			for _, o := range d.options {
				var kept []string
				for _, ov := range o {
					if k, _, _ := strings.Cut(ov, "="); k != key {
						kept = append(kept, ov)
					}
				}
				id := strings.Join(kept, "\x00")
				if !seen[id] {
					seen[id] = true
					opts = append(opts, kept)
				}
			}
			d = dimension{key: VariantsKey, options: opts}
		}
		out = append(out, d)
	}
	return out
}

// keys lists the swept keys, those inside variants included, each once.
func (b block) keys() []string {
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, d := range b {
		if d.key != VariantsKey {
			add(d.key)
			continue
		}
		for _, o := range d.options {
			for _, ov := range o {
				k, _, _ := strings.Cut(ov, "=")
				add(k)
			}
		}
	}
	return out
}

// readBlock finds the sweep block of an experiment file (its content raw).
// It reads the YAML itself rather than through config.Parse, because a
// file may be valid only with the swept values applied (a dataset given
// per variant, say).
func readBlock(file string, raw []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil // config.Load says what is wrong with the file
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sweep" {
			return root.Content[i+1], nil
		}
	}
	return nil, nil
}

// parseBlock turns a sweep node into dimensions. Every key is a dotted
// config path; a list value is the axis's values, any other value one
// fixed value; the key variants takes a list of nested blocks.
func parseBlock(file string, n *yaml.Node) (block, error) {
	if n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return nil, nil
	}
	at := func(n *yaml.Node, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if file != "" && n.Line > 0 {
			return fmt.Errorf("%s:%d:%d: %s", file, n.Line, n.Column, msg)
		}
		return fmt.Errorf("sweep: %s", msg)
	}
	if n.Kind != yaml.MappingNode {
		return nil, at(n, "sweep must map config keys to lists of values, e.g. {k: [2, 4, 8], seed: [0, 1]}")
	}
	var b block
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		key := kn.Value
		if err := checkKey(key); err != nil {
			return nil, at(kn, "%v", err)
		}
		if seen[key] {
			return nil, at(kn, "key %q is swept twice", key)
		}
		seen[key] = true
		if key == VariantsKey {
			if vn.Kind != yaml.SequenceNode || len(vn.Content) == 0 {
				return nil, at(vn, "%s takes a list of sweep blocks, e.g. [{selector: [greedy, probabilistic], k: [2, 4]}, {method: learned}]", VariantsKey)
			}
			d := dimension{key: VariantsKey}
			for _, v := range vn.Content {
				if v.Kind != yaml.MappingNode {
					return nil, at(v, "each of the %s is a mapping of config keys to values, like the sweep block itself", VariantsKey)
				}
				sub, err := parseBlock(file, v)
				if err != nil {
					return nil, err
				}
				d.options = append(d.options, sub.points()...)
			}
			b = append(b, d)
			continue
		}
		values := []*yaml.Node{vn}
		if vn.Kind == yaml.SequenceNode {
			if len(vn.Content) == 0 {
				return nil, at(vn, "sweep key %q has an empty list; give at least one value", key)
			}
			values = vn.Content
		}
		d := dimension{key: key}
		for _, v := range values {
			text, err := flowText(v)
			if err != nil {
				return nil, at(v, "%v", err)
			}
			d.options = append(d.options, []string{key + "=" + text})
		}
		b = append(b, d)
	}
	return b, nil
}

// checkKey accepts a dotted config path such as train.epochs.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("empty sweep key")
	}
	if !config.ValidKey(key) {
		return fmt.Errorf("%q is not a dotted config key like train.epochs", key)
	}
	return nil
}

// flowText writes a YAML value on one line, as an override's value.
func flowText(n *yaml.Node) (string, error) {
	c := *n
	setFlow(&c)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(b))
	if strings.Contains(text, "\n") {
		return "", fmt.Errorf("a value of several lines cannot be swept; write it on one line")
	}
	return text, nil
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		n.Style = yaml.FlowStyle
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	n.Content = append([]*yaml.Node(nil), n.Content...)
	for i, c := range n.Content {
		cc := *c
		setFlow(&cc)
		n.Content[i] = &cc
	}
}
