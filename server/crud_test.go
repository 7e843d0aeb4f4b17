package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestCreateSetsServerMetadata(t *testing.T) {
	ts := newTestServer(t)
	r := ts.must(http.StatusCreated, "POST", pods, pod("web", nil))
	for _, f := range []string{"uid", "creationTimestamp", "resourceVersion"} {
		if ts.do("GET", pods+"/web", nil).str("metadata", f) == "" || r.str("metadata", f) == "" {
			t.Errorf("metadata.%s not set: %s", f, r.raw)
		}
	}
	if g := r.obj["metadata"].(map[string]any)["generation"]; g != float64(1) {
		t.Errorf("generation = %v, want 1", g)
	}
	if ns := r.str("metadata", "namespace"); ns != "default" {
		t.Errorf("namespace = %q", ns)
	}
	got := ts.must(http.StatusOK, "GET", pods+"/web", nil)
	if got.str("metadata", "resourceVersion") != r.str("metadata", "resourceVersion") {
		t.Errorf("get resourceVersion %s != create %s", got.str("metadata", "resourceVersion"), r.str("metadata", "resourceVersion"))
	}
	if rv, _ := strconv.ParseInt(r.str("metadata", "resourceVersion"), 10, 64); rv != ts.revision() {
		t.Errorf("resourceVersion %d is not the store revision %d", rv, ts.revision())
	}
}

func TestGenerateName(t *testing.T) {
	ts := newTestServer(t)
	long := strings.Repeat("a", 70) + "-"
	for _, prefix := range []string{"web-", long} {
		p := pod("", nil)
		p["metadata"] = map[string]any{"generateName": prefix}
		r := ts.must(http.StatusCreated, "POST", pods, p)
		name := r.str("metadata", "name")
		want := prefix
		if len(want) > 58 {
			want = want[:58]
		}
		if !strings.HasPrefix(name, want) || len(name) != len(want)+5 {
			t.Errorf("generateName %q gave %q", prefix, name)
		}
	}
}

