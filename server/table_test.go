package server_test

import (
	"net/http"
	"testing"
)

func TestTables(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("web", map[string]string{"app": "web"}))
	columnNames := func(r response) []string {
		var out []string
		for _, c := range r.obj["columnDefinitions"].([]any) {
			out = append(out, c.(map[string]any)["name"].(string))
		}
		return out
	}
	r := ts.must(http.StatusOK, "GET", pods, nil, tableAccept)
	if r.str("kind") != "Table" || r.str("apiVersion") != "meta.k8s.io/v1" {
		t.Fatalf("not a table: %s", r.raw)
	}
	want := []string{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"}
	if got := columnNames(r); len(got) != len(want) {
		t.Errorf("pod columns %v, want %v", got, want)
	} else {
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("pod columns %v, want %v", got, want)
				break
			}
		}
	}
	rows := r.obj["rows"].([]any)
	row := rows[0].(map[string]any)
	cells := row["cells"].([]any)
	if cells[0] != "web" || cells[1] != "0/1" || cells[2] != "Pending" {
		t.Errorf("cells %v", cells)
	}
	obj := row["object"].(map[string]any)
	if obj["kind"] != "PartialObjectMetadata" || metaOf(obj)["labels"] == nil {
		t.Errorf("row object should be metadata by default: %v", obj)
	}
	full := ts.must(http.StatusOK, "GET", pods+"?includeObject=Object", nil, tableAccept)
	if o := full.obj["rows"].([]any)[0].(map[string]any)["object"].(map[string]any); o["kind"] != "Pod" {
		t.Errorf("includeObject=Object gave %v", o["kind"])
	}
	none := ts.must(http.StatusOK, "GET", pods+"?includeObject=None", nil, tableAccept)
	if _, ok := none.obj["rows"].([]any)[0].(map[string]any)["object"]; ok {
		t.Error("includeObject=None still sent the object")
	}
	one := ts.must(http.StatusOK, "GET", pods+"/web", nil, tableAccept)
	if one.str("kind") != "Table" || len(one.obj["rows"].([]any)) != 1 {
		t.Errorf("get as table: %s", one.raw)
	}
	v1beta1 := ts.must(http.StatusOK, "GET", pods, nil, "Accept: application/json;as=Table;v=v1beta1;g=meta.k8s.io")
	if v1beta1.str("apiVersion") != "meta.k8s.io/v1beta1" {
		t.Errorf("v1beta1 table: %s", v1beta1.str("apiVersion"))
	}
	// A kind with no printer gets Name and Created At.
	r = ts.must(http.StatusOK, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", nil, tableAccept)
	if got := columnNames(r); len(got) < 2 || got[0] != "Name" {
		t.Errorf("clusterrole columns %v", got)
	}
	// YAML when asked.
	y := ts.must(http.StatusOK, "GET", pods+"/web", nil, "Accept: application/yaml")
	if y.header.Get("Content-Type") != "application/yaml" {
		t.Errorf("yaml content type %q", y.header.Get("Content-Type"))
	}
}
