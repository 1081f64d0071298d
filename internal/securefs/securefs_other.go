//go:build !unix

package securefs

import (
	"errors"
	"io/fs"
	"os"
)

// checkOwner checks nothing here: owner and POSIX mode bits do not exist on
// this system (see the package documentation).
func checkOwner(path string, fi fs.FileInfo) error { return nil }

// exclusiveCreateIsChecked: an O_CREAT|O_EXCL|O_NOFOLLOW open proves the
// file new, regular and ours, so CreateExclusive needs no fstat.
const exclusiveCreateIsChecked = false

// openNoFollow refuses a symbolic link found by Lstat before opening (racy:
// there is no O_NOFOLLOW here); O_CREATE|O_EXCL still never follows one.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return nil, unsafe(path, "is a symbolic link", nil)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return os.OpenFile(path, flag, perm)
}

// checkParent checks nothing here (see the package documentation).
func checkParent(path string) error { return nil }