func TestUpdateSemantics(t *testing.T) {
	ts := newTestServer(t)
	created := ts.must(http.StatusCreated, "POST", pods, pod("web", map[string]string{"a": "1"}))
	rv1 := created.str("metadata", "resourceVersion")

	// A label change is not a spec change: generation stays.
	upd := created.obj
	upd["metadata"].(map[string]any)["labels"] = map[string]any{"a": "2"}
	r := ts.must(http.StatusOK, "PUT", pods+"/web", upd)
	if g := r.obj["metadata"].(map[string]any)["generation"]; g != float64(1) {
		t.Errorf("generation after label change = %v", g)
	}
	rv2 := r.str("metadata", "resourceVersion")
	if rv2 == rv1 {
		t.Error("resourceVersion did not change")
	}
	// Stale resourceVersion: 409 Conflict, and nothing written.
	before := ts.revision()
	upd["metadata"].(map[string]any)["resourceVersion"] = rv1
	c := ts.must(http.StatusConflict, "PUT", pods+"/web", upd)
	if c.str("reason") != "Conflict" || !strings.Contains(c.str("message"), "the object has been modified") {
		t.Errorf("conflict status: %s", c.raw)
	}
	if ts.revision() != before {
		t.Error("a rejected update wrote")
	}
	// Image change is a spec change: generation 2.
	cur := ts.must(http.StatusOK, "GET", pods+"/web", nil).obj
	cur["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = "nginx:1.28"
	r = ts.must(http.StatusOK, "PUT", pods+"/web", cur)
	if g := r.obj["metadata"].(map[string]any)["generation"]; g != float64(2) {
		t.Errorf("generation after image change = %v", g)
	}
	// PUT without resourceVersion is unconditional.
	delete(cur["metadata"].(map[string]any), "resourceVersion")
	cur["metadata"].(map[string]any)["labels"] = map[string]any{"a": "3"}
	ts.must(http.StatusOK, "PUT", pods+"/web", cur)
	// Updating what does not exist is 404.
	cur["metadata"].(map[string]any)["name"] = "nope"
	ts.must(http.StatusNotFound, "PUT", pods+"/nope", cur)
}

func TestStatusSubresource(t *testing.T) {
	ts := newTestServer(t)
	created := ts.must(http.StatusCreated, "POST", pods, pod("web", nil))

	// The main update does not touch status.
	obj := created.obj
	obj["status"] = map[string]any{"phase": "Running"}
	r := ts.must(http.StatusOK, "PUT", pods+"/web", obj)
	if r.str("status", "phase") != "Pending" {
		t.Errorf("main update changed status: %s", r.raw)
	}
	// The status update touches only status.
	obj = ts.must(http.StatusOK, "GET", pods+"/web", nil).obj
	obj["status"] = map[string]any{"phase": "Running", "podIP": "10.0.0.5"}
	obj["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["image"] = "changed"
	r = ts.must(http.StatusOK, "PUT", pods+"/web/status", obj)
	if r.str("status", "phase") != "Running" || r.str("status", "podIP") != "10.0.0.5" {
		t.Errorf("status not updated: %s", r.raw)
	}
	if strings.Contains(string(r.raw), `"changed"`) {
		t.Errorf("status update changed spec: %s", r.raw)
	}
	if g := r.obj["metadata"].(map[string]any)["generation"]; g != float64(1) {
		t.Errorf("status update bumped generation to %v", g)
	}
	ts.must(http.StatusOK, "GET", pods+"/web/status", nil)
	ts.must(http.StatusOK, "PATCH", pods+"/web/status", `{"status":{"phase":"Succeeded"}}`, "Content-Type: application/merge-patch+json")
	if got := ts.must(http.StatusOK, "GET", pods+"/web", nil); got.str("status", "phase") != "Succeeded" {
		t.Errorf("status patch: %s", got.raw)
	}
}

func TestPatch(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", configmaps, configMap("cm", map[string]string{"a": "1", "b": "2"}))
	merge := "Content-Type: application/merge-patch+json"
	r := ts.must(http.StatusOK, "PATCH", configmaps+"/cm", `{"data":{"a":null,"c":"3"}}`, merge)
	if data := r.obj["data"].(map[string]any); len(data) != 2 || data["c"] != "3" || data["b"] != "2" {
		t.Errorf("merge patch: %v", data)
	}
	r = ts.must(http.StatusOK, "PATCH", configmaps+"/cm", `[{"op":"add","path":"/data/d","value":"4"},{"op":"remove","path":"/data/b"}]`,
		"Content-Type: application/json-patch+json")
	if data := r.obj["data"].(map[string]any); data["d"] != "4" || data["b"] != nil {
		t.Errorf("json patch: %v", data)
	}
	// A resourceVersion inside a patch is a precondition.
	ts.must(http.StatusConflict, "PATCH", configmaps+"/cm", `{"metadata":{"resourceVersion":"1"},"data":{"x":"y"}}`, merge)
	rv := r.str("metadata", "resourceVersion")
	ts.must(http.StatusOK, "PATCH", configmaps+"/cm", `{"metadata":{"resourceVersion":"`+rv+`"},"data":{"x":"y"}}`, merge)
	// A failing test op is 422, a malformed patch 400, a missing object 404.
	ts.must(http.StatusUnprocessableEntity, "PATCH", configmaps+"/cm", `[{"op":"test","path":"/data/x","value":"z"}]`, "Content-Type: application/json-patch+json")
	ts.must(http.StatusBadRequest, "PATCH", configmaps+"/cm", `{"data":`, merge)
	ts.must(http.StatusNotFound, "PATCH", configmaps+"/none", `{}`, merge)
	// A patch that changes nothing writes nothing.
	before := ts.revision()
	ts.must(http.StatusOK, "PATCH", configmaps+"/cm", `{"data":{"x":"y"}}`, merge)
	if ts.revision() != before {
		t.Error("a no-op patch wrote")
	}
}

// TestDryRun: every write with dryRun=All is validated, defaulted and answered
// as if it happened, and nothing is stored.
func TestDryRun(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("web", map[string]string{"app": "web"}))
	const (
		mergeCT = "Content-Type: application/merge-patch+json"
		smpCT   = "Content-Type: application/strategic-merge-patch+json"
		jsonCT  = "Content-Type: application/json-patch+json"
		applyCT = "Content-Type: application/apply-patch+yaml"
	)
	applied := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\n  labels: {dry: run}\nspec:\n  containers:\n  - name: c\n    image: busybox\n"
	cases := []struct {
		name, method, path string
		body               any
		header             string
		code               int
		check              func(r response) string // what the answer must show
	}{
		{"create", "POST", pods, pod("new", nil), "", http.StatusCreated, func(r response) string {
			if r.str("metadata", "uid") == "" || r.str("spec", "restartPolicy") != "Always" {
				return "not defaulted"
			}
			return ""
		}},
		{"update", "PUT", pods + "/web", nil, "", http.StatusOK, nil},
		{"merge patch", "PATCH", pods + "/web", `{"metadata":{"labels":{"dry":"run"}}}`, mergeCT, http.StatusOK, labelled},
		{"strategic patch", "PATCH", pods + "/web", `{"metadata":{"labels":{"dry":"run"}}}`, smpCT, http.StatusOK, labelled},
		{"json patch", "PATCH", pods + "/web", `[{"op":"add","path":"/metadata/labels/dry","value":"run"}]`, jsonCT, http.StatusOK, labelled},
		{"apply existing", "PATCH", pods + "/web?fieldManager=test&force=true", strings.ReplaceAll(applied, "NAME", "web"), applyCT, http.StatusOK, labelled},
		{"apply new", "PATCH", pods + "/other?fieldManager=test", strings.ReplaceAll(applied, "NAME", "other"), applyCT, http.StatusCreated, labelled},
		{"delete", "DELETE", pods + "/web", nil, "", http.StatusOK, nil},
		{"delete collection", "DELETE", pods, nil, "", http.StatusOK, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ts.must(http.StatusOK, "GET", pods+"/web", nil)
			body := c.body
			if c.method == "PUT" {
				obj := before.obj
				obj["metadata"].(map[string]any)["labels"] = map[string]any{"dry": "run"}
				body = obj
			}
			sep := "?"
			if strings.Contains(c.path, "?") {
				sep = "&"
			}
			var headers []string
			if c.header != "" {
				headers = append(headers, c.header)
			}
			rev := ts.revision()
			r := ts.must(c.code, c.method, c.path+sep+"dryRun=All", body, headers...)
			if c.check != nil {
				if msg := c.check(r); msg != "" {
					t.Errorf("answer %s: %s", msg, r.raw)
				}
			}
			if ts.revision() != rev {
				t.Error("a dry run wrote")
			}
			after := ts.must(http.StatusOK, "GET", pods+"/web", nil)
			if string(after.raw) != string(before.raw) {
				t.Errorf("object changed:\n%s\n%s", before.raw, after.raw)
			}
			ts.must(http.StatusNotFound, "GET", pods+"/new", nil)
			ts.must(http.StatusNotFound, "GET", pods+"/other", nil)
		})
	}
	ts.must(http.StatusBadRequest, "POST", configmaps+"?dryRun=Some", configMap("dry", nil))
}

