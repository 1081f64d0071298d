// Package securefs is the one place for the rule the runtime applies to
// directories and files in locations other users may write to (os.TempDir,
// a shared project directory):
//
//   - a directory the runtime uses must be a real directory (not a symbolic
//     link), owned by the current (effective) user, with no group or other
//     write permission, in a parent other users cannot rename it out of
//     (owned by us or root, and sticky when group or others may write to
//     it, like /tmp); [EnsurePrivateDir] creates it mode 0700 when it is
//     missing, and nothing in this package ever changes the mode or owner of
//     an existing directory — a directory we did not create is used as it is,
//     or refused;
//   - files are opened with O_NOFOLLOW, so a symbolic link planted in place
//     of a file is refused instead of followed ([OpenFile]); files are
//     created with O_EXCL ([CreateExclusive]), so an existing file or link is
//     never taken over; an opened file must be a regular file owned by the
//     current user, with no group or other write permission (checked on the
//     open descriptor with fstat, so there is no window between check and
//     use).
//
// A refusal is an [*UnsafeError] naming the path and the reason; it matches
// [ErrUnsafe] with errors.Is. A path that does not exist is not unsafe: that
// error wraps fs.ErrNotExist.
//
// # What is checked where
//
// On Unix (the "unix" build constraint: Linux, macOS, the BSDs, …) every rule
// above is checked: file type with Lstat/fstat, the owner from
// syscall.Stat_t.Uid against os.Geteuid, the permission bits (mode&0o022),
// O_NOFOLLOW|O_CLOEXEC|O_NONBLOCK on open (O_NONBLOCK so that a FIFO planted
// in place of a file cannot block the open; the descriptor is then refused as
// not a regular file).
//
// Elsewhere (Windows, Plan 9, wasm) only the file type is checked: a symbolic
// link (or Windows reparse point reported as one) is refused and a directory
// must be a directory, but ownership and permissions are not, because the
// POSIX owner and mode bits do not exist there; access control lists are left
// to the operating system. Files are still created with O_EXCL; the symlink
// check before opening an existing file is an Lstat, which is racy.
//
// # Limits
//
// Only a checked directory's immediate parent is checked, not the
// directories above it: whoever chooses the path trusts them. Checks are made
// by path, so a directory another user could write to higher up still allows
// a swap between check and use; the immediate-parent rule closes the common
// case (a directory made directly in /tmp by someone else). Nothing here
// defends against root.
package securefs
