package printers

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// kubectl's table layout: text/tabwriter with a minimum cell width of 6,
// padding 3, padded with spaces, and widths remembered across flushes (the
// RememberWidths flag of kubectl's tabwriter fork).
const (
	minCellWidth = 6
	cellPadding  = 3
)

// tableWriter writes tab-separated lines as kubectl lays out its tables,
// each line rendered by tablewriter's Blueprint renderer in a borderless
// style: no borders, lines or column separators, cells left-aligned and
// without padding of their own, filling the widths they are given.
//
// The widths are kubectl's, computed here: tabwriter's column blocks (a run
// of lines with a cell in a column is aligned; a line's last cell belongs to
// no column and is never padded), cell widths counted in runes, a column
// never narrower than in an earlier flush until forget (kubectl forgets when
// it starts the table of another kind). A tablewriter Table cannot lay out
// so: it gives a column one width for all its rows and pads every cell to
// it, the last too; hence the renderer, given each line's widths.
type tableWriter struct {
	remembered []int // widest width seen per column index
	widths     []int // widths of the columns of the block being laid out

	lines  [][]string // cells of the lines being written
	padded [][2]int   // per line, where in flat its padded cells' widths are
	flat   []int

	renderer tw.Renderer // renders into out
	out      bytes.Buffer
	columns  tw.Mapper[int, int]    // widths of the line being rendered
	cells    map[int]tw.CellContext // its cells
}

// forget drops the remembered widths.
func (c *tableWriter) forget() { c.remembered = nil }

// write lays out text, lines ending in '\n' with cells separated by '\t'
// (or '\v'), and writes it to w. The lines numbered in headers are the
// table's headers, in bold when colour is set.
func (c *tableWriter) write(w io.Writer, text []byte, headers []int, colour bool) error {
	if len(text) == 0 {
		return nil
	}
	c.layout(text)
	c.out.Reset()
	if err := c.render(headers, colour); err != nil {
		return err
	}
	_, err := w.Write(c.out.Bytes())
	return err
}

// layout splits text into c.lines and computes c.padded.
func (c *tableWriter) layout(text []byte) {
	raw := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	c.lines = c.lines[:0]
	for _, l := range raw {
		c.lines = append(c.lines, splitCells(l))
	}
	c.padded = slices.Grow(c.padded[:0], len(c.lines))[:len(c.lines)]
	c.flat = c.flat[:0]
	c.widths = c.widths[:0]
	c.block(0, len(c.lines))
}

// block lays out lines[from:to], whose cells left of column len(c.widths)
// already have their widths.
func (c *tableWriter) block(from, to int) {
	col := len(c.widths)
	for i := from; i < to; i++ {
		if col >= len(c.lines[i])-1 {
			continue
		}
		// lines[from:i] end before this column: their widths are known.
		c.done(from, i)
		from = i
		width := minCellWidth
		for ; i < to && col < len(c.lines[i])-1; i++ {
			width = max(width, utf8.RuneCountInString(c.lines[i][col])+cellPadding)
		}
		width = c.remember(col, width)
		c.widths = append(c.widths, width)
		c.block(from, i)
		c.widths = c.widths[:col]
		from = i
		// lines[i] (when i < to) has no cell in this column: the loop's
		// increment skips it, and the next block or done picks it up.
	}
	c.done(from, to)
}

// done records the widths of lines[from:to]: every cell but the last is
// padded, and each is in a column of the current block.
func (c *tableWriter) done(from, to int) {
	for i := from; i < to; i++ {
		lo := len(c.flat)
		c.flat = append(c.flat, c.widths[:len(c.lines[i])-1]...)
		c.padded[i] = [2]int{lo, len(c.flat)}
	}
}

