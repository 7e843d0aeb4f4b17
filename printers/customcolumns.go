package printers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"kctl.dev/kctl/printers/jsonpath"
)

// customColumn is one column of -o custom-columns: a header and a JSONPath.
type customColumn struct {
	header string
	path   *jsonpath.Template
}

// parseCustomColumns reads HEADER:PATH,HEADER:PATH; a path is a relaxed
// JSONPath (.metadata.name, metadata.name or {.metadata.name}).
func parseCustomColumns(spec string) ([]customColumn, error) {
	if spec == "" {
		return nil, errors.New("custom-columns format specified but no custom columns given")
	}
	var cols []customColumn
	for _, part := range strings.Split(spec, ",") {
		header, path, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		col, err := newCustomColumn(header, path)
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
	}
	return cols, nil
}

func newCustomColumn(header, path string) (customColumn, error) {
	expr, err := jsonpath.Relaxed(path)
	if err != nil {
		return customColumn{}, err
	}
	t, err := jsonpath.Parse(expr)
	if err != nil {
		return customColumn{}, err
	}
	t.AllowMissingKeys = true
	return customColumn{header: header, path: t}, nil
}

// customColumnsFile reads -o custom-columns-file: a line of headers and a
// line of paths, separated by white space.
func customColumnsFile(name string) ([]customColumn, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("error reading template %s, %v", name, err)
	}
	const format = "Expected format is one line of space separated headers, one line of space separated column specs."
	sc := bufio.NewScanner(bytes.NewReader(b))
	if !sc.Scan() {
		return nil, errors.New("invalid template, missing header line. " + format)
	}
	headers := strings.Fields(sc.Text())
	if !sc.Scan() {
		return nil, errors.New("invalid template, missing spec line. " + format)
	}
	paths := strings.Fields(sc.Text())
	if len(headers) != len(paths) {
		return nil, fmt.Errorf("number of headers (%d) and field specifications (%d) don't match", len(headers), len(paths))
	}
	cols := make([]customColumn, len(headers))
	for i := range headers {
		if cols[i], err = newCustomColumn(headers[i], paths[i]); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

// columnsPrinter is -o custom-columns: a header once, then a row per object
// with each column's values joined by commas, or <none>.
type columnsPrinter struct {
	base
	columns       []customColumn
	cols          tableWriter
	printedHeader bool
}

func (p *columnsPrinter) Flush(w io.Writer) error {
	ins := p.take()
	if len(ins) == 0 {
		return nil
	}
	var objs []map[string]any
	for _, in := range ins {
		objs = append(objs, in.objects()...)
	}
	if len(ins) > 1 || ins[0].list || ins[0].table != nil {
		if err := p.sortObjects(objs); err != nil {
			return err
		}
	}
	var text bytes.Buffer
	var headers []int
	if !p.opts.NoHeaders && !p.printedHeader {
		h := make([]string, len(p.columns))
		for i, c := range p.columns {
			h[i] = c.header
		}
		writeLine(&text, h)
		headers = []int{0}
		p.printedHeader = true
	}
	for _, obj := range objs {
		cells := make([]string, len(p.columns))
		for i, c := range p.columns {
			v, err := columnValue(c.path, obj)
			if err != nil {
				return err
			}
			cells[i] = v
		}
		writeLine(&text, cells)
	}
	return p.cols.write(w, text.Bytes(), headers, p.opts.Colour)
}

// columnValue prints every result of path on obj as Go prints it, joined by
// commas; <none> when there is none.
func columnValue(path *jsonpath.Template, obj map[string]any) (string, error) {
	results, err := path.Results(obj)
	if err != nil {
		return "", err
	}
	if len(results) == 0 || len(results[0]) == 0 {
		return "<none>", nil
	}
	var vs []string
	for _, set := range results {
		for _, v := range set {
			vs = append(vs, fmt.Sprintf("%v", v))
		}
	}
	return strings.Join(vs, ","), nil
}
