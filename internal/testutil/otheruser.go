package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// Nobody is the uid and gid tests give what "another user" made: Debian's
// nobody (65534).
const Nobody = 65534

// AsRoot skips a test that acts as another user by chowning files to
// Nobody, unless it runs as root (CI does); pkg names the package for the
// message that says how to run it.
func AsRoot(t testing.TB, pkg string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("acts as another user by chowning files to uid %d: run as root (CI does), e.g. sudo go test %s", Nobody, pkg)
	}
}

// SharedTmp returns a fake shared temporary directory: world-writable with
// the sticky bit (mode 1777), like /tmp.
func SharedTmp(t testing.TB) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, os.ModeSticky|0o777); err != nil { // past the umask
		t.Fatal(err)
	}
	return d
}

// ChownNobody gives path (not following a symbolic link) to Nobody.
func ChownNobody(t testing.TB, path string) {
	t.Helper()
	if err := os.Lchown(path, Nobody, Nobody); err != nil {
		t.Fatal(err)
	}
}
