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

// generateStream makes one streaming request and assembles its answer,
// calling onDelta with each text fragment on the calling goroutine.
//
// The SSE events are decoded here rather than by the SDK's stream, which
// takes any chunk with an "error" key — "error": null included — for an
// error, and knows neither vLLM's {"object":"error"} events nor a stream
// that is complete before its body ends.
func (m *Model) generateStream(ctx context.Context, params oai.ChatCompletionNewParams, sent []string, onDelta func(string)) (*ai.Response, error) {
	if m.rules.StreamUsage {
		params.StreamOptions.IncludeUsage = oai.Bool(true)
		sent = append(sent, "stream_options")
	}
	sctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	x := m.newExchange(sent, true)
	var raw *http.Response
	_, err := m.chat.Completions.New(sctx, params,
		option.WithMiddleware(x.middleware),
		option.WithJSONSet("stream", true),
		option.WithResponseBodyInto(&raw))
	if err != nil {
		return nil, m.classify(ctx, err, x)
	}
	if raw == nil || raw.Body == nil {
		return nil, m.malformed(x.status, "empty answer to a streaming request")
	}
	defer func() { _ = raw.Body.Close() }()

	if mt := x.contentType(); mt != "" && mt != "text/event-stream" && strings.Contains(mt, "json") {
		return m.jsonAnswerToStream(ctx, raw.Body, x, onDelta)
	}

	var a assembler
	tail := streamTail{stop: stop}
	defer tail.close()
	done := false // [DONE] arrived
	raw.Body = newLineLimit(raw.Body)
	dec := ssestream.NewDecoder(raw)
	for dec.Next() {
		ev := dec.Event()
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		x.events++
		if bytes.HasPrefix(data, []byte("[DONE]")) {
			// Read on to the end of the body, so that the connection is
			// reused, but not for long: nothing can come after [DONE].
			done = true
			tail.cut(doneWait)
			continue
		}
		if ib, ok := parseInBand(ev.Type, data); ok {
			return nil, m.inBandError(ib, 0, nil, x)
		}
		if what, ok := responsesShape(data); ok {
			return nil, m.wrongAPI(x.status, what, ChatCompletionsAPI)
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
				tail.cut(doneWait)
			} else {
				tail.cut(usageWait)
			}
		}
	}
	if err := m.streamEnd(ctx, sctx, dec.Err(), x, a.finish != "" || done); err != nil {
		return nil, err
	}
	if a.finish == "" {
		return nil, m.truncated(x, a.text.Len() > 0 || len(a.calls) > 0)
	}
	var u ai.Usage
	if a.usage != nil {
		u = usageOf(*a.usage)
	}
	resp, err := m.answer(answerParts{msg: a.message(m), reason: a.finish, filters: a.filters, usage: u, refusal: a.refusal.String(), status: x.status})
	if resp != nil {
		resp.ID, resp.Model = a.id, a.model
	}
	return resp, err
}

// streamTail cuts a complete stream's body after a silence: some proxies
// send the whole answer and then hold the connection open.
type streamTail struct {
	timer *time.Timer
	stop  context.CancelCauseFunc
}

// cut ends the wait for the rest of the stream after a silence of d.
func (t *streamTail) cut(d time.Duration) {
	if t.timer == nil {
		t.timer = time.AfterFunc(d, func() { t.stop(errStreamTail) })
	} else {
		t.timer.Reset(d)
	}
}

func (t *streamTail) close() {
	if t.timer != nil {
		t.timer.Stop()
	}
}

// streamEnd is the error with which a stream's body ended, if any: none
// when complete and cut by streamTail; a truncated stream when the body
// broke after the events had started; the caller's context's end.
func (m *Model) streamEnd(ctx, sctx context.Context, decErr error, x *exchange, complete bool) error {
	cutByUs := complete && errors.Is(context.Cause(sctx), errStreamTail) && ctx.Err() == nil
	if decErr != nil && !cutByUs {
		me := m.classify(ctx, decErr, x)
		if ctx.Err() == nil && x.answered && x.status < 300 {
			if what, ok := networkFailure(decErr); ok {
				// The events had started: the stream was cut.
				me.Message = "truncated stream: " + what
				me.Err = m.redact.wrap(ErrTruncatedStream, decErr, "%s", me.Message)
			}
		}
		return me
	}
	if err := ctx.Err(); err != nil {
		return contextError(err)
	}
	return nil
}

// jsonAnswerToStream reads a JSON body that answered a streaming request:
// a server that does not stream (the whole completion, passed to onDelta
// at once) or an error object with status 200.
func (m *Model) jsonAnswerToStream(ctx context.Context, body io.Reader, x *exchange, onDelta func(string)) (*ai.Response, error) {
	data, err := m.readJSONAnswer(ctx, body, x)
	if err != nil {
		return nil, err
	}
	if isNull(data) {
		return nil, m.nullAnswer(x)
	}
	if ib, ok := parseInBand("", data); ok {
		return nil, m.inBandError(ib, 0, nil, x)
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
	resp, err := m.response(&res, x)
	if err == nil && resp.Message.Content != "" {
		onDelta(resp.Message.Content)
	}
	return resp, err
}

// truncated is the error of a stream that ended without a finish reason.
func (m *Model) truncated(x *exchange, partial bool) error {
	if err := m.notEventStream(x); err != nil {
		return err
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

// notEventStream is the permanent error of a streaming request's answer
// that ended without its last event because it was no event stream: empty,
// untyped with no event in it, or of another content type. Nil otherwise.
func (m *Model) notEventStream(x *exchange) error {
	if x.emptyBody() || x.notStream() {
		return m.notJSON(x, nil)
	}
	if mt := x.contentType(); x.answered && mt != "" && mt != "text/event-stream" {
		// A server that ignores "stream": true answers with one document,
		// which holds no SSE events: retrying cannot help.
		return &ai.ModelError{
			Provider:   providerName,
			StatusCode: x.status,
			Message:    m.redact.clean("the server answered a streaming request with " + clip(mt) + ", not text/event-stream: it does not support streaming"),
			Err:        m.redact.wrap(ErrMalformedResponse, nil, "not an event stream: %s", clip(mt)),
		}
	}
	return nil
}

// readJSONAnswer reads a JSON body that answered a streaming request, up
// to the cap of a JSON answer ([WithMaxResponseBody]).
func (m *Model) readJSONAnswer(ctx context.Context, body io.Reader, x *exchange) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, m.maxBody+1))
	if err != nil {
		return nil, m.classify(ctx, err, x)
	}
	if int64(len(data)) > m.maxBody {
		x.stream, x.limit = false, m.maxBody
		return nil, m.tooLarge(x)
	}
	if x.emptyBody() {
		return nil, m.notJSON(x, nil)
	}
	return data, nil
}
