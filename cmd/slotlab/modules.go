package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/data"
	"github.com/slotlab/slotlab/framework/nn"
	"github.com/slotlab/slotlab/framework/pluginrpc"
)

// listModulesCmd lists the modules of the registry, of every registered
// kind: the compiled-in ones and those of the plugins in the directories
// of SLOTLAB_PLUGIN_PATH, which it loads, each with where it comes from
// ("built-in" or the plugin's path), its options with their defaults and
// what it declares; then the registered datasets and kinds of layer. Its
// --help lists the kinds of module.
func listModulesCmd(args []string) error {
	fs := flag.NewFlagSet("list-modules", flag.ContinueOnError)
	pos, err := parseArgs(fs, "usage: slotlab list-modules\n\nA module's ID is KIND.NAME; the kinds of module:"+moduleKindList()+"\n", args, "")
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("list-modules takes no arguments")
	}
	_, errs := framework.LoadPluginPath()
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"module", "source", "description"})
	for _, m := range framework.List("") {
		desc := describeModule(m)
		if why := unreachable(m); why != "" {
			desc += fmt.Sprintf(" [%s: name this one {plugin: %s, name: %s}]", why, m.Source, m.ID.Name())
		}
		if err := t.Append([]string{string(m.ID), m.Source, desc}); err != nil {
			return err
		}
	}
	for _, d := range data.Datasets() {
		if err := t.Append([]string{"datasets." + d.Name, "built-in", describeDataset(d)}); err != nil {
			return err
		}
	}
	for _, k := range nn.LayerKinds() {
		if err := t.Append([]string{"layers." + string(k.Kind), "built-in", describeLayerKind(k)}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, err := range errs {
		fmt.Fprintf(os.Stderr, "slotlab list-modules: skipped: %v\n", err)
	}
	if os.Getenv(pluginrpc.PathEnv) == "" {
		fmt.Fprintf(os.Stderr, "(set %s to directories of plugin binaries named %s* to list their modules too)\n", pluginrpc.PathEnv, pluginrpc.NamePrefix)
	}
	return nil
}

// unreachable says why an experiment cannot name a plugin's module by its
// name alone, or returns "": a built-in module or another plugin's has the
// same ID.
func unreachable(m framework.ModuleInfo) string {
	if m.Builtin() {
		return ""
	}
	same := framework.Modules(m.ID)
	switch {
	case same[0].Builtin():
		return "the built-in takes the name"
	case len(same) > 1:
		return "another plugin serves it too"
	}
	return ""
}

// describeModule is a module's summary, its options with their defaults,
// and the policies it declares.
func describeModule(m framework.ModuleInfo) string {
	s := m.Summary
	mod := m.New()
	defer framework.Close(mod)
	var opts []string
	var n yaml.Node
	if err := n.Encode(mod); err == nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := n.Content[i+1]
			val := v.Value
			if v.Kind != yaml.ScalarNode {
				b, _ := yaml.Marshal(v)
				val = strings.TrimSpace(string(b))
			}
			opts = append(opts, n.Content[i].Value+": "+val)
		}
	}
	if len(opts) > 0 {
		s += " (options: " + strings.Join(opts, ", ") + ")"
	}
	var pol []string
	if l := framework.LabelOf(mod); l != "" {
		pol = append(pol, "table label "+l)
	}
	if p, ok := mod.(framework.RatePolicy); ok {
		pol = append(pol, declared("learning_rate auto", p.DefaultRate), declared("weight_decay auto", p.DefaultDecay))
	}
	pol = slices.DeleteFunc(pol, func(p string) bool { return p == "" })
	if len(pol) > 0 {
		s += " (" + strings.Join(pol, "; ") + ")"
	}
	return s
}

// moduleKindList lists the kinds of module for a usage text: each
// namespace, what its modules do and the experiment keys that name one.
func moduleKindList() string {
	var b strings.Builder
	for _, k := range framework.Kinds() {
		fmt.Fprintf(&b, "\n  %-13s %s", k.Namespace, k.Summary)
		if len(k.Keys) > 0 {
			fmt.Fprintf(&b, " (experiment keys: %s)", strings.Join(k.Keys, ", "))
		}
	}
	return b.String()
}

// describeDataset is a dataset's summary, shape, classes, the defaults an
// experiment takes for it and its aliases.
func describeDataset(d data.Dataset) string {
	s := fmt.Sprintf("%s: input %s, %d classes (defaults: data.val_fraction %v, data.augment.flip %v)", d.Summary, nn.Shape(d.Input[:]), d.Classes, d.ValFraction, d.Flip)
	if len(d.Aliases) > 0 {
		s += " (also named " + strings.Join(d.Aliases, ", ") + ")"
	}
	return s
}

// datasetList lists the registered datasets for a usage text.
func datasetList() string {
	var b strings.Builder
	for _, d := range data.Datasets() {
		fmt.Fprintf(&b, "\n  %-8s %s, %s, %d classes", d.Name, d.Summary, nn.Shape(d.Input[:]), d.Classes)
	}
	return b.String()
}

// describeLayerKind is what a kind of layer computes and the keys it
// takes, with their defaults.
func describeLayerKind(k nn.LayerKindInfo) string {
	if len(k.Keys) == 0 {
		return k.Summary
	}
	return k.Summary + " (keys: " + strings.Join(k.Keys, ", ") + ")"
}

// layerKindList lists the kinds of layer for a usage text.
func layerKindList() string {
	var b strings.Builder
	for _, k := range nn.LayerKinds() {
		fmt.Fprintf(&b, "\n  %-9s %s", k.Kind, describeLayerKind(k))
	}
	return b.String()
}

// declared says what a selector's rate policy gives a slot machine on
// each dataset: "key: 25" where every dataset gets the same value, else
// "key: 50 (cifar10), 25 (mnist, …)" for those that get one, datasets
// grouped by value in the order first declared; "" for none.
func declared(key string, policy func(framework.RateContext) (float64, bool)) string {
	var (
		order []float64                // distinct values, in the order first declared
		names = map[float64][]string{} // the datasets of each value
		all   = true
	)
	for _, d := range data.DatasetNames() {
		v, ok := policy(framework.RateContext{Dataset: d, Method: framework.MethodSlot})
		if !ok {
			all = false
			continue
		}
		if _, seen := names[v]; !seen {
			order = append(order, v)
		}
		names[v] = append(names[v], d)
	}
	switch {
	case len(order) == 0:
		return ""
	case all && len(order) == 1:
		return key + ": " + strconv.FormatFloat(order[0], 'g', -1, 64)
	}
	vals := make([]string, len(order))
	for i, v := range order {
		vals[i] = strconv.FormatFloat(v, 'g', -1, 64) + " (" + strings.Join(names[v], ", ") + ")"
	}
	return key + ": " + strings.Join(vals, ", ")
}
