package discovery_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/client/discovery"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		arg  string
		want string // group/version/resource, or the error
	}{
		// Plural, singular, short name and kind, in any case (kubectl refuses
		// "PO" but takes "POD"; kctl takes both).
		{"pods", "v1/pods"},
		{"pod", "v1/pods"},
		{"po", "v1/pods"},
		{"PO", "v1/pods"},
		{"Pod", "v1/pods"},
		{"POD", "v1/pods"},
		{"Pods", "v1/pods"},
		{"cm", "v1/configmaps"},
		{"ConfigMap", "v1/configmaps"},
		{"ns", "v1/namespaces"},
		{"no", "v1/nodes"},
		{"svc", "v1/services"},
		{"ev", "v1/events"},
		{"clusterrolebindings", "rbac.authorization.k8s.io/v1/clusterrolebindings"},
		{"clusterrole", "rbac.authorization.k8s.io/v1/clusterroles"},
		{"Role", "rbac.authorization.k8s.io/v1/roles"},
		// The core group wins, then groups in discovery order.
		{"deployments", "apps/v1/deployments"},
		{"deploy", "apps/v1/deployments"},
		{"Deployment", "apps/v1/deployments"},
		// Group-qualified, by name or group prefix.
		{"pods.example.com", "example.com/v1/pods"},
		{"pod.example", "example.com/v1/pods"},
		{"deployments.apps", "apps/v1/deployments"},
		{"deploy.apps", "apps/v1/deployments"},
		{"deployment.app", "apps/v1/deployments"},
		{"deploy.app", "apps/v1/deployments"},
		{"Deployment.apps", "apps/v1/deployments"},
		{"deployments.zeta.io", "zeta.io/v1/deployments"},
		{"deploy.zeta", "zeta.io/v1/deployments"},
		{"leases.coordination", "coordination.k8s.io/v1/leases"},
		{"lease.coordination.k8s.io", "coordination.k8s.io/v1/leases"},
		{"roles.rbac", "rbac.authorization.k8s.io/v1/roles"},
		// Version- and group-qualified.
		{"deployments.v1.apps", "apps/v1/deployments"},
		{"deploy.v1.apps", "apps/v1/deployments"},
		{"Deployment.v1.apps", "apps/v1/deployments"},
		{"pods.v1.", "v1/pods"},
		{"rolebindings.v1.rbac.authorization.k8s.io", "rbac.authorization.k8s.io/v1/rolebindings"},
		{"gadgets.v1beta1.example.com", "example.com/v1beta1/gadgets"},
		// A short name of a later group, when no name matches exactly.
		{"xp", "example.com/v1/pods"},
		{"zd", "zeta.io/v1/deployments"},
		// The preferred version first, else the version that has it.
		{"gadgets", "example.com/v1/gadgets"},
		{"widgets", "example.com/v1beta1/widgets"},
		{"wd", "example.com/v1beta1/widgets"},
		// A kind unlike its resource's names.
		{"Gizmo", "zeta.io/v1/thingamajigs"},
		{"gizmo.zeta.io", "zeta.io/v1/thingamajigs"},
		{"thingamajig", "zeta.io/v1/thingamajigs"},
		// Unknown: worded as kubectl, naming the part before the first dot.
		{"foo", `the server doesn't have a resource type "foo"`},
		{"foo.bar", `the server doesn't have a resource type "foo"`},
		{"foo.v1.apps", `the server doesn't have a resource type "foo"`},
		{"deployments.v2.apps", `the server doesn't have a resource type "deployments"`},
		{"pod.v1", `the server doesn't have a resource type "pod"`},
		{"deployment.v1", `the server doesn't have a resource type "deployment"`},
		{"pods/status", `the server doesn't have a resource type "pods/status"`},
		{"", `the server doesn't have a resource type ""`},
	}
	for _, mode := range []struct {
		name   string
		legacy bool
	}{{"aggregated", false}, {"legacy", true}} {
		t.Run(mode.name, func(t *testing.T) {
			srv := startServer(t, mode.legacy)
			srv.add(t, extraKinds()...)
			c := srv.cache(t, t.TempDir())
			for _, tt := range tests {
				r, err := c.Resolve(t.Context(), tt.arg)
				got := gvr(r)
				if err != nil {
					got = err.Error()
					if !discovery.IsNoMatch(err) {
						t.Errorf("Resolve(%q): %v is not a NoMatchError", tt.arg, err)
					}
				}
				if got != tt.want {
					t.Errorf("Resolve(%q) = %s, want %s", tt.arg, got, tt.want)
				}
			}
		})
	}
}

func TestResolveDetails(t *testing.T) {
	srv := startServer(t, false)
	c := srv.cache(t, "")
	r, err := c.Resolve(t.Context(), "po")
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != "Pod" || !r.Namespaced || !slices.Equal(r.ShortNames, []string{"po"}) || !slices.Contains(r.Verbs, "watch") {
		t.Errorf("pods: %+v", r)
	}
	if r.GVR().String() != "v1/pods" {
		t.Errorf("GVR %s", r.GVR())
	}
	r, err = c.Resolve(t.Context(), "ns")
	if err != nil || r.Namespaced || r.Kind != "Namespace" {
		t.Errorf("namespaces: %+v, %v", r, err)
	}
	// Results are copies: changing one does not change the next.
	r.ShortNames[0] = "changed"
	if r, _ := c.Resolve(t.Context(), "ns"); r.ShortNames[0] != "ns" {
		t.Errorf("cache changed through a result: %v", r.ShortNames)
	}
}

