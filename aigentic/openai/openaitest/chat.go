package openaitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// intake reads, records and validates a request body with validate, and
// checks the key. It returns the body, or false once it has answered (an
// invalid body, a wrong key, a client gone).
func (s *Server) intake(w http.ResponseWriter, r *http.Request, route string, validate func([]byte) error) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	s.mu.Lock()
	s.requests = append(s.requests, body)
	n := len(s.requests) - 1
	s.mu.Unlock()
	if err != nil {
		return nil, false // the client went away
	}
	// Every body is validated, even one then refused for its key.
	var invalid error
	if len(body) > maxBody {
		invalid = fmt.Errorf("body larger than openaitest's limit of %d bytes", maxBody)
	} else {
		invalid = validate(body)
	}
	s.mu.Lock()
	if invalid != nil {
		s.violations = append(s.violations, fmt.Errorf("openaitest: invalid %s request %d: %w\nbody: %s", route, n, invalid, clip(body)))
	} else {
		s.validated++
	}
	s.mu.Unlock()
	if !s.authorized(w, r) {
		return nil, false
	}
	if invalid != nil {
		writeInvalid(w, invalid)
		return nil, false
	}
	return body, true
}

// takeFault waits the latency (and a Slow fault's delay) and returns the
// fault the request takes, if any; false when the client went away.
func (s *Server) takeFault(r *http.Request) (Fault, bool, bool) {
	fault, faulted := s.nextFault()
	delay := s.latency
	if faulted && fault.kind == kindSlow {
		delay += fault.delay
		faulted = false
	}
	if !sleep(r.Context(), delay) {
		return fault, false, false
	}
	return fault, faulted, true
}

// chat serves POST /v1/chat/completions.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, ok := s.intake(w, r, "chat completion", ValidateRequest)
	if !ok {
		return
	}
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}
	if s.refuseByQuirk(w, &wr) {
		return
	}
	fault, faulted, ok := s.takeFault(r)
	if !ok {
		return
	}
	if faulted {
		s.serveFault(w, r, fault, s.chatShapes(&wr))
		return
	}
	req, err := wr.toAI()
	if err != nil {
		writeError(w, http.StatusBadRequest, nil, "invalid_request_error", "invalid_value", err.Error())
		return
	}
	id := s.nextID()
	if wr.Stream {
		s.stream(w, r, &wr, req, id)
		return
	}
	resp, err := s.model.Generate(r.Context(), req)
	if err != nil {
		if r.Context().Err() == nil {
			writeModelError(w, err)
		}
		return
	}
	a := s.decorate(resp, id)
	c := completion(id, s.answerModel(wr.Model), resp, a)
	if s.has(NullErrorField) {
		c["error"] = nil
	}
	writeJSON(w, http.StatusOK, c)
}

// stream serves a streaming chat completion: reasoning (with the
// ReasoningContent quirk), content deltas as the model produces them, then
// each tool call in pieces (its arguments split in two), the finish
// reason, usage when asked, and [DONE].
func (s *Server) stream(w http.ResponseWriter, r *http.Request, wr *wireRequest, req ai.Request, id string) {
	ev := newEvents(w, id, wr)
	ev.model = s.answerModel(wr.Model)
	ev.nullError = s.has(NullErrorField)
	var streamed strings.Builder
	req.OnDelta = func(text string) {
		if text == "" {
			return
		}
		ev.content(text)
		streamed.WriteString(text)
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
		// Headers are gone: report in the stream, as OpenAI does.
		_, typ, code, msg := describe(err)
		ev.raw(map[string]any{"error": errorObject(typ, code, msg)})
		return
	}
	a := s.decorate(resp, id)
	if a.reasoning != "" {
		ev.delta(map[string]any{"reasoning_content": a.reasoning})
	}
	if rest, ok := strings.CutPrefix(resp.Message.Content, streamed.String()); ok && rest != "" {
		ev.content(rest) // a model that did not stream, or not all of it
	}
	for i, tc := range a.calls {
		if s.has(ToolCallsAtOneIndex) {
			ev.toolCall(0, tc.ID, tc.Name, tc.Arguments, a.extra[i])
			continue
		}
		half := len(tc.Arguments) / 2
		ev.toolCall(i, tc.ID, tc.Name, tc.Arguments[:half], a.extra[i])
		ev.toolCall(i, "", "", tc.Arguments[half:], nil)
	}
	if s.has(UsageInFinishChunk) {
		ev.finishWithUsage(finishReason(resp), resp.Usage)
	} else {
		ev.finish(finishReason(resp))
		ev.usage(resp.Usage)
	}
	if s.has(NoDoneMarker) {
		s.hold(r)
		return
	}
	ev.done()
}

// hold keeps an answer open until the client goes away or the server
// closes.
func (s *Server) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.stopped:
	}
}

// decorated is an answer's tool calls as the server sends them — IDs
// given, then changed by the ID quirks — with what the quirks add: the
// reasoning text (ReasoningContent) and each call's extra_content
// (ThoughtSignatures), both remembered for the next request's check.
type decorated struct {
	calls     []ai.ToolCall
	extra     []map[string]any // per call; nil entries when none
	reasoning string
}

func (s *Server) decorate(resp *ai.Response, id string) decorated {
	calls := resp.Message.ToolCalls
	if s.has(ShortToolCallIDs) {
		// Mistral names every call itself.
		calls = append([]ai.ToolCall(nil), calls...)
		for i := range calls {
			calls[i].ID = ""
		}
	}
	d := decorated{calls: s.withIDs(calls, s.idPrefix(id))}
	for i := range d.calls {
		switch {
		case s.has(NoToolCallIDs):
			d.calls[i].ID = ""
		case s.has(RepeatedToolCallIDs):
			d.calls[i].ID = "call_0"
		}
	}
	d.extra = make([]map[string]any, len(d.calls))
	if s.has(ReasoningContent) {
		d.reasoning = "Thinking about " + id + ": the user's request needs " + fmt.Sprint(len(d.calls)) + " tool call(s)."
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, tc := range d.calls {
		if tc.ID == "" {
			continue
		}
		if s.has(ThoughtSignatures) {
			sig := "sig-" + tc.ID
			d.extra[i] = map[string]any{"extra_content": map[string]any{"google": map[string]any{"thought_signature": sig}}}
			s.signatures[tc.ID] = sig
		}
		if d.reasoning != "" {
			s.reasonings[tc.ID] = d.reasoning
		}
	}
	return d
}

// idPrefix is what the tool-call IDs of a completion start with.
func (s *Server) idPrefix(id string) string {
	if s.has(ShortToolCallIDs) {
		return "m" // Mistral's IDs: 9 letters and digits
	}
	return "c"
}

// chatShapes are the Chat Completions shapes of the faults.
func (s *Server) chatShapes(wr *wireRequest) faultShapes {
	id := s.nextID()
	ev := &events{id: id, model: wr.Model}
	full, _ := json.Marshal(completion(id, wr.Model, &ai.Response{
		Message: ai.Message{Role: ai.RoleAssistant, Content: "This answer was cut short by the server."},
	}, decorated{}))
	return faultShapes{
		stream:      wr.Stream,
		start:       ev.chunkJSON(map[string]any{"role": "assistant", "content": ""}, nil),
		partial:     ev.chunkJSON(map[string]any{"content": "This answer was cut sho"}, nil),
		brokenEvent: `{"id": "chatcmpl-malformed", "choices": [ this is not JSON`,
		brokenBody:  `{"id": "chatcmpl-malformed", "object": "chat.completion", "choices": [ this is not JSON ]}`,
		full:        full,
	}
}
