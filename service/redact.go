package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

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

// callIDSubstitutePrefix starts the id redactCallID gives a tool call
// whose own id redaction would change.
const callIDSubstitutePrefix = "call_"

// redactCallID is tool call id id as the service stores, keys and serves
// it (checkpoints, approvals and their ids, decisions, idempotency keys,
// steps): id itself when aigentic.Redact leaves it unchanged and it is
// plain (plainCallID); otherwise — a provider's id that looks like a
// secret, "sk-…", or holds a NUL, or is 8,000 bytes long — "call_" and the
// first 16 hex digits of SHA-256(id). Redaction alone would give every
// such id the same "[REDACTED]", and two tool calls of a job would then
// share one approval and one decision (a second refund approved by the
// first's). The substitute holds no part of id, is the same for the same
// id in every process, and is its own substitute (redactCallID of it is
// itself), so a resumed run that reads it from its checkpoint names the
// call as before. Two ids collide only if SHA-256's first 64 bits do, or
// if a provider sends as a call's id the substitute of another's.
func redactCallID(id string) string {
	if aigentic.Redact(id) == id && plainCallID(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return callIDSubstitutePrefix + hex.EncodeToString(sum[:8])
}

// maxPlainCallID is the longest call id stored as it is: real ones are
// under 64 bytes (OpenAI's "call_" and 24 characters); a longer one would
// pass PostgreSQL's btree key limit (about 2.7 KB) in a primary key.
const maxPlainCallID = 128

// plainCallID reports whether id can be stored and keyed as it is: short,
// valid UTF-8, no control character (PostgreSQL's TEXT refuses NUL). Any
// other id is replaced by its substitute, as a secret-shaped one is.
func plainCallID(id string) bool {
	return len(id) <= maxPlainCallID && utf8.ValidString(id) && !strings.ContainsFunc(id, unicode.IsControl)
}

// redactIdempotencyKey is a tool call's idempotency key
// (AgentRun.IdempotencyKey: "<durable key>/<tool call id>") as it is
// stored: the call id's part through redactCallID, so the key holds no
// secret and is the same before a crash (the call's own id) and after the
// resume (the id from the checkpoint). The durable key (jobKey) holds no
// secret and no "/".
func redactIdempotencyKey(key string) string {
	durable, call, ok := strings.Cut(key, "/")
	if !ok {
		return redactCallID(key)
	}
	return durable + "/" + redactCallID(call)
}

// redactCheckpoint returns a copy of cp whose texts are redacted: message
// contents, tool names and arguments, tool call ids (redactCallID). The run's
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
		rp.ID = redactCallID(p.ID)
		rp.Call = ai.ToolCall{ID: redactCallID(p.Call.ID), Name: aigentic.Redact(p.Call.Name), Arguments: aigentic.Redact(p.Call.Arguments)}
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
		m.ToolCallID = redactCallID(m.ToolCallID)
		m.Name = aigentic.Redact(m.Name)
		if m.ToolCalls != nil {
			calls := make([]ai.ToolCall, len(m.ToolCalls))
			for j, c := range m.ToolCalls {
				calls[j] = ai.ToolCall{ID: redactCallID(c.ID), Name: aigentic.Redact(c.Name), Arguments: aigentic.Redact(c.Arguments)}
			}
			m.ToolCalls = calls
		}
		out[i] = m
	}
	return out
}
