package securefs_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// A directory under a shared location is created 0700, or refused when
// someone else got there first; files in it are created exclusively.
func ExampleEnsurePrivateDir() {
	shared, _ := os.MkdirTemp("", "shared")
	defer os.RemoveAll(shared)

	dir := filepath.Join(shared, "aigentic-traces")
	_ = os.Symlink(os.TempDir(), dir) // planted by another user
	err := securefs.EnsurePrivateDir(dir)
	fmt.Println(errors.Is(err, securefs.ErrUnsafe))

	var ue *securefs.UnsafeError
	if errors.As(err, &ue) {
		fmt.Println(ue.Reason)
	}

	mine := filepath.Join(shared, "mine")
	if err := securefs.EnsurePrivateDir(mine); err != nil {
		fmt.Println(err)
		return
	}
	f, err := securefs.CreateExclusive(filepath.Join(mine, "trace.txt"), 0o600)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	fmt.Println("created")
	// Output:
	// true
	// is a symbolic link
	// created
}
