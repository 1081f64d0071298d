package main

import (
	"bytes"
	"context"
	"errors"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

const (
	researcherInput = "Find what the notes say about cancellation."
	researcherFacts = "- Cancellation (cancellation.md): cancelling the session stops the run; the error wraps context.Canceled."
	writerInput     = "Write a short summary for the team from these facts:\n" + researcherFacts
	writerText      = "Cancel the session and every run in it stops, sub-agents included; errors.Is(err, context.Canceled) tells you so."
)

// scriptedTeam is a deterministic team: the coordinator delegates to the
// researcher (which searches the notes once), then to the writer.
func scriptedTeam() (coord, researcher, writer *aitest.Scripted) {
	coord = aitest.NewScripted(
		aitest.CallTools(aitest.Call("researcher", `{"input":"`+researcherInput+`"}`)),
		aitest.CallTools(aitest.Call("writer", mustJSONInput(writerInput))),
		aitest.Reply("Here is the summary: "+writerText),
	)
	researcher = aitest.NewScripted(
		aitest.CallTools(aitest.Call("search_notes", `{"query":"cancellation"}`)),
		aitest.Reply(researcherFacts),
	)
	writer = aitest.NewScripted(aitest.Reply(writerText))
	return coord, researcher, writer
}

func mustJSONInput(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `{"input":"` + r.Replace(s) + `"}`
}

func testNotes(t *testing.T) []note {
	t.Helper()
	notes, err := loadNotes()
	if err != nil {
		t.Fatal(err)
	}
	return notes
}

// testTeam builds the team on the given models, tracing into a temporary
// directory and logging into logs.
func testTeam(t *testing.T, ctx context.Context, ms models, logs io.Writer, level slog.Level) (aigentic.Agent, *aigentic.Session, *aigentic.Trace) {
	t.Helper()
	session := aigentic.NewSession(ctx)
	t.Cleanup(session.Cancel)
	trace := &aigentic.Trace{SessionID: session.ID, Directory: t.TempDir()}
	if logs == nil {
		logs = io.Discard
	}
	coord := newTeam(teamConfig{
		models:   ms,
		notes:    testNotes(t),
		session:  session,
		trace:    trace,
		logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		logLevel: level,
	})
	return coord, session, trace
}

func lastMessage(t *testing.T, m *aitest.Scripted, request int) ai.Message {
	t.Helper()
	reqs := m.Requests()
	if len(reqs) <= request {
		t.Fatalf("model got %d requests, want more than %d", len(reqs), request)
	}
	msgs := reqs[request].Messages
	return msgs[len(msgs)-1]
}

func TestScriptedDelegationOrderAndExactStats(t *testing.T) {
	coord, researcher, writer := scriptedTeam()
	agent, _, _ := testTeam(t, testContext(t), models{coord, researcher, writer}, nil, slog.LevelWarn)
	var out bytes.Buffer
	answer, _, stats, err := delegate(agent, "Summarize cancellation for the team.", printerTo(&out))
	if err != nil {
		t.Fatalf("delegate: %v\n%s", err, out.String())
	}
	if answer != "Here is the summary: "+writerText {
		t.Errorf("answer = %q", answer)
	}

	// Every scripted step was used: 3 coordinator calls, 2 researcher
	// calls, 1 writer call, each reporting 10 tokens in and 5 out.
	for name, m := range map[string]*aitest.Scripted{"coordinator": coord, "researcher": researcher, "writer": writer} {
		if m.Remaining() != 0 {
			t.Errorf("%s has %d unused steps", name, m.Remaining())
		}
	}
	want := aigentic.Stats{LLMCalls: 6, InputTokens: 60, OutputTokens: 30, ToolCalls: 2, ToolErrors: 0, Retries: 0}
	got := aigentic.Stats{LLMCalls: stats.LLMCalls, InputTokens: stats.InputTokens, OutputTokens: stats.OutputTokens,
		ToolCalls: stats.ToolCalls, ToolErrors: stats.ToolErrors, Retries: stats.Retries}
	if got != want {
		t.Errorf("stats = %+v, want %+v (sub-agents' calls and tokens included)", got, want)
	}

	// The coordinator's model was offered the sub-agents as tools.
	tools := coord.Requests()[0].Tools
	if len(tools) != 2 || tools[0].Name != "researcher" || tools[1].Name != "writer" {
		t.Fatalf("coordinator's tools = %+v, want researcher and writer", tools)
	}
	if props, _ := tools[0].InputSchema["properties"].(map[string]any); props["input"] == nil {
		t.Errorf("researcher tool schema = %v, want an input property", tools[0].InputSchema)
	}

	// The researcher got its input, used its own tool, and its answer
	// reached the coordinator; the writer got the findings.
	if m := researcher.Requests()[0].Messages; m[len(m)-1].Content != researcherInput {
		t.Errorf("researcher's request = %q", m[len(m)-1].Content)
	}
	if msg := lastMessage(t, researcher, 1); msg.Name != "search_notes" || !strings.Contains(msg.Content, "Cancellation (cancellation.md)") {
		t.Errorf("researcher's search result = %+v", msg)
	}
	if msg := lastMessage(t, coord, 1); msg.Name != "researcher" || msg.IsError || msg.Content != researcherFacts {
		t.Errorf("coordinator saw %+v, want the researcher's facts", msg)
	}
	if msg := lastMessage(t, writer, 0); msg.Content != writerInput || !strings.Contains(msg.Content, researcherFacts) {
		t.Errorf("writer's request = %q, want the researcher's facts in it", msg.Content)
	}
	if msg := lastMessage(t, coord, 2); msg.Name != "writer" || msg.Content != writerText {
		t.Errorf("coordinator saw %+v, want the writer's text", msg)
	}

	// The delegation was printed as it happened, in order.
	assertInOrder(t, out.String(),
		"→ coordinator delegates to researcher: "+cli.Clip(researcherInput, 90),
		"← researcher answered (",
		"→ coordinator delegates to writer: Write a short summary",
		"← writer answered (",
	)
}

// A sub-agent failing permanently reaches the coordinator as an error
// result; the coordinator answers anyway and the run succeeds.
func TestScriptedSubAgentFailureIsAnErrorResult(t *testing.T) {
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("researcher", `{"input":"cancellation"}`)),
		aitest.Reply("The researcher is unavailable, so I cannot summarize the notes."),
	)
	researcher := aitest.NewScripted(aitest.Fail(&ai.ModelError{Provider: "aitest", StatusCode: 404, Message: "model not found"}))
	writer := aitest.NewScripted()
	agent, _, trace := testTeam(t, testContext(t), models{coord, researcher, writer}, nil, slog.LevelWarn)
	var out bytes.Buffer
	answer, _, stats, err := delegate(agent, "Summarize cancellation.", printerTo(&out))
	if err != nil {
		t.Fatalf("delegate: %v", err)
	}
	if !strings.Contains(answer, "unavailable") {
		t.Errorf("answer = %q", answer)
	}
	msg := lastMessage(t, coord, 1)
	if msg.Name != "researcher" || !msg.IsError ||
		!strings.Contains(msg.Content, `sub-agent "Researcher" failed`) || !strings.Contains(msg.Content, "model not found") {
		t.Errorf("coordinator saw %+v, want an error result naming the failure", msg)
	}
	if stats.LLMCalls != 3 || stats.ToolErrors != 1 || stats.InputTokens != 20 || stats.OutputTokens != 10 {
		t.Errorf("stats = %+v, want 3 LLM calls (researcher's failed one included), 1 tool error, 20/10 tokens", stats)
	}
	if writer.Calls() != 0 {
		t.Errorf("writer called %d times", writer.Calls())
	}
	if !strings.Contains(out.String(), "✗ researcher failed; the coordinator gets the error as a tool result:") {
		t.Errorf("output lacks the failure:\n%s", out.String())
	}
	sums := summaries(t, trace.Files())
	if len(sums) != 2 || sums[1].Agent != researcherName || sums[1].Outcome != "error" || sums[0].Outcome != "success" {
		t.Errorf("traces = %+v, want the coordinator's (success) and the researcher's (error)", sums)
	}
}

