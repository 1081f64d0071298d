package main

import (
	"encoding/json"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// What the model and the tools produce is the program's data: the
// runtime hands it back unredacted (aigentic's docs: "Not redacted: what
// tools and the model receive, and the answer Execute/Wait return"). A
// provider or gateway that echoes the Authorization header into its
// answer would then send OPENAI_API_KEY to the client and into the
// database. So the service passes everything it stores or serves through
// aigentic.Redact — the registry logs, traces and spans use — before it
// is stored (checkpoints, answers, errors, tickets) or served (runs, jobs,
// steps, events). Known limit: a secret re-encoded or split across two
// strings is not recognised (docs/ARCHITECTURE.md, "What redaction cannot
// catch").

// redactCheckpoint returns a copy of cp whose texts are redacted: message
// contents, tool call ids, names and arguments, and tool names. The run's
// own transcript is not touched. A resumed run reads the redacted copy, so
// the model never sees the secret again either.
func redactCheckpoint(cp *aigentic.Checkpoint) *aigentic.Checkpoint {
	if cp == nil {
		return nil
	}
	out := *cp
	out.Messages = redactMessages(cp.Messages)
	if p := cp.Pending; p != nil {
		rp := *p
		rp.ID = aigentic.Redact(p.ID)
		rp.Call = ai.ToolCall{ID: aigentic.Redact(p.Call.ID), Name: aigentic.Redact(p.Call.Name), Arguments: aigentic.Redact(p.Call.Arguments)}
		rp.Args, _ = redactJSON(p.Args).(map[string]any)
		rp.Values = redactJSON(p.Values)
		rp.Message = aigentic.Redact(p.Message)
		rp.ValidationErrors = make([]string, len(p.ValidationErrors))
		for i, e := range p.ValidationErrors {
			rp.ValidationErrors[i] = aigentic.Redact(e)
		}
		out.Pending = &rp
	}
	return &out
}

// redactJSON returns a copy of a JSON-shaped value (maps, slices,
// strings, numbers; what a tool's arguments decode to) with every string
// redacted. Other values go through JSON first.
func redactJSON(v any) any {
	switch x := v.(type) {
	case nil, bool, float64, int, int64, json.Number:
		return x
	case string:
		return aigentic.Redact(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[aigentic.Redact(k)] = redactJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactJSON(e)
		}
		return out
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return nil
		}
		var y any
		if json.Unmarshal(b, &y) != nil {
			return nil
		}
		return redactJSON(y)
	}
}

// redactMessages returns a redacted copy of msgs.
func redactMessages(msgs []ai.Message) []ai.Message {
	out := make([]ai.Message, len(msgs))
	for i, m := range msgs {
		m.Content = aigentic.Redact(m.Content)
		m.ToolCallID = aigentic.Redact(m.ToolCallID)
		m.Name = aigentic.Redact(m.Name)
		if m.ToolCalls != nil {
			calls := make([]ai.ToolCall, len(m.ToolCalls))
			for j, c := range m.ToolCalls {
				calls[j] = ai.ToolCall{ID: aigentic.Redact(c.ID), Name: aigentic.Redact(c.Name), Arguments: aigentic.Redact(c.Arguments)}
			}
			m.ToolCalls = calls
		}
		out[i] = m
	}
	return out
}
