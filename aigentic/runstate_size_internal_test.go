package aigentic

import (
	"testing"
	"unsafe"
)

// runStateMax is the largest runState that fits the Go allocator's
// 2,688-byte size class (runtime/sizeclasses.go; the next is 3,072): an
// object with pointers over 512 bytes carries an 8-byte malloc header
// (runtime/mbitmap.go, mallocHeaderSize), so 2,680 bytes of fields. A run
// allocates its state once; a field that pushes it past costs every run
// 384 bytes more to allocate, zero and scan — say so here, or put the
// field where padding holds it.
const runStateMax = 2688 - 8

func TestRunStateFitsItsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(runState{}); n > runStateMax {
		t.Errorf("runState is %d bytes, past the %d that fit its size class", n, runStateMax)
	}
}
