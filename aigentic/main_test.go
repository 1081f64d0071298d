package aigentic_test

import (
	"testing"
	"time"

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
	sleeper         = runtest.Sleeper
	logBuffer       = runtest.LogBuffer
	funcModel       = runtest.FuncModel
	countingTool    = runtest.CountingTool
	countingLimiter = runtest.CountingLimiter
	emailInput      = runtest.EmailInput
)

var (
	newJSONLogger   = runtest.NewJSONLogger
	discardLogger   = runtest.DiscardLogger
	records         = runtest.Records
	findRecord      = runtest.FindRecord
	chattyModel     = runtest.ChattyModel
	blockingModel   = runtest.BlockingModel
	replyWith       = runtest.ReplyWith
	objectSchema    = runtest.ObjectSchema
	toolMessages    = runtest.ToolMessages
	drain           = runtest.Drain
	within          = runtest.Within
	newLoopModel    = runtest.NewLoopModel
	benchAgent      = runtest.BenchAgent
	handWritten     = runtest.HandWritten
	concurrent      = runtest.Concurrent
	newTestTrace    = runtest.NewTestTrace
	spanRecorder    = runtest.SpanRecorder
	approvalAgent   = runtest.ApprovalAgent
	answerApprovals = runtest.AnswerApprovals
	drainWith       = runtest.DrainWith
)

// awaitStart waits for a run to reach its model call or tool (started):
// a run that never gets there (it failed to start, or ended early) fails
// the test instead of hanging it.
func awaitStart(t *testing.T, started <-chan struct{}) {
	t.Helper()
	within(t, 10*time.Second, func() { <-started })
}
