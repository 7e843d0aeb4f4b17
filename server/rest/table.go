package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	apierrors "kctl.dev/kctl/api/errors"
	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/internal/jsonenc"
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
//
// The Table is written by hand, field for field what encoding/json makes of
// meta.Table: a list page of pods spends its time here, and a row's object is
// already JSON (Object: the stored bytes; Metadata: the metadata cut from
// them), which encoding/json would check and copy once more.
func buildTable(r *http.Request, out output, k *registry.Kind, objs []*registry.Object, rv, cont string, withColumns bool) ([]byte, error) {
	include, err := includeObject(r)
	if err != nil {
		return nil, err
	}
	cols := k.Columns
	if len(cols) == 0 {
		cols = defaultColumns
	}
	if !withColumns {
		cols = []meta.TableColumnDefinition{}
	}
	head, err := json.Marshal(struct {
		meta.TypeMeta `json:",inline"`
		meta.ListMeta `json:"metadata"`
		Columns       []meta.TableColumnDefinition `json:"columnDefinitions"`
	}{
		TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/" + out.tableVersion},
		ListMeta: meta.ListMeta{ResourceVersion: rv, Continue: cont},
		Columns:  cols,
	})
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	size := len(head) + 16
	for _, o := range objs {
		size += 128
		if include == "Object" {
			size += len(o.Raw)
		} else if include == "Metadata" {
			size += len(o.Raw) / 2
		}
	}
	b := make([]byte, 0, size)
	b = append(b, head[:len(head)-1]...) // without its closing brace
	b = append(b, `,"rows":[`...)
	now := time.Now()
	for i, o := range objs {
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
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"cells":`...)
		if b, err = appendCells(b, cells); err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		switch include {
		case "Object":
			b = append(b, `,"object":`...)
			b = append(b, o.Raw...)
		case "Metadata":
			md, err := o.RawMetadata()
			if err != nil {
				return nil, apierrors.NewInternalError(err)
			}
			b = append(b, `,"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":`...)
			b = append(b, md...)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

// appendCells appends a row's cells as a JSON array: the strings and
// integers the kinds' Cells make directly, anything else through
// encoding/json.
func appendCells(b []byte, cells []any) ([]byte, error) {
	if cells == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		switch v := c.(type) {
		case string:
			b = jsonenc.AppendQuoted(b, v)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case bool:
			b = strconv.AppendBool(b, v)
		case nil:
			b = append(b, "null"...)
		default:
			j, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			b = append(b, j...)
		}
	}
	return append(b, ']'), nil
}
