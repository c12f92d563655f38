package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Override is one command-line key=value setting.
type Override struct {
	Path  []string
	Value *yaml.Node
	Text  string
}

// ValidKey reports whether key has the form of a dotted config path such
// as train.epochs: non-empty parts without spaces or YAML flow characters.
func ValidKey(key string) bool {
	for _, p := range strings.Split(key, ".") {
		if p == "" || strings.ContainsAny(p, " \t[]{}:=,") {
			return false
		}
	}
	return true
}

// ParseOverride parses "train.epochs=3". The value is read as YAML, so
// numbers, booleans, lists ([1, 2]) and mappings ({id: greedy}) work, and
// anything else is a string.
func ParseOverride(s string) (Override, error) {
	key, val, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return Override{}, fmt.Errorf("override %q: want key=value, e.g. k=16 or train.epochs=3", s)
	}
	if !ValidKey(key) {
		return Override{}, fmt.Errorf("override %q: %q is not a dotted key path like train.batch_size", s, key)
	}
	var doc yaml.Node
	node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
	if strings.TrimSpace(val) == "" {
		node = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
	} else if err := yaml.Unmarshal([]byte(val), &doc); err == nil && len(doc.Content) == 1 {
		node = doc.Content[0]
	}
	return Override{Path: strings.Split(key, "."), Value: node, Text: s}, nil
}

// apply sets the override in the document tree rooted at root (a mapping),
// creating intermediate mappings, and records every node it adds as coming
// from the override.
func (o Override) apply(root *yaml.Node, src *Source) error {
	cur := root
	for i, key := range o.Path {
		if cur.Kind == yaml.ScalarNode && i > 0 {
			// A module written by name alone ("selector: greedy") that gets
			// an option: turn it into {id: greedy, option: value}.
			id := *cur
			*cur = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: id.Line, Column: id.Column,
				Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "id"}, &id}}
		}
		if cur.Kind != yaml.MappingNode {
			return fmt.Errorf("override %q: %s is not a mapping, so it has no key %q", o.Text, strings.Join(o.Path[:i], "."), key)
		}
		var next *yaml.Node
		for j := 0; j+1 < len(cur.Content); j += 2 {
			if cur.Content[j].Value == key {
				next = cur.Content[j+1]
				if i == len(o.Path)-1 {
					cur.Content[j+1] = o.Value
					src.overrides[cur.Content[j]] = o.Text
				}
				break
			}
		}
		if next == nil {
			k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
			src.overrides[k] = o.Text
			next = o.Value
			if i < len(o.Path)-1 {
				next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
				src.overrides[next] = o.Text
			}
			cur.Content = append(cur.Content, k, next)
		}
		cur = next
	}
	markOverride(o.Value, o.Text, src)
	return nil
}

func markOverride(n *yaml.Node, text string, src *Source) {
	src.overrides[n] = text
	for _, c := range n.Content {
		markOverride(c, text, src)
	}
}
