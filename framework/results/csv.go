package results

import (
	"encoding/csv"
	"io"
	"strconv"
)

// FormatCSV is the name of the CSV table format.
const FormatCSV = "csv"

func init() {
	RegisterTableFormat(TableFormat{Name: FormatCSV, Summary: "one line per cell: row and column values, mean, std, n, failed, unfinished, best, reference, diff", Write: writeCSV})
}

// writeCSV writes one record per non-empty cell.
func writeCSV(w io.Writer, g *Grid) error {
	cw := csv.NewWriter(w)
	header := append([]string(nil), g.RowKeys...)
	header = append(header, g.ColKeys...)
	header = append(header, "metric", "mean", "std", "n", "failed", "unfinished", "best", "reference", "diff")
	if err := cw.Write(header); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 12, 64) }
	for i, row := range g.Cells {
		for j, c := range row {
			if c == nil {
				continue
			}
			rec := append(append([]string(nil), g.Rows[i]...), g.Cols[j]...)
			mean, std := "", ""
			if c.N > 0 {
				mean = f(c.Mean)
			}
			if c.N > 1 {
				std = f(c.Std)
			}
			ref, diff := "", ""
			if c.Ref != nil {
				ref, diff = f(c.Ref.Value), f(c.Ref.Diff)
			}
			rec = append(rec, g.Metric, mean, std, strconv.Itoa(c.N), strconv.Itoa(len(c.Failed)), strconv.Itoa(len(c.Unfinished)), strconv.FormatBool(c.Best), ref, diff)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
