package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework/internal/strictyaml"
)

// Pos is the place a value was written. A struct field of type Pos tagged
// `yaml:"-"` is filled by the strict decoder with the position of the
// struct's own mapping.
type Pos = strictyaml.Pos

// Source remembers where every decoded value came from, so that checks made
// after decoding can still point at file:line:column.
type Source struct {
	File      string
	nodes     map[string]*yaml.Node // dotted path → node
	overrides map[*yaml.Node]string // node → the override text that produced it
}

func newSource(file string) *Source {
	return &Source{File: file, nodes: map[string]*yaml.Node{}, overrides: map[*yaml.Node]string{}}
}

// Errorf returns an error placed at the value of the dotted path (or at the
// start of the file when the path was never written).
func (s *Source) Errorf(path string, format string, args ...any) *Error {
	if s == nil {
		return &Error{Msg: fmt.Sprintf(format, args...)}
	}
	// Walk up to the nearest written ancestor: a default value has no place
	// of its own, but its parent mapping does.
	p := path
	for {
		if n, ok := s.nodes[p]; ok {
			return s.at(n, format, args...)
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return &Error{File: s.File, Msg: fmt.Sprintf(format, args...)}
}

func (s *Source) at(n *yaml.Node, format string, args ...any) *Error {
	e := &Error{File: s.File, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		if o, ok := s.overrides[n]; ok {
			e.Override = o
		} else {
			e.Line, e.Column = n.Line, n.Column
		}
	}
	return e
}

// decodeStrict decodes n into out (a pointer) with slotlab's strict
// decoder (framework/internal/strictyaml), recording where every value came
// from in src and placing each error at its node.
func decodeStrict(src *Source, path string, n *yaml.Node, out any) ErrorList {
	d := strictyaml.Decoder{
		Describe: describePath,
		Unknown:  unknownKey,
		Visit:    func(p string, n *yaml.Node) { src.nodes[p] = n },
	}
	var errs ErrorList
	for _, e := range d.Decode(path, n, out) {
		errs = append(errs, src.at(e.Node, "%s", e.Msg))
	}
	return errs
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// unknownKey names an unknown key and suggests the key meant, or where it
// lives when it belongs to a nested section of the experiment.
func unknownKey(path, key string, known []string) string {
	hint := didYouMean(key, known)
	if suggest(key, known) == "" && path == "" {
		if full := suggestPath(key); full != "" {
			hint = fmt.Sprintf("; did you mean %q? (it lives under %s)", full, full[:strings.LastIndexByte(full, '.')])
		}
	}
	return fmt.Sprintf("unknown key %q in %s%s", key, describePath(path), hint)
}

func describePath(path string) string {
	if path == "" {
		return "the experiment"
	}
	return fmt.Sprintf("%q", path)
}

// cleanYAMLError strips yaml.v3's "yaml: line N:" prefix, since the
// position is added separately.
func cleanYAMLError(err error) string { return strictyaml.CleanError(err) }
