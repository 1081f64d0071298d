package openai

import (
	"context"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/ssestream"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// toolDelta is one tool call being assembled from stream deltas.
type toolDelta struct {
	index int64
	id    string
	name  string
	args  strings.Builder
}

// assembler builds the answer of choice 0 from stream chunks.
type assembler struct {
	text   strings.Builder
	calls  []*toolDelta
	finish string
	usage  *oai.CompletionUsage
}

// add folds one chunk in and returns its new text, if any.
func (a *assembler) add(ch *oai.ChatCompletionChunk) string {
	if ch.JSON.Usage.Valid() {
		u := ch.Usage // the last usage wins: some servers report a running total
		a.usage = &u
	}
	var text strings.Builder
	for i := range ch.Choices {
		c := &ch.Choices[i]
		if c.Index != 0 {
			continue
		}
		if c.Delta.Content != "" {
			text.WriteString(c.Delta.Content)
		}
		for j := range c.Delta.ToolCalls {
			a.addCall(&c.Delta.ToolCalls[j])
		}
		if c.FinishReason != "" {
			a.finish = c.FinishReason
		}
	}
	a.text.WriteString(text.String())
	return text.String()
}

// addCall folds a tool-call delta in: by index, or, from servers that send
// no index, as a new call when it brings a new ID and a continuation of the
// last call otherwise.
func (a *assembler) addCall(d *oai.ChatCompletionChunkChoiceDeltaToolCall) {
	var cur *toolDelta
	if d.JSON.Index.Valid() {
		for _, c := range a.calls {
			if c.index == d.Index {
				cur = c
				break
			}
		}
	} else if n := len(a.calls); n > 0 && (d.ID == "" || d.ID == a.calls[n-1].id) {
		cur = a.calls[n-1]
	}
	if cur == nil {
		idx := d.Index
		if !d.JSON.Index.Valid() {
			idx = int64(len(a.calls))
		}
		cur = &toolDelta{index: idx}
		a.calls = append(a.calls, cur)
	}
	if cur.id == "" {
		cur.id = d.ID
	}
	if name := d.Function.Name; name != "" && name != cur.name {
		cur.name += name
	}
	cur.args.WriteString(d.Function.Arguments)
}

// collect reads the whole stream, calling onDelta with each text fragment.
func (m *Model) collect(ctx context.Context, stream *ssestream.Stream[oai.ChatCompletionChunk], onDelta func(string), x *exchange) (*ai.Response, error) {
	var a assembler
	for stream.Next() {
		ch := stream.Current()
		if text := a.add(&ch); text != "" {
			onDelta(text)
		}
	}
	if err := stream.Err(); err != nil {
		me := m.classify(ctx, err, x)
		if ctx.Err() == nil && x.answered && x.status < 300 {
			if what, ok := networkFailure(err); ok {
				// The events had started: the stream was cut.
				me.Message = "truncated stream: " + what
				me.Err = m.redact.wrap(ErrTruncatedStream, err, "%s", me.Message)
			} else if isDecodeError(err) {
				me.Message = "malformed chunk in the stream"
			}
		}
		return nil, me
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	if a.finish == "" {
		return nil, m.truncated(x, a.text.Len() > 0 || len(a.calls) > 0)
	}
	msg := ai.Message{Role: ai.RoleAssistant, Content: a.text.String()}
	for i, c := range a.calls {
		if c.name == "" {
			return nil, m.malformed(x.status, "a streamed tool call has no name")
		}
		msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{ID: orID(c.id, i), Name: c.name, Arguments: c.args.String()})
	}
	resp := &ai.Response{Message: msg, FinishReason: finishReason(a.finish, len(msg.ToolCalls))}
	if a.usage != nil {
		resp.Usage = usage(*a.usage)
	}
	return resp, nil
}

// truncated is the error of a stream that ended without a finish reason.
func (m *Model) truncated(x *exchange, partial bool) error {
	if mt := x.contentType(); x.answered && mt != "" && mt != "text/event-stream" {
		// A server that ignores "stream": true answers with one JSON
		// document, which holds no SSE events: retrying cannot help.
		return &ai.ModelError{
			Provider:   providerName,
			StatusCode: x.status,
			Message:    "the server answered a streaming request with " + mt + ", not text/event-stream: it does not support streaming",
			Err:        m.redact.wrap(ErrMalformedResponse, nil, "not an event stream: %s", mt),
		}
	}
	msg := "truncated stream: it ended before the finish reason"
	if partial {
		msg += "; the partial answer was discarded"
	}
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Transient:  true,
		Err:        m.redact.wrap(ErrTruncatedStream, nil, "%s", msg),
	}
}
