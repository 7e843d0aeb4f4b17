package discovery_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"
	"kctl.dev/kctl/server"
)

// kubectl runs the real kubectl against srv with cacheDir as --cache-dir, and
// fails the test if kubectl fails.
func kubectl(t *testing.T, srv *testServer, cacheDir string, args ...string) string {
	t.Helper()
	out, err := runKubectl(t, srv, cacheDir, args...)
	if err != nil {
		t.Fatalf("kubectl %v: %v\n%s", args, err, out)
	}
	return out
}

// runKubectl runs the real kubectl against srv with cacheDir as --cache-dir
// and returns its output (stdout and stderr).
func runKubectl(t *testing.T, srv *testServer, cacheDir string, args ...string) (string, error) {
	t.Helper()
	path := kubectltest.Path(t)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, server.KubeconfigFor(srv.url), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"--cache-dir", cacheDir}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// discoveryPaths keeps the discovery requests among paths.
func discoveryPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == "/api" || p == "/apis" || strings.HasPrefix(p, "/api/v1") && strings.Count(p, "/") == 2 ||
			strings.HasPrefix(p, "/apis/") && strings.Count(p, "/") <= 3 {
			out = append(out, p)
		}
	}
	return out
}

// TestKubectlSharesTheCache: kubectl uses the files a Cache wrote, and a Cache
// uses the files kubectl wrote, without asking the server.
func TestKubectlSharesTheCache(t *testing.T) {
	kubectltest.Path(t)
	srv := startServer(t, false)
	srv.add(t, extraKinds()...)

	ours := t.TempDir()
	if _, err := srv.cache(t, ours).Resolve(t.Context(), "po"); err != nil {
		t.Fatal(err)
	}
	srv.rec.take()
	// Not "deploy.zeta.io": kubectl tries that as RESOURCE.VERSION.GROUP
	// first, and its miss makes kubectl fetch discovery again.
	kubectl(t, srv, ours, "get", "deploy.zeta,wd,pods,deployments.v1.apps")
	if got := discoveryPaths(srv.rec.take()); len(got) != 0 {
		t.Errorf("kubectl ignored the Cache's files and asked %v", got)
	}

	theirs := t.TempDir()
	kubectl(t, srv, theirs, "api-resources")
	srv.rec.take()
	c := srv.cache(t, theirs)
	for _, arg := range []string{"po", "deploy.zeta.io", "wd", "gadgets", "Gizmo"} {
		if _, err := c.Resolve(t.Context(), arg); err != nil {
			t.Errorf("Resolve(%q) over kubectl's cache: %v", arg, err)
		}
	}
	if got := srv.rec.take(); len(got) != 0 {
		t.Errorf("Cache ignored kubectl's files and asked %v", got)
	}
	if c.Fresh() {
		t.Error("discovery read from kubectl's files is Fresh")
	}
}

// TestResourcesMatchKubectl: Resources lists what `kubectl api-resources`
// prints (which sorts by group, then name).
func TestResourcesMatchKubectl(t *testing.T) {
	kubectltest.Path(t)
	srv := startServer(t, false)
	srv.add(t, extraKinds()...)
	out := kubectl(t, srv, t.TempDir(), "api-resources", "--no-headers")
	var want []string
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) == 4 { // no short names
			f = slices.Insert(f, 1, "")
		}
		want = append(want, strings.Join(f, " "))
	}

	rs, err := srv.cache(t, "").Resources(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		apiVersion := r.Version
		if r.Group != "" {
			apiVersion = r.Group + "/" + r.Version
		}
		got = append(got, strings.Join([]string{r.Resource, strings.Join(r.ShortNames, ","), apiVersion, strconv.FormatBool(r.Namespaced), r.Kind}, " "))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Resources:\n%s\nkubectl api-resources:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestResolveMatchesKubectl: Resolve picks the resource kubectl picks for
// `kubectl get ARG`, or fails as kubectl does.
func TestResolveMatchesKubectl(t *testing.T) {
	kubectltest.Path(t)
	srv := startServer(t, false)
	srv.add(t, extraKinds()...)
	c := srv.cache(t, "")
	cacheDir := t.TempDir()
	listPath := regexp.MustCompile(`GET http://[^/]+(/[^? ]+)\?limit=500`)
	// Not compared: "PO" (kubectl matches short names case-sensitively),
	// "deploy.v2.apps" (kubectl drops the version when it expands a short
	// name) and "Gizmo" (kubectl finds a kind only when, lower-cased, it is
	// the singular name; kctl finds every kind).
	for _, arg := range []string{
		"pods", "pod", "po", "Pod", "POD", "Pods", "pods.v1.", "cm", "ns", "no",
		"deployments", "deploy", "Deployment", "deployments.apps", "deploy.apps",
		"deployment.app", "deploy.app", "deployments.v1.apps", "Deployment.v1.apps",
		"deployments.zeta.io", "deploy.zeta", "zd", "xp", "pods.example.com", "pod.example",
		"gadgets", "widgets", "wd", "gadgets.v1beta1.example.com", "thingamajig",
		"leases.coordination", "lease.coordination.k8s.io", "roles.rbac", "clusterrole",
		"foo", "foo.bar", "foo.v1.apps", "deployments.v2.apps", "pod.v1",
	} {
		out, _ := runKubectl(t, srv, cacheDir, "get", arg, "-v=6")
		want := ""
		if m := listPath.FindStringSubmatch(out); m != nil {
			want = gvrFromPath(m[1])
		} else if i := strings.Index(out, "error: "); i >= 0 {
			want = strings.TrimSpace(strings.SplitN(out[i+len("error: "):], "\n", 2)[0])
		} else {
			t.Fatalf("kubectl get %s: no list request and no error in\n%s", arg, out)
		}
		r, err := c.Resolve(t.Context(), arg)
		got := gvr(r)
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Resolve(%q) = %s; kubectl: %s", arg, got, want)
		}
	}
}

// gvrFromPath turns a list path into group/version/resource:
// /api/v1/namespaces/default/pods is v1/pods.
func gvrFromPath(p string) string {
	parts := strings.Split(strings.Trim(p, "/"), "/")[1:] // drop "api" or "apis"
	if len(parts) >= 4 && parts[len(parts)-3] == "namespaces" {
		parts = append(parts[:len(parts)-3], parts[len(parts)-1])
	}
	return strings.Join(parts, "/")
}