func labelled(r response) string {
	if r.str("metadata", "labels", "dry") != "run" {
		return "lacks the change"
	}
	return ""
}

func TestClusterScoped(t *testing.T) {
	ts := newTestServer(t)
	node := map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "n1", "namespace": "ignored"}}
	r := ts.must(http.StatusCreated, "POST", "/api/v1/nodes", node)
	if r.str("metadata", "namespace") != "" {
		t.Errorf("cluster-scoped object got a namespace: %s", r.raw)
	}
	ts.must(http.StatusOK, "GET", "/api/v1/nodes/n1", nil)
	ts.must(http.StatusNotFound, "GET", "/api/v1/namespaces/default/nodes/n1", nil)
	ts.must(http.StatusOK, "GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", nil)
	ts.must(http.StatusCreated, "POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
		map[string]any{"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": map[string]any{"name": "n1"},
			"spec": map[string]any{"holderIdentity": "n1", "leaseDurationSeconds": 40}})
}

func TestDefaultNamespacesExist(t *testing.T) {
	ts := newTestServer(t)
	r := ts.must(http.StatusOK, "GET", "/api/v1/namespaces", nil)
	got := strings.Join(r.names(), ",")
	for _, ns := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		if !strings.Contains(got, ns) {
			t.Errorf("namespace %s missing from %s", ns, got)
		}
	}
	if p := ts.must(http.StatusOK, "GET", "/api/v1/namespaces/default", nil).str("status", "phase"); p != "Active" {
		t.Errorf("default namespace phase %q", p)
	}
}

func TestBinding(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("web", nil))
	binding := map[string]any{"apiVersion": "v1", "kind": "Binding", "metadata": map[string]any{"name": "web"},
		"target": map[string]any{"apiVersion": "v1", "kind": "Node", "name": "n1"}}
	r := ts.must(http.StatusCreated, "POST", pods+"/web/binding", binding)
	if r.str("status") != "Success" {
		t.Errorf("binding answer: %s", r.raw)
	}
	bound := ts.must(http.StatusOK, "GET", pods+"/web", nil)
	if n := bound.str("spec", "nodeName"); n != "n1" {
		t.Errorf("nodeName = %q", n)
	}
	if !strings.Contains(string(bound.raw), `"type":"PodScheduled"`) {
		t.Errorf("binding did not record PodScheduled: %s", bound.raw)
	}
	if g := metaOf(bound.obj)["generation"]; g != float64(1) {
		t.Errorf("binding bumped generation to %v", g)
	}
	r = ts.must(http.StatusConflict, "POST", pods+"/web/binding", binding)
	if r.str("reason") != "Conflict" {
		t.Errorf("second binding: %s", r.raw)
	}
}

func TestPodSpecIsImmutable(t *testing.T) {
	ts := newTestServer(t)
	obj := ts.must(http.StatusCreated, "POST", pods, pod("web", nil)).obj
	obj["spec"].(map[string]any)["restartPolicy"] = "Never"
	r := ts.must(http.StatusUnprocessableEntity, "PUT", pods+"/web", obj)
	if r.str("reason") != "Invalid" || !strings.Contains(r.str("message"), `Pod "web" is invalid`) {
		t.Errorf("immutable spec: %s", r.raw)
	}
}
