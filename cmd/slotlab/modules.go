package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/pluginrpc"
)

// listModulesCmd lists the compiled-in modules, then the components of the
// external plugins found in the directories of SLOTLAB_PLUGIN_PATH, each
// with the binary it comes from.
func listModulesCmd(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("list-modules takes no arguments")
	}
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"module", "source", "description"})
	for _, m := range framework.List("") {
		if err := t.Append([]string{string(m.ID), m.Source, m.Summary}); err != nil {
			return err
		}
	}
	found, errs := pluginrpc.DiscoverEnv()
	for _, f := range found {
		if err := t.Append([]string{string(f.ID), f.Source, describeExternal(f)}); err != nil {
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
		fmt.Fprintf(os.Stderr, "(set %s to directories of plugin binaries to list external modules too)\n", pluginrpc.PathEnv)
	}
	return nil
}

// describeExternal is an external component's summary and its options with
// their defaults.
func describeExternal(f pluginrpc.Found) string {
	if len(f.Options) == 0 {
		return f.Summary
	}
	var opts []string
	for _, o := range f.Options {
		opts = append(opts, o.Name+": "+o.Default)
	}
	return f.Summary + " (options: " + strings.Join(opts, ", ") + ")"
}
