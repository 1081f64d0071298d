package tracefile_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
)

// TestMain fails the package when any test leaves a goroutine behind: a
// run, an event pump or a timer that outlives its run is a leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Test helpers shared with the runtime's other packages (internal/runtest),
// under the names this package's tests use.
type (
	sleeper      = runtest.Sleeper
	countingTool = runtest.CountingTool
)

var (
	newJSONLogger = runtest.NewJSONLogger
	discardLogger = runtest.DiscardLogger
	records       = runtest.Records
	findRecord    = runtest.FindRecord
	replyWith     = runtest.ReplyWith
	newLoopModel  = runtest.NewLoopModel
	benchAgent    = runtest.BenchAgent
	handWritten   = runtest.HandWritten
	concurrent    = runtest.Concurrent
	newTestTrace  = runtest.NewTestTrace
)
