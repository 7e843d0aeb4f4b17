package printers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/printers/jsonpath"
)

// input is one value given to Print, decoded: a server-side Table, a list's
// items, or a single object. Objects are private copies with kubectl's
// number types (int64, float64), so printing may change them.
type input struct {
	table *table
	items []map[string]any
	list  bool // items came from a list (even an empty one)
}

// table is a meta.k8s.io/v1 Table.
type table struct {
	columns []meta.TableColumnDefinition
	rows    []tableRow
}

type tableRow struct {
	cells  []any
	object map[string]any // nil when the server sent none (includeObject=None)
}

// decode reads what Print accepts: *meta.Table, *unstructured.Unstructured,
// map[string]any, JSON ([]byte, json.RawMessage, meta.RawJSON), or any value
// that encodes to a JSON object (typed kinds).
func decode(obj any) (input, error) {
	switch o := obj.(type) {
	case nil:
		return input{}, errors.New("printers: nothing to print (nil object)")
	case *meta.Table:
		if o == nil {
			return input{}, errors.New("printers: nothing to print (nil Table)")
		}
		return fromTable(o)
	case meta.Table:
		return fromTable(&o)
	case *unstructured.Unstructured:
		if o == nil {
			return input{}, errors.New("printers: nothing to print (nil object)")
		}
		return fromMap(o.Object)
	case map[string]any:
		return fromMap(o)
	case []byte:
		return fromJSON(o)
	case json.RawMessage:
		return fromJSON(o)
	case meta.RawJSON:
		return fromJSON(o)
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return input{}, fmt.Errorf("printers: encode %T: %w", obj, err)
	}
	return fromJSON(b)
}

func fromJSON(b []byte) (input, error) {
	m, err := unstructured.DecodeMap(b)
	if err != nil {
		return input{}, fmt.Errorf("printers: decode object: %w", err)
	}
	if isTable(m) {
		return tableFromJSON(b)
	}
	return fromDecodedMap(jsonpath.Normalize(m).(map[string]any))
}

func fromMap(m map[string]any) (input, error) {
	if m == nil {
		return input{}, errors.New("printers: nothing to print (nil object)")
	}
	if isTable(m) {
		b, err := json.Marshal(m)
		if err != nil {
			return input{}, fmt.Errorf("printers: encode Table: %w", err)
		}
		return tableFromJSON(b)
	}
	return fromDecodedMap(jsonpath.Normalize(m).(map[string]any))
}

func isTable(m map[string]any) bool {
	kind, _ := m["kind"].(string)
	apiVersion, _ := m["apiVersion"].(string)
	return kind == "Table" && strings.HasPrefix(apiVersion, "meta.k8s.io/")
}

// fromDecodedMap takes an object this package owns: a list when it has an
// items array, else a single object.
func fromDecodedMap(m map[string]any) (input, error) {
	kind, _ := m["kind"].(string)
	arr, isArr := m["items"].([]any)
	// a list whose items are null or left out is empty
	if !isArr && !(m["items"] == nil && strings.HasSuffix(kind, "List")) {
		return input{items: []map[string]any{m}}, nil
	}
	in := input{list: true, items: make([]map[string]any, 0, len(arr))}
	for i, it := range arr {
		obj, ok := it.(map[string]any)
		if !ok {
			return input{}, fmt.Errorf("printers: item %d of the %s is not an object", i, kindOr(kind, "list"))
		}
		in.items = append(in.items, obj)
	}
	return in, nil
}

func kindOr(kind, fallback string) string {
	if kind == "" {
		return fallback
	}
	return kind
}

func tableFromJSON(b []byte) (input, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var t meta.Table
	if err := dec.Decode(&t); err != nil {
		return input{}, fmt.Errorf("printers: decode Table: %w", err)
	}
	return fromTable(&t)
}

func fromTable(t *meta.Table) (input, error) {
	out := &table{columns: t.ColumnDefinitions, rows: make([]tableRow, 0, len(t.Rows))}
	for i, r := range t.Rows {
		row := tableRow{cells: make([]any, len(r.Cells))}
		for j, c := range r.Cells {
			row.cells[j] = jsonpath.Normalize(c)
		}
		if len(r.Object) > 0 && string(r.Object) != "null" {
			m, err := unstructured.DecodeMap(r.Object)
			if err != nil {
				return input{}, fmt.Errorf("printers: decode the object of Table row %d: %w", i, err)
			}
			row.object = jsonpath.Normalize(m).(map[string]any)
		}
		out.rows = append(out.rows, row)
	}
	return input{table: out}, nil
}

// objects returns what in holds as objects: the items, or a Table's row
// objects (rows without one are skipped).
func (in input) objects() []map[string]any {
	if in.table == nil {
		return in.items
	}
	var out []map[string]any
	for _, r := range in.table.rows {
		if r.object != nil {
			out = append(out, r.object)
		}
	}
	return out
}

// metadata helpers over decoded objects.

func metaOf(obj map[string]any) map[string]any {
	m, _ := obj["metadata"].(map[string]any)
	return m
}

func nameOf(obj map[string]any) string {
	s, _ := metaOf(obj)["name"].(string)
	return s
}

func namespaceOf(obj map[string]any) string {
	s, _ := metaOf(obj)["namespace"].(string)
	return s
}

func labelsOf(obj map[string]any) map[string]string {
	m, _ := metaOf(obj)["labels"].(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// kindOf returns the object's group and kind from apiVersion and kind.
func kindOf(obj map[string]any) GroupKind {
	kind, _ := obj["kind"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	group := ""
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		group = apiVersion[:i]
	}
	return GroupKind{Group: group, Kind: kind}
}
