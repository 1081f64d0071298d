package window_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// What was compacted is visible where an operator looks: the run's trace
// file has a line per compaction, the run's log an "interceptor decision"
// record with the tokens before and after, and a span an aigentic.decision
// event (By "window", Action "compact", the reason). Stats and the events
// are TestRunSendsCompactedAndKeepsTheTranscript's.
func TestCompactionReachesTraceLogAndSpan(t *testing.T) {
	c := mustNew(t, window.Options{Window: 3_000, Reserve: 300})
	var steps []aitest.Step
	for range 6 {
		steps = append(steps, aitest.CallTools(aitest.Call("fetch", `{"url":"u"}`)))
	}
	model := aitest.NewScripted(append(steps, aitest.Reply("done"))...)
	var log strings.Builder
	trace := aigentic.NewTrace()
	trace.Directory = t.TempDir()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	run, err := aigentic.Agent{Model: model, Instructions: "Read the pages.", Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Trace: trace, TracerProvider: tp, AgentTools: []aigentic.AgentTool{fetchTool(4_000)},
		Interceptors: []aigentic.Interceptor{c}}.Start("read six pages")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	n := run.Stats().Compactions
	if n == 0 {
		t.Fatal("nothing was compacted: the test would prove nothing")
	}

	b, err := os.ReadFile(run.TraceFilepath())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(b), "--- window: compact on model call "); got != n {
		t.Fatalf("%d compaction lines in the trace for %d compactions:\n%s", got, n, b)
	}
	if got := strings.Count(log.String(), `msg="interceptor decision" by=window step="model call `); got != n ||
		!strings.Contains(log.String(), "action=compact reason=") || !strings.Contains(log.String(), "tokens_before=") {
		t.Fatalf("%d compaction records in the log for %d compactions:\n%s", got, n, log.String())
	}
	var spanText strings.Builder
	events := 0
	for _, sp := range spans.Ended() {
		for _, ev := range sp.Events() {
			fmt.Fprintf(&spanText, "%s: %s %v\n", sp.Name(), ev.Name, ev.Attributes)
			set := attribute.NewSet(ev.Attributes...)
			by, _ := set.Value("aigentic.decision.by")
			action, _ := set.Value("aigentic.decision.action")
			reason, _ := set.Value("aigentic.decision.reason")
			if ev.Name == "aigentic.decision" && by.AsString() == window.DecisionBy && action.AsString() == window.ActionCompact &&
				strings.Contains(reason.AsString(), "tokens for a window of 3000") {
				events++
			}
		}
	}
	if events != n {
		t.Fatalf("%d compaction span events for %d compactions:\n%s", events, n, spanText.String())
	}
	waitFor(t, func() bool { return c.Runs() == 0 })
}
