package kinds

import (
	"testing"

	"kctl.dev/kctl/server/registry"
)

func TestRegister(t *testing.T) {
	r := registry.New()
	Register(r)
	want := []struct {
		group, resource, kind, short string
		namespaced, status           bool
	}{
		{"", "namespaces", "Namespace", "ns", false, true},
		{"", "pods", "Pod", "po", true, true},
		{"", "nodes", "Node", "no", false, true},
		{"", "services", "Service", "svc", true, true},
		{"", "configmaps", "ConfigMap", "cm", true, false},
		{"", "secrets", "Secret", "", true, false},
		{"", "events", "Event", "ev", true, false},
		{"coordination.k8s.io", "leases", "Lease", "", true, false},
		{"apps", "deployments", "Deployment", "deploy", true, true},
		{"rbac.authorization.k8s.io", "roles", "Role", "", true, false},
		{"rbac.authorization.k8s.io", "clusterroles", "ClusterRole", "", false, false},
		{"rbac.authorization.k8s.io", "rolebindings", "RoleBinding", "", true, false},
		{"rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", "", false, false},
	}
	if n := len(r.Kinds()); n != len(want) {
		t.Errorf("%d kinds registered, want %d", n, len(want))
	}
	for _, w := range want {
		k, ok := r.Lookup(w.group, "v1", w.resource)
		if !ok {
			t.Errorf("%s.%s not registered", w.resource, w.group)
			continue
		}
		if k.Kind != w.kind || k.Namespaced != w.namespaced || k.Status != w.status {
			t.Errorf("%s: kind %s namespaced %v status %v", w.resource, k.Kind, k.Namespaced, k.Status)
		}
		if (w.short == "" && len(k.ShortNames) != 0) || (w.short != "" && (len(k.ShortNames) != 1 || k.ShortNames[0] != w.short)) {
			t.Errorf("%s: short names %v, want %q", w.resource, k.ShortNames, w.short)
		}
		if w.status != (k.Subresource("status") != nil) {
			t.Errorf("%s: status subresource present = %v", w.resource, !w.status)
		}
		if s := k.Subresource("status"); s != nil && (s.Kind != k.Kind || len(s.Verbs) != 3) {
			t.Errorf("%s: status subresource %+v", w.resource, s)
		}
	}
	for _, res := range []string{"pods", "services", "deployments"} {
		if k := kind(t, res); len(k.Categories) != 1 || k.Categories[0] != "all" {
			t.Errorf("%s categories %v", res, k.Categories)
		}
	}
	// Builtin returns fresh values each time: registering twice in two
	// registries must not share state.
	if Builtin()[0] == Builtin()[0] {
		t.Error("Builtin shares registrations")
	}
}

// TestColumnsAndCells checks every printer against a minimal object: one cell
// per column, int64 for integer columns, a described column of each, and Name
// formatted as a name.
func TestColumnsAndCells(t *testing.T) {
	for _, k := range Builtin() {
		if len(k.Columns) == 0 {
			if k.Cells != nil {
				t.Errorf("%s: cells without columns", k.Resource)
			}
			continue
		}
		obj := decode(t, `{"apiVersion":"`+k.GroupVersion()+`","kind":"`+k.Kind+`","metadata":{"name":"x","creationTimestamp":"`+created+`"}}`)
		cells := k.Cells(obj, now)
		if len(cells) != len(k.Columns) {
			t.Errorf("%s: %d cells for %d columns", k.Resource, len(cells), len(k.Columns))
			continue
		}
		names := 0
		for i, c := range k.Columns {
			if c.Description == "" {
				t.Errorf("%s: column %s has no description", k.Resource, c.Name)
			}
			switch c.Type {
			case "integer":
				if _, ok := cells[i].(int64); !ok {
					t.Errorf("%s: integer column %s has a %T cell", k.Resource, c.Name, cells[i])
				}
			case "string":
				switch cells[i].(type) {
				case string:
				case int64:
					if c.Name != "Restarts" {
						t.Errorf("%s: string column %s has an int64 cell", k.Resource, c.Name)
					}
				default:
					t.Errorf("%s: column %s has a %T cell", k.Resource, c.Name, cells[i])
				}
			default:
				t.Errorf("%s: column %s has type %q", k.Resource, c.Name, c.Type)
			}
			if c.Name == "Name" {
				names++
				if c.Format != "name" || cells[i] != "x" {
					t.Errorf("%s: Name column format %q cell %v", k.Resource, c.Format, cells[i])
				}
			}
			if c.Name == "Age" && cells[i] != "120m" {
				t.Errorf("%s: Age %v", k.Resource, cells[i])
			}
		}
		if names != 1 {
			t.Errorf("%s: %d Name columns", k.Resource, names)
		}
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		resource, name string
		ok             bool
	}{
		{"namespaces", "team-a", true},
		{"namespaces", "team.a", false},
		{"services", "web", true},
		{"services", "1web", false},
		{"services", "web.x", false},
		{"pods", "web.x-1", true},
		{"roles", "system:controller:foo", true},
		{"clusterroles", "a/b", false},
		{"rolebindings", "..", false},
		{"clusterrolebindings", "50%", false},
	}
	for _, c := range cases {
		k := kind(t, c.resource)
		fn := k.ValidateName
		if fn == nil {
			if c.resource != "pods" {
				t.Errorf("%s: no name rule", c.resource)
			}
			continue
		}
		if got := len(fn(c.name)) == 0; got != c.ok {
			t.Errorf("%s name %q valid = %v, want %v (%v)", c.resource, c.name, got, c.ok, fn(c.name))
		}
	}
}
