package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"testing"
)

func TestSelectors(t *testing.T) {
	ts := newTestServer(t)
	mk := func(name string, labels map[string]string, node, phase string) {
		p := ts.must(http.StatusCreated, "POST", pods, pod(name, labels)).obj
		if node != "" {
			ts.must(http.StatusCreated, "POST", pods+"/"+name+"/binding", map[string]any{"kind": "Binding", "apiVersion": "v1",
				"metadata": map[string]any{"name": name}, "target": map[string]any{"kind": "Node", "name": node}})
		}
		if phase != "" {
			p = ts.must(http.StatusOK, "GET", pods+"/"+name, nil).obj
			p["status"] = map[string]any{"phase": phase}
			ts.must(http.StatusOK, "PUT", pods+"/"+name+"/status", p)
		}
	}
	mk("a", map[string]string{"app": "web", "tier": "front", "n": "3"}, "n1", "Running")
	mk("b", map[string]string{"app": "web", "tier": "back", "n": "10"}, "n2", "")
	mk("c", map[string]string{"app": "db"}, "", "")
	mk("d", nil, "n1", "Succeeded")
	cases := []struct {
		labels, fields string
		want           []string
	}{
		{"", "", []string{"a", "b", "c", "d"}},
		{"app=web", "", []string{"a", "b"}},
		{"app==web", "", []string{"a", "b"}},
		{"app!=web", "", []string{"c", "d"}},
		{"app in (db,web),tier notin (back)", "", []string{"a", "c"}},
		{"tier", "", []string{"a", "b"}},
		{"!tier", "", []string{"c", "d"}},
		{"n>5", "", []string{"b"}},
		{"n<5", "", []string{"a"}},
		{"", "spec.nodeName=n1", []string{"a", "d"}},
		{"", "spec.nodeName=", []string{"c"}},
		{"", "spec.nodeName!=n1", []string{"b", "c"}},
		{"", "status.phase=Pending", []string{"b", "c"}},
		{"", "metadata.name=c", []string{"c"}},
		{"", "metadata.namespace=default,spec.schedulerName=default-scheduler", []string{"a", "b", "c", "d"}},
		{"app=web", "spec.nodeName=n2", []string{"b"}},
	}
	for _, c := range cases {
		t.Run(c.labels+"|"+c.fields, func(t *testing.T) {
			q := url.Values{}
			q.Set("labelSelector", c.labels)
			q.Set("fieldSelector", c.fields)
			for _, path := range []string{pods, "/api/v1/pods"} {
				got := ts.must(http.StatusOK, "GET", path+"?"+q.Encode(), nil).names()
				sort.Strings(got)
				if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
					t.Errorf("%s: got %v, want %v", path, got, c.want)
				}
			}
		})
	}
}

// TestPaginationIsOneSnapshot: pages continue the same snapshot while writes go on.
func TestPaginationIsOneSnapshot(t *testing.T) {
	ts := newTestServer(t)
	for i := range 10 {
		ts.must(http.StatusCreated, "POST", configmaps, configMap(fmt.Sprintf("cm-%02d", i), nil))
	}
	first := ts.must(http.StatusOK, "GET", configmaps+"?limit=4", nil)
	rv := first.str("metadata", "resourceVersion")
	if got := first.names(); len(got) != 4 || got[0] != "cm-00" {
		t.Fatalf("first page %v", got)
	}
	if rem := first.obj["metadata"].(map[string]any)["remainingItemCount"]; rem != float64(6) {
		t.Errorf("remainingItemCount = %v, want 6", rem)
	}
	// Changes after the first page are not seen by the next pages.
	ts.must(http.StatusCreated, "POST", configmaps, configMap("cm-05a", nil))
	ts.must(http.StatusOK, "DELETE", configmaps+"/cm-09", nil)
	var all []string
	all = append(all, first.names()...)
	cont := first.str("metadata", "continue")
	for cont != "" {
		page := ts.must(http.StatusOK, "GET", configmaps+"?limit=4&continue="+url.QueryEscape(cont), nil)
		if page.str("metadata", "resourceVersion") != rv {
			t.Errorf("page at %s, first at %s", page.str("metadata", "resourceVersion"), rv)
		}
		all = append(all, page.names()...)
		cont = page.str("metadata", "continue")
	}
	want := []string{"cm-00", "cm-01", "cm-02", "cm-03", "cm-04", "cm-05", "cm-06", "cm-07", "cm-08", "cm-09"}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("pages gave %v", all)
	}
	// With a selector, limit counts matching items.
	page := ts.must(http.StatusOK, "GET", configmaps+"?limit=2&fieldSelector=metadata.name!=cm-00", nil)
	if got := page.names(); !reflect.DeepEqual(got, []string{"cm-01", "cm-02"}) {
		t.Errorf("filtered page %v", got)
	}
}

func TestExpiredContinue(t *testing.T) {
	ts := newTestServer(t)
	for i := range 3 {
		ts.must(http.StatusCreated, "POST", configmaps, configMap(fmt.Sprintf("cm-%d", i), nil))
	}
	first := ts.must(http.StatusOK, "GET", configmaps+"?limit=1", nil)
	ts.must(http.StatusCreated, "POST", configmaps, configMap("later", nil))
	if _, err := ts.srv.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	r := ts.must(http.StatusGone, "GET", configmaps+"?limit=1&continue="+url.QueryEscape(first.str("metadata", "continue")), nil)
	if r.str("reason") != "Expired" || r.str("metadata", "continue") == "" {
		t.Errorf("expired continue: %s", r.raw)
	}
}

func TestListResourceVersion(t *testing.T) {
	ts := newTestServer(t)
	old := ts.must(http.StatusCreated, "POST", configmaps, configMap("a", nil)).str("metadata", "resourceVersion")
	ts.must(http.StatusCreated, "POST", configmaps, configMap("b", nil))
	exact := ts.must(http.StatusOK, "GET", configmaps+"?resourceVersion="+old+"&resourceVersionMatch=Exact", nil)
	if got := exact.names(); !reflect.DeepEqual(got, []string{"a"}) || exact.str("metadata", "resourceVersion") != old {
		t.Errorf("exact list at %s: %v (rv %s)", old, got, exact.str("metadata", "resourceVersion"))
	}
	latest := ts.must(http.StatusOK, "GET", configmaps+"?resourceVersion="+old+"&resourceVersionMatch=NotOlderThan", nil)
	if len(latest.names()) != 2 {
		t.Errorf("not-older-than list: %v", latest.names())
	}
	ts.must(http.StatusOK, "GET", configmaps+"?resourceVersion=0", nil)
}
