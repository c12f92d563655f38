// Package strictyaml is slotlab's one strict YAML decoder: the config
// loader decodes experiments, architectures and module options with it,
// and a plugin process decodes the options the host sends with it, so that
// a module's options are read, and refused, the same way compiled in and
// in a plugin.
//
// Strict means: unknown keys, keys given twice, keys without a value and
// values of the wrong type are errors, each placed at its YAML node;
// fields absent from the YAML keep the value they had (the defaults). A
// struct's keys are framework.OptionFields: yaml tags, else the lower-cased
// field name, inline structs in place; an inline map takes the keys no
// field names.
package strictyaml

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
)

// Pos is the place a value was written. A struct field of type Pos tagged
// `yaml:"-"` is filled by the decoder with the position of the struct's
// own mapping.
type Pos struct {
	Line, Column int
}

// Error is one problem found while decoding, at the node it concerns.
type Error struct {
	Node *yaml.Node
	Msg  string
}

// Decoder decodes YAML nodes strictly. The zero value works; its hooks
// let a caller name paths, record where values came from and suggest
// fixes for unknown keys.
type Decoder struct {
	// Describe names a dotted path in messages; nil quotes the path.
	Describe func(path string) string
	// Unknown returns the message about an unknown key in the mapping at
	// path, given the keys it knows in the order of the struct; nil names
	// the key and lists the known ones.
	Unknown func(path, key string, known []string) string
	// Visit, if set, is called with the dotted path and node of every
	// value decoded.
	Visit func(path string, n *yaml.Node)
	// Max is the most errors collected (0: 20).
	Max int

	errs []Error
}

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	nodeType        = reflect.TypeFor[yaml.Node]()
	posType         = reflect.TypeFor[Pos]()
)

// Decode decodes n into out, a pointer, and returns the problems found,
// none if it succeeded. path is the dotted path of n ("" for a document's
// root); values below it are named path.key and path[i].
func (d *Decoder) Decode(path string, n *yaml.Node, out any) []Error {
	d.errs = nil
	d.decode(path, n, reflect.ValueOf(out).Elem())
	return d.errs
}

func (d *Decoder) fail(n *yaml.Node, format string, args ...any) {
	max := d.Max
	if max == 0 {
		max = 20
	}
	if len(d.errs) < max {
		d.errs = append(d.errs, Error{Node: n, Msg: fmt.Sprintf(format, args...)})
	}
}

func (d *Decoder) describe(path string) string {
	if d.Describe != nil {
		return d.Describe(path)
	}
	return fmt.Sprintf("%q", path)
}

func (d *Decoder) unknown(path, key string, known []string) string {
	if d.Unknown != nil {
		return d.Unknown(path, key, known)
	}
	return fmt.Sprintf("unknown key %q in %s (known keys: %s)", key, d.describe(path), strings.Join(known, ", "))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *Decoder) decode(path string, n *yaml.Node, v reflect.Value) {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	// A pointer's value is visited once, when its element is decoded.
	if path != "" && d.Visit != nil && (v.Kind() != reflect.Pointer || isNull(n)) {
		d.Visit(path, n)
	}
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			d.fail(n, "%s", CleanError(err))
		}
		return
	}
	if isNull(n) && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface {
		d.fail(n, "%s has no value; give one or delete the key to use the default", d.describe(path))
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
			d.fail(n, "%s must be a list, like [1, 2, 3]", d.describe(path))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(fmt.Sprintf("%s[%d]", path, i), c, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "%s must be a mapping of keys to values", d.describe(path))
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
			d.fail(n, "%s", CleanError(err))
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.decodeScalar(path, n, v)
	}
}

func (d *Decoder) decodeStruct(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, "%s must be a mapping (key: value lines), not %s", d.describe(path), KindName(n))
		return
	}
	fields := map[string][]int{}
	var names []string // in the order of the struct
	for _, f := range framework.OptionFields(v.Type()) {
		fields[f.Name] = f.Index
		names = append(names, f.Name)
	}
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Type == posType {
			v.Field(i).Set(reflect.ValueOf(Pos{n.Line, n.Column}))
		}
	}
	rest := inlineMap(v)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.fail(k, "key %q appears twice in %s; keep one", k.Value, d.describe(path))
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		switch {
		case ok:
			d.decode(join(path, k.Value), val, v.FieldByIndex(idx))
		case rest.IsValid():
			if rest.IsNil() {
				rest.Set(reflect.MakeMap(rest.Type()))
			}
			ev := reflect.New(rest.Type().Elem()).Elem()
			d.decode(join(path, k.Value), val, ev)
			rest.SetMapIndex(reflect.ValueOf(k.Value).Convert(rest.Type().Key()), ev)
		default:
			d.fail(k, "%s", d.unknown(path, k.Value, names))
		}
	}
}

// inlineMap returns v's inline map field (`yaml:",inline"`), which takes
// the keys no field names, or the zero Value.
func inlineMap(v reflect.Value) reflect.Value {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.IsExported() && f.Type.Kind() == reflect.Map && slices.Contains(strings.Split(opts, ","), "inline") {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

func (d *Decoder) decodeScalar(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, "%s must be %s, not %s", d.describe(path), typeName(v.Type()), KindName(n))
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
				d.fail(n, "%s: %s is too large", d.describe(path), n.Value)
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
	d.fail(n, "%s must be %s, not %q", d.describe(path), typeName(v.Type()), n.Value)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Value == "" && n.Style == 0 && n.Tag == ""))
}

// KindName describes a node for messages: "a mapping", "a list" or the quoted scalar.
func KindName(n *yaml.Node) string {
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

// CleanError strips yaml.v3's "yaml: line N:" prefix, since the
// position is added separately.
func CleanError(err error) string {
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
