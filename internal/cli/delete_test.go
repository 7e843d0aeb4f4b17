package cli_test

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"kctl.dev/kctl/client"
	"kctl.dev/kctl/internal/cli"
)

// deleteFixtures are config maps and a deployment to delete.
const deleteFixtures = `
apiVersion: v1
kind: ConfigMap
metadata: {name: one, labels: {app: shop}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, labels: {app: shop}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: three, labels: {app: blog}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: four, namespace: kube-public, labels: {app: shop}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
`

func TestDelete(t *testing.T) {
	e := newCmdEnv(t)
	e.load(t, "deleteFixtures", []byte(deleteFixtures))
	gone := func(kind, ns string, names ...string) func(t *testing.T) {
		return func(t *testing.T) {
			for _, n := range names {
				e.cmdAbsent(t, kind, ns, n)
			}
		}
	}
	steps := []struct {
		name           string
		args           []string
		stdout, stderr string
		code           int
		check          func(t *testing.T)
	}{
		{
			name:   "dry run",
			args:   []string{"delete", "configmap", "one", "--dry-run=server"},
			stdout: `configmap "one" deleted (server dry run)` + "\n",
			check:  func(t *testing.T) { e.cmdData(t, "default", "one", "x") },
		},
		{
			name:   "by name",
			args:   []string{"delete", "cm", "one"},
			stdout: `configmap "one" deleted` + "\n",
			check:  gone("ConfigMap", "default", "one"),
		},
		{
			name:   "not found",
			args:   []string{"delete", "cm", "one"},
			stderr: `Error from server (NotFound): configmaps "one" not found` + "\n",
			code:   1,
		},
		{
			name: "ignore not found",
			args: []string{"delete", "cm", "one", "--ignore-not-found"},
		},
		{
			name:   "selector",
			args:   []string{"delete", "configmaps", "-l", "app=shop"},
			stdout: `configmap "two" deleted` + "\n",
			check: func(t *testing.T) {
				gone("ConfigMap", "default", "two")(t)
				e.cmdData(t, "kube-public", "four", "x")
				e.cmdData(t, "default", "three", "x")
			},
		},
		{
			name:   "selector in every namespace",
			args:   []string{"delete", "configmaps", "-l", "app in (shop,blog)", "-A"},
			stdout: `configmap "three" deleted` + "\n" + `configmap "four" deleted` + "\n",
			check: func(t *testing.T) {
				gone("ConfigMap", "default", "three")(t)
				gone("ConfigMap", "kube-public", "four")(t)
			},
		},
		{
			name:   "nothing selected",
			args:   []string{"delete", "cm", "-l", "app=shop"},
			stdout: "No resources found\n",
		},
		{
			name:   "from a file without objects",
			args:   []string{"delete", "-f", "testdata/apply/empty.yaml"},
			stdout: "No resources found\n",
		},
		{
			name:   "from files without objects",
			args:   []string{"delete", "-f", "testdata/apply/comments.yaml", "-f", "testdata/apply/nomanifests"},
			stdout: "No resources found\n",
		},
		{
			name:   "from a file",
			args:   []string{"delete", "-f", "testdata/apply/web.yaml"},
			stdout: `configmap "web-config" deleted` + "\n" + `deployment.apps "web" deleted` + "\n",
			check: func(t *testing.T) {
				gone("ConfigMap", "default", "web-config")(t)
				gone("Deployment", "default", "web")(t)
			},
		},
		{
			name: "from a file, not found",
			args: []string{"delete", "-f", "testdata/apply/web.yaml"},
			stderr: `Error from server (NotFound): error when deleting "testdata/apply/web.yaml": configmaps "web-config" not found` + "\n" +
				`Error from server (NotFound): error when deleting "testdata/apply/web.yaml": deployments.apps "web" not found` + "\n",
			code: 1,
		},
		{
			name:   "type/name pairs",
			args:   []string{"delete", "configmap/alpha", "cm/beta"},
			stdout: `configmap "alpha" deleted` + "\n" + `configmap "beta" deleted` + "\n",
			check:  gone("ConfigMap", "default", "alpha", "beta"),
		},
		{
			name:   "all, in the namespace",
			args:   []string{"delete", "cm", "--all", "-n", "kube-public"},
			stdout: `configmap "gamma" deleted` + "\n",
			check: func(t *testing.T) {
				gone("ConfigMap", "kube-public", "gamma")(t)
				e.cmdData(t, "default", "delta", "x")
			},
		},
		{
			name:   "some not found",
			args:   []string{"delete", "cm", "nope", "delta"},
			stdout: `configmap "delta" deleted` + "\n",
			stderr: `Error from server (NotFound): configmaps "nope" not found` + "\n",
			code:   1,
		},
		{
			name:   "unknown type",
			args:   []string{"delete", "widgets", "w"},
			stderr: `error: the server doesn't have a resource type "widgets"` + "\n",
			code:   1,
		},
		{
			name: "nothing named",
			args: []string{"delete"},
			stderr: "error: You must provide one or more resources by argument or filename.\n" +
				"Example resource specifications include:\n" +
				"   '-f rsrc.yaml'\n" +
				"   '--filename=rsrc.json'\n" +
				"   '<resource> <name>'\n" +
				"   '<resource>'\n",
			code: 1,
		},
		{
			name:   "a type without names",
			args:   []string{"delete", "pods"},
			stderr: "error: resource(s) were provided, but no name was specified\n",
			code:   1,
		},
		{
			name:   "names and a selector",
			args:   []string{"delete", "pods", "web", "-l", "app=web"},
			stderr: "error: name cannot be provided when a selector is specified\n",
			code:   1,
		},
		{
			name:   "all and a selector",
			args:   []string{"delete", "pods", "--all", "-l", "app=web"},
			stderr: "error: setting 'all' parameter but found a non empty selector.\n",
			code:   1,
		},
		{
			name:   "files and names",
			args:   []string{"delete", "-f", "testdata/apply/web.yaml", "cm", "x"},
			stderr: "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n",
			code:   1,
		},
		{
			name:   "now and a grace period",
			args:   []string{"delete", "cm", "x", "--now", "--grace-period=3"},
			stderr: "error: --now and --grace-period cannot be specified together\n",
			code:   1,
		},
		{
			name:   "force and a grace period",
			args:   []string{"delete", "cm", "x", "--force", "--grace-period=3"},
			stderr: "error: --force and --grace-period greater than 0 cannot be specified together\n",
			code:   1,
		},
		{
			name:   "bad cascade",
			args:   []string{"delete", "cm", "x", "--cascade=sideways"},
			stderr: `error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"` + "\n",
			code:   1,
		},
	}
	for _, st := range steps {
		switch st.name {
		case "type/name pairs":
			e.load(t, "pairs", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: beta}\n"))
		case "all, in the namespace":
			e.load(t, "all", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gamma, namespace: kube-public}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: delta}\n"))
		}
		got := e.kctl(t, "", st.args...)
		cmdCheck(t, st.name, got, st.stdout, st.stderr, st.code)
		if st.check != nil {
			st.check(t)
		}
	}
}

