package aigentic

import (
	"testing"
	"unsafe"
)

// runStateClass is the Go allocator's size class a run's state fits in
// (runtime/sizeclasses.go: 2688 bytes, then 3072). A run allocates it
// once; a field that pushes it past the class costs every run 384 bytes
// more to allocate, zero and scan — say so here, or move the field where
// padding holds it.
const runStateClass = 2688

func TestRunStateFitsItsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(runState{}); n > runStateClass {
		t.Errorf("runState is %d bytes, past its %d-byte size class", n, runStateClass)
	}
}
