// Package atomicfile writes the files the test helpers keep under
// testdata/ (recordings, golden transcripts) so that a reader never sees
// half of one: through a temporary file in the same directory, renamed
// into place.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to name, creating its directory (0755) if needed; the
// file is 0644, as files checked into a repository are. A failed write
// leaves name as it was.
func Write(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
