package offline

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// callRec is one tool call made since the last user message, with its
// result when one arrived.
type callRec struct {
	call   ai.ToolCall
	result *ai.Message
	batch  int // which assistant message (since the user message) made it
}

// conv is what the offline model reads from a conversation.
type conv struct {
	system       string
	userIdx      int // index of the last user message; -1 when there is none
	user         string
	earlierUser  []string   // user messages before the last one
	calls        []*callRec // tool calls since the last user message, in order
	orphans      []ai.Message
	lastBatch    int  // batch of the last assistant message with tool calls; -1 when none
	endsWithText bool // the conversation ends with an assistant text reply
	ids          map[string]bool
	assistants   int
}

func readConversation(msgs []ai.Message) *conv {
	c := &conv{userIdx: -1, lastBatch: -1, ids: map[string]bool{}}
	var sys []string
	for i, m := range msgs {
		switch m.Role {
		case ai.RoleSystem:
			if s := strings.TrimSpace(m.Content); s != "" {
				sys = append(sys, s)
			}
		case ai.RoleUser:
			c.userIdx = i
		case ai.RoleAssistant:
			c.assistants++
		}
		for _, tc := range m.ToolCalls {
			c.ids[tc.ID] = true
		}
	}
	c.system = strings.Join(sys, "\n")
	if c.userIdx >= 0 {
		c.user = msgs[c.userIdx].Content
		for _, m := range msgs[:c.userIdx] {
			if m.Role == ai.RoleUser {
				c.earlierUser = append(c.earlierUser, m.Content)
			}
		}
	}
	batch := -1
	for _, m := range msgs[c.userIdx+1:] {
		switch m.Role {
		case ai.RoleAssistant:
			batch++
			if len(m.ToolCalls) > 0 {
				c.lastBatch = batch
			}
			for _, tc := range m.ToolCalls {
				c.calls = append(c.calls, &callRec{call: tc, batch: batch})
			}
		case ai.RoleTool:
			if rec := c.match(m); rec != nil {
				rec.result = &m
			} else {
				c.orphans = append(c.orphans, m)
			}
		}
	}
	if n := len(msgs); n > 0 && c.userIdx < n-1 {
		last := msgs[n-1]
		c.endsWithText = last.Role == ai.RoleAssistant && len(last.ToolCalls) == 0
	}
	return c
}

// match finds the call a tool message answers: by call ID, else the first
// unanswered call with the same tool name.
func (c *conv) match(m ai.Message) *callRec {
	if m.ToolCallID != "" {
		for i := len(c.calls) - 1; i >= 0; i-- {
			if c.calls[i].call.ID == m.ToolCallID && c.calls[i].result == nil {
				return c.calls[i]
			}
		}
		for i := len(c.calls) - 1; i >= 0; i-- {
			if c.calls[i].call.ID == m.ToolCallID {
				return c.calls[i]
			}
		}
	}
	if m.Name != "" {
		for _, rec := range c.calls {
			if rec.result == nil && rec.call.Name == m.Name {
				return rec
			}
		}
	}
	return nil
}

// latest returns the most recent call of the named tool, or nil.
func (c *conv) latest(name string) *callRec {
	for i := len(c.calls) - 1; i >= 0; i-- {
		if c.calls[i].call.Name == name {
			return c.calls[i]
		}
	}
	return nil
}

// sameCalls counts the calls of tc's tool with the same arguments.
func (c *conv) sameCalls(tc ai.ToolCall) int {
	n := 0
	key := callKey(tc)
	for _, rec := range c.calls {
		if callKey(rec.call) == key {
			n++
		}
	}
	return n
}

// callKey identifies a call by its tool and its arguments (as compact JSON
// when they parse).
func callKey(tc ai.ToolCall) string {
	args := strings.TrimSpace(tc.Arguments)
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(args)) == nil {
		args = buf.String()
	}
	return tc.Name + "\x00" + args
}

var (
	waitRe  = regexp.MustCompile(`(?i)\b(?:still\s+(?:processing|running|working|pending|in\s+progress|computing|loading|generating|busy)|check\s+(?:back|again)|try\s+again|poll\s+again|retry\s+later|come\s+back\s+later|pending|in\s+progress|not\s+(?:yet\s+)?(?:ready|finished|done|complete|available)(?:\s+yet)?|please\s+wait)\b`)
	laterRe = regexp.MustCompile(`(?i)\b(?:later|in\s+a\s+(?:moment|bit|few)|shortly|still|pending|in\s+progress|processing|not\s+(?:yet\s+)?ready|busy|temporarily)\b`)
)

// isJSONObject reports whether s is a JSON object: only such arguments are
// sent again.
func isJSONObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil && m != nil
}

// asksToWait reports whether a tool result asks to be checked again later.
// An error result counts only when it speaks of time ("try again later"),
// not a plain "invalid input, try again".
func asksToWait(m *ai.Message) bool {
	if m == nil || !waitRe.MatchString(m.Content) {
		return false
	}
	return !m.IsError || laterRe.MatchString(m.Content)
}

// followUp decides the calls after tool results: re-run tools that asked to
// be checked again (up to maxRepeats identical calls), and the next tool of
// a pipeline. No calls means: write the final answer.
func (c *conv) followUp(p *planner) []ai.ToolCall {
	if c.endsWithText || c.lastBatch < 0 {
		return nil
	}
	var out []ai.ToolCall
	seen := map[string]bool{}
	waiting := map[string]bool{}
	for _, rec := range c.calls {
		if rec.batch != c.lastBatch || rec.result == nil || !asksToWait(rec.result) {
			continue
		}
		waiting[rec.call.Name] = true
		k := callKey(rec.call)
		if seen[k] || c.sameCalls(rec.call) >= maxRepeats || !isJSONObject(rec.call.Arguments) {
			continue
		}
		seen[k] = true
		out = append(out, ai.ToolCall{Name: rec.call.Name, Arguments: rec.call.Arguments})
	}
	if next, ok := c.nextInPipeline(p, waiting); ok {
		out = append(out, next)
	}
	return out
}

// nextInPipeline returns the call of the first pipeline tool not yet
// called, whose input is the request plus the previous tool's result. The
// pipeline stops when the previous tool failed or has not finished.
func (c *conv) nextInPipeline(p *planner, waiting map[string]bool) (ai.ToolCall, bool) {
	pipe := p.pipeline
	for i, cand := range pipe {
		if c.latest(cand.ti.tool.Name) != nil {
			continue
		}
		if i == 0 {
			return ai.ToolCall{Name: cand.ti.tool.Name, Arguments: marshalArgs(cand.args)}, true
		}
		prevName := pipe[i-1].ti.tool.Name
		prev := c.latest(prevName)
		if prev == nil || prev.result == nil || prev.result.IsError || waiting[prevName] || asksToWait(prev.result) {
			return ai.ToolCall{}, false
		}
		input := p.r.free + "\n\nResult from " + prevName + ":\n" + strings.TrimSpace(prev.result.Content)
		args := map[string]any{cand.ti.props[0].name: cutRunes(input, 4*maxFreeRunes)}
		return ai.ToolCall{Name: cand.ti.tool.Name, Arguments: marshalArgs(args)}, true
	}
	return ai.ToolCall{}, false
}
