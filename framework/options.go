package framework

import (
	"reflect"
	"slices"
	"strings"
)

// OptionField is one option of a module: its YAML key and the struct field
// behind it.
type OptionField struct {
	Name  string // the YAML key
	Doc   string // the field's doc tag, if any
	Index []int  // for reflect.Value.FieldByIndex
}

// OptionFields lists the options of a module's struct type as yaml.v3
// decodes them: exported fields, named by their yaml tag or else their
// lower-cased name, `yaml:"-"` skipped, the fields of an inline struct
// (`yaml:",inline"`) in its place, an inline map (the other keys) not at
// all. slotlab's config decoder and the plugin
// SDK both name options by it, so that a module's keys are the same
// compiled in and in a plugin.
func OptionFields(t reflect.Type) []OptionField {
	var out []OptionField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "inline") {
			if f.Type.Kind() == reflect.Struct {
				for _, sub := range OptionFields(f.Type) {
					sub.Index = append([]int{i}, sub.Index...)
					out = append(out, sub)
				}
			}
			continue // an inline map holds the keys no field names
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, OptionField{Name: name, Doc: f.Tag.Get("doc"), Index: []int{i}})
	}
	return out
}
