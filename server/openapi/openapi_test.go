package openapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/server/kinds"
	"kctl.dev/kctl/server/registry"
)

func builtinHandler(t *testing.T) (*Handler, *registry.Registry) {
	t.Helper()
	reg := registry.New()
	kinds.Register(reg)
	return New(reg), reg
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeJSON(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return m
}

// at walks m by keys.
func at(m any, keys ...string) any {
	for _, k := range keys {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

func TestBuiltinKindsHaveSchemas(t *testing.T) {
	for _, k := range kinds.Builtin() {
		if k.Schema == nil || k.Schema.Name == "" {
			t.Errorf("no schema for %s/%s %s", k.Group, k.Version, k.Kind)
		}
	}
}

func TestIndex(t *testing.T) {
	h, _ := builtinHandler(t)
	idx := decodeJSON(t, get(t, h, "/openapi/v3"))
	paths := idx["paths"].(map[string]any)
	for _, p := range []string{"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/rbac.authorization.k8s.io/v1"} {
		u, _ := at(paths, p, "serverRelativeURL").(string)
		if !strings.HasPrefix(u, "/openapi/v3/"+p+"?hash=") {
			t.Errorf("%s: serverRelativeURL %q", p, u)
		}
	}
	if len(paths) != 4 {
		t.Errorf("paths %v", paths)
	}
}

func TestGroupDocument(t *testing.T) {
	h, _ := builtinHandler(t)
	doc := decodeJSON(t, get(t, h, "/openapi/v3/api/v1"))
	if doc["openapi"] != "3.0.0" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	pod := map[string]any{"group": "", "version": "v1", "kind": "Pod"}
	cases := []struct {
		path, method, action string
		gvk                  map[string]any
		params               []string
	}{
		{"/api/v1/namespaces/{namespace}/pods", "get", "list", pod, []string{"labelSelector", "watch", "pretty"}},
		{"/api/v1/namespaces/{namespace}/pods", "post", "post", pod, []string{"fieldValidation", "fieldManager", "dryRun", "pretty"}},
		{"/api/v1/namespaces/{namespace}/pods", "delete", "deletecollection", pod, []string{"labelSelector"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}", "get", "get", pod, []string{"pretty"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}", "put", "put", pod, []string{"fieldValidation", "fieldManager"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}", "patch", "patch", pod, []string{"fieldValidation", "fieldManager", "force", "dryRun"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}", "delete", "delete", pod, []string{"gracePeriodSeconds", "propagationPolicy"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}/status", "patch", "patch", pod, []string{"fieldValidation"}},
		{"/api/v1/namespaces/{namespace}/pods/{name}/binding", "post", "post", map[string]any{"group": "", "version": "v1", "kind": "Binding"}, []string{"fieldValidation"}},
		{"/api/v1/pods", "get", "list", pod, []string{"fieldSelector"}},
		{"/api/v1/watch/namespaces/{namespace}/pods", "get", "watchlist", pod, nil},
		{"/api/v1/nodes/{name}", "patch", "patch", map[string]any{"group": "", "version": "v1", "kind": "Node"}, []string{"fieldValidation"}},
	}
	for _, c := range cases {
		op, ok := at(paths, c.path, c.method).(map[string]any)
		if !ok {
			t.Errorf("%s %s missing", c.method, c.path)
			continue
		}
		if op["x-kubernetes-action"] != c.action {
			t.Errorf("%s %s: action %v", c.method, c.path, op["x-kubernetes-action"])
		}
		if !reflect.DeepEqual(op["x-kubernetes-group-version-kind"], c.gvk) {
			t.Errorf("%s %s: gvk %v", c.method, c.path, op["x-kubernetes-group-version-kind"])
		}
		var names []string
		for _, p := range op["parameters"].([]any) {
			if at(p, "in") == "query" {
				names = append(names, at(p, "name").(string))
			}
		}
		for _, want := range c.params {
			if !slices.Contains(names, want) {
				t.Errorf("%s %s: no %s parameter in %v", c.method, c.path, want, names)
			}
		}
	}
	// Bodies and responses refer to the kind's schema.
	if ref := at(paths, "/api/v1/namespaces/{namespace}/pods", "post", "requestBody", "content", "*/*", "schema", "$ref"); ref != "#/components/schemas/io.k8s.api.core.v1.Pod" {
		t.Errorf("post body ref %v", ref)
	}
	if ref := at(paths, "/api/v1/namespaces/{namespace}/pods", "get", "responses", "200", "content", "application/json", "schema", "$ref"); ref != "#/components/schemas/io.k8s.api.core.v1.PodList" {
		t.Errorf("list response ref %v", ref)
	}
	if ref := at(paths, "/api/v1/namespaces/{namespace}/pods/{name}", "patch", "requestBody", "content", "application/strategic-merge-patch+json", "schema", "$ref"); ref != "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" {
		t.Errorf("patch body ref %v", ref)
	}
	// Cluster-scoped kinds have no namespace in their paths; other groups are not here.
	if at(paths, "/api/v1/namespaces/{name}", "get") == nil || at(paths, "/api/v1/namespaces/{namespace}/nodes") != nil {
		t.Error("cluster-scoped paths wrong")
	}
	if at(paths, "/apis/apps/v1/namespaces/{namespace}/deployments") != nil {
		t.Error("apps paths in the core document")
	}
	apps := decodeJSON(t, get(t, h, "/openapi/v3/apis/apps/v1"))
	if at(apps, "paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale") != nil ||
		at(apps, "paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch", "x-kubernetes-action") != "patch" {
		t.Error("apps document wrong")
	}
}

func TestSchemas(t *testing.T) {
	h, _ := builtinHandler(t)
	doc := decodeJSON(t, get(t, h, "/openapi/v3/api/v1"))
	schemas := at(doc, "components", "schemas").(map[string]any)
	pod := schemas["io.k8s.api.core.v1.Pod"]
	if gvks := at(pod, "x-kubernetes-group-version-kind"); !reflect.DeepEqual(gvks, []any{map[string]any{"group": "", "version": "v1", "kind": "Pod"}}) {
		t.Errorf("pod gvk %v", gvks)
	}
	if ref := at(pod, "properties", "metadata", "$ref"); ref != "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" {
		t.Errorf("metadata %v", ref)
	}
	for _, f := range []string{"apiVersion", "kind", "spec", "status"} {
		if at(pod, "properties", f) == nil {
			t.Errorf("pod has no %s", f)
		}
	}
	spec := schemas["io.k8s.api.core.v1.PodSpec"]
	containers := at(spec, "properties", "containers")
	want := map[string]any{
		"type":                         "array",
		"items":                        map[string]any{"$ref": "#/components/schemas/io.k8s.api.core.v1.Container"},
		"x-kubernetes-list-type":       "map",
		"x-kubernetes-list-map-keys":   []any{"name"},
		"x-kubernetes-patch-strategy":  "merge",
		"x-kubernetes-patch-merge-key": "name",
	}
	if !reflect.DeepEqual(containers, want) {
		t.Errorf("containers %v", containers)
	}
	if at(spec, "properties", "initContainers", "x-kubernetes-list-type") != "map" ||
		at(spec, "properties", "volumes", "x-kubernetes-patch-strategy") != "merge,retainKeys" {
		t.Error("initContainers/volumes markers")
	}
	ctr := schemas["io.k8s.api.core.v1.Container"]
	if keys := at(ctr, "properties", "ports", "x-kubernetes-list-map-keys"); !reflect.DeepEqual(keys, []any{"containerPort", "protocol"}) {
		t.Errorf("ports keys %v", keys)
	}
	if at(ctr, "properties", "env", "x-kubernetes-patch-merge-key") != "name" ||
		at(ctr, "properties", "volumeMounts", "x-kubernetes-patch-merge-key") != "mountPath" {
		t.Error("env/volumeMounts markers")
	}
	if at(ctr, "properties", "name", "type") != "string" || at(ctr, "properties", "stdin", "type") != "boolean" {
		t.Errorf("container scalar fields %v", at(ctr, "properties"))
	}
	om := schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]
	if at(om, "properties", "creationTimestamp", "format") != "date-time" ||
		at(om, "properties", "labels", "additionalProperties", "type") != "string" ||
		at(om, "properties", "generation", "type") != "integer" {
		t.Errorf("ObjectMeta %v", om)
	}
	secret := schemas["io.k8s.api.core.v1.Secret"]
	if at(secret, "properties", "data", "additionalProperties", "format") != "byte" {
		t.Errorf("secret data %v", at(secret, "properties", "data"))
	}
	svcPort := schemas["io.k8s.api.core.v1.ServicePort"]
	const intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	if at(svcPort, "properties", "targetPort", "$ref") != "#/components/schemas/"+intOrString ||
		at(schemas, intOrString, "x-kubernetes-int-or-string") != true {
		t.Errorf("targetPort %v", at(svcPort, "properties", "targetPort"))
	}
	if at(schemas, "io.k8s.api.core.v1.PodList", "x-kubernetes-group-version-kind") == nil {
		t.Error("PodList has no gvk")
	}
	// Every reference resolves.
	raw, _ := json.Marshal(doc)
	for _, part := range strings.Split(string(raw), `"$ref":"#/components/schemas/`)[1:] {
		name := part[:strings.IndexByte(part, '"')]
		if _, ok := schemas[name]; !ok {
			t.Errorf("dangling reference %s", name)
		}
	}
}

func TestCaching(t *testing.T) {
	h, reg := builtinHandler(t)
	idx := decodeJSON(t, get(t, h, "/openapi/v3"))
	u := at(idx, "paths", "api/v1", "serverRelativeURL").(string)
	rec := get(t, h, u)
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, immutable" {
		t.Fatalf("hashed: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	etag := rec.Header().Get("ETag")
	if etag == "" || !strings.Contains(u, strings.Trim(etag, `"`)) {
		t.Errorf("etag %q url %q", etag, u)
	}
	if got := get(t, h, "/openapi/v3/api/v1"); got.Header().Get("Cache-Control") == "public, immutable" || got.Header().Get("ETag") != etag {
		t.Errorf("unhashed: %q %q", got.Header().Get("Cache-Control"), got.Header().Get("ETag"))
	}
	if got := get(t, h, u, "If-None-Match", etag); got.Code != http.StatusNotModified || got.Body.Len() != 0 {
		t.Errorf("revalidate: %d", got.Code)
	}
	for _, p := range []string{"/openapi/v3", "/openapi/v2"} {
		first := get(t, h, p)
		if got := get(t, h, p, "If-None-Match", first.Header().Get("ETag")); got.Code != http.StatusNotModified {
			t.Errorf("%s revalidate: %d", p, got.Code)
		}
	}
	if got := get(t, h, "/openapi/v3/api/v1?hash=STALE"); got.Code != http.StatusMovedPermanently || got.Header().Get("Location") != u {
		t.Errorf("stale hash: %d %q", got.Code, got.Header().Get("Location"))
	}
	if got := get(t, h, "/openapi/v3/apis/nope/v1"); got.Code != http.StatusNotFound {
		t.Errorf("unknown group: %d", got.Code)
	}

	// A new kind in a new group changes the index.
	reg.MustAdd(&registry.Kind{Group: "example.com", Version: "v1", Resource: "widgets", Kind: "Widget", Namespaced: true})
	idx2 := decodeJSON(t, get(t, h, "/openapi/v3"))
	u2, _ := at(idx2, "paths", "apis/example.com/v1", "serverRelativeURL").(string)
	if u2 == "" {
		t.Fatalf("new group missing: %v", idx2)
	}
	w := decodeJSON(t, get(t, h, u2))
	if at(w, "components", "schemas", "com.example.v1.Widget", "x-kubernetes-group-version-kind") == nil ||
		at(w, "paths", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "patch", "x-kubernetes-action") != "patch" {
		t.Errorf("widget document %v", w)
	}
	if at(idx2, "paths", "api/v1", "serverRelativeURL") != u {
		t.Error("core document changed")
	}
}

func TestV2(t *testing.T) {
	h, _ := builtinHandler(t)
	doc := decodeJSON(t, get(t, h, "/openapi/v2", "Accept", "application/json"))
	if doc["swagger"] != "2.0" {
		t.Errorf("swagger %v", doc["swagger"])
	}
	if at(doc, "definitions", "io.k8s.api.core.v1.PodSpec", "properties", "containers", "x-kubernetes-patch-merge-key") != "name" {
		t.Error("v2 containers markers")
	}
	if at(doc, "definitions", "io.k8s.api.apps.v1.Deployment", "x-kubernetes-group-version-kind") == nil {
		t.Error("v2 deployment gvk")
	}
	patch := at(doc, "paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch")
	if at(patch, "x-kubernetes-action") != "patch" || !strings.Contains(mustJSON(t, at(patch, "parameters")), `"fieldValidation"`) {
		t.Errorf("v2 patch %v", patch)
	}
	if ref := at(doc, "paths", "/api/v1/namespaces/{namespace}/pods/{name}", "get", "responses", "200", "schema", "$ref"); ref != "#/definitions/io.k8s.api.core.v1.Pod" {
		t.Errorf("v2 ref %v", ref)
	}
	rec := get(t, h, "/openapi/v2", "Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
	if rec.Code != http.StatusNotAcceptable || !strings.Contains(rec.Body.String(), `"reason":"NotAcceptable"`) || !strings.Contains(rec.Body.String(), `"kind":"Status"`) {
		t.Errorf("protobuf only: %d %s", rec.Code, rec.Body)
	}
	rec = get(t, h, "/openapi/v2", "Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json;q=0.5")
	if rec.Code != http.StatusOK {
		t.Errorf("protobuf then json: %d", rec.Code)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestConcurrent(t *testing.T) {
	h, reg := builtinHandler(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reg.MustAdd(&registry.Kind{Group: "example.com", Version: "v1", Resource: "gadgets", Kind: "Gadget"})
	}()
	for range 4 {
		if rec := get(t, h, "/openapi/v3/api/v1"); rec.Code != 200 {
			t.Errorf("status %d", rec.Code)
		}
	}
	<-done
}
