package printers

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"kctl.dev/kctl/api/meta"
)

// tablePrinter is the default and wide output: server-side Tables as kubectl
// prints them, and NAME/AGE rows for objects the server sent no Table for.
type tablePrinter struct {
	base
	wide bool
	cols tableWriter

	// Header state, kept across flushes as kubectl's printer keeps it: the
	// last column definitions, whether their header is out, and whether the
	// NAME/AGE header is out.
	lastColumns    []meta.TableColumnDefinition
	printedHeaders bool
	printedPlain   bool
	columnsID      int // changes with lastColumns, to group rows under a header

	// Output state: whether anything was written (kubectl's tracking
	// writer), and whether a blank line goes before the next output.
	written  bool
	separate bool

	sections []*section // printed since the last Flush
}

// section is what one kind prints: blocks of rows, each under a header or
// continuing the block before it.
type section struct {
	newKind bool // SetKind started it: align afresh, blank line before it
	blocks  []*block
}

type block struct {
	key    string // rows with the same key and no header of their own join the block
	header []string
	rows   []row
}

type row struct {
	cells  []string
	object map[string]any // for --sort-by
}

func newTablePrinter(b base, wide bool) *tablePrinter {
	return &tablePrinter{base: b, wide: wide}
}

func (p *tablePrinter) WantsTable() bool { return true }

// SetKind starts a new section when the kind changes: kubectl starts a new
// printer for each resource type, with its own header and column widths.
func (p *tablePrinter) SetKind(kind GroupKind, namespaced bool) {
	same := kind == p.kind && namespaced == p.namespaced
	p.base.SetKind(kind, namespaced)
	if same {
		return
	}
	p.lastColumns, p.printedHeaders, p.printedPlain = nil, false, false
	p.sections = append(p.sections, &section{newKind: true})
}

func (p *tablePrinter) current() *section {
	if len(p.sections) == 0 {
		p.sections = append(p.sections, &section{})
	}
	return p.sections[len(p.sections)-1]
}

// add appends rows under header (nil: no header) to the current section.
func (p *tablePrinter) add(key string, header []string, rows []row) {
	s := p.current()
	if header == nil && len(s.blocks) > 0 && s.blocks[len(s.blocks)-1].key == key {
		b := s.blocks[len(s.blocks)-1]
		b.rows = append(b.rows, rows...)
		return
	}
	s.blocks = append(s.blocks, &block{key: key, header: header, rows: rows})
}

func (p *tablePrinter) Print(obj any) error {
	in, err := decode(obj)
	if err != nil {
		return err
	}
	if in.table != nil {
		p.printTable(in.table)
		return nil
	}
	p.printPlain(in.items)
	return nil
}

// printTable follows kubectl: a header when the columns differ from the last
// ones printed (a Table without columns, as in watch events, reuses them),
// and none for a Table without rows.
func (p *tablePrinter) printTable(t *table) {
	noHeaders := p.opts.NoHeaders
	if p.printedHeaders && (len(t.columns) == 0 || slices.Equal(t.columns, p.lastColumns)) {
		noHeaders = true
	}
	columns := t.columns
	switch {
	case len(columns) == 0:
		columns = p.lastColumns
	case !slices.Equal(columns, p.lastColumns):
		p.lastColumns = columns
		p.printedHeaders = false
		p.columnsID++
	}
	if len(t.rows) > 0 {
		p.printedHeaders = true
	}
	defs, rows := p.decorate(columns, t.rows)
	key := fmt.Sprintf("table/%d", p.columnsID)
	var header []string
	if !noHeaders {
		if len(rows) == 0 {
			return
		}
		header = []string{}
		for _, c := range defs {
			if p.wide || c.Priority == 0 {
				header = append(header, strings.ToUpper(c.Name))
			}
		}
	}
	out := make([]row, 0, len(rows))
	for i, r := range rows {
		var cells []string
		for j, cell := range r {
			if j >= len(defs) {
				break // more cells than columns: kubectl ignores the rest
			}
			if !p.wide && defs[j].Priority != 0 {
				continue
			}
			cells = append(cells, formatCell(cell))
		}
		out = append(out, row{cells: cells, object: t.rows[i].object})
	}
	p.add(key, header, out)
}

