package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
)

// The test binary re-executed as a worker process: childEnv selects the
// mode, the others configure it.
const (
	childEnv      = "AIGENTIC_SERVICE_CHILD"       // "worker"
	childArgsEnv  = "AIGENTIC_SERVICE_ARGS"        // JSON array of flags
	childModelEnv = "AIGENTIC_SERVICE_MODEL"       // "turns", "refund" or "offline-5ms"
	childLogEnv   = "AIGENTIC_SERVICE_RECORD"      // file: one line per model request and tool effect
	childBlockEnv = "AIGENTIC_SERVICE_BLOCK_AFTER" // after the Nth tool effect, say so and hang
)

// toolDoneLine is what a child prints on stdout when it hangs after a
// tool's effect, for the test to kill it.
const toolDoneLine = "TOOL_DONE"

func childMain() int {
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(childArgsEnv)), &args); err != nil {
		fmt.Fprintln(os.Stderr, "child args:", err)
		return 2
	}
	rec, err := os.OpenFile(os.Getenv(childLogEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child record:", err)
		return 2
	}
	defer rec.Close()
	record := func(format string, a ...any) {
		_, _ = fmt.Fprintf(rec, format+"\n", a...) // one O_APPEND write per line
		_ = rec.Sync()
	}
	var model ai.Model = &turnModel{record: record}
	switch os.Getenv(childModelEnv) {
	case "offline-5ms":
		model = aitest.Inject(offline.NewModel()).WithLatency(5 * time.Millisecond)
	case "refund":
		model = &turnModel{record: record, refund: true}
	}
	blockAfter, _ := strconv.Atoi(os.Getenv(childBlockEnv))
	var mu sync.Mutex
	effects := 0
	after := func(run *aigentic.AgentRun, tool string) {
		record("tool %s %s", tool, run.IdempotencyKey())
		mu.Lock()
		effects++
		n := effects
		mu.Unlock()
		if n == blockAfter {
			fmt.Println(toolDoneLine)
			select {} // hang with the effect done and its result unsaved, until SIGKILL
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := runWith(ctx, args, os.Stderr, options{model: model, afterTool: after}); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// turnModel answers by the conversation's progress, not by how often it
// was called, so a worker that takes over a job mid-way gets the answers
// the first one would have: open ticket "first", open ticket "second",
// then the final text. It records each request's turn and a digest of
// its messages; a request repeated for a saved step shows as a repeated
// line. With refund, it asks for a refund of order 42 (a tool needing
// approval), then answers "refund handled".
type turnModel struct {
	record func(format string, a ...any)
	refund bool
}

func (m *turnModel) ModelName() string { return "turns" }

func (m *turnModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "turns"}, nil
}

func (m *turnModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	turn := 0
	for _, msg := range req.Messages {
		if msg.Role == ai.RoleAssistant {
			turn++
		}
	}
	b, _ := json.Marshal(req.Messages)
	sum := sha256.Sum256(b)
	m.record("model turn=%d messages=%d digest=%s", turn, len(req.Messages), hex.EncodeToString(sum[:8]))
	usage := ai.Usage{InputTokens: 10, OutputTokens: 5}
	if m.refund {
		if turn == 0 {
			return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{
				{ID: "call_r0", Name: "issue_refund", Arguments: `{"order_id":42}`}}}}, nil
		}
		return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, Content: "refund handled"}}, nil
	}
	if turn < 2 {
		subject := []string{"first", "second"}[turn]
		return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{
			{ID: "call_t" + strconv.Itoa(turn), Name: "open_ticket", Arguments: `{"subject":"` + subject + `"}`}}}}, nil
	}
	return &ai.Response{Usage: usage, Message: ai.Message{Role: ai.RoleAssistant, Content: "done"}}, nil
}
