package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// kubeconfig returns a kubeconfig for an unauthenticated server at serverURL:
// cluster, user and context named "kctl", namespace default.
func kubeconfig(serverURL string) []byte {
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: kctl
  cluster:
    server: %s
users:
- name: kctl
  user: {}
contexts:
- name: kctl
  context:
    cluster: kctl
    user: kctl
    namespace: default
current-context: kctl
preferences: {}
`, strconv.Quote(serverURL))
}

// writeFileAtomic writes data to path through a temporary file and a rename, so
// a reader never sees a half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
