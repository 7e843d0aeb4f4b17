package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadInput: every error answer is a Status with the Kubernetes code and
// reason, and a rejected request writes nothing.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t)
	ts.must(http.StatusCreated, "POST", pods, pod("exists", nil))
	big := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"` + strings.Repeat("x", 3<<20) + `"}}`
	cases := []struct {
		name     string
		method   string
		path     string
		body     any
		headers  []string
		code     int
		reason   string
		contains string
	}{
		{"malformed JSON", "POST", pods, `{"apiVersion":`, nil, 400, "BadRequest", "not a valid JSON object"},
		{"not an object", "POST", pods, `[1,2]`, nil, 400, "BadRequest", ""},
		{"trailing data", "POST", pods, `{"kind":"Pod"} {}`, nil, 400, "BadRequest", ""},
		{"empty body", "POST", pods, ``, nil, 400, "BadRequest", "empty"},
		{"kind mismatch", "POST", pods, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}`, nil, 400, "BadRequest", "kind in the data (Service)"},
		{"apiVersion mismatch", "POST", pods, `{"apiVersion":"apps/v1","kind":"Pod","metadata":{"name":"x"}}`, nil, 400, "BadRequest", "API version in the data (apps/v1)"},
		{"namespace mismatch", "POST", pods, `{"kind":"Pod","metadata":{"name":"x","namespace":"kube-system"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, nil, 400, "BadRequest", "namespace"},
		{"get missing", "GET", pods + "/nope", nil, nil, 404, "NotFound", `pods "nope" not found`},
		{"unknown resource", "GET", "/api/v1/namespaces/default/widgets", nil, nil, 404, "NotFound", ""},
		{"unknown group", "GET", "/apis/example.com/v1/widgets", nil, nil, 404, "NotFound", ""},
		{"missing namespace", "POST", "/api/v1/namespaces/nowhere/pods", pod("x", nil), nil, 404, "NotFound", `namespaces "nowhere" not found`},
		{"post on an item", "POST", pods + "/exists", pod("exists", nil), nil, 405, "MethodNotAllowed", ""},
		{"create across namespaces", "POST", "/api/v1/pods", pod("x", nil), nil, 405, "MethodNotAllowed", ""},
		{"already exists", "POST", pods, pod("exists", nil), nil, 409, "AlreadyExists", `pods "exists" already exists`},
		{"body too large", "POST", configmaps, big, nil, 413, "RequestEntityTooLarge", ""},
		{"unsupported media type", "POST", pods, pod("x", nil), []string{"Content-Type: text/plain"}, 415, "UnsupportedMediaType", ""},
		{"truncated protobuf body", "POST", pods, "k8s\x00\x0a\x05", []string{"Content-Type: application/vnd.kubernetes.protobuf"}, 400, "BadRequest", "protobuf"},
		{"not protobuf", "POST", pods, "{}", []string{"Content-Type: application/vnd.kubernetes.protobuf"}, 400, "BadRequest", "protobuf"},
		{"unsupported patch type", "PATCH", pods + "/exists", `{}`, []string{"Content-Type: application/x-unknown-patch"}, 415, "UnsupportedMediaType", ""},
		{"strategic patch without merge key", "PATCH", pods + "/exists", `{"spec":{"containers":[{"image":"x"}]}}`, []string{"Content-Type: application/strategic-merge-patch+json"}, 400, "BadRequest", "merge key"},
		{"strategic patch bad directive", "PATCH", pods + "/exists", `{"metadata":{"$patch":"explode"}}`, []string{"Content-Type: application/strategic-merge-patch+json"}, 400, "BadRequest", "explode"},
		{"apply without field manager", "PATCH", pods + "/exists", "apiVersion: v1\nkind: Pod\nmetadata: {name: exists}\n", []string{"Content-Type: application/apply-patch+yaml"}, 422, "Invalid", "fieldManager: Required value"},
		{"apply of another kind", "PATCH", pods + "/exists?fieldManager=t", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: exists}\n", []string{"Content-Type: application/apply-patch+yaml"}, 400, "BadRequest", "kind"},
		{"apply with another name", "PATCH", pods + "/exists?fieldManager=t", "apiVersion: v1\nkind: Pod\nmetadata: {name: other}\n", []string{"Content-Type: application/apply-patch+yaml"}, 400, "BadRequest", "does not match"},
		{"apply not YAML", "PATCH", pods + "/exists?fieldManager=t", "{{{", []string{"Content-Type: application/apply-patch+yaml"}, 400, "BadRequest", "YAML"},
		{"force on a merge patch", "PATCH", pods + "/exists?force=true", `{}`, []string{"Content-Type: application/merge-patch+json"}, 422, "Invalid", "force"},
		{"field manager too long", "POST", pods + "?fieldManager=" + strings.Repeat("m", 129), pod("x", nil), nil, 422, "Invalid", "fieldManager"},
		{"invalid name", "POST", pods, pod("Bad_Name", nil), nil, 422, "Invalid", "metadata.name: Invalid value"},
		{"no name", "POST", pods, pod("", nil), nil, 422, "Invalid", "metadata.name: Required value"},
		{"invalid label", "POST", pods, pod("x", map[string]string{"bad key!": "v"}), nil, 422, "Invalid", "metadata.labels"},
		{"missing image", "POST", pods, `{"kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"c"}]}}`, nil, 422, "Invalid", "spec.containers[0].image"},
		{"bad label selector", "GET", pods + "?labelSelector=a%20in%20(", nil, nil, 400, "BadRequest", ""},
		{"bad field selector", "GET", pods + "?fieldSelector=a", nil, nil, 400, "BadRequest", ""},
		{"unsupported field", "GET", pods + "?fieldSelector=spec.bogus=1", nil, nil, 400, "BadRequest", "field label not supported: spec.bogus"},
		{"bad limit", "GET", pods + "?limit=-1", nil, nil, 400, "BadRequest", ""},
		{"bad continue", "GET", pods + "?limit=1&continue=garbage", nil, nil, 400, "BadRequest", ""},
		{"match without version", "GET", pods + "?resourceVersionMatch=Exact", nil, nil, 422, "Invalid", ""},
		{"sendInitialEvents on list", "GET", pods + "?sendInitialEvents=true", nil, nil, 422, "Invalid", ""},
		{"protobuf only", "GET", pods, nil, []string{"Accept: application/vnd.kubernetes.protobuf"}, 406, "NotAcceptable", ""},
		{"bad propagation", "DELETE", pods + "/exists?propagationPolicy=Sideways", nil, nil, 422, "Invalid", ""},
		{"uid precondition", "DELETE", pods + "/exists", `{"preconditions":{"uid":"other"}}`, nil, 409, "Conflict", "Precondition failed: UID"},
		{"rv precondition", "DELETE", pods + "/exists", `{"preconditions":{"resourceVersion":"1"}}`, nil, 409, "Conflict", "Precondition failed: ResourceVersion"},
		{"bad fieldValidation", "POST", pods + "?fieldValidation=Loud", pod("x", nil), nil, 400, "BadRequest", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := ts.revision()
			r := ts.do(c.method, c.path, c.body, c.headers...)
			if r.code != c.code {
				t.Fatalf("code %d, want %d: %s", r.code, c.code, r.raw)
			}
			if r.str("kind") != "Status" || r.str("apiVersion") != "v1" || r.str("status") != "Failure" {
				t.Errorf("not a failure Status: %s", r.raw)
			}
			if r.str("reason") != c.reason {
				t.Errorf("reason %q, want %q", r.str("reason"), c.reason)
			}
			if code, _ := r.obj["code"].(float64); int(code) != c.code {
				t.Errorf("Status code %v, want %d", r.obj["code"], c.code)
			}
			if !strings.Contains(r.str("message"), c.contains) {
				t.Errorf("message %q does not contain %q", r.str("message"), c.contains)
			}
			if after := ts.revision(); after != before {
				t.Errorf("a rejected request wrote: revision %d -> %d", before, after)
			}
		})
	}
}

func TestInvalidCarriesCauses(t *testing.T) {
	ts := newTestServer(t)
	r := ts.must(422, "POST", pods, `{"kind":"Pod","metadata":{"name":"Bad"},"spec":{"containers":[{"name":"c"}]}}`)
	details, _ := r.obj["details"].(map[string]any)
	if details["kind"] != "Pod" || details["name"] != "Bad" {
		t.Errorf("details: %v", details)
	}
	causes, _ := details["causes"].([]any)
	fields := map[string]bool{}
	for _, c := range causes {
		fields[c.(map[string]any)["field"].(string)] = true
	}
	for _, f := range []string{"metadata.name", "spec.containers[0].image"} {
		if !fields[f] {
			t.Errorf("no cause for %s in %v", f, causes)
		}
	}
}
