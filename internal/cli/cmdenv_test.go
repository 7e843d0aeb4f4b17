package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kctl.dev/kctl/api/unstructured"
	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/cli"
	"kctl.dev/kctl/manifest"
	"kctl.dev/kctl/server/fake"
)

// The tests of describe, create, apply, delete, label and annotate run kctl
// in-process (cli.Main) against a fake server over real HTTP, and check what
// the server holds afterwards with the client package. Goldens live in
// testdata/COMMAND/golden; regenerate them with
//
//	KCTL_UPDATE_GOLDEN=1 go test ./internal/cli -run 'TestDescribe'

// cmdEnv is a fake server, a client of it, and the flags kctl needs to
// reach it.
type cmdEnv struct {
	srv        *fake.Server
	c          *client.Client
	kubeconfig string
	cacheDir   string
}

func newCmdEnv(t *testing.T) *cmdEnv {
	t.Helper()
	srv := fake.Start(t)
	dir := t.TempDir()
	e := &cmdEnv{srv: srv, kubeconfig: filepath.Join(dir, "kubeconfig"), cacheDir: filepath.Join(dir, "cache")}
	if err := srv.WriteKubeconfig(e.kubeconfig); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(&client.Config{Servers: []string{srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	e.c = c
	return e
}

// cmdResult is what one run of kctl printed.
type cmdResult struct {
	stdout, stderr string
	code           int
}

func (r cmdResult) String() string {
	return fmt.Sprintf("-- stdout --\n%s-- stderr --\n%s-- exit --\n%d\n", r.stdout, r.stderr, r.code)
}

// kctl runs kctl with args (and stdin) against the server.
func (e *cmdEnv) kctl(t *testing.T, stdin string, args ...string) cmdResult {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"--kubeconfig", e.kubeconfig, "--cache-dir", e.cacheDir}, args...)
	code := cli.Main(t.Context(), full, cli.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return cmdResult{out.String(), errOut.String(), code}
}

// cmdKinds maps the fixtures' kinds to their resources.
var cmdKinds = map[string]struct {
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

// res returns the client of kind in ns.
func (e *cmdEnv) res(t *testing.T, kind, ns string) *client.Resource[*unstructured.Unstructured] {
	t.Helper()
	k, ok := cmdKinds[kind]
	if !ok {
		t.Fatalf("no resource known for kind %q", kind)
	}
	if k.namespaced && ns == "" {
		ns = "default"
	}
	return client.Dynamic(e.c, k.gvr, k.namespaced).Namespace(ns)
}

// get reads an object back.
func (e *cmdEnv) get(t *testing.T, kind, ns, name string) (*unstructured.Unstructured, error) {
	t.Helper()
	return e.res(t, kind, ns).Get(t.Context(), name)
}

// load creates the objects of a manifest (data, named source), each with
// its status when it has one, and returns them as created.
func (e *cmdEnv) load(t *testing.T, source string, data []byte) []*unstructured.Unstructured {
	t.Helper()
	objs, err := manifest.Parse(source, data)
	if err != nil {
		t.Fatal(err)
	}
	var out []*unstructured.Unstructured
	for _, o := range objs {
		r := e.res(t, o.Kind(), o.Namespace())
		status, hasStatus := o.Object["status"]
		created, err := r.Create(t.Context(), o.Unstructured, client.WriteOptions{})
		if err != nil {
			t.Fatalf("%s: create %s %s: %v", source, o.Kind(), o.Name(), err)
		}
		if hasStatus {
			created.Object["status"] = status
			if created, err = r.UpdateStatus(t.Context(), created, client.WriteOptions{}); err != nil {
				t.Fatalf("%s: status of %s %s: %v", source, o.Kind(), o.Name(), err)
			}
		}
		out = append(out, created)
	}
	return out
}

// loadFile loads a file of testdata.
func (e *cmdEnv) loadFile(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return e.load(t, path, data)
}

// cmdCheckGolden compares got with testdata/DIR/golden/NAME.txt, or
// rewrites it when KCTL_UPDATE_GOLDEN is set.
func cmdCheckGolden(t *testing.T, dir, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", dir, "golden", name+".txt")
	if os.Getenv("KCTL_UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (set KCTL_UPDATE_GOLDEN=1 to write it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (set KCTL_UPDATE_GOLDEN=1 to rewrite it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// cmdCheck compares a run with what it should have printed.
func cmdCheck(t *testing.T, what string, got cmdResult, stdout, stderr string, code int) {
	t.Helper()
	if got.stdout != stdout || got.stderr != stderr || got.code != code {
		t.Errorf("%s:\ngot:\n%swant:\n%s", what, got, cmdResult{stdout, stderr, code})
	}
}
