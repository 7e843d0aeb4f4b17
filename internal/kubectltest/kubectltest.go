// Package kubectltest finds the real kubectl for tests that drive it. A test that
// needs kubectl is skipped with a clear message where kubectl is absent, and fails
// where $CI is set: CI must run it. Callers give kubectl a temporary KUBECONFIG and
// --cache-dir so runs never share discovery caches or touch ~/.kube.
package kubectltest

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the path of kubectl (on $PATH, else /usr/bin/kubectl), or skips
// t when there is none — or fails it when $CI is set.
func Path(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("kubectl"); err == nil {
		return p
	}
	const fallback = "/usr/bin/kubectl"
	_, err := os.Stat(fallback)
	if err == nil {
		return fallback
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but the real kubectl is not available on $PATH or at %s: %v", fallback, err)
	}
	t.Skipf("skipping: the real kubectl is not on $PATH or at %s (%v); install kubectl v1.32 to run it, and set CI=1 to make its absence a failure", fallback, err)
	return ""
}
