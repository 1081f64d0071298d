package main

import "errors"

// errNoTypeAheadDiscard is discardTypeAhead's error on a platform where
// the example cannot discard a terminal's unread input.
var errNoTypeAheadDiscard = errors.New("discarding typed-ahead input is not supported on this platform")

// A key pressed before an approval request is shown must not answer it.
// Lines a previous prompt's read already took are caught by
// lineReader.stale; what is still in the terminal — typed ahead of the
// very first prompt, or a line not yet finished — nothing has read, so
// each prompt first discards the terminal's unread input
// (discardTypeAhead: tcflush(fd, TCIFLUSH) on Linux, see
// typeahead_linux.go). Elsewhere it cannot, and the README says a line
// typed ahead of the first prompt answers it.

// discarder discards a terminal's unread input and returns how many bytes
// of whole lines it held (a partial line is discarded too, uncounted).
// It is nil when standard input is not a terminal.
type discarder func() (int, error)

// terminalDiscarder is the discarder for the terminal on fd.
func terminalDiscarder(fd int) discarder {
	return func() (int, error) { return discardTypeAhead(fd) }
}
