package otelagent_test

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
	sleeper         = runtest.Sleeper
	funcModel       = runtest.FuncModel
	countingTool    = runtest.CountingTool
	countingLimiter = runtest.CountingLimiter
	emailInput      = runtest.EmailInput
)

var (
	discardLogger   = runtest.DiscardLogger
	blockingModel   = runtest.BlockingModel
	newLoopModel    = runtest.NewLoopModel
	benchAgent      = runtest.BenchAgent
	spanRecorder    = runtest.SpanRecorder
	approvalAgent   = runtest.ApprovalAgent
	answerApprovals = runtest.AnswerApprovals
)
