package provider_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: the
// tests talk HTTP to a local server, and a client connection that
// outlives its test is a leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
