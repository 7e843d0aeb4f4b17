package cli

import (
	"fmt"
	"os"

	"kctl.dev/kctl/internal/atomicfile"
)

// writeFileAtomic writes data to path through a temporary file and a rename, so
// a reader never sees a half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.Write(path, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
