package tracefile

import (
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The tool calls of a run: which have been written, and in which turn.

// startTool notes a tool call's ToolStart: a second call started before
// the first ended makes the turn a parallel one.
func (tr *writer) startTool(id string) {
	if tr.open > 0 {
		tr.parallel = true
	}
	tr.open++
	delete(tr.ran, id)
}

// markRan notes that call id has an attempt or a denial written.
func (tr *writer) markRan(id string) {
	if tr.ran == nil {
		tr.ran = map[string]bool{}
	}
	tr.ran[id] = true
}

// endTool writes a tool call's ToolEnd: the call first if it never ran
// (an unknown tool, invalid arguments), then its result; a failure is
// written by its ToolAttemptEnd.
func (tr *writer) endTool(tc ai.ToolCall, res *ai.ToolResult, err error, d time.Duration) {
	if err == nil {
		if !tr.ran[tc.ID] {
			tr.toolCall(tc, 1)
		}
		tr.toolResult(tc, res, d)
	}
	delete(tr.ran, tc.ID)
	if tr.open--; tr.open <= 0 {
		tr.open, tr.parallel = 0, false
	}
}

// toolCall records a tool call attempt. Arguments longer than referAbove
// that the recorded response holds are referred to, not repeated.
func (tr *writer) toolCall(tc ai.ToolCall, attempt int) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("--- tool call ") // summary
	tr.name(tc.Name)
	tr.str(" (")
	tr.name(tc.ID)
	tr.str("), attempt ")
	tr.num(attempt)
	tr.str(" ---\narguments: ")
	if len(tc.Arguments) > referAbove && tr.inResponse(tc) {
		tr.str("as in the response of LLM call ")
		tr.num(tr.respCall)
		tr.str(" above")
	} else {
		tr.text(tc.Arguments, tr.lim.argument, "MaxToolArgumentBytes", "    ")
	}
	tr.str("\n")
	tr.end(false)
}

func (tr *writer) inResponse(tc ai.ToolCall) bool {
	for i := range tr.resp.calls {
		if c := &tr.resp.calls[i]; c.ID == tc.ID && c.Arguments == tc.Arguments {
			return true
		}
	}
	return false
}

// toolResult records a tool call's result. In a parallel turn, whose
// results are written in call order after its attempts, each names its
// call.
func (tr *writer) toolResult(tc ai.ToolCall, res *ai.ToolResult, d time.Duration) {
	if tr.off() {
		return
	}
	tr.begin()
	content := res.String()
	if tr.parallel {
		tr.str("result of ")
		tr.name(tc.Name)
		tr.str(" (")
		tr.name(tc.ID)
		tr.str(") ")
	} else {
		tr.str("result ")
	}
	tr.str("(error=")
	if res.Error {
		tr.str("true, ")
	} else {
		tr.str("false, ")
	}
	tr.str(d.String())
	tr.str("):\n    ")
	tr.text(content, tr.lim.result, "MaxToolResultBytes", "    ")
	tr.str("\n\n")
	tr.results = append(tr.results, resultKey{id: tc.ID, content: content})
	tr.end(false)
}

func (tr *writer) toolFailure(tc ai.ToolCall, err error, d time.Duration, retryIn time.Duration, willRetry bool) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("tool ")
	tr.name(tc.Name)
	tr.attemptFailed(d, err, tr.lim.result, "MaxToolResultBytes", willRetry, retryIn)
}
