package openai

import (
	"encoding/json"
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// responsesShape recognizes a Responses API object or stream event where a
// Chat Completions one was due, and names it: {"object": "response",
// "output": [...]} or an event whose "type" starts with "response.".
func responsesShape(raw []byte) (string, bool) {
	var v struct {
		Object string          `json:"object"`
		Type   string          `json:"type"`
		Output json.RawMessage `json:"output"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch {
	case v.Object == "response":
		return `a Responses API object ("object": "response")`, true
	case len(v.Type) > len("response.") && v.Type[:len("response.")] == "response.":
		return fmt.Sprintf("a Responses API event (%q)", clip(v.Type)), true
	case len(v.Output) > 0 && v.Output[0] == '[':
		return `a Responses API object (an "output" list)`, true
	}
	return "", false
}

// chatShape recognizes a Chat Completions object or chunk where a
// Responses API one was due, and names it.
func chatShape(raw []byte) (string, bool) {
	var v struct {
		Object  string          `json:"object"`
		Choices json.RawMessage `json:"choices"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch {
	case v.Object == "chat.completion" || v.Object == "chat.completion.chunk":
		return fmt.Sprintf("a Chat Completions object (\"object\": %q)", v.Object), true
	case len(v.Choices) > 0 && v.Choices[0] == '[':
		return `a Chat Completions object (a "choices" list)`, true
	}
	return "", false
}

// wrongAPI is the permanent error of a server that answered one API's
// request with the other's shape: a proxy routing paths wrongly, or a
// server that implements only one of them. Retrying cannot help; choosing
// the other API can.
func (m *Model) wrongAPI(status int, got string, asked API) *ai.ModelError {
	other := ResponsesAPI
	if asked == ResponsesAPI {
		other = ChatCompletionsAPI
	}
	msg := fmt.Sprintf("the server answered a %s request (POST %s) with %s: it mixes the two APIs' shapes; check the base URL, or use openai.WithAPI(openai.%s)",
		apiName(asked), "/"+asked.String(), got, goName(other))
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: status,
		Message:    msg,
		Err:        m.redact.wrap(ErrWrongAPI, nil, "%s", msg),
	}
}

func apiName(a API) string {
	if a == ResponsesAPI {
		return "Responses API"
	}
	return "Chat Completions"
}

func goName(a API) string {
	if a == ResponsesAPI {
		return "ResponsesAPI"
	}
	return "ChatCompletionsAPI"
}