// decorate adds the NAMESPACE, label and LABELS columns and qualifies names
// with the kind, as kubectl decorates a server's Table.
func (p *tablePrinter) decorate(columns []meta.TableColumnDefinition, rows []tableRow) ([]meta.TableColumnDefinition, [][]any) {
	withNamespace := p.withNamespace()
	width := len(columns) + len(p.opts.LabelColumns)
	if withNamespace {
		width++
	}
	if p.opts.ShowLabels {
		width++
	}
	defs := columns
	if width != len(columns) {
		defs = make([]meta.TableColumnDefinition, 0, width)
		if withNamespace {
			defs = append(defs, meta.TableColumnDefinition{Name: "Namespace", Type: "string"})
		}
		defs = append(defs, columns...)
		for _, h := range labelHeaders(p.opts.LabelColumns) {
			defs = append(defs, meta.TableColumnDefinition{Name: h, Type: "string"})
		}
		if p.opts.ShowLabels {
			defs = append(defs, meta.TableColumnDefinition{Name: "Labels", Type: "string"})
		}
	}
	nameColumn := -1
	kind := p.kind
	if p.opts.WithKind && kind.Kind != "" {
		for i, c := range columns {
			if c.Format == "name" && c.Type == "string" {
				nameColumn = i
				break
			}
		}
	}
	withLabels := len(p.opts.LabelColumns) > 0 || p.opts.ShowLabels
	out := make([][]any, len(rows))
	for i, r := range rows {
		cells := slices.Clone(r.cells)
		if !withLabels && !withNamespace && nameColumn < 0 {
			out[i] = cells
			continue
		}
		if nameColumn >= 0 && nameColumn < len(cells) {
			cells[nameColumn] = kind.String() + "/" + fmt.Sprint(cells[nameColumn])
		}
		if r.object == nil {
			if withNamespace {
				cells = append([]any{nil}, cells...)
			}
			// kubectl pads with empty cells this way, which adds about half of
			// what is missing; rows stay as short as kubectl prints them.
			for j := 0; j < width-len(cells); j++ {
				cells = append(cells, nil)
			}
			out[i] = cells
			continue
		}
		if withNamespace {
			cells = append([]any{namespaceOf(r.object)}, cells...)
		}
		if withLabels {
			for _, v := range p.labelValues(r.object) {
				cells = append(cells, v)
			}
		}
		out[i] = cells
	}
	return defs, out
}

// labelValues returns the cells of the -L columns and of LABELS.
func (p *tablePrinter) labelValues(obj map[string]any) []string {
	labels := labelsOf(obj)
	var out []string
	for _, k := range p.opts.LabelColumns {
		out = append(out, labels[k])
	}
	if p.opts.ShowLabels {
		out = append(out, formatLabels(labels))
	}
	return out
}

// labelHeaders titles -L columns with the key's last path segment.
func labelHeaders(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.ToUpper(k[strings.LastIndexByte(k, '/')+1:])
	}
	return out
}

