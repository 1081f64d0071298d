package tracefile_test

import (
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// The trace file's cost, in the scenario of bench_test.go (one run = 6
// model calls and 5 tool calls, zero-latency model). Issue 10's targets:
// BenchmarkTracedRun at most 10× BenchmarkHandWrittenLoop, and
// BenchmarkConcurrentTracedRuns' wall-ms within 1.5× BenchmarkConcurrentRuns'.
//
// On a busy machine wall time per op mostly measures the scheduler, so the
// serial benchmarks also report cpu-ns/op: the process's user+system CPU
// time per run (getrusage), which the Trace* baselines report for the
// hand-written loop and the untraced runtime.

// BenchmarkTracedRun is BenchmarkAgentRun with a trace file per run.
func BenchmarkTracedRun(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	agent.Trace = aigentic.NewTrace()
	agent.Trace.Directory = b.TempDir()
	cpuPerOp(b, func() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	})
}

// BenchmarkTraceBaselineHandWritten is BenchmarkHandWrittenLoop with
// cpu-ns/op.
func BenchmarkTraceBaselineHandWritten(b *testing.B) {
	m := newLoopModel(0)
	cpuPerOp(b, func() {
		if err := handWritten(m); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkTraceBaselineUntraced is BenchmarkAgentRun with cpu-ns/op.
func BenchmarkTraceBaselineUntraced(b *testing.B) {
	agent := benchAgent(newLoopModel(0))
	cpuPerOp(b, func() {
		out, err := agent.Execute("run the steps")
		if err != nil || out != "done" {
			b.Fatal(out, err)
		}
	})
}

// BenchmarkConcurrentTracedRuns is BenchmarkConcurrentRuns with a trace
// file per run.
func BenchmarkConcurrentTracedRuns(b *testing.B) {
	agent := benchAgent(newLoopModel(20 * time.Millisecond))
	agent.Trace = aigentic.NewTrace()
	agent.Trace.Directory = b.TempDir()
	concurrent(b, func() error {
		_, err := agent.Execute("run the steps")
		return err
	})
}

// cpuPerOp runs op in b.Loop and reports the process CPU time per op
// (zero where the platform has no getrusage).
func cpuPerOp(b *testing.B, op func()) {
	b.ReportAllocs()
	start := processCPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	if cpu := processCPU() - start; cpu > 0 && n > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
