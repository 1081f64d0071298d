package openai

import (
	"encoding/json"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// SetStreamWaits sets how long a stream that has sent its finish reason may
// take to send its usage and its end, for tests that replay servers which
// never end their streams; the returned func restores the defaults.
func SetStreamWaits(usage, done time.Duration) (restore func()) {
	u, d := usageWait, doneWait
	usageWait, doneWait = usage, done
	return func() { usageWait, doneWait = u, d }
}

// SetMaxStreamLine lowers the longest stream line read (openai-go's 32 MiB)
// so that a test need not send 32 MiB; the returned func restores it.
func SetMaxStreamLine(n int) (restore func()) {
	old := maxStreamLine
	maxStreamLine = n
	return func() { maxStreamLine = old }
}

// ParseResponsesBody maps a Responses API body as a non-streamed answer
// is mapped, for the fuzz test.
func ParseResponsesBody(body []byte) (*ai.Response, error) {
	m := NewModel("m", "", WithBaseURL("http://127.0.0.1:1/v1"))
	return m.responsesAnswer(body, &exchange{status: 200})
}

// ParseChatChunks assembles chat completion chunks (JSON texts) and maps
// the answer, as a stream is, for the fuzz test; a chunk that is not JSON
// is skipped.
func ParseChatChunks(chunks []string) (*ai.Response, error) {
	m := NewModel("m", "", WithBaseURL("http://127.0.0.1:1/v1"))
	var a assembler
	for _, c := range chunks {
		if ib, ok := parseInBand("", []byte(c)); ok {
			return nil, m.inBandError(ib, 0, nil, &exchange{optional: []string{"stream_options"}})
		}
		var ch oai.ChatCompletionChunk
		if json.Unmarshal([]byte(c), &ch) == nil {
			a.add(&ch)
		}
	}
	var u ai.Usage
	if a.usage != nil {
		u = usageOf(*a.usage)
	}
	return m.answer(answerParts{msg: a.message(m), reason: a.finish, usage: u, refusal: a.refusal.String()})
}
