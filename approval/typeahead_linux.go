//go:build linux

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// discardTypeAhead discards the unread input of the terminal on fd and
// returns how many bytes of whole lines it held: TIOCINQ, then
// tcflush(fd, TCIFLUSH) (termios(3); ioctl_tty(2): TCFLSH with TCIFLUSH).
func discardTypeAhead(fd int) (int, error) {
	n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
	if err != nil {
		return 0, fmt.Errorf("reading the terminal's unread input: %w", err)
	}
	if err := unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH); err != nil {
		return 0, fmt.Errorf("discarding the terminal's unread input: %w", err)
	}
	return n, nil
}