// remember records width for column col and returns the width to use: the
// widest seen so far.
func (c *tableWriter) remember(col, width int) int {
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

// render renders c.lines with their widths into c.out.
func (c *tableWriter) render(headers []int, colour bool) error {
	if c.renderer == nil {
		c.renderer = newRenderer()
		c.columns = tw.NewMapper[int, int]()
		c.cells = map[int]tw.CellContext{}
	}
	if err := c.renderer.Start(&c.out); err != nil {
		return err
	}
	for i, cells := range c.lines {
		header := slices.Contains(headers, i)
		if colour && header {
			c.out.WriteString(bold)
		}
		c.renderLine(cells, c.flat[c.padded[i][0]:c.padded[i][1]], header)
		if colour && header {
			c.out.Truncate(c.out.Len() - 1) // the newline
			c.out.WriteString(reset)
			c.out.WriteByte('\n')
		}
	}
	return c.renderer.Close()
}

// renderLine renders a line: its cells but the last padded to their kubectl
// widths, the last not padded.
//
// tablewriter fills a column of a given width by its own measure of a cell
// (display width: two for an East Asian wide rune, nothing for an ANSI
// sequence), kubectl by the cell's runes: the width of a padded cell is
// corrected by the difference, and the last cell's column is exactly as
// wide as the cell by tablewriter's measure. tablewriter leaves out a column
// of width 0, so a last cell that has runes but no display width (a
// zero-width or control character only) is written after the others.
func (c *tableWriter) renderLine(cells []string, padded []int, header bool) {
	clear(c.columns)
	clear(c.cells)
	var tail string
	for j, cell := range cells {
		width := displayWidth(cell)
		if j < len(padded) {
			width += padded[j] - utf8.RuneCountInString(cell)
		} else if width == 0 && cell != "" {
			tail = cell
			break
		}
		c.columns[j] = width
		c.cells[j] = tw.CellContext{Data: cell, Align: tw.AlignLeft, Padding: tw.PaddingNone, Width: width}
	}
	if len(c.columns) == 0 {
		// tablewriter renders no line without columns
		c.out.WriteString(tail)
		c.out.WriteByte('\n')
		return
	}
	ctx := tw.Formatting{
		Row: tw.RowContext{
			Position: tw.Row,
			Location: tw.LocationMiddle,
			Current:  c.cells,
			Widths:   c.columns,
		},
		Level:            tw.LevelBody,
		NormalizedWidths: c.columns,
	}
	if header {
		ctx.Row.Position = tw.Header
		ctx.Level = tw.LevelHeader
		c.renderer.Header([][]string{cells}, ctx)
	} else {
		c.renderer.Row(cells, ctx)
	}
	if tail != "" {
		c.out.Truncate(c.out.Len() - 1) // the newline
		c.out.WriteString(tail)
		c.out.WriteByte('\n')
	}
}

// displayWidth is tablewriter's width of a cell: its runes for printable
// ASCII, else what tablewriter measures.
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return twwidth.Width(s)
		}
	}
	return len(s)
}

// newRenderer returns tablewriter's Blueprint renderer in kubectl's
// borderless style: no borders, no lines, no column separators.
func newRenderer() tw.Renderer {
	r := renderer.NewBlueprint(tw.Rendition{
		Borders: tw.BorderNone,
		Symbols: tw.NewSymbols(tw.StyleNone),
		Settings: tw.Settings{
			Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
			Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
		},
	})
	// The renderer's own logger is disabled but formats every debug message
	// all the same (most of its time); a Table's is suspended.
	r.Logger(quiet().Logger())
	return r
}

// quiet is a Table for its suspended logger, made once: a Table allocates
// a cache of 10,240 entries.
var quiet = sync.OnceValue(func() *tablewriter.Table { return tablewriter.NewTable(io.Discard) })

func init() {
	// tablewriter measures cells, paddings and padded cells with
	// twwidth.Width, which caches widths in a process-wide LRU under a
	// mutex: for table cells, mostly short and ASCII, that costs more than
	// it saves (about half of the rendering's time). Set before any use,
	// as twwidth reads the cache without its lock.
	twwidth.SetCacheCapacity(0)
}
