package main

import (
	"fmt"
	"os"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/slotlab/slotlab/framework"
)

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
	return t.Render()
}
