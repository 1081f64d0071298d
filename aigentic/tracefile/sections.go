package tracefile

import (
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// The sections of a trace file, one method per step the run reports. The
// run loop (and, through the observer seam, any caller) uses exactly this
// method set; ReadTraceSummary parses the lines marked "summary".

// referAbove is the length past which text already in the file (tool
// arguments in the response that asked for them, an answer that is the
// last response) is referred to instead of repeated. Shorter text is
// repeated: it costs little and reads better.
const referAbove = 256

// msgKey identifies a message already recorded, to notice a conversation
// that was rewritten rather than extended.
type msgKey struct {
	role       ai.Role
	content    string
	toolCallID string
	calls      int
}

func keyOf(m *ai.Message) msgKey {
	return msgKey{role: m.Role, content: m.Content, toolCallID: m.ToolCallID, calls: len(m.ToolCalls)}
}

// respKey is the model response recorded last.
type respKey struct {
	content string
	calls   []ai.ToolCall
}

// resultKey is a tool result recorded since the last model request.
type resultKey struct {
	id, content string
}

func (tr *writer) header(t *Trace, r *hook.RunInfo) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("=== aigentic trace ===\ntrace session: ")
	tr.name(t.SessionID)
	tr.str("\nsession: ")
	tr.name(r.SessionID)
	tr.str("\nrun: ") // summary
	tr.name(r.ID)
	tr.str("\nagent: ") // summary
	tr.name(r.AgentName)
	tr.str("\nmodel: ")
	tr.name(r.Model)
	tr.str("\nstarted: ")
	tr.buf = r.Started.AppendFormat(tr.buf, time.RFC3339Nano)
	tr.str("\nmax_llm_calls: ")
	tr.num(r.MaxLLMCalls)
	tr.str("\nretries: ")
	tr.num(r.Retries)
	tr.str("\n\n")
	tr.end(false)
}

// modelRequest records a request: the tools offered when they changed,
// and the messages not yet in the file. Those already written are
// referred to: "messages sent (8): 1-6 as above, new 7-8".
func (tr *writer) modelRequest(call, attempt int, req *ai.Request) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("--- LLM call ") // summary
	tr.num(call)
	tr.str(", attempt ")
	tr.num(attempt)
	tr.str(" ---\n")
	if tr.toolsChanged(req.Tools) {
		tr.str("tools offered: ")
		for i := range req.Tools {
			if i > 0 {
				tr.str(", ")
			}
			tr.name(req.Tools[i].Name)
		}
		tr.str("\n")
	}
	msgs := req.Messages
	tr.str("messages sent (")
	tr.num(len(msgs))
	tr.str("):")
	from := 0
	switch {
	case tr.sent == 0:
	case tr.sent <= len(msgs) && keyOf(&msgs[tr.sent-1]) == tr.lastSent:
		from = tr.sent
		tr.str(" 1")
		if from > 1 {
			tr.str("-")
			tr.num(from)
		}
		tr.str(" as above")
		if from < len(msgs) {
			tr.str(", new ")
			tr.num(from + 1)
			if from+1 < len(msgs) {
				tr.str("-")
				tr.num(len(msgs))
			}
		}
	default:
		tr.str(" the conversation changed; all of them")
		tr.resp = respKey{}
		tr.results = tr.results[:0]
	}
	tr.str("\n")
	for i := from; i < len(msgs); i++ {
		tr.message(i+1, &msgs[i])
	}
	if len(msgs) > 0 {
		tr.sent, tr.lastSent = len(msgs), keyOf(&msgs[len(msgs)-1])
	}
	tr.results = tr.results[:0]
	// A step starts: what the previous ones recorded goes to disk now,
	// before the wait for the model — unless the last write is less than
	// flushEvery old (steps that fast need no write each).
	tr.end(time.Since(tr.lastFlush) >= flushEvery)
}

// toolsChanged reports whether tools differ from the list last recorded,
// and remembers them.
func (tr *writer) toolsChanged(tools []ai.Tool) bool {
	same := tr.tools != nil && len(tr.tools) == len(tools)
	for i := 0; same && i < len(tools); i++ {
		same = tr.tools[i] == tools[i].Name
	}
	if same || len(tools) == 0 && tr.tools == nil {
		return false
	}
	tr.tools = tr.tools[:0]
	for i := range tools {
		tr.tools = append(tr.tools, tools[i].Name)
	}
	if tr.tools == nil {
		tr.tools = []string{}
	}
	return true
}

// message records message number n of a request: by reference when it is
// the response or a tool result already written, in full otherwise.
func (tr *writer) message(n int, m *ai.Message) {
	tr.str("  #")
	tr.num(n)
	tr.str(" ")
	switch m.Role {
	case ai.RoleTool:
		tr.str("[tool ")
		tr.name(m.Name)
		tr.str(" ")
		tr.name(m.ToolCallID)
		if m.IsError {
			tr.str(" error")
		}
		tr.str("]")
		if tr.resultRecorded(m) {
			tr.str(" result above\n")
			return
		}
		tr.str("\n    ")
		tr.text(m.Content, tr.lim.result, "MaxToolResultBytes", "    ")
		tr.str("\n")
		return
	case ai.RoleAssistant:
		if tr.isRecordedResponse(m) {
			tr.str("[assistant] response of LLM call ")
			tr.num(tr.respCall)
			tr.str(" above")
			for i := range m.ToolCalls {
				if i == 0 {
					tr.str("; tool calls: ")
				} else {
					tr.str(", ")
				}
				tr.name(m.ToolCalls[i].ID)
				tr.str(" ")
				tr.name(m.ToolCalls[i].Name)
			}
			tr.str("\n")
			return
		}
	}
	tr.str("[")
	tr.name(string(m.Role))
	tr.str("]\n")
	tr.body(m)
}

