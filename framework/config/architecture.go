package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/internal/strictyaml"
	"github.com/slotlab/slotlab/framework/nn"
)

// Architecture is a network described layer by layer in YAML.
type Architecture struct {
	Name string `yaml:"name"`
	// Input is the shape of one example: [channels, height, width].
	Input []int `yaml:"input"`
	// Classes is the number of outputs of the last layer.
	Classes int     `yaml:"classes"`
	Layers  []Layer `yaml:"layers"`

	// Path is the file the architecture was read from.
	Path string `yaml:"-"`
	// Src locates every value for error messages.
	Src    *Source `yaml:"-"`
	prefix string
}

// At returns an error placed at a key of the architecture, e.g.
// At("layers[3].out", ...).
func (a *Architecture) At(path string, format string, args ...any) *Error {
	return a.Src.Errorf(join(a.prefix, path), format, args...)
}

// Layer is one layer of an architecture as the file writes it. Which
// fields apply depends on Type; each kind of layer declares its keys in
// the engine (nn.LayerKinds, listed by slotlab list-modules). Params holds
// the keys of a kind's own parameters, e.g. {type: scale, factor: 3}.
type Layer struct {
	Type    framework.LayerKind `yaml:"type"`
	Name    string              `yaml:"name,omitempty"`
	Out     int                 `yaml:"out,omitempty"`
	Kernel  int                 `yaml:"kernel,omitempty"`
	Stride  int                 `yaml:"stride,omitempty"`
	Padding int                 `yaml:"padding,omitempty"`
	Size    int                 `yaml:"size,omitempty"`
	P       float64             `yaml:"p,omitempty"`
	Params  map[string]float64  `yaml:",inline"`
	Pos     Pos                 `yaml:"-"`
}

// spec is the layer in the engine's terms.
func (l Layer) spec() nn.LayerSpec {
	return nn.LayerSpec{Kind: l.Type, Name: l.Name, Out: l.Out, Kernel: l.Kernel, Stride: l.Stride, Padding: l.Padding, Size: l.Size, P: l.P, Params: l.Params}
}

// Spec returns the architecture as the network engine takes it.
func (a *Architecture) Spec() nn.Spec {
	s := nn.Spec{Input: a.Input, Classes: a.Classes}
	for _, l := range a.Layers {
		s.Layers = append(s.Layers, l.spec())
	}
	return s
}

// Place puts an error of the engine about the architecture's spec
// (nn.SpecError) at its place in the file; other errors pass unchanged.
func (a *Architecture) Place(err error) error {
	var se *nn.SpecError
	if errors.As(err, &se) {
		return a.At(se.Path(), "%s", se.Msg)
	}
	return err
}

// LoadArchitecture reads and validates an architecture file.
func LoadArchitecture(path string) (*Architecture, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read architecture file: %v", errClean(err))}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, syntaxError(path, err)
	}
	if root.Kind == 0 {
		return nil, &Error{File: path, Msg: "the file is empty; an architecture needs name, input, classes and layers"}
	}
	a, errs := decodeArchitecture(newSource(path), "", &root)
	if len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

