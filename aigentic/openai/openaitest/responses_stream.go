package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// respEvents writes the Responses API's stream events, numbered. Headers
// are written with the first event, so that an error before any output can
// still be an HTTP status.
type respEvents struct {
	w       http.ResponseWriter
	seq     int
	started bool
}

func (e *respEvents) send(typ string, fields map[string]any) {
	if !e.started {
		e.started = true
		e.w.Header().Set("Content-Type", "text/event-stream")
		e.w.Header().Set("Cache-Control", "no-cache")
		e.w.WriteHeader(http.StatusOK)
	}
	fields["type"] = typ
	fields["sequence_number"] = e.seq
	e.seq++
	b, _ := json.Marshal(fields)
	_, _ = fmt.Fprintf(e.w, "event: %s\ndata: %s\n\n", typ, b)
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
}

// responsesStream serves a streaming Responses API request: the model's
// text as output_text deltas while it streams, then each output item —
// reasoning, message, function calls (arguments in two deltas) — added
// and done, and response.completed (or response.incomplete) with the
// whole response. A model error before any event is an HTTP status; after
// one, an "error" event.
func (s *Server) responsesStream(w http.ResponseWriter, r *http.Request, wr *respRequest, req ai.Request, id string, reasoning bool) {
	ev := &respEvents{w: w}
	inProgress := map[string]any{"id": id, "object": "response", "status": "in_progress", "model": wr.Model, "output": []any{}}
	msgID := "msg_" + strings.TrimPrefix(id, "resp_")
	msgIndex := 0
	if reasoning {
		// A reasoning model thinks first: its reasoning item leads.
		item := reasoningItem(id)
		ev.send("response.created", map[string]any{"response": inProgress})
		ev.send("response.output_item.added", map[string]any{"output_index": 0, "item": item})
		ev.send("response.output_item.done", map[string]any{"output_index": 0, "item": item})
		msgIndex = 1
	}
	var streamed strings.Builder
	open := false // the message item was announced
	openMessage := func() {
		if open {
			return
		}
		open = true
		if !ev.started {
			ev.send("response.created", map[string]any{"response": inProgress})
		}
		ev.send("response.output_item.added", map[string]any{"output_index": msgIndex, "item": map[string]any{
			"type": "message", "id": msgID, "status": "in_progress", "role": "assistant", "content": []any{}}})
		ev.send("response.content_part.added", map[string]any{"item_id": msgID, "output_index": msgIndex, "content_index": 0,
			"part": map[string]any{"type": "output_text", "text": "", "annotations": []any{}}})
	}
	req.OnDelta = func(text string) {
		if text == "" {
			return
		}
		openMessage()
		streamed.WriteString(text)
		ev.send("response.output_text.delta", map[string]any{"item_id": msgID, "output_index": msgIndex, "content_index": 0, "delta": text})
	}
	resp, err := s.model.Generate(r.Context(), req)
	if err != nil {
		if r.Context().Err() != nil {
			return
		}
		if !ev.started {
			writeModelError(w, err)
			return
		}
		_, _, code, msg := describe(err)
		ev.send("error", map[string]any{"code": code, "message": msg, "param": nil})
		return
	}
	if !ev.started {
		ev.send("response.created", map[string]any{"response": inProgress})
	}
	if rest, ok := strings.CutPrefix(resp.Message.Content, streamed.String()); ok && rest != "" {
		req.OnDelta(rest) // a model that did not stream, or not all of it
	}
	output := s.outputItems(id, resp, reasoning)
	for i, item := range output {
		switch item["type"] {
		case "reasoning":
			continue // sent first
		case "message":
			openMessage()
			text := resp.Message.Content
			ev.send("response.output_text.done", map[string]any{"item_id": msgID, "output_index": i, "content_index": 0, "text": text})
			ev.send("response.content_part.done", map[string]any{"item_id": msgID, "output_index": i, "content_index": 0,
				"part": map[string]any{"type": "output_text", "text": text, "annotations": []any{}}})
		case "function_call":
			args := item["arguments"].(string)
			added := map[string]any{}
			for k, v := range item {
				added[k] = v
			}
			added["arguments"], added["status"] = "", "in_progress"
			ev.send("response.output_item.added", map[string]any{"output_index": i, "item": added})
			half := len(args) / 2
			for _, piece := range []string{args[:half], args[half:]} {
				ev.send("response.function_call_arguments.delta", map[string]any{"item_id": item["id"], "output_index": i, "delta": piece})
			}
			ev.send("response.function_call_arguments.done", map[string]any{"item_id": item["id"], "output_index": i, "arguments": args})
		default:
			ev.send("response.output_item.added", map[string]any{"output_index": i, "item": item})
		}
		ev.send("response.output_item.done", map[string]any{"output_index": i, "item": item})
	}
	final := responseObject(id, s.answerModel(wr.Model), resp, output)
	end := "response.completed"
	if final["status"] == "incomplete" {
		end = "response.incomplete"
	}
	ev.send(end, map[string]any{"response": final})
}
