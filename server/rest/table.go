package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/registry"
)

var defaultColumns = []meta.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace. Cannot be updated."},
	{Name: "Created At", Type: "date", Description: "CreationTimestamp is the time the object was created, in UTC (RFC 3339)."},
}

// includeObject reads the includeObject query parameter: None, Metadata (the
// default) or Object.
func includeObject(r *http.Request) (string, error) {
	v := r.URL.Query().Get("includeObject")
	switch v {
	case "":
		return "Metadata", nil
	case "None", "Metadata", "Object":
		return v, nil
	}
	return "", apierrors.NewBadRequest(fmt.Sprintf("includeObject: unsupported value %q: supported values: \"None\", \"Metadata\", \"Object\"", v))
}

// buildTable renders objects as a meta.k8s.io Table. withColumns is false for
// watch events after the first, which need no column definitions.
func buildTable(r *http.Request, out output, k *registry.Kind, objs []*registry.Object, rv, cont string, withColumns bool) ([]byte, error) {
	include, err := includeObject(r)
	if err != nil {
		return nil, err
	}
	t := meta.Table{
		TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/" + out.tableVersion},
		ListMeta: meta.ListMeta{ResourceVersion: rv, Continue: cont},
		Rows:     make([]meta.TableRow, 0, len(objs)),
	}
	cols := k.Columns
	if len(cols) == 0 {
		cols = defaultColumns
	}
	if withColumns {
		t.ColumnDefinitions = cols
	} else {
		t.ColumnDefinitions = []meta.TableColumnDefinition{}
	}
	now := time.Now()
	for _, o := range objs {
		// Decoded here, not through o.Unstructured(): o may live in the watch
		// cache, which must not keep a decoded copy of every object it serves.
		u, err := unstructured.Decode(o.Raw)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		var cells []any
		if len(k.Columns) == 0 || k.Cells == nil {
			cells = []any{u.Name(), u.CreationTimestamp()}
		} else {
			cells = k.Cells(u, now)
		}
		row := meta.TableRow{Cells: cells}
		switch include {
		case "Object":
			row.Object = o.Raw
		case "Metadata":
			pm := map[string]any{
				"kind":       "PartialObjectMetadata",
				"apiVersion": "meta.k8s.io/v1",
				"metadata":   u.Metadata(),
			}
			b, err := json.Marshal(pm)
			if err != nil {
				return nil, apierrors.NewInternalError(err)
			}
			row.Object = b
		}
		t.Rows = append(t.Rows, row)
	}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	return b, nil
}