// The same failure injected with aitest.Faulty in front of a model: the
// researcher's transient 503s exhaust its retry, and the coordinator's
// model is told.
func TestFaultySubAgentExhaustsRetriesAndCoordinatorHandlesIt(t *testing.T) {
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("researcher", `{"input":"cancellation"}`)),
		aitest.Reply("The research failed; please try again later."),
	)
	inner := aitest.NewScripted()
	faulty := aitest.Inject(inner).FailNext(aitest.StatusError(503, 0), aitest.StatusError(503, 0))
	var logs testutil.SyncBuffer
	agent, _, _ := testTeam(t, testContext(t), models{coord, faulty, aitest.NewScripted()}, &logs, slog.LevelWarn)
	agent.RetryPolicy = &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}
	_, _, stats, err := delegate(agent, "Summarize cancellation.", printerTo(io.Discard))
	if err != nil {
		t.Fatalf("delegate: %v", err)
	}
	if faulty.Calls() != 2 || inner.Calls() != 0 {
		t.Errorf("faulty got %d calls, inner %d; want 2 (one retry) and 0", faulty.Calls(), inner.Calls())
	}
	msg := lastMessage(t, coord, 1)
	if !msg.IsError || !strings.Contains(msg.Content, "failed after 2 attempts") || !strings.Contains(msg.Content, "503") {
		t.Errorf("coordinator saw %+v", msg)
	}
	if stats.Retries != 1 || stats.LLMCalls != 3 {
		t.Errorf("stats = %+v, want the researcher's retry and call counted", stats)
	}
	// The sub-agent's retry was logged at the inherited level, tagged
	// with its own name.
	if l := logs.String(); !logged(l, "WARN", "retrying after transient failure", researcherName) {
		t.Errorf("logs lack the researcher's retry warning:\n%s", l)
	}
}

