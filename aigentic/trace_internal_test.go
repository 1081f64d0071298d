package aigentic

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// The trace file failing in the middle of a run (a full disk, a revoked
// mount) logs one warning and stops tracing; the run completes.
func TestTraceWriteFailureMidRun(t *testing.T) {
	trace := NewTrace()
	trace.Directory = filepath.Join(t.TempDir(), "traces")
	buf := &testutil.SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	breakTrace := AgentTool{
		Name: "break_trace",
		Execute: func(run *AgentRun, args map[string]any) (*ai.ToolResult, error) {
			_ = run.trace.f.Close() // every later write fails
			return ai.Text("broken"), nil
		},
	}
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("break_trace", `{}`)),
		aitest.CallTools(aitest.Call("break_trace", `{}`)),
		aitest.Reply("still fine"),
	)
	run, err := Agent{Model: model, Logger: logger, Trace: trace, AgentTools: []AgentTool{breakTrace}}.Start("hi")
	if err != nil {
		t.Fatal(err)
	}
	got, err := run.Wait(0)
	if err != nil || got != "still fine" {
		t.Fatalf("run = %q, %v", got, err)
	}
	logs := buf.String()
	if n := strings.Count(logs, "trace write failed"); n != 1 {
		t.Fatalf("%d trace warnings, want exactly 1:\n%s", n, logs)
	}
	if !strings.Contains(logs, `"level":"WARN","msg":"trace write failed`) {
		t.Fatalf("trace failure not logged at Warn:\n%s", logs)
	}
	if !run.trace.failed {
		t.Fatal("trace not marked failed")
	}
}
