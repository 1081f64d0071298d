//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: the master, where the test types,
// and the terminal (slave) the program would read.
func openPTY(t *testing.T) (master, term *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		// A container without devpts; CI's machine and any Linux desktop
		// have one. TestTypeAheadDoesNotAnswerTheFirstRequest still runs.
		t.Skip("no pseudo-terminals here (/dev/ptmx does not exist)")
	}
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	mfd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the terminal: %v", err)
	}
	t.Cleanup(func() { term.Close() })
	return master, term
}

// discardTypeAhead really discards a terminal's unread input: on a
// pseudo-terminal, "y" typed ahead is gone, counted, and the line typed
// next is the one read.
func TestDiscardTypeAheadOnARealTerminal(t *testing.T) {
	master, term := openPTY(t)
	fd := int(term.Fd())
	if _, err := master.WriteString("y\n"); err != nil {
		t.Fatal(err)
	}
	// The line discipline takes the bytes asynchronously: wait until the
	// line is there to be read (no time limit but the test's own).
	for {
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	n, err := discardTypeAhead(fd)
	if err != nil || n != 2 {
		t.Fatalf("discardTypeAhead = %d, %v; want 2 bytes", n, err)
	}
	if _, err := master.WriteString("n\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	got, err := term.Read(buf)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	if string(buf[:got]) != "n\n" {
		t.Fatalf("read %q after the discard, want %q: the typed-ahead line was kept", buf[:got], "n\n")
	}
}

// On a file that is not a terminal it fails with an error, not a panic.
func TestDiscardTypeAheadOnAFileFails(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "not-a-tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := discardTypeAhead(int(f.Fd())); err == nil {
		t.Fatal("discardTypeAhead on a regular file: no error")
	}
}
