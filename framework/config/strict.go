package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
)

// Pos is the place a value was written. A struct field of type Pos tagged
// `yaml:"-"` is filled by the strict decoder with the position of the
// struct's own mapping.
type Pos struct {
	Line, Column int
}

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

type decoder struct {
	src  *Source
	errs ErrorList
}

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	if len(d.errs) < 20 {
		d.errs = append(d.errs, d.src.at(n, format, args...))
	}
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	nodeType        = reflect.TypeFor[yaml.Node]()
	posType         = reflect.TypeFor[Pos]()
)

// decodeStrict decodes n into out (a pointer), rejecting unknown keys,
// duplicate keys, missing values and values of the wrong type, each with its
// position. Fields absent from the YAML keep the value they had.
func decodeStrict(src *Source, path string, n *yaml.Node, out any) ErrorList {
	d := &decoder{src: src}
	d.decode(path, n, reflect.ValueOf(out).Elem())
	return d.errs
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) decode(path string, n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if path != "" {
		d.src.nodes[path] = n
	}
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.fail(n, "%s", cleanYAMLError(err))
		}
		return
	}
	if isNull(n) && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface {
		d.fail(n, "%s has no value; give one or delete the key to use the default", describePath(path))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(path, n, v.Elem())
	case reflect.Struct:
		d.decodeStruct(path, n, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, "%s must be a list, like [1, 2, 3]", describePath(path))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(fmt.Sprintf("%s[%d]", path, i), c, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "%s must be a mapping of keys to values", describePath(path))
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(join(path, k.Value), val, ev)
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, "%s", cleanYAMLError(err))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.decodeScalar(path, n, v)
	}
}

func (d *decoder) decodeStruct(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, "%s must be a mapping (key: value lines), not %s", describePath(path), kindName(n))
		return
	}
	fields := structFields(v.Type())
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Type == posType {
			v.Field(i).Set(reflect.ValueOf(Pos{n.Line, n.Column}))
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.fail(k, "key %q appears twice in %s; keep one", k.Value, describePath(path))
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		if !ok {
			hint := didYouMean(k.Value, names)
			if suggest(k.Value, names) == "" && path == "" {
				if full := suggestPath(k.Value); full != "" {
					hint = fmt.Sprintf("; did you mean %q? (it lives under %s)", full, full[:strings.LastIndexByte(full, '.')])
				}
			}
			d.fail(k, "unknown key %q in %s%s", k.Value, describePath(path), hint)
			continue
		}
		d.decode(join(path, k.Value), val, v.FieldByIndex(idx))
	}
}

func (d *decoder) decodeScalar(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "%s must be a single %s, not %s", describePath(path), typeName(v.Type()), kindName(n))
		return
	}
	var err error
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
		return
	case reflect.Bool:
		var b bool
		if err = n.Decode(&b); err == nil {
			v.SetBool(b)
			return
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if i, err = strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil && n.Tag != "!!str" {
			if v.OverflowInt(i) {
				d.fail(n, "%s: %s is too large", describePath(path), n.Value)
				return
			}
			v.SetInt(i)
			return
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var u uint64
		if u, err = strconv.ParseUint(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil && n.Tag != "!!str" {
			v.SetUint(u)
			return
		}
	case reflect.Float32, reflect.Float64:
		var f float64
		if err = n.Decode(&f); err == nil {
			v.SetFloat(f)
			return
		}
	default:
		if err = n.Decode(v.Addr().Interface()); err == nil {
			return
		}
	}
	d.fail(n, "%s must be %s, not %q", describePath(path), typeName(v.Type()), n.Value)
}

// structFields maps yaml key names to field indices
// (framework.OptionFields).
func structFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range framework.OptionFields(t) {
		out[f.Name] = f.Index
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Value == "" && n.Style == 0 && n.Tag == ""))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "this"
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + t.String()
}

func describePath(path string) string {
	if path == "" {
		return "the experiment"
	}
	return fmt.Sprintf("%q", path)
}

// cleanYAMLError strips yaml.v3's "yaml: line N:" prefix, since the
// position is added separately.
func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "yaml: ") {
		s = strings.TrimPrefix(s, "yaml: ")
	}
	if strings.HasPrefix(s, "line ") {
		if i := strings.Index(s, ": "); i >= 0 {
			s = s[i+2:]
		}
	}
	return s
}