func TestResolveKind(t *testing.T) {
	srv := startServer(t, false)
	srv.add(t, extraKinds()...)
	c := srv.cache(t, t.TempDir())
	tests := []struct {
		apiVersion, kind string
		want             string
	}{
		{"v1", "Pod", "v1/pods"},
		{"v1", "ConfigMap", "v1/configmaps"},
		{"v1", "Namespace", "v1/namespaces"},
		{"apps/v1", "Deployment", "apps/v1/deployments"},
		{"apps/v1", "deployment", "apps/v1/deployments"},
		{"zeta.io/v1", "Deployment", "zeta.io/v1/deployments"},
		{"zeta.io/v1", "Gizmo", "zeta.io/v1/thingamajigs"},
		{"example.com/v1beta1", "Gadget", "example.com/v1beta1/gadgets"},
		{"example.com/v1", "Widget", `no matches for kind "Widget" in version "example.com/v1"`},
		{"rbac.authorization.k8s.io/v1", "ClusterRole", "rbac.authorization.k8s.io/v1/clusterroles"},
		{"v1", "Deployment", `no matches for kind "Deployment" in version "v1"`},
		{"apps/v2", "Deployment", `no matches for kind "Deployment" in version "apps/v2"`},
		{"apps", "Deployment", `no matches for kind "Deployment" in version "apps"`},
		{"", "Pod", `no matches for kind "Pod" in version ""`},
		{"v1", "", `no matches for kind "" in version "v1"`},
		{"a/b/c", "Pod", `no matches for kind "Pod" in version "a/b/c"`},
	}
	for _, tt := range tests {
		r, err := c.ResolveKind(t.Context(), tt.apiVersion, tt.kind)
		got := gvr(r)
		if err != nil {
			got = err.Error()
			if !discovery.IsNoMatch(err) {
				t.Errorf("ResolveKind(%q, %q): %v is not a NoMatchError", tt.apiVersion, tt.kind, err)
			}
		}
		if got != tt.want {
			t.Errorf("ResolveKind(%q, %q) = %s, want %s", tt.apiVersion, tt.kind, got, tt.want)
		}
	}
}

func TestResources(t *testing.T) {
	srv := startServer(t, false)
	srv.add(t, extraKinds()...)
	c := srv.cache(t, t.TempDir())
	rs, err := c.Resources(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		if strings.Contains(r.Resource, "/") {
			t.Errorf("subresource listed: %+v", r)
		}
		got = append(got, gvr(r))
	}
	// Each group/resource once, core first, preferred versions first.
	if got[0] != "v1/configmaps" {
		t.Errorf("first resource %s, want the core group's", got[0])
	}
	for _, want := range []string{"v1/pods", "apps/v1/deployments", "example.com/v1/pods", "example.com/v1/gadgets", "example.com/v1beta1/widgets", "zeta.io/v1/deployments"} {
		if n := count(got, want); n != 1 {
			t.Errorf("%s listed %d times in %v", want, n, got)
		}
	}
	if slices.Contains(got, "example.com/v1beta1/gadgets") {
		t.Errorf("gadgets listed at a version that is not preferred: %v", got)
	}
	if slices.Index(got, "apps/v1/deployments") > slices.Index(got, "zeta.io/v1/deployments") {
		t.Errorf("groups out of discovery order: %v", got)
	}

	all, err := c.Category(t.Context(), "all")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range all {
		names = append(names, gvr(r))
	}
	if !slices.Contains(names, "v1/pods") || !slices.Contains(names, "apps/v1/deployments") || !slices.Contains(names, "example.com/v1/gadgets") {
		t.Errorf("category all: %v", names)
	}
	if none, err := c.Category(t.Context(), "nothing"); err != nil || len(none) != 0 {
		t.Errorf("unknown category: %v, %v", none, err)
	}

	gvs, err := c.GroupVersions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"apps/v1", "coordination.k8s.io/v1", "example.com/v1", "example.com/v1beta1", "rbac.authorization.k8s.io/v1", "v1", "zeta.io/v1"}
	if !slices.Equal(gvs, want) {
		t.Errorf("GroupVersions = %v, want %v", gvs, want)
	}
}

func count(l []string, s string) int {
	n := 0
	for _, x := range l {
		if x == s {
			n++
		}
	}
	return n
}

func TestNoMatchError(t *testing.T) {
	err := error(&discovery.NoMatchError{Resource: "foo"})
	if !discovery.IsNoMatch(errors.Join(errors.New("x"), err)) {
		t.Error("IsNoMatch does not see a wrapped NoMatchError")
	}
	if discovery.IsNoMatch(errors.New("the server doesn't have a resource type")) {
		t.Error("IsNoMatch of a plain error")
	}
}
