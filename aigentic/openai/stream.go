package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// How long a stream that has sent its finish reason may take to send the
// rest. Some proxies send the whole answer and then hold the connection
// open without [DONE]; waiting for the end of the body would last until
// the attempt timeout, or forever.
var (
	// usageWait bounds the wait for the usage chunk after finish_reason
	// (OpenAI sends it right after; a server ignoring include_usage never
	// does). The answer is then complete without usage.
	usageWait = time.Second
	// doneWait bounds the wait for [DONE] and the end of the body once the
	// finish reason and usage have arrived. Reading them lets the
	// connection be reused; a server that sends neither is cut.
	doneWait = 250 * time.Millisecond
)

// errStreamTail is the cause with which a complete stream's request is
// cancelled when its server does not end it.
var errStreamTail = errors.New("openai: the stream was complete and its server did not end it")

// maxStreamJSON bounds a JSON body answering a streaming request.
const maxStreamJSON = 32 << 20

// toolDelta is one tool call being assembled from stream deltas.
type toolDelta struct {
	index    int64
	hasIndex bool
	id       string
	name     string
	args     strings.Builder
}

// assembler builds the answer of choice 0 from stream chunks.
type assembler struct {
	text    strings.Builder
	calls   []*toolDelta
	finish  string
	filters string // content filter categories, from content_filter_results
	usage   *oai.CompletionUsage
	id      string // the response's id ("chatcmpl-…"), from the first chunk that has one
	model   string // the model that answered, likewise
}

// add folds one chunk in and returns its new text, if any.
func (a *assembler) add(ch *oai.ChatCompletionChunk) string {
	if a.id == "" {
		a.id = ch.ID
	}
	if a.model == "" {
		a.model = ch.Model
	}
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
		if f, ok := c.JSON.ExtraFields["content_filter_results"]; ok {
			if names := filteredCategories([]byte(f.Raw())); names != "" {
				a.filters = names
			}
		}
	}
	a.text.WriteString(text.String())
	return text.String()
}

// addCall folds a tool-call delta in. A delta continues the last call with
// its index (or, from servers that send no index, the last call) unless it
// starts a new one ([startsNewCall]). Names are never concatenated: a call
// keeps the first name it gets.
func (a *assembler) addCall(d *oai.ChatCompletionChunkChoiceDeltaToolCall) {
	var cur *toolDelta
	hasIndex := d.JSON.Index.Valid()
	if hasIndex {
		for i := len(a.calls) - 1; i >= 0; i-- {
			if c := a.calls[i]; c.hasIndex && c.index == d.Index {
				cur = c
				break
			}
		}
	} else if n := len(a.calls); n > 0 {
		cur = a.calls[n-1]
	}
	if cur != nil && startsNewCall(cur, d) {
		cur = nil
	}
	if cur == nil {
		cur = &toolDelta{index: d.Index, hasIndex: hasIndex}
		a.calls = append(a.calls, cur)
	}
	if cur.id == "" {
		cur.id = d.ID
	}
	if cur.name == "" {
		cur.name = d.Function.Name
	}
	cur.args.WriteString(d.Function.Arguments)
}

// startsNewCall is the rule for servers that stream parallel calls at one
// index (or with none): a delta bringing a new non-empty ID, or a name
// after a call whose arguments are already complete JSON, is a new call.
func startsNewCall(cur *toolDelta, d *oai.ChatCompletionChunkChoiceDeltaToolCall) bool {
	if d.ID != "" && cur.id != "" && d.ID != cur.id {
		return true
	}
	return d.Function.Name != "" && cur.name != "" && cur.args.Len() > 0 && json.Valid([]byte(cur.args.String()))
}

// message is the assembled assistant message.
func (a *assembler) message() ai.Message {
	msg := ai.Message{Role: ai.RoleAssistant, Content: a.text.String()}
	for _, c := range a.calls {
		// A call without a name or ID is passed on as is: the agent gives
		// it an ID and answers a missing name with an error result the
		// model sees, as for a non-streamed answer.
		msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{ID: c.id, Name: c.name, Arguments: c.args.String()})
	}
	return msg
}

