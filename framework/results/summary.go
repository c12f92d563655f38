package results

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteSummary prints a run's result as a small table: what was trained and
// how well it did.
func WriteSummary(w io.Writer, r *Result, dir string) error {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header([]string{"run", "method", "selector", "K", "seed", "epochs", "best epoch", "val acc", "test acc", "final test", "samples/s"})
	if err := t.Append([]string{
		r.Name + "/" + r.RunID, string(r.Method), r.Selector, fmt.Sprint(r.K), fmt.Sprint(r.Seed), fmt.Sprint(r.Epochs),
		fmt.Sprint(r.BestEpoch), fmt.Sprintf("%.2f", r.ValAcc), fmt.Sprintf("%.2f", r.TestAcc),
		fmt.Sprintf("%.2f", r.FinalTestAcc), fmt.Sprintf("%.0f", r.SamplesPerSecond),
	}); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	if r.Status != StatusDone {
		fmt.Fprintf(w, "status: %s: %s\n", r.Status, r.Error)
	}
	if dir != "" {
		fmt.Fprintf(w, "run directory: %s\n", dir)
	}
	return nil
}
