package rest

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"kctl.dev/kctl/api/meta"
	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/registry"
)

// tableByEncodingJSON is the Table buildTable writes by hand, built as a
// meta.Table and encoded by encoding/json: the oracle of TestBuildTable.
func tableByEncodingJSON(t *testing.T, k *registry.Kind, objs []*registry.Object, include, version, rv, cont string, withColumns bool) []byte {
	t.Helper()
	tbl := meta.Table{
		TypeMeta: meta.TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/" + version},
		ListMeta: meta.ListMeta{ResourceVersion: rv, Continue: cont},
		Rows:     []meta.TableRow{},
	}
	tbl.ColumnDefinitions = k.Columns
	if len(k.Columns) == 0 {
		tbl.ColumnDefinitions = defaultColumns
	}
	if !withColumns {
		tbl.ColumnDefinitions = []meta.TableColumnDefinition{}
	}
	for _, o := range objs {
		u, err := unstructured.Decode(o.Raw)
		if err != nil {
			t.Fatal(err)
		}
		row := meta.TableRow{Cells: []any{u.Name(), u.CreationTimestamp()}}
		if len(k.Columns) > 0 && k.Cells != nil {
			row.Cells = k.Cells(u, time.Now())
		}
		switch include {
		case "Object":
			row.Object = o.Raw
		case "Metadata":
			row.Object, err = json.Marshal(map[string]any{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": u.Metadata()})
			if err != nil {
				t.Fatal(err)
			}
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	b, err := json.Marshal(tbl)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuildTable(t *testing.T) {
	byName := map[string]*registry.Kind{}
	for _, k := range kinds.Builtin() {
		byName[k.Resource] = k
	}
	// Objects in the stored layout (apiVersion, kind, metadata first), with
	// strings that a naive cut of the metadata would trip on, and one that is
	// not in that layout.
	pod := registry.ObjectFromStorage([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"a":"}\"]{\\","b<&>":"\u2028"},"creationTimestamp":"2020-01-02T03:04:05Z","labels":{"app":"web"},"managedFields":[{"fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}}},"manager":"kctl","operation":"Update"}],"name":"web","namespace":"default","uid":"u1"},"spec":{"containers":[{"image":"nginx","name":"c"}],"nodeName":"n1"},"status":{"containerStatuses":[{"name":"c","ready":true,"restartCount":2,"state":{"running":{}}}],"phase":"Running","podIP":"10.0.0.1"}}`), 7)
	pending := registry.ObjectFromStorage([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2020-01-02T03:04:05Z","name":"idle","namespace":"default"},"spec":{"containers":[{"image":"nginx","name":"c"}]},"status":{"phase":"Pending"}}`), 8)
	other := &registry.Object{Raw: []byte(`{"metadata":{"name":"odd","creationTimestamp":"2020-01-02T03:04:05Z","resourceVersion":"9"},"kind":"Pod","apiVersion":"v1"}`), Revision: 9}
	cm := registry.ObjectFromStorage([]byte(`{"apiVersion":"v1","data":{"k":"v"},"kind":"ConfigMap","metadata":{"creationTimestamp":"2020-01-02T03:04:05Z","name":"cfg","namespace":"default"}}`), 10)
	cases := []struct {
		name string
		kind *registry.Kind
		objs []*registry.Object
	}{
		{"pods", byName["pods"], []*registry.Object{pod, pending, other}},
		{"one pod", byName["pods"], []*registry.Object{pod}},
		{"no pods", byName["pods"], nil},
		{"configmaps", byName["configmaps"], []*registry.Object{cm}},
		{"default columns", &registry.Kind{Resource: "widgets"}, []*registry.Object{cm, other}},
	}
	for _, tc := range cases {
		for _, include := range []string{"", "None", "Metadata", "Object"} {
			for _, withColumns := range []bool{true, false} {
				r := httptest.NewRequest("GET", "/api/v1/pods?includeObject="+include, nil)
				got, err := buildTable(r, output{form: formTable, tableVersion: "v1"}, tc.kind, tc.objs, "12", "tok", withColumns)
				if err != nil {
					t.Fatalf("%s include=%q: %v", tc.name, include, err)
				}
				if include == "" {
					include = "Metadata"
				}
				want := tableByEncodingJSON(t, tc.kind, tc.objs, include, "v1", "12", "tok", withColumns)
				var g, w any
				if err := json.Unmarshal(got, &g); err != nil {
					t.Fatalf("%s include=%s: invalid JSON %v:\n%s", tc.name, include, err, got)
				}
				if err := json.Unmarshal(want, &w); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(g, w) {
					t.Errorf("%s include=%s columns=%v:\ngot  %s\nwant %s", tc.name, include, withColumns, got, want)
				}
			}
		}
	}
}
