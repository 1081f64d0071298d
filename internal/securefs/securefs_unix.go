//go:build unix

package securefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkOwner requires the current effective user as owner and no group or
// other write permission.
func checkOwner(path string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return unsafe(path, "owner unknown (no stat data)", nil)
	}
	if uid := os.Geteuid(); int64(st.Uid) != int64(uid) {
		return unsafe(path, fmt.Sprintf("owned by uid %d, not by uid %d (the current user)", st.Uid, uid), nil)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return unsafe(path, fmt.Sprintf("writable by group or others (mode %s)", fi.Mode()), nil)
	}
	return nil
}

// exclusiveCreateIsChecked: an O_CREAT|O_EXCL|O_NOFOLLOW open proves the
// file new, regular and ours, so CreateExclusive needs no fstat.
const exclusiveCreateIsChecked = true

// openNoFollow opens with O_NOFOLLOW, O_CLOEXEC and O_NONBLOCK (a FIFO must
// not block the open; it is refused afterwards as not a regular file). The
// ELOOP that O_NOFOLLOW gives for a symbolic link becomes an [*UnsafeError].
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW|syscall.O_CLOEXEC|syscall.O_NONBLOCK, perm)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, unsafe(path, "is a symbolic link", err)
		}
		return nil, err
	}
	return f, nil
}

// checkParent requires path's parent directory (symbolic links followed:
// it is where path's entry lives) to be owned by the current user or root
// and, when group or others may write to it, to have the sticky bit, so no
// other user can rename path away and put their own in its place.
func checkParent(path string) error {
	parent := filepath.Dir(filepath.Clean(path))
	fi, err := os.Stat(parent)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return unsafe(parent, "owner unknown (no stat data)", nil)
	}
	if uid := os.Geteuid(); int64(st.Uid) != int64(uid) && st.Uid != 0 {
		return unsafe(parent, fmt.Sprintf("owned by uid %d, neither the current user (uid %d) nor root: that user could replace %s", st.Uid, uid, filepath.Base(path)), nil)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return unsafe(parent, fmt.Sprintf("writable by group or others without the sticky bit (mode %s): they could replace %s", fi.Mode(), filepath.Base(path)), nil)
	}
	return nil
}
