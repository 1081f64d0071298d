package openaitest

// Quirk is a way an OpenAI-compatible server departs from OpenAI's own
// answers. A [Server] given [WithQuirks] reproduces each on every normal
// answer (not on faults), so a client — an example program, through
// OPENAI_BASE_URL — can be run against it. The conformance tests of package
// openai cite the public reports of each.
type Quirk int

const (
	// ToolCallsAtOneIndex streams every tool call of an answer whole, in
	// one chunk each, all at "index": 0 (Ollama; vLLM with some tool
	// parsers). A client that assembles calls by index alone glues them
	// into one.
	ToolCallsAtOneIndex Quirk = iota + 1
	// NoToolCallIDs sends tool calls without an "id" (llama.cpp server
	// and LocalAI builds; older Ollama).
	NoToolCallIDs
	// RepeatedToolCallIDs gives every tool call the same id, "call_0",
	// within an answer and across turns (servers that number calls per
	// answer).
	RepeatedToolCallIDs
	// NullErrorField adds "error": null to every chunk and answer.
	NullErrorField
	// NoDoneMarker ends a stream after its finish reason and usage without
	// "data: [DONE]" and keeps the connection open until the client goes
	// away (proxies in front of streaming servers).
	NoDoneMarker
	// UsageInFinishChunk sends the usage on the finish-reason chunk, not
	// on a separate chunk with empty choices (Ollama, llama.cpp server).
	UsageInFinishChunk
)

// WithQuirks makes the server reproduce quirks on its normal answers.
func WithQuirks(quirks ...Quirk) Option {
	return func(s *Server) {
		if s.quirks == nil {
			s.quirks = map[Quirk]bool{}
		}
		for _, q := range quirks {
			s.quirks[q] = true
		}
	}
}

// has reports whether the server has quirk q.
func (s *Server) has(q Quirk) bool { return s.quirks[q] }
