package aigentic_test

import (
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// BenchmarkTracedRun is BenchmarkAgentRun with a trace file per run: the
// issue 10 target is at most 10× BenchmarkHandWrittenLoop.
func BenchmarkTracedRun(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	agent.Trace = aigentic.NewTrace()
	agent.Trace.Directory = b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	}
}

// BenchmarkConcurrentTracedRuns is BenchmarkConcurrentRuns with a trace
// file per run: the issue 10 target is a wall-ms within 1.5× the untraced
// one.
func BenchmarkConcurrentTracedRuns(b *testing.B) {
	agent := benchAgent(newLoopModel(20 * time.Millisecond))
	agent.Trace = aigentic.NewTrace()
	agent.Trace.Directory = b.TempDir()
	concurrent(b, func() error {
		_, err := agent.Execute("run the steps")
		return err
	})
}