// TestDeleteWaits deletes an object held by a finalizer: kctl delete waits
// until the finalizer is removed and the object is gone, or gives up at
// --timeout.
func TestDeleteWaits(t *testing.T) {
	e := newCmdEnv(t)
	held := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n")
	e.load(t, "held", held)

	got := e.kctl(t, "", "delete", "cm", "held", "--timeout=50ms")
	cmdCheck(t, "timeout", got, `configmap "held" deleted`+"\n", "error: timed out waiting for the deletion of configmap/held\n", 1)

	cms := e.res(t, "ConfigMap", "default")
	cur, err := cms.Get(t.Context(), "held")
	if err != nil || cur.DeletionTimestamp() == "" {
		t.Fatalf("held after delete: %v, %v", err, cur)
	}
	// Delete again, without a timeout: kctl prints its message once the
	// server accepted the deletion, then waits. Release the finalizer only
	// then, and expect kctl to return once the object is gone.
	printed := make(chan struct{})
	out := &deleteSignalWriter{signal: printed}
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(t.Context(), []string{"--kubeconfig", e.kubeconfig, "--cache-dir", e.cacheDir, "delete", "cm", "held"},
			cli.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &errOut})
	}()
	select {
	case <-printed:
	case code := <-done:
		t.Fatalf("delete returned %d before the object was gone: %s", code, errOut.String())
	}
	if _, err := cms.Patch(t.Context(), "held", client.MergePatch, []byte(`{"metadata":{"finalizers":null}}`), client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 || out.String() != `configmap "held" deleted`+"\n" || errOut.Len() > 0 {
		t.Errorf("delete that waited: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
	e.cmdAbsent(t, "ConfigMap", "default", "held")
}

// deleteSignalWriter closes signal at its first write.
type deleteSignalWriter struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	signal   chan struct{}
	signaled bool
}

func (w *deleteSignalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.signaled {
		w.signaled = true
		defer close(w.signal)
	}
	return w.buf.Write(p)
}

func (w *deleteSignalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
