// Package atomicfile replaces files whole: data goes to a temporary file in
// the same directory, renamed over the target, so a reader sees the old file
// or the new one, never a part. kctl writes kubeconfigs (client, kctl server)
// and kubectl's discovery cache (client/discovery) this way.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path with permissions perm, through a temporary file
// and a rename. path's directory must exist. On failure the temporary file
// is removed and path is left as it was.
func Write(path string, data []byte, perm os.FileMode) error {
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
	}
	return err
}
