package results

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/slotlab/slotlab/framework"
)

// Derived keys: values computed from a result rather than stored in it.
const (
	// KeyNetwork is the architecture's name (lenet-300-100, conv4, ...).
	KeyNetwork = "network"
	// KeyMethod is the method with its selector as the paper names them:
	// "slot GS", "slot PS", "learned" (see MethodLabel).
	KeyMethod = "method"
	// KeyKOrLearned is "K=<k>" for methods that select among K weights
	// and "learned" for the learned-weights baseline, the columns of the
	// paper's table, where the baseline has a column of its own.
	KeyKOrLearned = "k_or_learned"
	// KeyCode is the code that wrote the result: its revision's first 12
	// digits, "+modified" when the tree had changes, "unknown" for results
	// that do not record it (codeversion.Code.Short).
	KeyCode = "code"
	// ConfigPrefix forces a key to be looked up in the resolved config:
	// config.method is "slot" where method is "slot GS".
	ConfigPrefix = "config."
)

// MethodLabel names a run's method as the paper does: "learned" for the
// learned-weights baseline, else the method and the selector's label
// ("slot GS", "slot PS"): the one the run recorded (SelectorLabel), else,
// for results written before labels were recorded, the label the
// registered selector of that name declares, else its name.
func MethodLabel(r *Result) string {
	if r.Method == framework.MethodLearned {
		return "learned"
	}
	sel := r.Selector
	if r.SelectorLabel != "" {
		sel = r.SelectorLabel
	} else if info, ok := framework.Lookup(framework.ModuleID(framework.NamespaceSelectors + "." + sel)); ok {
		if l := framework.LabelOf(info.New()); l != "" {
			sel = l
		}
	}
	if sel == "" {
		return string(r.Method)
	}
	return string(r.Method) + " " + sel
}

// Value returns a run's value of key as text, and whether the run has it.
// A key is, in this order: a derived key (network, method,
// k_or_learned, code); a field of result.json (k, seed, selector, sharing,
// test_acc, train_flops, ...); a dotted path in the resolved config
// (train.epochs, selector.eval, data.train_limit). Prefix a key with
// "config." to read the config even where a result field has the name.
func (r *Run) Value(key string) (string, bool) {
	if strings.HasPrefix(key, ConfigPrefix) {
		v, ok := r.flatConfig()[strings.TrimPrefix(key, ConfigPrefix)]
		return v, ok
	}
	switch key {
	case KeyNetwork:
		return r.Result.Architecture, r.Result.Architecture != ""
	case KeyMethod:
		return MethodLabel(r.Result), true
	case KeyKOrLearned:
		if r.Result.Method == framework.MethodLearned {
			return "learned", true
		}
		return "K=" + strconv.Itoa(r.Result.K), true
	case KeyCode:
		return r.Result.Code.Short(), true
	}
	if v, ok := r.resultFields()[key]; ok {
		return text(v), true
	}
	v, ok := r.flatConfig()[key]
	return v, ok
}

// Number returns a run's value of key as a number.
func (r *Run) Number(key string) (float64, bool) {
	s, ok := r.Value(key)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func (r *Run) resultFields() map[string]any {
	if r.fields == nil {
		r.fields = map[string]any{}
		if b, err := json.Marshal(r.Result); err == nil {
			_ = json.Unmarshal(b, &r.fields)
		}
		delete(r.fields, "config")
	}
	return r.fields
}

// flatConfig is the resolved config as dotted key → value text; lists and
// mappings are also given whole under their own key.
func (r *Run) flatConfig() map[string]string {
	if r.config == nil {
		r.config = map[string]string{}
		flatten("", r.Result.Config, r.config)
	}
	return r.config
}

func flatten(prefix string, v any, out map[string]string) {
	m, ok := v.(map[string]any)
	if !ok {
		if prefix != "" {
			out[prefix] = text(v)
		}
		return
	}
	if prefix != "" {
		out[prefix] = text(v)
		prefix += "."
	}
	for k, c := range m {
		flatten(prefix+k, c, out)
	}
}

// text formats a JSON or YAML value: numbers without trailing zeros,
// lists and mappings as JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