// gateModel blocks every call until its context ends, telling when the
// first call began: a sub-agent as slow as you like.
type gateModel struct {
	once    sync.Once
	started chan struct{}
}

func (g *gateModel) ModelName() string { return "gate" }
func (g *gateModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "gate"}, nil
}
func (g *gateModel) Generate(ctx context.Context, _ ai.Request) (*ai.Response, error) {
	g.once.Do(func() { close(g.started) })
	<-ctx.Done()
	return nil, ctx.Err()
}

// Cancelling the session while a sub-agent works stops the sub-agent and
// the coordinator: the whole run ends with context.Canceled.
func TestCancelDuringSlowSubAgentEndsWholeRun(t *testing.T) {
	coord := aitest.NewScripted(
		aitest.CallTools(aitest.Call("researcher", `{"input":"cancellation"}`)),
		aitest.Reply("never reached"),
	)
	slow := &gateModel{started: make(chan struct{})}
	writer := aitest.NewScripted(aitest.Reply("never reached"))
	agent, session, trace := testTeam(t, testContext(t), models{coord, slow, writer}, nil, slog.LevelWarn)
	go func() {
		<-slow.started
		session.Cancel()
	}()
	_, _, _, err := delegate(agent, "Summarize cancellation.", printerTo(io.Discard))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || se.During != `tool "researcher"` {
		t.Errorf("err = %v, want a StoppedError during the researcher", err)
	}
	if coord.Calls() != 1 || writer.Calls() != 0 {
		t.Errorf("after cancel: coordinator called %d times, writer %d", coord.Calls(), writer.Calls())
	}
	sums := summaries(t, trace.Files())
	if len(sums) != 2 || sums[0].Outcome != "error" || sums[1].Agent != researcherName || sums[1].Outcome != "error" {
		t.Errorf("traces = %+v, want both runs ended in error", sums)
	}
	b, _ := os.ReadFile(sums[1].Path)
	if !strings.Contains(string(b), "context canceled") {
		t.Errorf("researcher's trace does not record the cancellation:\n%s", b)
	}
}

