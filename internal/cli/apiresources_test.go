package cli_test

import (
	"slices"
	"strings"
	"testing"

	"kctl.dev/kctl/internal/kubectltest"
)

func TestAPIResources(t *testing.T) {
	e := newGetEnv(t, false)
	r := e.kctl(t, "api-resources")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("api-resources: %v", r)
	}
	lines := getLines(r.stdout)
	if f := strings.Fields(lines[0]); !slices.Equal(f, []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}) {
		t.Errorf("header %q", lines[0])
	}
	rows := map[string][]string{}
	var groups []string
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		rows[f[0]] = f
		apiVersion := f[len(f)-3]
		group, _, ok := strings.Cut(apiVersion, "/")
		if !ok {
			group = ""
		}
		groups = append(groups, group)
	}
	if !slices.IsSorted(groups) {
		t.Errorf("rows not sorted by group: %q", groups)
	}
	for name, want := range map[string][]string{
		"pods":        {"pods", "po", "v1", "true", "Pod"},
		"nodes":       {"nodes", "no", "v1", "false", "Node"},
		"deployments": {"deployments", "deploy", "apps/v1", "true", "Deployment"},
	} {
		if !slices.Equal(rows[name], want) {
			t.Errorf("row of %s = %q, want %q", name, rows[name], want)
		}
	}
	if r := e.kctl(t, "api-resources", "-o", "name", "--api-group", "apps"); r.stdout != "deployments.apps\n" {
		t.Errorf("-o name --api-group apps: %v", r)
	}
	if r := e.kctl(t, "api-resources", "--namespaced=false", "--api-group="); !strings.Contains(r.stdout, "\nnodes ") || strings.Contains(r.stdout, "\npods ") {
		t.Errorf("--namespaced=false: %v", r)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"api-resources", "-o", "json"}, "error: --output json is not available\n"},
		{[]string{"api-resources", "--sort-by", "age"}, "error: --sort-by accepts only name or kind\n"},
	} {
		if r := e.kctl(t, tc.args...); r.code != 1 || r.stderr != tc.want {
			t.Errorf("%q: %v, want exit 1 and %q", tc.args, r, tc.want)
		}
	}
}

// TestAPIResourcesMatchesKubectl compares kctl's output with the real
// kubectl's on the same server, byte for byte.
func TestAPIResourcesMatchesKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	e := newGetEnv(t, false)
	for _, args := range [][]string{
		{"api-resources"},
		{"api-resources", "-o", "wide"},
		{"api-resources", "-o", "name"},
		{"api-resources", "--no-headers"},
		{"api-resources", "--namespaced=false"},
		{"api-resources", "--namespaced=true", "--sort-by=kind"},
		{"api-resources", "--sort-by=name", "-o", "wide"},
		{"api-resources", "--api-group=apps"},
		{"api-resources", "--api-group=nothing"},
		{"api-resources", "--verbs=list,watch", "--categories=all"},
		{"api-resources", "--cached"},
	} {
		want := e.kubectl(t, kubectl, args...)
		got := e.kctl(t, args...)
		if got != want {
			t.Errorf("kctl %s:\n%v\nkubectl:\n%v", strings.Join(args, " "), got, want)
		}
	}
}
