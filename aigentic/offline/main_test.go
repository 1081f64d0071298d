package offline

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind (the
// concurrency test starts 16).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
