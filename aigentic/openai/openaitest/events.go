package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// ---- server-sent events ----

// events writes a chat completion as server-sent events. Headers and the
// role chunk are written lazily, so that an error before any output can
// still be an HTTP status.
type events struct {
	w       http.ResponseWriter
	id      string
	model   string
	created int64
	usageOn bool
	started bool
	// nullError adds "error": null to every chunk (NullErrorField).
	nullError bool
}

func newEvents(w http.ResponseWriter, id string, wr *wireRequest) *events {
	return &events{
		w: w, id: id, model: wr.Model, created: time.Now().Unix(),
		usageOn: wr.StreamOptions != nil && wr.StreamOptions.IncludeUsage,
	}
}

func (e *events) start() {
	if e.started {
		return
	}
	e.started = true
	h := e.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	e.w.WriteHeader(http.StatusOK)
	e.chunk(map[string]any{"role": "assistant", "content": ""}, nil)
}

func (e *events) raw(v any) {
	e.start()
	b, _ := json.Marshal(v)
	e.line(b)
}

func (e *events) line(data []byte) {
	_, _ = fmt.Fprintf(e.w, "data: %s\n\n", data)
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (e *events) chunk(delta map[string]any, finish any) {
	e.line(e.chunkJSON(delta, finish))
}

// chunkJSON is a chunk with one choice.
func (e *events) chunkJSON(delta map[string]any, finish any) []byte {
	c := map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": nil}},
	}
	if e.usageOn {
		c["usage"] = nil
	}
	if e.nullError {
		c["error"] = nil
	}
	b, _ := json.Marshal(c)
	return b
}

// finishWithUsage sends the finish reason and the usage in one chunk.
func (e *events) finishWithUsage(reason string, u ai.Usage) {
	e.start()
	c := map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": reason, "logprobs": nil}},
		"usage":   toWireUsage(u),
	}
	if e.nullError {
		c["error"] = nil
	}
	b, _ := json.Marshal(c)
	e.line(b)
}

func (e *events) content(text string) {
	e.start()
	e.chunk(map[string]any{"content": text}, nil)
}

// delta sends a chunk with the given delta fields (reasoning_content).
func (e *events) delta(fields map[string]any) {
	e.start()
	e.chunk(fields, nil)
}

func (e *events) toolCall(index int, id, name, args string, extra map[string]any) {
	e.start()
	tc := map[string]any{"index": index, "function": map[string]any{"arguments": args}}
	for k, v := range extra {
		tc[k] = v
	}
	if id != "" {
		tc["id"] = id
	}
	if name != "" {
		tc["type"] = "function"
		tc["function"].(map[string]any)["name"] = name
	}
	e.chunk(map[string]any{"tool_calls": []any{tc}}, nil)
}

func (e *events) finish(reason string) {
	e.start()
	e.chunk(map[string]any{}, reason)
}

func (e *events) usage(u ai.Usage) {
	if !e.usageOn {
		return
	}
	b, _ := json.Marshal(map[string]any{
		"id": e.id, "object": "chat.completion.chunk", "created": e.created, "model": e.model,
		"choices": []any{}, "usage": toWireUsage(u),
	})
	e.line(b)
}

func (e *events) done() { e.line([]byte("[DONE]")) }
