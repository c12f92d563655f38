package results

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure is one or more plots drawn side by side into one image, with one
// legend for all of them below: a series has the same colour and glyph in
// every panel.
type Figure struct {
	Panels []*plot.Plot
	// Cols is the number of panels per row.
	Cols int
	// PanelWidth and PanelHeight are the size of each panel.
	PanelWidth, PanelHeight vg.Length
	// Warnings say where a point or line averages runs whose configs
	// differ in more than the seed.
	Warnings []string

	legend []legendEntry
	index  map[string]int
}

type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// Series returns the index of a series by its label, the same in every
// panel; it picks the series' style (see style).
func (f *Figure) Series(label string) int {
	if f.index == nil {
		f.index = map[string]int{}
	}
	i, ok := f.index[label]
	if !ok {
		i = len(f.index)
		f.index[label] = i
	}
	return i
}

// AddLegend adds a series to the figure's legend, once per label.
func (f *Figure) AddLegend(label string, thumbs ...plot.Thumbnailer) {
	for _, e := range f.legend {
		if e.label == label {
			return
		}
	}
	f.legend = append(f.legend, legendEntry{label: label, thumbs: thumbs})
}

// checkMixed warns when the runs behind one point or line differ in more
// than the seed and the keys that already tell them apart.
func (f *Figure) checkMixed(what string, runs []*Run, keys ...string) {
	if m := mixed(runs, append([]string{KeyNetwork, "architecture", "dataset"}, keys...)); m != "" {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s averages runs that differ in %s: draw a line per key with --series, or give fewer directories", what, m))
	}
}

// legendEntryHeight is the height of a line of the legend.
const legendEntryHeight = 5 * vg.Millimeter

// legendLayout returns the number of legend columns and rows for a figure
// of the given width.
func (f *Figure) legendLayout(width vg.Length) (cols, rows int) {
	if len(f.legend) == 0 {
		return 0, 0
	}
	cols = max(1, min(len(f.legend), int(width/(2.5*vg.Inch))))
	return cols, (len(f.legend) + cols - 1) / cols
}

// Save writes the figure as PREFIX.png and PREFIX.svg and returns the
// paths written.
func (f *Figure) Save(prefix string) ([]string, error) {
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return nil, err
	}
	cols := max(1, min(f.Cols, len(f.Panels)))
	rows := (len(f.Panels) + cols - 1) / cols
	width := vg.Length(cols) * f.PanelWidth
	lcols, lrows := f.legendLayout(width)
	strip := vg.Length(0)
	if lrows > 0 {
		strip = vg.Length(lrows)*legendEntryHeight + 4*vg.Millimeter
	}
	height := vg.Length(rows)*f.PanelHeight + strip
	var paths []string
	for _, format := range []string{"png", "svg"} {
		c, err := newCanvas(width, height, format)
		if err != nil {
			return paths, err
		}
		dc := draw.New(c)
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		f.drawPanels(draw.Crop(dc, 0, 0, strip, 0), rows, cols)
		if lrows > 0 {
			f.drawLegend(draw.Crop(dc, 0, 0, 0, -(height-strip)), lcols, lrows)
		}
		path := prefix + "." + format
		if err := writeCanvas(path, c); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// drawPanels draws the panels in a grid, aligned.
func (f *Figure) drawPanels(dc draw.Canvas, rows, cols int) {
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
		for j := range grid[i] {
			if k := i*cols + j; k < len(f.Panels) {
				grid[i][j] = f.Panels[k]
			}
		}
	}
	pad := 2 * vg.Millimeter
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 2 * pad, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align(grid, tiles, dc)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// drawLegend draws the legend in columns, filled column by column.
func (f *Figure) drawLegend(dc draw.Canvas, cols, rows int) {
	tiles := draw.Tiles{Rows: 1, Cols: cols, PadLeft: 6 * vg.Millimeter, PadRight: 2 * vg.Millimeter, PadTop: 2 * vg.Millimeter, PadX: 2 * vg.Millimeter}
	for col := 0; col < cols; col++ {
		l := plot.NewLegend()
		l.Top, l.Left = true, true
		for r := 0; r < rows; r++ {
			if k := col*rows + r; k < len(f.legend) {
				l.Add(f.legend[k].label, f.legend[k].thumbs...)
			}
		}
		l.Draw(tiles.At(dc, col, 0))
	}
}

// newCanvas returns a canvas of the format; PNGs are drawn at 150 dpi.
func newCanvas(w, h vg.Length, format string) (vg.CanvasWriterTo, error) {
	if format == "png" {
		return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(150))}, nil
	}
	return draw.NewFormattedCanvas(w, h, format)
}

func writeCanvas(path string, c vg.CanvasWriterTo) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
