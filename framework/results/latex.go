package results

import (
	"fmt"
	"io"
	"strings"
)

// latexEscaper escapes the characters LaTeX treats specially in text.
var latexEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, `&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`,
	`_`, `\_`, `{`, `\{`, `}`, `\}`, `~`, `\textasciitilde{}`, `^`, `\textasciicircum{}`,
	`±`, `$\pm$`, `–`, `--`, `Δ`, `$\Delta$`, `−`, `$-$`,
)

// FormatLaTeX is the name of the LaTeX table format.
const FormatLaTeX = "latex"

func init() {
	RegisterTableFormat(TableFormat{Name: FormatLaTeX, Summary: "a booktabs tabular, the best of each row in bold", Write: writeLaTeX})
}

// LaTeXEscape makes text safe in a LaTeX document.
func LaTeXEscape(s string) string { return latexEscaper.Replace(s) }

// writeLaTeX writes a booktabs tabular (needs \usepackage{booktabs}): the
// row keys left-aligned, the columns right-aligned, the best entry of each
// row in bold, and the notes as % comments above it. A repeated value of
// the first row key is left blank, with a little space between its groups.
func writeLaTeX(w io.Writer, g *Grid) error {
	var b strings.Builder
	for _, n := range g.Notes("in bold") {
		fmt.Fprintf(&b, "%% %s\n", n)
	}
	b.WriteString("% needs \\usepackage{booktabs}\n")
	fmt.Fprintf(&b, "\\begin{tabular}{%s%s}\n", strings.Repeat("l", len(g.RowKeys)), strings.Repeat("r", len(g.Cols)))
	b.WriteString("\\toprule\n")
	var header []string
	for _, k := range g.RowKeys {
		header = append(header, LaTeXEscape(k))
	}
	for j := range g.Cols {
		header = append(header, LaTeXEscape(g.ColLabel(j)))
	}
	b.WriteString(strings.Join(header, " & ") + " \\\\\n\\midrule\n")
	for i, row := range g.Cells {
		var line []string
		for k, v := range g.Rows[i] {
			if v == "" {
				v = "–"
			}
			if k == 0 && i > 0 && g.Rows[i-1][0] == g.Rows[i][0] {
				v = ""
			}
			line = append(line, LaTeXEscape(v))
		}
		if i > 0 && len(g.RowKeys) > 1 && g.Rows[i-1][0] != g.Rows[i][0] {
			b.WriteString("\\addlinespace\n")
		}
		for _, c := range row {
			s := LaTeXEscape(g.cellText(c, " ± "))
			if c != nil && c.Best {
				s = "\\textbf{" + s + "}"
			}
			if r := g.refText(c); r != "" {
				s += " {\\scriptsize(" + LaTeXEscape(r) + ")}"
			}
			line = append(line, s)
		}
		b.WriteString(strings.Join(line, " & ") + " \\\\\n")
	}
	b.WriteString("\\bottomrule\n\\end{tabular}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
