//go:build unix

package securefs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// sharedTmp returns a fake shared temporary directory: world-writable with
// the sticky bit, like /tmp.
func sharedTmp(t *testing.T) string {
	t.Helper()
	d := testutil.SharedTmp(t)
	if m := mode(t, d); m&fs.ModeSticky == 0 || m.Perm() != 0o777 {
		t.Fatalf("shared tmp mode %s, want dtrwxrwxrwx", m)
	}
	return d
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func wantUnsafe(t *testing.T, err error, path, reason string) {
	t.Helper()
	var ue *securefs.UnsafeError
	if !errors.As(err, &ue) || !errors.Is(err, securefs.ErrUnsafe) {
		t.Fatalf("err = %v, want *UnsafeError matching ErrUnsafe", err)
	}
	if ue.Path != path || !strings.Contains(ue.Reason, reason) {
		t.Fatalf("UnsafeError{Path: %q, Reason: %q}, want path %q and reason containing %q", ue.Path, ue.Reason, path, reason)
	}
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("error %q does not name the path", err)
	}
}

func TestEnsurePrivateDirCreates0700WithParents(t *testing.T) {
	base := sharedTmp(t)
	dir := filepath.Join(base, "a", "b", "c")
	if err := securefs.EnsurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(base, "a"), filepath.Join(base, "a", "b"), dir} {
		if m := mode(t, p); !m.IsDir() || m.Perm() != 0o700 {
			t.Errorf("%s: mode %s, want drwx------", p, m)
		}
	}
	// Idempotent.
	if err := securefs.EnsurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
}

func TestEnsurePrivateDirRefusesDirOwnedByAnotherUser(t *testing.T) {
	testutil.AsRoot(t, "./internal/securefs")
	base := sharedTmp(t)
	dir := filepath.Join(base, "aigentic-traces")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.EnsurePrivateDir(dir), dir, "owned by uid 65534")
	if m := mode(t, dir); m.Perm() != 0o755 {
		t.Fatalf("mode changed to %s: a directory we did not create must never be chmod-ed", m)
	}
}

func TestEnsurePrivateDirRefusesGroupOrOtherWritable(t *testing.T) {
	for _, perm := range []fs.FileMode{0o770, 0o707, 0o777} {
		dir := filepath.Join(t.TempDir(), "d")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, perm); err != nil {
			t.Fatal(err)
		}
		wantUnsafe(t, securefs.EnsurePrivateDir(dir), dir, "writable by group or others")
		if m := mode(t, dir); m.Perm() != perm {
			t.Fatalf("mode changed from %o to %s", perm, m)
		}
	}
}

func TestEnsurePrivateDirRefusesSymlinkAndLeavesTarget(t *testing.T) {
	base := sharedTmp(t)
	target := filepath.Join(t.TempDir(), "theirs")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "aigentic-traces")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.EnsurePrivateDir(link), link, "symbolic link")
	wantUnsafe(t, securefs.CheckDir(link), link, "symbolic link")
	if m := mode(t, target); m.Perm() != 0o755 {
		t.Fatalf("target mode changed to %s", m)
	}
	// A dangling link is refused too, and its target is not created.
	dangling := filepath.Join(base, "dangling")
	missing := filepath.Join(t.TempDir(), "never")
	if err := os.Symlink(missing, dangling); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.EnsurePrivateDir(dangling), dangling, "symbolic link")
	if _, err := os.Lstat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("link target created: %v", err)
	}
}

func TestEnsurePrivateDirRefusesFileAndCreatedParentsAreChecked(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.EnsurePrivateDir(f), f, "not a directory")
	// A file in the middle of the path is a plain error, not a creation.
	if err := securefs.EnsurePrivateDir(filepath.Join(f, "sub")); err == nil {
		t.Fatal("EnsurePrivateDir under a file succeeded")
	}
}

func TestCheckDirMissingIsNotExist(t *testing.T) {
	err := securefs.CheckDir(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, securefs.ErrUnsafe) {
		t.Fatalf("err = %v, want fs.ErrNotExist and not ErrUnsafe", err)
	}
}

func TestOpenFileRefusesSymlinkWithoutTouchingTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "chosen-by-them")
	link := filepath.Join(dir, ".lock")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	f, err := securefs.OpenFile(link, os.O_CREATE|os.O_RDWR, 0o600)
	if f != nil {
		f.Close()
	}
	wantUnsafe(t, err, link, "symbolic link")
	if !errors.Is(err, syscall.ELOOP) {
		t.Fatalf("err = %v, want the ELOOP kept in the chain", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the link's target was created: %v", err)
	}
}

