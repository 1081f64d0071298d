package securefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrUnsafe matches (errors.Is) every [*UnsafeError]: a directory or file
// that fails the package's rules and was therefore not used.
var ErrUnsafe = errors.New("unsafe path")

// UnsafeError reports a directory or file that fails the rules in the
// package documentation. It matches [ErrUnsafe] with errors.Is.
type UnsafeError struct {
	// Path is the directory or file refused, as the caller named it.
	Path string
	// Reason says which rule it fails, e.g. "is a symbolic link",
	// "owned by uid 65534, not by uid 0 (the current user)",
	// "writable by group or others (mode drwxrwxrwx)".
	Reason string
	// Err is the underlying system error, when there is one (ELOOP from
	// O_NOFOLLOW), else nil.
	Err error
}

// Error returns "unsafe path <Path>: <Reason>".
func (e *UnsafeError) Error() string {
	return fmt.Sprintf("unsafe path %s: %s", e.Path, e.Reason)
}

// Is reports whether target is [ErrUnsafe].
func (e *UnsafeError) Is(target error) bool { return target == ErrUnsafe }

// Unwrap returns the underlying system error, if any.
func (e *UnsafeError) Unwrap() error { return e.Err }

func unsafe(path, reason string, err error) error {
	return &UnsafeError{Path: path, Reason: reason, Err: err}
}

// CheckDir reports whether path is a directory the runtime may use: a real
// directory (not a symbolic link, which is not followed), owned by the
// current user, with no group or other write permission, in a parent
// directory no other user can rename it out of: the parent (symbolic links
// followed) must be owned by the current user or root, and when group or
// others may write to it, have the sticky bit (as /tmp does). See the
// package documentation for what non-Unix systems check. It returns nil, an
// [*UnsafeError], or the Lstat error (wrapping fs.ErrNotExist when path is
// missing). It never changes anything.
func CheckDir(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if err := checkInfo(path, fi, true); err != nil {
		return err
	}
	return checkParent(path)
}

// EnsurePrivateDir makes path a directory the runtime may use, creating it
// when missing, and checks it with [CheckDir].
//
// Missing directories along path are created one at a time with mode 0700
// (reduced, never widened, by the umask), and each one created or found from
// the first missing one on must pass [CheckDir] (so a directory another user
// creates in the same moment is refused, not used); the existing directory
// the first one is created in must pass the parent rule of [CheckDir].
// Directories further up are the caller's choice and are not checked (see
// Limits in the package documentation). No existing directory's mode or
// owner is ever changed.
//
// It returns nil, an [*UnsafeError] naming the refused directory (which may be
// path or a parent it created), or the file system error.
func EnsurePrivateDir(path string) error {
	if path == "" {
		return errors.New("securefs: empty directory path")
	}
	clean := filepath.Clean(path)
	if _, err := os.Lstat(clean); err == nil {
		return CheckDir(clean)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// Find the missing directories, deepest last.
	var missing []string
	for p := clean; ; {
		if _, err := os.Lstat(p); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, p)
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	if len(missing) == 0 {
		// Another process created it between the two looks.
		return CheckDir(clean)
	}
	if err := checkParent(missing[len(missing)-1]); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		p := missing[i]
		if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := CheckDir(p); err != nil {
			return err
		}
	}
	return nil
}

// OpenFile opens path like os.OpenFile, adding O_NOFOLLOW (a symbolic link
// is refused, not followed: an [*UnsafeError]) and O_CLOEXEC, then checks the
// open descriptor: it must be a regular file owned by the current user with
// no group or other write permission, else it is closed and an
// [*UnsafeError] returned. With O_CREATE the file, when created, gets perm.
// O_TRUNC is applied only after the checks pass, so a refused file is left
// as it was. Use it for files inside a directory that passed [CheckDir] or
// [EnsurePrivateDir].
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := openNoFollow(path, flag&^os.O_TRUNC, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := checkInfo(path, fi, false); err != nil {
		_ = f.Close()
		return nil, err
	}
	if flag&os.O_TRUNC != 0 && fi.Size() > 0 {
		if err := f.Truncate(0); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return f, nil
}

// CreateExclusive creates path for writing (O_WRONLY|O_CREATE|O_EXCL plus
// what [OpenFile] adds) with permission perm. When path already exists — a
// file, a directory or a symbolic link, dangling or not — it fails with an
// error wrapping fs.ErrExist and touches nothing.
//
// On Unix the open alone is the check: O_CREAT|O_EXCL|O_NOFOLLOW succeeds
// only by creating a new regular file, owned by the process's user, with
// perm (less the umask) — POSIX open(2) — so no fstat follows. Elsewhere
// the file is checked as [OpenFile] does.
func CreateExclusive(path string, perm fs.FileMode) (*os.File, error) {
	const flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if exclusiveCreateIsChecked {
		return openNoFollow(path, flag, perm)
	}
	return OpenFile(path, flag, perm)
}

// checkInfo applies the rules to fi, which describes path (from Lstat or
// fstat, so a symbolic link is seen as one).
func checkInfo(path string, fi fs.FileInfo, wantDir bool) error {
	m := fi.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return unsafe(path, "is a symbolic link", nil)
	case wantDir && !m.IsDir():
		return unsafe(path, fmt.Sprintf("is not a directory (mode %s)", m), nil)
	case !wantDir && !m.IsRegular():
		return unsafe(path, fmt.Sprintf("is not a regular file (mode %s)", m), nil)
	}
	return checkOwner(path, fi)
}
