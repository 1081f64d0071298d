package aigentic_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// useDefaultLogger makes slog's default logger write JSON at every level
// into a buffer for the test, and puts the previous one back after it.
func useDefaultLogger(t *testing.T) *logBuffer {
	t.Helper()
	prev := slog.Default()
	logger, buf := newJSONLogger()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

// Without Agent.Logger, a run logs through slog.Default(): filtered at
// LogLevel, with its ids, redacted.
func TestLogThroughSlogDefault(t *testing.T) {
	buf := useDefaultLogger(t)
	const secret = "sk-live-0123456789abcdef"
	broken := &countingTool{Res: func(map[string]any) (*ai.ToolResult, error) { return ai.ErrorText("bad key " + secret), nil }}
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("broken", `{}`)), aitest.Reply("done"))
	run, err := aigentic.Agent{Model: model, Name: "defaulted", LogLevel: slog.LevelWarn,
		AgentTools: []aigentic.AgentTool{broken.Tool("broken", nil)}}.Start("go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), secret) {
		t.Fatalf("secret logged: %s", buf.String())
	}
	recs := records(t, buf)
	if len(recs) != 1 {
		t.Fatalf("%d records at Warn, want the tool's error result only: %v", len(recs), recs)
	}
	r := recs[0]
	if r["msg"] != "tool returned an error result" || r["level"] != "WARN" || r["agent"] != "defaulted" ||
		r["run"] != run.ID() || r["session"] != run.Session().ID || !strings.Contains(r["result"].(string), "[REDACTED]") {
		t.Fatalf("record = %v", r)
	}

	// At Info, the run's end comes too (its start is at Debug).
	buf2 := useDefaultLogger(t)
	if _, err := (aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("hi"))}).Execute("hi"); err != nil {
		t.Fatal(err)
	}
	recs = records(t, buf2)
	if findRecord(recs, "run started") != nil || findRecord(recs, "run finished") == nil {
		t.Fatalf("records at Info = %v", recs)
	}
}