func TestOpenFileRefusesAnotherUsersFileAndKeepsItsContent(t *testing.T) {
	testutil.AsRoot(t, "./internal/securefs")
	p := filepath.Join(t.TempDir(), "ns.json")
	if err := os.WriteFile(p, []byte("planted"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	f, err := securefs.OpenFile(p, os.O_RDWR|os.O_TRUNC, 0)
	if f != nil {
		f.Close()
	}
	wantUnsafe(t, err, p, "owned by uid 65534")
	if b, _ := os.ReadFile(p); string(b) != "planted" {
		t.Fatalf("refused file truncated: %q", b)
	}
}

func TestOpenFileRefusesWritableByOthersFIFOAndDir(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w")
	if err := os.WriteFile(w, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(w, 0o622); err != nil {
		t.Fatal(err)
	}
	_, err := securefs.OpenFile(w, os.O_RDONLY, 0)
	wantUnsafe(t, err, w, "writable by group or others")

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = securefs.OpenFile(fifo, os.O_RDONLY, 0) // must not block
	wantUnsafe(t, err, fifo, "not a regular file")

	_, err = securefs.OpenFile(dir, os.O_RDONLY, 0)
	wantUnsafe(t, err, dir, "not a regular file")
}

func TestOpenFileTruncatesOwnFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := securefs.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(p); len(b) != 0 {
		t.Fatalf("not truncated: %q", b)
	}
}

func TestCreateExclusive(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "trace.txt")
	f, err := securefs.CreateExclusive(p, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if m := mode(t, p); m.Perm() != 0o600 {
		t.Fatalf("mode %s", m)
	}
	if _, err := securefs.CreateExclusive(p, 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second create: %v, want fs.ErrExist", err)
	}
	// A dangling symlink is not followed: the target is not created.
	link := filepath.Join(dir, "link.txt")
	target := filepath.Join(t.TempDir(), "target")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := securefs.CreateExclusive(link, 0o600); err == nil {
		t.Fatal("created through a symlink")
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("symlink target created: %v", err)
	}
}

func TestUnsafeErrorShape(t *testing.T) {
	err := error(&securefs.UnsafeError{Path: "/tmp/x", Reason: "is a symbolic link", Err: syscall.ELOOP})
	if err.Error() != "unsafe path /tmp/x: is a symbolic link" {
		t.Fatalf("Error() = %q", err)
	}
	if !errors.Is(err, securefs.ErrUnsafe) || !errors.Is(err, syscall.ELOOP) {
		t.Fatal("chain does not match ErrUnsafe and ELOOP")
	}
}

func TestParentAnotherUserCouldRenameFromIsRefused(t *testing.T) {
	testutil.AsRoot(t, "./internal/securefs")
	theirs := filepath.Join(sharedTmp(t), "theirs")
	if err := os.Mkdir(theirs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, testutil.Nobody, testutil.Nobody); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(theirs, "mine")
	wantUnsafe(t, securefs.EnsurePrivateDir(filepath.Join(inside, "deeper")), theirs, "neither the current user")
	if _, err := os.Lstat(inside); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("created a directory inside another user's directory")
	}
	// An existing directory of ours in there is refused as well.
	if err := os.Mkdir(inside, 0o700); err != nil {
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.CheckDir(inside), theirs, "neither the current user")
}

func TestParentWritableByOthersNeedsStickyBit(t *testing.T) {
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil { // no sticky bit
		t.Fatal(err)
	}
	wantUnsafe(t, securefs.EnsurePrivateDir(filepath.Join(open, "d")), open, "without the sticky bit")
	// The same parent with the sticky bit (like /tmp) is fine.
	if err := os.Chmod(open, os.ModeSticky|0o777); err != nil {
		t.Fatal(err)
	}
	if err := securefs.EnsurePrivateDir(filepath.Join(open, "d")); err != nil {
		t.Fatal(err)
	}
}

// Concurrent runs creating the same directory all succeed: a directory
// another goroutine of ours created in the same moment passes the checks.
func TestEnsurePrivateDirConcurrent(t *testing.T) {
	dir := filepath.Join(sharedTmp(t), "x", "y", "z")
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- securefs.EnsurePrivateDir(dir) }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