// formatLabels prints labels as k=v pairs, sorted as strings (so
// "app.kubernetes.io/name=x" comes before "app=y", as in kubectl), or <none>.
func formatLabels(labels map[string]string) string {
	if len(labels) == 0 {
		return "<none>"
	}
	pairs := make([]string, 0, len(labels))
	for k, v := range labels {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// formatCell prints a cell as kubectl does: nothing for null, a string up to
// its first line break (then "..."), anything else as Go prints it (int64 and
// float64 as kubectl prints numbers, objects and arrays as map[k:v] and
// [a b]); an escape character shows as ^[ so that cells cannot drive the
// terminal.
func formatCell(cell any) string {
	switch v := cell.(type) {
	case nil:
		return ""
	case string:
		if i := strings.IndexAny(v, "\f\n\r"); i >= 0 {
			return terminalEscaper.Replace(v[:i]) + "..."
		}
		return terminalEscaper.Replace(v)
	}
	return terminalEscaper.Replace(fmt.Sprint(cell))
}

// terminalEscaper makes terminal control sequences visible, as kubectl does
// in table cells.
var terminalEscaper = strings.NewReplacer("\x1b", "^[", "\r", "\\r")

// printPlain prints objects the server sent no Table for: NAME and AGE from
// their metadata, with kubectl's decorations. The header is printed once,
// before the first object.
func (p *tablePrinter) printPlain(objs []map[string]any) {
	if len(objs) == 0 {
		return
	}
	withNamespace := p.withNamespace()
	var header []string
	if !p.printedPlain && !p.opts.NoHeaders {
		if withNamespace {
			header = append(header, "NAMESPACE")
		}
		header = append(header, "NAME", "AGE")
		header = append(header, labelHeaders(p.opts.LabelColumns)...)
		if p.opts.ShowLabels {
			header = append(header, "LABELS")
		}
	}
	p.printedPlain = true
	kind := p.kind
	now := p.opts.Now()
	rows := make([]row, 0, len(objs))
	for _, obj := range objs {
		var cells []string
		if withNamespace {
			cells = append(cells, namespaceOf(obj))
		}
		name := nameOf(obj)
		if p.opts.WithKind && kind.Kind != "" {
			name = kind.String() + "/" + name
		}
		cells = append(cells, name, age(obj, now))
		if len(p.opts.LabelColumns) > 0 || p.opts.ShowLabels {
			cells = append(cells, p.labelValues(obj)...)
		}
		rows = append(rows, row{cells: cells, object: obj})
	}
	p.add("plain", header, rows)
}

// age is the AGE of obj: the time since its creationTimestamp, or <unknown>.
func age(obj map[string]any, now time.Time) string {
	s, _ := metaOf(obj)["creationTimestamp"].(string)
	t, err := time.Parse(time.RFC3339, s)
	if s == "" || err != nil {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}

func (p *tablePrinter) Flush(w io.Writer) error {
	sections := p.sections
	p.sections = nil
	for _, s := range sections {
		if s.newKind {
			p.cols.forget()
			if p.written && !p.opts.NoHeaders {
				p.separate = true
			}
		}
		var text bytes.Buffer
		var headers []int // line numbers of headers, for Colour
		line := 0
		for _, b := range s.blocks {
			if err := p.sortRows(b.rows); err != nil {
				return err
			}
			if b.header != nil {
				headers = append(headers, line)
				writeLine(&text, b.header)
				line++
			}
			for _, r := range b.rows {
				writeLine(&text, r.cells)
				line += 1 + strings.Count(strings.Join(r.cells, ""), "\n")
			}
		}
		if text.Len() == 0 {
			continue
		}
		if p.separate {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
			p.separate = false
		}
		if err := p.cols.write(w, text.Bytes(), headers, p.opts.Colour); err != nil {
			return err
		}
		p.written = true
	}
	return nil
}

// sortRows sorts rows by their objects when SortBy is set.
func (p *tablePrinter) sortRows(rows []row) error {
	if p.sortBy == nil || len(rows) == 0 {
		return nil
	}
	objs := make([]map[string]any, len(rows))
	for i, r := range rows {
		objs[i] = r.object
	}
	perm, err := p.order(objs)
	if err != nil {
		return err
	}
	sorted := make([]row, len(rows))
	for i, j := range perm {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
	return nil
}

func writeLine(b *bytes.Buffer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(c)
	}
	b.WriteByte('\n')
}

// bold and reset are the ANSI escapes around a header when Colour is set.
const (
	bold  = "\x1b[1m"
	reset = "\x1b[0m"
)
