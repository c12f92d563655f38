package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/slotlab/slotlab/framework/export"
)

func exportCmd(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "slot", "slot (seed, generator and ⌈log2 K⌉ bits per connection) or dense (float32 safetensors)")
	out := fs.String("o", "", "output file")
	pos, err := parseArgs(fs, "usage: slotlab export RUN_DIR --format slot|dense -o FILE\n\nExports the network of the run's best validation epoch.", args, "")
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		fs.Usage()
		return fmt.Errorf("want one run directory and -o FILE")
	}
	o, err := export.Export(pos[0], *format, *out)
	if err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s network of %s/%s, epoch %d (test accuracy %.2f%%), %d bytes\n", *out, *format, o.Name, o.RunID, o.Epoch, o.TestAcc, st.Size())
	return nil
}

func evalCmd(args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	dataDir := fs.String("data", "", "directory of the dataset files (default: the config's data.dir, $SLOTLAB_DATA, the usual places)")
	pos, err := parseArgs(fs, "usage: slotlab eval FILE [--data DIR]\n\nEvaluates an exported network (slot or dense format) on its test set.", args, "")
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("want one exported file")
	}
	ev, err := export.Eval(pos[0], *dataDir, func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
	if err != nil {
		return err
	}
	fmt.Printf("%s (%s format): test accuracy %.2f%% on %d examples, loss %.4f\n", pos[0], ev.Format, ev.Accuracy, ev.Examples, ev.Loss)
	if ev.Origin != nil {
		fmt.Printf("exported from %s/%s, epoch %d, whose test accuracy was %.2f%%\n", ev.Origin.Name, ev.Origin.RunID, ev.Origin.Epoch, ev.Origin.TestAcc)
	}
	return nil
}