// Each run — the coordinator's and each sub-agent's — has a trace file of
// the same trace session, and their LLM calls add up to the stats.
func TestTraceHasSubRuns(t *testing.T) {
	coord, researcher, writer := scriptedTeam()
	agent, session, trace := testTeam(t, testContext(t), models{coord, researcher, writer}, nil, slog.LevelWarn)
	_, _, stats, err := delegate(agent, "Summarize cancellation.", printerTo(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	sums := summaries(t, trace.Files())
	want := []struct {
		agent        string
		calls, tools int
	}{{"coordinator", 3, 2}, {researcherName, 2, 1}, {writerName, 1, 0}}
	if len(sums) != len(want) {
		t.Fatalf("%d trace files, want %d: %+v", len(sums), len(want), sums)
	}
	total := 0
	for i, w := range want {
		s := sums[i]
		if s.Agent != w.agent || s.LLMCalls != w.calls || s.ToolCalls != w.tools || s.Outcome != "success" {
			t.Errorf("trace %d = %+v, want agent %s, %d LLM calls, %d tool calls, success", i, s, w.agent, w.calls, w.tools)
		}
		total += s.LLMCalls
		b, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "trace session: "+trace.SessionID+"\nsession: "+session.ID+"\n") {
			t.Errorf("trace %s is not of this session", s.Path)
		}
	}
	if total != stats.LLMCalls {
		t.Errorf("trace files record %d LLM calls, stats say %d", total, stats.LLMCalls)
	}
	b, _ := os.ReadFile(sums[1].Path)
	if !strings.Contains(string(b), "--- tool call search_notes") || !strings.Contains(string(b), "Cancellation (cancellation.md)") {
		t.Errorf("researcher's trace lacks its own tool call:\n%s", b)
	}
}

// Sub-agents log at the coordinator's level, through its logger, tagged
// with their own names.
func TestSubAgentsInheritLogLevelAndLogger(t *testing.T) {
	coord, researcher, writer := scriptedTeam()
	var debug testutil.SyncBuffer
	agent, session, _ := testTeam(t, testContext(t), models{coord, researcher, writer}, &debug, slog.LevelDebug)
	if _, _, _, err := delegate(agent, "Summarize cancellation.", printerTo(io.Discard)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"coordinator", researcherName, writerName} {
		if !logged(debug.String(), "DEBUG", "model request", name, "session="+session.ID) {
			t.Errorf("no debug record of %s in the session's log:\n%s", name, debug.String())
		}
	}

	coord, researcher, writer = scriptedTeam()
	var warn testutil.SyncBuffer
	agent, _, _ = testTeam(t, testContext(t), models{coord, researcher, writer}, &warn, slog.LevelWarn)
	if _, _, _, err := delegate(agent, "Summarize cancellation.", printerTo(io.Discard)); err != nil {
		t.Fatal(err)
	}
	if warn.String() != "" {
		t.Errorf("a successful run logged at warn level:\n%s", warn.String())
	}
}

func TestSearchNotes(t *testing.T) {
	notes := testNotes(t)
	tests := []struct {
		query string
		first string
	}{
		{"cancellation", "Cancellation"},
		{"what do our notes say about cancelling", "Cancellation"},
		{"sub-agents", "Sub-agents"},
		{"retries backoff", "Retries"},
		{"LimitError", "Limits"},
		{"trace files", "Traces"},
		{"approval timeout", "Approvals"},
	}
	for _, tt := range tests {
		hits := searchNotes(notes, tt.query)
		if len(hits) == 0 || hits[0].Title != tt.first {
			t.Errorf("search %q: first hit %+v, want %q", tt.query, hits, tt.first)
		}
		if len(hits) > maxHits {
			t.Errorf("search %q: %d hits, want at most %d", tt.query, len(hits), maxHits)
		}
	}
	for _, q := range []string{"", "notes", "kangaroo"} {
		if hits := searchNotes(notes, q); len(hits) != 0 {
			t.Errorf("search %q: %d hits, want none", q, len(hits))
		}
	}
}

func summaries(t *testing.T, files []string) []aigentic.TraceSummary {
	t.Helper()
	var out []aigentic.TraceSummary
	for _, f := range files {
		s, err := aigentic.ReadTraceSummary(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func assertInOrder(t *testing.T, out string, parts ...string) {
	t.Helper()
	rest := out
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks %q after the previous parts\n--- output ---\n%s", p, out)
		}
		rest = rest[i+len(p):]
	}
}

// logged reports whether a text log line has the level, message and agent
// (and every extra attribute given as key=value).
func logged(logs, level, msg, agent string, extra ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		fields := " " + line + " "
		ok := strings.Contains(fields, " level="+level+" ") &&
			strings.Contains(fields, ` msg="`+msg+`" `) &&
			strings.Contains(fields, " agent="+agent+" ")
		for _, e := range extra {
			ok = ok && strings.Contains(fields, " "+e+" ")
		}
		if ok {
			return true
		}
	}
	return false
}

// With the offline model the coordinator delegates to the researcher,
// then to the writer, handing the writer the researcher's findings.
func TestOfflineDelegationOrderResearcherThenWriter(t *testing.T) {
	m := offline.NewModel()
	agent, _, trace := testTeam(t, testContext(t), models{m, m, m}, nil, slog.LevelWarn)
	r, err := agent.Start(defaultQuestion)
	if err != nil {
		t.Fatal(err)
	}
	var calls []*aigentic.ToolEvent
	results := map[string]*aigentic.ToolResponseEvent{}
	for ev := range r.Next() {
		if ev.ID() != r.ID() {
			continue // a sub-agent's own events
		}
		switch e := ev.(type) {
		case *aigentic.ToolEvent:
			calls = append(calls, e)
		case *aigentic.ToolResponseEvent:
			results[e.ToolName] = e
		}
	}
	answer, err := r.Wait(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].ToolName != "researcher" || calls[1].ToolName != "writer" {
		t.Fatalf("delegations = %+v, want researcher then writer", calls)
	}
	found := results["researcher"]
	if found == nil || found.Error || !strings.Contains(found.Result.String(), "Cancellation (cancellation.md)") {
		t.Fatalf("researcher's result = %+v, want the notes it found", found)
	}
	if in := delegationInput(calls[1].Arguments); !strings.Contains(in, found.Result.String()) {
		t.Errorf("writer's input does not carry the researcher's findings:\n%s", in)
	}
	wrote := results["writer"]
	if wrote == nil || wrote.Error || !strings.Contains(answer, strings.SplitN(wrote.Result.String(), "\n", 2)[0]) {
		t.Errorf("answer does not use the writer's text:\nwriter: %+v\nanswer: %s", wrote, answer)
	}
	if n := len(trace.Files()); n != 3 {
		t.Errorf("%d trace files, want 3", n)
	}
}
