package aigentic

import (
	"slices"
	"strconv"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// uniqueToolCallIDs gives every tool call of msg, a model's answer about to
// join the transcript, an ID unique in the run's transcript: a call with no
// ID (servers that send none), or with one already used by an earlier call
// of msg or of the transcript (servers that number calls per answer, or
// repeat one ID for parallel calls), gets a made-up one (madeUpID). Each
// tool message then answers exactly one call, which strict servers (OpenAI)
// require of the next request. The rule is provider-neutral: providers
// pass IDs on as received, empty included.
func (r *AgentRun) uniqueToolCallIDs(msg *ai.Message) {
	if len(msg.ToolCalls) == 0 {
		return
	}
	if r.idsUnique(msg.ToolCalls) {
		return // the common case: every call has an ID never used before
	}
	used := make(map[string]bool, len(msg.ToolCalls))
	r.mu.Lock()
	for i := range r.messages {
		for _, tc := range r.messages[i].ToolCalls {
			used[tc.ID] = true
		}
	}
	r.mu.Unlock()
	cloned := false
	for i := range msg.ToolCalls {
		tc := &msg.ToolCalls[i]
		if tc.ID != "" && !used[tc.ID] {
			used[tc.ID] = true
			continue
		}
		id := r.madeUpID()
		for used[id] {
			id = r.madeUpID()
		}
		used[id] = true
		if !cloned {
			// The calls may be the model's own slice: change a copy.
			msg.ToolCalls = slices.Clone(msg.ToolCalls)
			tc, cloned = &msg.ToolCalls[i], true
		}
		tc.ID = id
	}
}

// idsUnique reports whether every call has an ID, none repeated among
// calls nor used by a call of the transcript: a scan with no map, for the
// run's goroutine (the only writer of the transcript).
func (r *AgentRun) idsUnique(calls []ai.ToolCall) bool {
	for i := range calls {
		id := calls[i].ID
		if id == "" {
			return false
		}
		for j := 0; j < i; j++ {
			if calls[j].ID == id {
				return false
			}
		}
		for k := range r.messages {
			earlier := r.messages[k].ToolCalls
			for j := range earlier {
				if earlier[j].ID == id {
					return false
				}
			}
		}
	}
	return true
}

// madeUpID is the next ID the run makes up for a tool call: "call" and five
// digits ("call00001"), nine letters and digits — the one shape every
// server family accepts, Mistral's included, which refuses any other
// (exactly 9 of a-z, A-Z, 0-9).
func (r *AgentRun) madeUpID() string {
	r.madeIDs++
	n := strconv.Itoa(int(r.madeIDs))
	if len(n) < 5 {
		n = "00000"[len(n):] + n
	}
	return "call" + n
}
