package describe_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/describe"
	"kctl.dev/kctl/internal/kubectltest"
	"kctl.dev/kctl/manifest"
	"kctl.dev/kctl/server/fake"
)

// fixtureKinds maps the kinds of testdata to their resources.
var fixtureKinds = map[string]struct {
	gvr        client.GVR
	namespaced bool
}{
	"Namespace":  {client.GVR{Version: "v1", Resource: "namespaces"}, false},
	"Node":       {client.GVR{Version: "v1", Resource: "nodes"}, false},
	"Pod":        {client.GVR{Version: "v1", Resource: "pods"}, true},
	"Service":    {client.GVR{Version: "v1", Resource: "services"}, true},
	"ConfigMap":  {client.GVR{Version: "v1", Resource: "configmaps"}, true},
	"Secret":     {client.GVR{Version: "v1", Resource: "secrets"}, true},
	"Event":      {client.GVR{Version: "v1", Resource: "events"}, true},
	"Lease":      {client.GVR{Group: "coordination.k8s.io", Version: "v1", Resource: "leases"}, true},
	"Deployment": {client.GVR{Group: "apps", Version: "v1", Resource: "deployments"}, true},
}

// fixtureFiles are loaded in this order (namespaces before what is in them,
// events last: they name the uids of the others).
var fixtureFiles = []string{
	"namespace.yaml", "node.yaml", "pod.yaml", "pod-idle.yaml", "deployment.yaml",
	"service.yaml", "services-more.yaml", "pod-extra.yaml", "deployment-recreate.yaml", "configmap.yaml", "secret.yaml", "lease.yaml", "events.yaml",
}

var uidRef = regexp.MustCompile(`\{\{uid (\w+)/([\w-]*)/([\w.-]+)\}\}`)

// loadFixtures creates the objects of testdata on the server c talks to,
// with their status when they have one.
func loadFixtures(t *testing.T, c *client.Client) {
	t.Helper()
	ctx := t.Context()
	for _, name := range fixtureFiles {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		data = uidRef.ReplaceAllFunc(data, func(m []byte) []byte {
			p := uidRef.FindSubmatch(m)
			for _, k := range fixtureKinds {
				if k.gvr.Resource == string(p[1]) {
					u, err := client.Dynamic(c, k.gvr, k.namespaced).Namespace(string(p[2])).Get(ctx, string(p[3]))
					if err != nil {
						t.Fatalf("%s: %v", m, err)
					}
					return []byte(u.UID())
				}
			}
			t.Fatalf("%s: unknown resource", m)
			return nil
		})
		objs, err := manifest.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			k, ok := fixtureKinds[o.Kind()]
			if !ok {
				t.Fatalf("%s: no resource for kind %s", name, o.Kind())
			}
			r := client.Dynamic(c, k.gvr, k.namespaced)
			if k.namespaced {
				ns := o.Namespace()
				if ns == "" {
					ns = "default"
				}
				r = r.Namespace(ns)
			}
			status, hasStatus := o.Object["status"]
			created, err := r.Create(ctx, o.Unstructured, client.WriteOptions{})
			if err != nil {
				t.Fatalf("%s: create %s: %v", name, o.Name(), err)
			}
			if hasStatus {
				created.Object["status"] = status
				if _, err := r.UpdateStatus(ctx, created, client.WriteOptions{}); err != nil {
					t.Fatalf("%s: status of %s: %v", name, o.Name(), err)
				}
			}
		}
	}
}

func startServer(t *testing.T) (*fake.Server, *client.Client, string) {
	t.Helper()
	srv := fake.Start(t)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := srv.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	cfg, err := client.LoadConfig(client.LoadOptions{Kubeconfig: kubeconfig})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return srv, c, kubeconfig
}

// shortAges stands for ages in seconds, which may differ by one between two
// runs a moment apart.
var shortAges = regexp.MustCompile(`\b\d{1,2}s\b`)

var kubectlPointer = regexp.MustCompile(`(SecretOptionalName:\s+)0x[0-9a-f]+`)

// TestMatchesKubectl describes the fixtures with the real kubectl and with
// Describer and expects the same text (ages in seconds aside).
func TestMatchesKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	_, c, kubeconfig := startServer(t)
	loadFixtures(t, c)
	cacheDir := t.TempDir()

	tests := []struct {
		resource, namespace, name string
		// noEvents: kubectl shows no Events section for the kind.
		noEvents bool
	}{
		{resource: "pods", namespace: "default", name: "web-0"},
		{resource: "pods", namespace: "team-a", name: "idle"},
		{resource: "nodes", name: "node-1"},
		{resource: "deployments", namespace: "default", name: "api"},
		{resource: "services", namespace: "default", name: "api"},
		{resource: "namespaces", name: "team-a", noEvents: true},
		{resource: "configmaps", namespace: "team-a", name: "web-config"},
		{resource: "secrets", namespace: "default", name: "db", noEvents: true},
		{resource: "leases", namespace: "kube-system", name: "scheduler"},
		{resource: "pods", namespace: "team-a", name: "batch"},
		{resource: "services", namespace: "default", name: "headless"},
		{resource: "services", namespace: "default", name: "external"},
		{resource: "deployments", namespace: "team-a", name: "worker"},
	}
	for _, tt := range tests {
		t.Run(tt.resource+"/"+tt.name, func(t *testing.T) {
			args := []string{"--cache-dir", cacheDir, "describe", tt.resource, tt.name}
			if tt.namespace != "" {
				args = append(args, "-n", tt.namespace)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, kubectl, args...)
			cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "TZ=UTC")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			want, err := cmd.Output()
			if err != nil {
				t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
			}

			var k struct {
				gvr        client.GVR
				namespaced bool
			}
			for _, fk := range fixtureKinds {
				if fk.gvr.Resource == tt.resource {
					k.gvr, k.namespaced = fk.gvr, fk.namespaced
				}
			}
			obj, err := client.Dynamic(c, k.gvr, k.namespaced).Namespace(tt.namespace).Get(t.Context(), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			d := &describe.Describer{Client: c, ShowEvents: !tt.noEvents, Location: time.UTC}
			var got bytes.Buffer
			if err := d.Describe(t.Context(), &got, obj); err != nil {
				t.Fatal(err)
			}
			// kubectl prints the address of the optional flag of a projected
			// secret (a *bool); kctl prints its value.
			want = kubectlPointer.ReplaceAll(want, []byte("${1}false"))
			w, g := shortAges.ReplaceAllString(string(want), "Ns"), shortAges.ReplaceAllString(got.String(), "Ns")
			if g != w {
				t.Errorf("describe differs from kubectl's\n%s", lineDiff(w, g))
			}
		})
	}
}

// lineDiff shows want and got side by side from the first line that differs.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		mark := "  "
		if w != g {
			mark = "! "
		}
		b.WriteString(mark + "kubectl: " + strings.ReplaceAll(w, " ", "·") + "\n" + mark + "kctl:    " + strings.ReplaceAll(g, " ", "·") + "\n")
	}
	return b.String()
}