// body records a message's text and tool calls, indented.
func (tr *writer) body(m *ai.Message) {
	if m.Content != "" {
		tr.str("    ")
		tr.text(m.Content, tr.lim.response, "MaxResponseBytes", "    ")
		tr.str("\n")
	}
	for i := range m.ToolCalls {
		tc := &m.ToolCalls[i]
		tr.str("    tool call ")
		tr.name(tc.ID)
		tr.str(" ")
		tr.name(tc.Name)
		tr.str(" ")
		tr.text(tc.Arguments, tr.lim.argument, "MaxToolArgumentBytes", "    ")
		tr.str("\n")
	}
}

func (tr *writer) isRecordedResponse(m *ai.Message) bool {
	if tr.respCall == 0 || m.Content != tr.resp.content || len(m.ToolCalls) != len(tr.resp.calls) {
		return false
	}
	for i := range m.ToolCalls {
		if m.ToolCalls[i].Arguments != tr.resp.calls[i].Arguments {
			return false
		}
	}
	return true
}

func (tr *writer) resultRecorded(m *ai.Message) bool {
	for _, r := range tr.results {
		if r.id == m.ToolCallID && r.content == m.Content {
			return true
		}
	}
	return false
}

func (tr *writer) modelResponse(call, attempt int, resp *ai.Response, d time.Duration) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("response of LLM call ")
	tr.num(call)
	tr.str(", attempt ")
	tr.num(attempt)
	tr.str(": ok in ")
	tr.str(d.String())
	tr.str(", tokens in=")
	tr.num(resp.Usage.InputTokens)
	tr.str(" out=")
	tr.num(resp.Usage.OutputTokens)
	tr.str(", finish=")
	tr.name(resp.FinishReason)
	if resp.Provider != "" {
		tr.str(", answered by ")
		tr.name(resp.Provider)
		tr.str("/")
		tr.name(resp.Model)
	}
	tr.str("\n  [assistant]\n")
	tr.body(&resp.Message)
	tr.str("\n")
	tr.respCall = call
	tr.resp = respKey{content: resp.Message.Content, calls: resp.Message.ToolCalls}
	tr.end(false)
}

func (tr *writer) modelError(call, attempt int, err error, d time.Duration, retryIn time.Duration, willRetry bool) {
	if tr.off() {
		return
	}
	tr.begin()
	tr.str("LLM call ")
	tr.num(call)
	tr.str(", attempt ")
	tr.num(attempt)
	tr.attemptFailed(d, err, tr.lim.response, "MaxResponseBytes", willRetry, retryIn)
}

// note records a free-form line of the run loop (a rate-limit wait, an
// approval asked or answered), capped like tool arguments, which it may
// quote. It is flushed: what follows may wait long.
func (tr *writer) note(format string, args ...any) {
	if tr.off() {
		return
	}
	tr.begin()
	limit := tr.lim.argument
	if limit > 0 {
		limit += 1 << 10
	}
	tr.text(fmt.Sprintf(format, args...), limit, "MaxToolArgumentBytes", "")
	tr.end(true)
}

func (tr *writer) outcome(s hook.Stats, result string, err error) {
	if tr.off() {
		return
	}
	tr.begin()
	if err != nil {
		tr.str("=== outcome: error ===\nerror: ") // summary
		tr.text(err.Error(), tr.lim.response, "MaxResponseBytes", "    ")
		tr.str("\n")
	} else {
		tr.str("=== outcome: success ===\nanswer:\n    ") // summary
		if len(result) > referAbove && tr.respCall > 0 && result == tr.resp.content {
			tr.str("the response of LLM call ")
			tr.num(tr.respCall)
			tr.str(" above")
		} else {
			tr.text(result, tr.lim.response, "MaxResponseBytes", "    ")
		}
		tr.str("\n")
	}
	tr.str("duration: ") // summary
	tr.str(s.Duration.String())
	tr.str("\nllm_calls: ")
	tr.num(s.LLMCalls)
	tr.str("\nretries: ")
	tr.num(s.Retries)
	tr.str("\ntool_calls: ")
	tr.num(s.ToolCalls)
	tr.str("\ntool_errors: ")
	tr.num(s.ToolErrors)
	tr.str("\ntokens_in: ") // summary
	tr.num(s.InputTokens)
	tr.str("\ntokens_out: ") // summary
	tr.num(s.OutputTokens)
	tr.str("\n")
	tr.end(false)
}

// attemptFailed ends a failed attempt's section: " failed after D: ERROR" (the
// error cut at limit, named field in the cut's note), the retry's delay
// when there is one, and the blank line after it.
func (tr *writer) attemptFailed(d time.Duration, err error, limit int, field string, willRetry bool, retryIn time.Duration) {
	tr.str(" failed after ")
	tr.str(d.String())
	tr.str(": ")
	tr.text(err.Error(), limit, field, "    ")
	if willRetry {
		tr.str("\n  retrying in ")
		tr.str(retryIn.String())
	}
	tr.str("\n\n")
	tr.end(false)
}
