package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"kctl.dev/kctl/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	for _, data := range []string{"first", "second, longer"} {
		if err := atomicfile.Write(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("read %q, %v; want %q", got, err, data)
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", st.Mode(), err)
	}
	// A failed write leaves the file and no temporary file behind.
	if err := atomicfile.Write(filepath.Join(dir, "missing", "config"), []byte("x"), 0o600); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("directory holds %v, %v; want only config", entries, err)
	}
}