func decodeArchitecture(src *Source, path string, n *yaml.Node) (*Architecture, ErrorList) {
	a := &Architecture{Path: src.File, Src: src, prefix: path}
	if errs := decodeStrict(src, path, n, a); len(errs) > 0 {
		return nil, errs
	}
	if errs := a.validate(); len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

// ArchRef is an experiment's architecture: a file reference or an inline
// mapping. Once loaded, Spec holds the architecture, and the reference is
// written back inline so that a resolved config stands on its own.
type ArchRef struct {
	Path string
	Spec *Architecture
	node *yaml.Node
}

// UnmarshalYAML accepts a path or an inline architecture mapping.
func (r *ArchRef) UnmarshalYAML(n *yaml.Node) error {
	*r = ArchRef{node: n}
	switch n.Kind {
	case yaml.ScalarNode:
		r.Path = n.Value
		return nil
	case yaml.MappingNode:
		return nil
	}
	return fmt.Errorf("architecture must be a file path or an inline architecture mapping, not %s", strictyaml.KindName(n))
}

// MarshalYAML writes the loaded architecture inline (or the path if it was
// never loaded).
func (r ArchRef) MarshalYAML() (any, error) {
	if r.Spec != nil {
		return r.Spec, nil
	}
	return r.Path, nil
}

func (r *ArchRef) load(src *Source, expPath string) (*Architecture, ErrorList) {
	switch {
	case r.node != nil && r.node.Kind == yaml.MappingNode:
		a, errs := decodeArchitecture(src, "architecture", r.node)
		r.Spec = a
		return a, errs
	case r.Path == "":
		return nil, ErrorList{src.Errorf("architecture", "missing key \"architecture\": the path of an architecture file, e.g. ../architectures/lenet-300-100.yaml")}
	}
	p, tried := resolveArchitecture(expPath, r.Path)
	if p == "" {
		return nil, ErrorList{src.Errorf("architecture", "architecture file %q not found (looked at %s); give a path relative to this file", r.Path, strings.Join(tried, ", "))}
	}
	a, err := LoadArchitecture(p)
	if err != nil {
		if l, ok := err.(ErrorList); ok {
			return nil, l
		}
		return nil, ErrorList{&Error{File: p, Msg: err.Error()}}
	}
	r.Spec = a
	return a, nil
}

func (a *Architecture) validate() ErrorList {
	var errs ErrorList
	bad := func(path, format string, args ...any) {
		errs = append(errs, a.At(path, format, args...))
	}
	if a.Name == "" {
		bad("name", "architecture needs a name")
	}
	if len(a.Input) != 3 || a.Input[0] < 1 || a.Input[1] < 1 || a.Input[2] < 1 {
		bad("input", "input must be [channels, height, width] with positive sizes, e.g. [1, 28, 28]")
	}
	if a.Classes < 2 {
		bad("classes", "classes must be at least 2")
	}
	if len(a.Layers) == 0 {
		bad("layers", "an architecture needs at least one layer")
	}
	var names []string
	own := map[framework.LayerKind][]string{} // each kind's parameters of its own
	for _, k := range nn.LayerKinds() {
		names = append(names, string(k.Kind))
		for _, p := range k.Params {
			own[k.Kind] = append(own[k.Kind], p.Name)
		}
	}
	for i := range a.Layers {
		l := &a.Layers[i]
		if !slices.Contains(names, string(l.Type)) {
			hint := didYouMean(string(l.Type), names)
			if l.Type == "" {
				hint = " (types: " + strings.Join(names, ", ") + ")"
			}
			bad(fmt.Sprintf("layers[%d].type", i), "unknown layer type %q%s", l.Type, hint)
			continue
		}
		if unknown := a.unknownKeys(i, own[l.Type]); len(unknown) > 0 {
			errs = append(errs, unknown...)
			continue
		}
		// The engine fills in the layer's defaults and checks it; the
		// defaults are written back so that the resolved config shows them.
		ls := l.spec()
		if err := nn.CheckLayer(i, &ls); err != nil {
			errs = append(errs, a.Place(err).(*Error))
			continue
		}
		l.Out, l.Kernel, l.Stride, l.Padding, l.Size, l.P, l.Params = ls.Out, ls.Kernel, ls.Stride, ls.Padding, ls.Size, ls.P, ls.Params
	}
	if len(errs) == 0 {
		// Shapes: that the layers fit together and end in the classes.
		if _, err := nn.NewPlan(a.Spec(), 1); err != nil {
			errs = append(errs, a.Place(err).(*Error))
		}
	}
	return errs
}

// unknownKeys reports the keys of layer i that are neither fields of Layer
// nor parameters of its kind's own (own), at each key, as the strict
// decoder reports an unknown key.
func (a *Architecture) unknownKeys(i int, own []string) ErrorList {
	path := join(a.prefix, fmt.Sprintf("layers[%d]", i))
	var known []string
	for _, f := range framework.OptionFields(reflect.TypeFor[Layer]()) {
		known = append(known, f.Name)
	}
	known = append(known, own...)
	var errs ErrorList
	for _, key := range slices.Sorted(maps.Keys(a.Layers[i].Params)) {
		if slices.Contains(own, key) {
			continue
		}
		at := a.Src.nodes[join(path, key)]
		if m := a.Src.nodes[path]; m != nil {
			for j := 0; j+1 < len(m.Content); j += 2 {
				if m.Content[j].Value == key {
					at = m.Content[j]
				}
			}
		}
		errs = append(errs, a.Src.at(at, "%s", unknownKey(path, key, known)))
	}
	return errs
}

// resolveArchitecture finds the architecture file named in an experiment:
// a path relative to the experiment file, or a bare name looked up in the
// architectures/ folder beside the experiments folder and in the working
// directory.
func resolveArchitecture(expPath, ref string) (string, []string) {
	dir := filepath.Dir(expPath)
	var tried []string
	try := func(p string) bool {
		tried = append(tried, p)
		st, err := os.Stat(p)
		return err == nil && !st.IsDir()
	}
	if filepath.IsAbs(ref) {
		if try(ref) {
			return ref, nil
		}
		return "", tried
	}
	if p := filepath.Join(dir, ref); try(p) {
		return p, nil
	}
	if !strings.ContainsAny(ref, `/\`) {
		name := ref
		if filepath.Ext(name) == "" {
			name += ".yaml"
		}
		for _, p := range []string{
			filepath.Join(dir, "..", "architectures", name),
			filepath.Join(dir, "architectures", name),
			filepath.Join("architectures", name),
		} {
			if try(p) {
				return p, nil
			}
		}
	}
	return "", tried
}

func errClean(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// syntaxError turns a YAML parse error into file:line:column form.
func syntaxError(path string, err error) error {
	msg := err.Error()
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "yaml: line %d:", &line); scanErr == nil {
		if i := strings.Index(msg, ": "); i >= 0 {
			if j := strings.Index(msg[i+2:], ": "); j >= 0 {
				return &Error{File: path, Line: line, Column: 1, Msg: "YAML syntax error: " + msg[i+2+j+2:] + " (check indentation and quoting)"}
			}
		}
	}
	return &Error{File: path, Msg: "YAML syntax error: " + cleanYAMLError(err)}
}
