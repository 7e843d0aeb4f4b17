package openapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kctl.dev/kctl/internal/kubectltest"
	"kctl.dev/kctl/server"
	"kctl.dev/kctl/server/storage/memory"
)

// TestKubectl drives the real kubectl against the server, which serves these
// documents: create -f with default (server-side) validation, and explain.
func TestKubectl(t *testing.T) {
	kubectl := kubectltest.Path(t)
	srv, err := server.New(server.Config{Storage: memory.New(), CompactionInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	api := srv.Handler()
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, server.KubeconfigFor(ts.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	run := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(kubectl, append([]string{"--cache-dir", cache}, args...)...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	pod := write("pod.yaml", `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
`)
	out, err := run("create", "-f", pod)
	if err != nil || !strings.Contains(out, "pod/web created") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	mu.Lock()
	log := strings.Join(seen, "\n")
	mu.Unlock()
	for _, want := range []string{"GET /openapi/v3", "GET /openapi/v3/api/v1?hash=", "fieldValidation=Strict"} {
		if !strings.Contains(log, want) {
			t.Errorf("kubectl did not send %q; requests:\n%s", want, log)
		}
	}
	if strings.Contains(log, "/openapi/v2") {
		t.Errorf("kubectl fell back to /openapi/v2; requests:\n%s", log)
	}

	out, err = run("explain", "pod.spec.containers")
	t.Logf("explain:\n%s", out)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, out)
	}
	for _, want := range []string{"KIND:", "Pod", "FIELD: containers <[]Container>", "image\t<string>", "ports\t<[]ContainerPort>", "name\t<string>"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}

	// kubectl sends fieldValidation=Strict: an unknown field is refused with the
	// path of the field, in kube-apiserver's words.
	unknown := write("unknown.yaml", `apiVersion: v1
kind: Pod
metadata:
  name: odd
spec:
  bogusField: 1
  containers:
  - name: c
    image: busybox
`)
	out, err = run("create", "-f", unknown)
	if err == nil || !strings.Contains(out, `Error from server (BadRequest): error when creating`) ||
		!strings.Contains(out, `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.bogusField"`) {
		t.Fatalf("create with an unknown field: %v\n%s", err, out)
	}

	// A second kind in another group goes through the same gate.
	dep := write("deploy.yaml", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
      containers:
      - name: c
        image: busybox
`)
	if out, err := run("create", "-f", dep); err != nil {
		t.Fatalf("create deployment: %v\n%s", err, out)
	}
}
