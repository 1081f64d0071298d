package aigentic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// transcriptOf is a sub-agent's transcript of n tool calls, each result
// size bytes long.
func transcriptOf(n, size int) []ai.Message {
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "dig"}}
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		msgs = append(msgs, ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: id, Name: "lookup", Arguments: fmt.Sprintf(`{"n":%d}`, i)}}},
			ai.Message{Role: ai.RoleTool, ToolCallID: id, Name: "lookup", Content: fmt.Sprintf("r%d ", i) + strings.Repeat("x", size)})
	}
	return msgs
}

// A coordinator is told every call of a short sub-agent run, and of a long
// one the calls up to about 5 KiB, then that more were not shown.
func TestHandoffListsWhatTheSubAgentDid(t *testing.T) {
	short := handoff("researcher", &LimitError{Exceeded: LimitMaxLLMCalls, Limit: 3, Calls: 3, Transcript: transcriptOf(2, 10)})
	if strings.Count(short, "\n- lookup ") != 2 || !strings.Contains(short, `{"n":1}`) || strings.Contains(short, "more calls not shown") {
		t.Fatalf("short run's handoff:\n%s\nwant both calls listed, nothing cut", short)
	}
	long := handoff("researcher", &LimitError{Exceeded: LimitMaxLLMCalls, Limit: 50, Calls: 50, Transcript: transcriptOf(50, 500)})
	listed := strings.Count(long, "\n- lookup ")
	if !strings.Contains(long, "more calls not shown") || listed < 8 || listed >= 50 || len(long) > 6<<10 {
		t.Fatalf("long run's handoff: %d bytes, %d calls listed; want the first ≈ 5 KiB of calls, then a note", len(long), listed)
	}
	// The list stops at the first call past 5 KiB, not before.
	before := long[:strings.LastIndex(long, "\n- lookup ")]
	if len(before) > 5<<10 {
		t.Fatalf("the list went on past 5 KiB: %d bytes before its last call", len(before))
	}
}
