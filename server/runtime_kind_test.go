package server_test

import (
	"net/http"
	"strings"
	"testing"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/api/validation"
	"kctl.dev/kctl/server/registry"
)

// TestKindAddedAtRunTime: a kind registered while the server runs is routed,
// listed and discovered at once; a bug in its hooks is a 500 Status, not a crash.
func TestKindAddedAtRunTime(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusNotFound, "GET", "/apis/example.com/v1/namespaces/default/widgets", nil)
	err := ts.srv.Registry().Add(&registry.Kind{
		Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Namespaced: true,
		ShortNames: []string{"wd"},
		Validate: func(obj *unstructured.Unstructured) validation.ErrorList {
			if obj.Name() == "boom" {
				panic("widget validation bug")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/apis/example.com/v1/namespaces/default/widgets"
	w := map[string]any{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": map[string]any{"name": "w1"}, "spec": map[string]any{"size": 3}}
	ts.must(http.StatusCreated, "POST", path, w)
	if got := ts.must(http.StatusOK, "GET", path, nil).names(); len(got) != 1 || got[0] != "w1" {
		t.Errorf("list %v", got)
	}
	if !strings.Contains(string(ts.must(http.StatusOK, "GET", "/apis/example.com/v1", nil).raw), `"widgets"`) {
		t.Error("discovery does not list the new kind")
	}
	w["metadata"] = map[string]any{"name": "boom"}
	r := ts.must(http.StatusInternalServerError, "POST", path, w)
	if r.str("reason") != "InternalError" || r.str("kind") != "Status" {
		t.Errorf("panic answer: %s", r.raw)
	}
	ts.must(http.StatusNotFound, "GET", path+"/boom", nil)
	ts.must(http.StatusOK, "GET", path+"/w1", nil) // still serving
}

func TestResourceVersionTooLarge(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	r := ts.must(http.StatusGatewayTimeout, "GET", configmaps+"?resourceVersion=999999", nil)
	if r.str("reason") != "Timeout" || !strings.Contains(string(r.raw), "ResourceVersionTooLarge") {
		t.Errorf("too large rv: %s", r.raw)
	}
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
}
