package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// Demo 6 on the offline model behind 20ms of latency per response, more
// than demo 6's 10ms timeouts: each counts from its tool's start, so every
// part still shows, the parallel lookups included.
func TestRunControlOnSlowOfflineModel(t *testing.T) {
	t.Parallel()
	slow := aitest.Inject(offline.NewModel()).WithLatency(20 * time.Millisecond)
	r := runSys(t, context.Background(), []string{"-demo", "6"}, nil, system{model: slow})
	if r.err != nil {
		t.Fatalf("run: %v\n%s", r.err, r.out)
	}
	var demo6 []string
	for _, v := range shownAll {
		if strings.HasPrefix(v, "✓ 6") {
			demo6 = append(demo6, v)
		}
	}
	mustContain(t, r.out, demo6...)
	mustContain(t, r.out, "✓ Demo 6 showed its pattern.")
}

// The meeting that makes 6e's lookups overlap in tests can fail: with the
// calls run one at a time, the first lookup never meets the second, the
// run fails, and the observer saw one call at a time. (The watchdog is
// short here: the second call cannot come while the first waits.)
func TestMeetingFailsWhenCallsRunOneAtATime(t *testing.T) {
	t.Parallel()
	m := newMeeting()
	m.watchdog = 20 * time.Millisecond
	r := runControlled(context.Background(), exampleAgent(slowLookupOrderTool(m.wait)), "Where are order 1042 and order 1043?", runControl{})
	if !strings.Contains(errString(r.Err), "ran one at a time") || r.MostAtOnce != 1 || len(r.CallsPerTurn) != 1 || r.CallsPerTurn[0] != 2 {
		t.Fatalf("err %v, %d at once, calls per response %v", r.Err, r.MostAtOnce, r.CallsPerTurn)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// abandonWatch records the grace of each abandoned tool call.
type abandonWatch struct {
	mu     sync.Mutex
	graces []time.Duration
}

func (w *abandonWatch) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.ToolAbandoned); ok {
		w.mu.Lock()
		w.graces = append(w.graces, s.Grace)
		w.mu.Unlock()
	}
	return ctx
}

// serve sets demo 7's run control on the agent: its ParallelToolCalls
// (two lookups meet, else the run fails), its ToolTimeout (a 30s report
// becomes an error result the model sees: tool_timeouts 1 in the
// figures; the request's own 5s timeout is a watchdog) and its StopGrace
// (the abandoned call's grace is the one set: tools_abandoned 1).
func TestServeAppliesRunControl(t *testing.T) {
	t.Parallel()
	var record bytes.Buffer
	s := production{Timeout: 5 * time.Second, MaxLLMCalls: 10, ToolTimeout: time.Minute, ParallelToolCalls: 4,
		StopGrace: 7 * time.Millisecond, Metrics: slog.New(slog.NewJSONHandler(&record, nil))}

	r := serve(context.Background(), exampleAgent(slowLookupOrderTool(newMeeting().wait)), "Where are order 1042 and order 1043?", s)
	if r.Err != nil || r.Stats.ToolCalls != 2 || r.Stats.ToolErrors != 0 {
		t.Fatalf("parallel lookups: err %v, stats %+v", r.Err, r.Stats)
	}

	record.Reset()
	s.ToolTimeout = 10 * time.Millisecond
	r = serve(context.Background(), exampleAgent(generateReportTool(reportTakes, nil)), "Generate the weekly sales report.", s)
	if r.Err != nil || !strings.Contains(record.String(), `"tool_timeouts":1,"tools_abandoned":0,`) {
		t.Fatalf("tool timeout: err %v, record %s", r.Err, record.String())
	}

	record.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	export := newHungExport(cancel)
	defer export.finish(5 * time.Second)
	agent := exampleAgent(export.tool())
	w := &abandonWatch{}
	agent.Observers = []aigentic.Observer{w}
	r = serve(ctx, agent, "Export order batch 77 to the legacy ERP.", s)
	var se *aigentic.StoppedError
	if !errors.As(r.Err, &se) || len(se.Abandoned) != 1 || !export.running() ||
		!strings.Contains(record.String(), `"tools_abandoned":1,`) || len(w.graces) != 1 || w.graces[0] != s.StopGrace {
		t.Fatalf("stuck tool: err %v, still hanging %v, graces %v, record %s", r.Err, export.running(), w.graces, record.String())
	}
}

func TestToolDeadline(t *testing.T) {
	t.Parallel()
	// Not started: no deadline, and it does not end by itself.
	c, cancel := withToolDeadline(context.Background(), time.Millisecond)
	if _, ok := c.Deadline(); ok || c.Err() != nil {
		t.Fatalf("before start: deadline set or err %v", c.Err())
	}
	session := aigentic.NewSession(c)
	c.start()
	if _, ok := c.Deadline(); !ok {
		t.Error("after start: no deadline")
	}
	<-session.Context.Done()
	if !errors.Is(session.Err(), context.DeadlineExceeded) || !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("session err %v, ctx err %v, want context.DeadlineExceeded", session.Err(), c.Err())
	}
	cancel()
	session.Cancel()

	// The parent's end and cancel end it with their own errors.
	parent, stop := context.WithCancel(context.Background())
	c, cancel = withToolDeadline(parent, time.Hour)
	defer cancel()
	stop()
	<-c.Done()
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("parent cancelled: err %v", c.Err())
	}
	c, cancel = withToolDeadline(context.Background(), time.Hour)
	c.start()
	cancel()
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("cancel: err %v", c.Err())
	}
}