// generateStream makes one streaming request and assembles its answer,
// calling onDelta with each text fragment on the calling goroutine.
//
// The SSE events are decoded here rather than by the SDK's stream, which
// takes any chunk with an "error" key — "error": null included — for an
// error, and knows neither vLLM's {"object":"error"} events nor a stream
// that is complete before its body ends.
func (m *Model) generateStream(ctx context.Context, params oai.ChatCompletionNewParams, onDelta func(string)) (*ai.Response, error) {
	params.StreamOptions.IncludeUsage = oai.Bool(true)
	sctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var x exchange
	var raw *http.Response
	_, err := m.chat.Completions.New(sctx, params,
		option.WithMiddleware(x.middleware),
		option.WithJSONSet("stream", true),
		option.WithResponseBodyInto(&raw))
	if err != nil {
		return nil, m.classify(ctx, err, &x)
	}
	if raw == nil || raw.Body == nil {
		return nil, m.malformed(x.status, "empty answer to a streaming request")
	}
	defer func() { _ = raw.Body.Close() }()

	if mt := x.contentType(); mt != "" && mt != "text/event-stream" && strings.Contains(mt, "json") {
		return m.jsonAnswerToStream(ctx, raw.Body, &x, onDelta)
	}

	var a assembler
	var tail *time.Timer
	defer func() {
		if tail != nil {
			tail.Stop()
		}
	}()
	// cut ends the wait for the rest of a stream after a silence of d.
	cut := func(d time.Duration) {
		if tail == nil {
			tail = time.AfterFunc(d, func() { stop(errStreamTail) })
		} else {
			tail.Reset(d)
		}
	}
	done := false // [DONE] arrived
	dec := ssestream.NewDecoder(raw)
	for dec.Next() {
		ev := dec.Event()
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		if bytes.HasPrefix(data, []byte("[DONE]")) {
			// Read on to the end of the body, so that the connection is
			// reused, but not for long: nothing can come after [DONE].
			done = true
			cut(doneWait)
			continue
		}
		if ib, ok := parseInBand(ev.Type, data); ok {
			return nil, m.inBandError(ib, 0, nil)
		}
		var ch oai.ChatCompletionChunk
		if err := json.Unmarshal(data, &ch); err != nil {
			if a.finish != "" {
				continue // a trailing oddity after a complete answer
			}
			return nil, &ai.ModelError{
				Provider:   providerName,
				StatusCode: x.status,
				Message:    "malformed chunk in the stream",
				Transient:  true,
				Err:        m.redact.wrap(ErrMalformedResponse, err, "malformed chunk: %v", err),
			}
		}
		if text := a.add(&ch); text != "" {
			onDelta(text)
		}
		if a.finish != "" {
			// From the finish reason on, the body is cut after a silence
			// (not a total): servers that repeat finish_reason on every
			// chunk still stream the whole answer.
			if a.usage != nil {
				cut(doneWait)
			} else {
				cut(usageWait)
			}
		}
	}
	cutByUs := (a.finish != "" || done) && errors.Is(context.Cause(sctx), errStreamTail) && ctx.Err() == nil
	if err := dec.Err(); err != nil && !cutByUs {
		me := m.classify(ctx, err, &x)
		if ctx.Err() == nil && x.answered && x.status < 300 {
			if what, ok := networkFailure(err); ok {
				// The events had started: the stream was cut.
				me.Message = "truncated stream: " + what
				me.Err = m.redact.wrap(ErrTruncatedStream, err, "%s", me.Message)
			}
		}
		return nil, me
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	if a.finish == "" {
		return nil, m.truncated(&x, a.text.Len() > 0 || len(a.calls) > 0)
	}
	var u ai.Usage
	if a.usage != nil {
		u = usage(*a.usage)
	}
	resp, err := m.answer(a.message(), a.finish, a.filters, u)
	if resp != nil {
		resp.ID, resp.Model = a.id, a.model
	}
	return resp, err
}

// jsonAnswerToStream reads a JSON body that answered a streaming request:
// a server that does not stream (the whole completion, passed to onDelta
// at once) or an error object with status 200.
func (m *Model) jsonAnswerToStream(ctx context.Context, body io.Reader, x *exchange, onDelta func(string)) (*ai.Response, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxStreamJSON))
	if err != nil {
		return nil, m.classify(ctx, err, x)
	}
	if ib, ok := parseInBand("", data); ok {
		return nil, m.inBandError(ib, 0, nil)
	}
	var res oai.ChatCompletion
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, &ai.ModelError{
			Provider:   providerName,
			StatusCode: x.status,
			Message:    "malformed JSON in the answer",
			Transient:  true,
			Err:        m.redact.wrap(ErrMalformedResponse, err, "malformed JSON: %v", err),
		}
	}
	resp, err := m.response(&res, x.status)
	if err == nil && resp.Message.Content != "" {
		onDelta(resp.Message.Content)
	}
	return resp, err
}

// truncated is the error of a stream that ended without a finish reason.
func (m *Model) truncated(x *exchange, partial bool) error {
	if mt := x.contentType(); x.answered && mt != "" && mt != "text/event-stream" {
		// A server that ignores "stream": true answers with one document,
		// which holds no SSE events: retrying cannot help.
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
