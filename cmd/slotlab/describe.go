package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"gopkg.in/yaml.v3"

	"github.com/slotlab/slotlab/framework"
	"github.com/slotlab/slotlab/framework/config"
	"github.com/slotlab/slotlab/framework/nn"
)

func describeCmd(args []string) error {
	fs := flag.NewFlagSet("describe", flag.ContinueOnError)
	k := fs.Int("k", 8, "K, when FILE is an architecture")
	method := fs.String("method", "slot", "slot or learned, when FILE is an architecture")
	pos, err := parseArgs(fs, "usage: slotlab describe FILE.yaml [key=value ...] [--k K] [--method slot|learned]\n\nFILE is an experiment or an architecture. The layer types an architecture may use (type:):"+layerKindList()+"\n", args, "missing file")
	if err != nil {
		return err
	}
	var (
		arch       *config.Architecture
		sharing    framework.Sharing
		regenerate bool
		winograd4  bool
	)
	if isArchitecture(pos[0]) {
		if arch, err = config.LoadArchitecture(pos[0]); err != nil {
			return err
		}
	} else {
		e, err := config.Load(pos[0], pos[1:])
		if err != nil {
			return err
		}
		arch, *k, *method = e.Arch, e.K, string(e.Method)
		sharing = e.Sharing.Module.(framework.Sharing)
		regenerate = e.Storage == "regenerated"
		winograd4 = e.Winograd == "f4"
	}
	m := framework.Method(*method)
	if m != framework.MethodSlot && m != framework.MethodLearned && m != framework.MethodFinetune {
		return fmt.Errorf("--method %s: use slot or learned", *method)
	}
	plan, err := nn.NewPlan(arch.Spec(), *k)
	if err != nil {
		return arch.Place(err)
	}
	d, err := nn.Describe(plan, m, *k, sharing, regenerate)
	if err != nil {
		return err
	}
	fmt.Printf("%s (%s, K=%d): input %s, %d classes; memory is the trainable state (scores, momentum, weights, selection)\n", arch.Name, *method, *k, nn.Shape(arch.Input), arch.Classes)
	// A column for the convolutions' algorithms, where there are any.
	algos := nn.ConvAlgorithms(plan, winograd4)
	header := []string{"#", "layer", "output", "weights", "mult-adds", "memory"}
	align := []tw.Align{tw.AlignRight, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight}
	if len(algos) > 0 {
		header = append(header, "conv: forward / ∂x / ∂w")
		align = append(align, tw.AlignLeft)
	}
	t := tablewriter.NewTable(os.Stdout, tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	t.Header(header)
	for _, r := range d.Rows {
		name := string(r.Kind)
		if r.Name != "" {
			name = r.Name + " (" + name + ")"
		}
		row := []string{fmt.Sprint(r.Index), name, nn.Shape(r.Out), blank(r.Weights), blank(r.MACs), byteSize(r.StateBytes)}
		if len(algos) > 0 {
			row = append(row, algos[r.Index])
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	footer := []string{"", "total", "", commas(d.Weights), commas(d.MACs), byteSize(d.Memory)}
	if len(algos) > 0 {
		footer = append(footer, "")
	}
	t.Footer(footer)
	return t.Render()
}

// isArchitecture reports whether a YAML file is an architecture (it has
// layers at the top level) rather than an experiment.
func isArchitecture(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var top map[string]any
	if yaml.Unmarshal(b, &top) != nil {
		return false
	}
	_, ok := top["layers"]
	return ok
}

func blank(n int64) string {
	if n == 0 {
		return ""
	}
	return commas(n)
}

// commas formats 1147072 as 1,147,072.
func commas(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// byteSize is config.Bytes, blank for zero (a layer without weights).
func byteSize(n int64) string {
	if n == 0 {
		return ""
	}
	return config.Bytes(n)
}
