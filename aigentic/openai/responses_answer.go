package openai

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// responsesAnswer maps a Responses API response object — the body of a
// non-streamed answer, or the response of a stream's last event — to an
// ai.Response, or to the error it reports: an in-band error, the other
// API's shape, a failed or incomplete response.
func (m *Model) responsesAnswer(raw []byte, x *exchange) (*ai.Response, error) {
	if isNull(raw) {
		return nil, m.nullAnswer(x)
	}
	var r wireResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, &ai.ModelError{Provider: providerName, StatusCode: x.status, Message: "malformed JSON in the answer", Transient: true,
			Err: m.redact.wrap(ErrMalformedResponse, err, "malformed JSON: %v", err)}
	}
	if r.Object != "response" && r.Output == nil {
		if what, ok := chatShape(raw); ok {
			return nil, m.wrongAPI(x.status, what, ResponsesAPI)
		}
		if ib, ok := parseInBand("", raw); ok {
			return nil, m.inBandError(ib, 0, nil, x)
		}
		return nil, m.malformed(x.status, "the answer is not a Responses API object: it has no \"output\"")
	}
	if r.Error != nil && (r.Error.Message != "" || len(r.Error.Code) > 0 && string(r.Error.Code) != "null") {
		ib := inBand{msg: r.Error.Message}
		ib.code, ib.status = codeOf(r.Error.Code)
		return nil, m.inBandError(ib, 0, nil, x)
	}
	msg, refusal, err := m.responsesMessage(r.Output, x)
	if err != nil {
		return nil, err
	}
	parts := answerParts{msg: msg, usage: r.Usage.usage(), refusal: refusal, status: x.status}
	switch r.Status {
	case "failed":
		parts.reason = "error"
	case "incomplete":
		reason := ""
		if r.IncompleteDetails != nil {
			reason = r.IncompleteDetails.Reason
		}
		switch reason {
		case "max_output_tokens":
			parts.reason = "length"
		case "content_filter":
			parts.reason = "content_filter"
		default:
			// Stopped for a reason that is not an answer (max_messages, a
			// steered stream): the answer is partial.
			return nil, m.truncatedStream(x, fmt.Sprintf("the response is incomplete (reason %q); the partial answer was discarded", reason))
		}
	}
	resp, err := m.answer(parts)
	if resp != nil {
		resp.ID, resp.Model = r.ID, r.Model
	}
	return resp, err
}

// responsesMessage builds the assistant message of a response's output
// items: the text of its message items, a refusal, its function calls,
// and its reasoning items — their summaries as Reasoning, the items
// themselves, verbatim, in Opaque for the next request.
func (m *Model) responsesMessage(output []json.RawMessage, x *exchange) (ai.Message, string, error) {
	msg := ai.Message{Role: ai.RoleAssistant}
	var text, reasoning, refusal strings.Builder
	var items []json.RawMessage
	for i, raw := range output {
		var it wireItem
		if err := json.Unmarshal(raw, &it); err != nil {
			return msg, "", m.malformed(x.status, fmt.Sprintf("output item %d is not a JSON object", i))
		}
		switch it.Type {
		case "message":
			for _, c := range it.Content {
				switch c.Type {
				case "output_text":
					text.WriteString(c.Text)
				case "refusal":
					refusal.WriteString(c.Refusal)
				}
			}
		case "function_call":
			var args string
			if json.Unmarshal(it.Arguments, &args) != nil {
				args = string(it.Arguments) // a server sending the object itself
			}
			msg.ToolCalls = append(msg.ToolCalls, ai.ToolCall{ID: it.CallID, Name: it.Name, Arguments: args})
		case "reasoning":
			for _, s := range it.Summary {
				if reasoning.Len() > 0 {
					reasoning.WriteString("\n\n")
				}
				reasoning.WriteString(s.Text)
			}
			items = append(items, append(json.RawMessage(nil), raw...))
		default:
			if what, ok := chatShape(raw); ok {
				return msg, "", m.wrongAPI(x.status, what, ResponsesAPI)
			}
			return msg, "", m.malformed(x.status, fmt.Sprintf("output item %d has type %q, which was not asked for", i, clip(it.Type)))
		}
	}
	msg.Content, msg.Reasoning = text.String(), reasoning.String()
	msg.ToolCalls = dedupeCalls(msg.ToolCalls)
	if len(items) > 0 {
		msg.Opaque = &ai.Opaque{Origin: m.responsesOrigin(), Items: items}
	}
	return msg, refusal.String(), nil
}

// truncatedStream is the transient error of an answer that ended before
// it was complete.
func (m *Model) truncatedStream(x *exchange, msg string) error {
	if x.emptyBody() {
		return m.notJSON(x, nil)
	}
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Transient:  true,
		Err:        m.redact.wrap(ErrTruncatedStream, nil, "%s", msg),
	}
}
