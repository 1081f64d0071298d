//go:build !linux

package main

// discardTypeAhead cannot discard a terminal's input on this platform.
func discardTypeAhead(int) (int, error) { return 0, errNoTypeAheadDiscard }
