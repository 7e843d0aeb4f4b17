package printers

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// kubectl's table layout: text/tabwriter with a minimum cell width of 6,
// padding 3, padded with spaces, and widths remembered across flushes (the
// RememberWidths flag of kubectl's tabwriter fork).
const (
	minCellWidth = 6
	cellPadding  = 3
)

// columnWriter lays out tab-separated lines as kubectl's tabwriter does.
// Each call to format is one flush: columns are aligned within it, and a
// column is never narrower than it was in an earlier flush until forget is
// called (kubectl forgets when it starts the table of another kind).
type columnWriter struct {
	remembered []int // widest width seen per column index
	widths     []int // widths of the columns of the block being formatted
}

// forget drops the remembered widths.
func (c *columnWriter) forget() { c.remembered = nil }

// format lays out text, lines ending in '\n' with cells separated by '\t',
// and returns one string per line without its newline. The last cell of a
// line belongs to no column and is never padded; a run of lines with a cell
// in a column forms a block whose cells are padded to the widest cell of the
// block plus the padding, and at least to the minimum width (text/tabwriter's
// column blocks).
func (c *columnWriter) format(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	raw := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	lines := make([][]string, len(raw))
	for i, l := range raw {
		// a vertical tab ends a cell too
		lines[i] = splitCells(l)
	}
	out := make([]string, len(lines))
	c.widths = c.widths[:0]
	c.block(lines, out, 0, len(lines))
	return out
}

// block formats lines[from:to], whose cells left of column len(c.widths)
// already have their widths.
func (c *columnWriter) block(lines [][]string, out []string, from, to int) {
	col := len(c.widths)
	for i := from; i < to; i++ {
		if col >= len(lines[i])-1 {
			continue
		}
		// lines[from:i] end before this column: write them.
		c.write(lines, out, from, i)
		from = i
		width := minCellWidth
		for ; i < to && col < len(lines[i])-1; i++ {
			width = max(width, utf8.RuneCountInString(lines[i][col])+cellPadding)
		}
		width = c.remember(col, width)
		c.widths = append(c.widths, width)
		c.block(lines, out, from, i)
		c.widths = c.widths[:col]
		from = i
		// lines[i] (when i < to) has no cell in this column: the loop's
		// increment skips it, and the next block or write picks it up.
	}
	c.write(lines, out, from, to)
}

// splitCells cuts a line at tabs and vertical tabs, keeping empty cells.
func splitCells(line string) []string {
	var cells []string
	for {
		i := strings.IndexAny(line, "\t\v")
		if i < 0 {
			return append(cells, line)
		}
		cells = append(cells, line[:i])
		line = line[i+1:]
	}
}

// remember records width for column col and returns the width to use: the
// widest seen so far.
func (c *columnWriter) remember(col, width int) int {
	if len(c.remembered) < col {
		c.remembered = append(c.remembered, c.widths[len(c.remembered):col]...)
	}
	if len(c.remembered) == col {
		c.remembered = append(c.remembered, width)
		return width
	}
	width = max(width, c.remembered[col])
	c.remembered[col] = width
	return width
}

func (c *columnWriter) write(lines [][]string, out []string, from, to int) {
	var b bytes.Buffer
	for i := from; i < to; i++ {
		b.Reset()
		for j, cell := range lines[i] {
			b.WriteString(cell)
			if j < len(c.widths) && j < len(lines[i])-1 {
				for n := c.widths[j] - utf8.RuneCountInString(cell); n > 0; n-- {
					b.WriteByte(' ')
				}
			}
		}
		out[i] = b.String()
	}
}
