package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// respEvent is the part of a Responses API stream event this package
// reads (https://platform.openai.com/docs/api-reference/responses-streaming).
type respEvent struct {
	Type     string          `json:"type"`
	Delta    string          `json:"delta"`
	Item     json.RawMessage `json:"item"`
	Response json.RawMessage `json:"response"`
	Code     json.RawMessage `json:"code"`
	Message  string          `json:"message"`
}

// responsesStream makes one streaming Responses API request: text deltas
// go to onDelta as they arrive (response.output_text.delta); the answer
// is the response of the last event — response.completed,
// response.incomplete or response.failed — mapped as a non-streamed one.
// A stream that ends before it is transient ([ErrTruncatedStream]); an
// "error" event goes through the classification table.
func (m *Model) responsesStream(ctx context.Context, params responses.ResponseNewParams, sent []string, onDelta func(string)) (*ai.Response, error) {
	sctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	x := m.newExchange(sent, true)
	var raw *http.Response
	_, err := m.responses.New(sctx, params,
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
		data, err := m.readJSONAnswer(ctx, raw.Body, x)
		if err != nil {
			return nil, err
		}
		resp, err := m.responsesAnswer(data, x)
		if err == nil && resp.Message.Content != "" {
			onDelta(resp.Message.Content)
		}
		return resp, err
	}

	tail := streamTail{stop: stop}
	defer tail.close()
	var final json.RawMessage // the response of the last event
	var items []json.RawMessage
	var streamed strings.Builder
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
			continue
		}
		var e respEvent
		if err := json.Unmarshal(data, &e); err != nil {
			if final != nil {
				continue // a trailing oddity after a complete answer
			}
			return nil, &ai.ModelError{Provider: providerName, StatusCode: x.status, Message: "malformed event in the stream", Transient: true,
				Err: m.redact.wrap(ErrMalformedResponse, err, "malformed event: %v", err)}
		}
		if ev.Type == "error" || e.Type == "error" {
			ib := inBand{msg: e.Message}
			ib.code, ib.status = codeOf(e.Code)
			if ib.msg == "" {
				if b, ok := parseInBand("error", data); ok {
					ib = b
				}
			}
			return nil, m.inBandError(ib, 0, nil, x)
		}
		if !strings.HasPrefix(e.Type, "response.") {
			if what, ok := chatShape(data); ok {
				return nil, m.wrongAPI(x.status, what, ResponsesAPI)
			}
			if ib, ok := parseInBand(ev.Type, data); ok {
				return nil, m.inBandError(ib, 0, nil, x)
			}
			continue
		}
		switch e.Type {
		case "response.output_text.delta":
			if e.Delta != "" {
				streamed.WriteString(e.Delta)
				onDelta(e.Delta)
			}
		case "response.output_item.done":
			if len(e.Item) > 0 {
				items = append(items, e.Item)
			}
		case "response.completed", "response.incomplete", "response.failed":
			final = e.Response
			tail.cut(doneWait)
		}
	}
	if err := m.streamEnd(ctx, sctx, dec.Err(), x, final != nil); err != nil {
		return nil, err
	}
	if final == nil {
		if err := m.notEventStream(x); err != nil {
			return nil, err
		}
		msg := "truncated stream: it ended before response.completed"
		if streamed.Len() > 0 || len(items) > 0 {
			msg += "; the partial answer was discarded"
		}
		return nil, m.truncatedStream(x, msg)
	}
	return m.responsesAnswer(withItems(final, items), x)
}

// withItems gives a final response without output items the items the
// stream delivered one by one (servers that send response.completed
// without repeating them).
func withItems(final json.RawMessage, items []json.RawMessage) []byte {
	if len(items) == 0 {
		return final
	}
	var r map[string]json.RawMessage
	if json.Unmarshal(final, &r) != nil {
		return final
	}
	if out := bytes.TrimSpace(r["output"]); len(out) > 2 {
		return final // it has its own
	}
	r["output"], _ = json.Marshal(items)
	b, err := json.Marshal(r)
	if err != nil {
		return final
	}
	return b
}
