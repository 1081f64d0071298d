package openai

import (
	"encoding/json"
	"strings"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/packages/respjson"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// toolDelta is one tool call being assembled from stream deltas.
type toolDelta struct {
	index    int64
	hasIndex bool
	id       string
	name     string
	args     strings.Builder
	extra    map[string]json.RawMessage // fields this package does not read
}

// assembler builds the answer of choice 0 from stream chunks.
type assembler struct {
	text      strings.Builder
	reasoning strings.Builder
	refusal   strings.Builder
	details   []json.RawMessage // OpenRouter's reasoning_details, in order
	calls     []*toolDelta
	finish    string
	filters   string // content filter categories, from content_filter_results
	usage     *oai.CompletionUsage
	id        string // the response's id ("chatcmpl-…"), from the first chunk that has one
	model     string // the model that answered, likewise
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
	} else if u, ok := groqUsage(ch); ok {
		a.usage = &u
	}
	var text strings.Builder
	for i := range ch.Choices {
		c := &ch.Choices[i]
		if c.Index != 0 {
			continue
		}
		text.WriteString(c.Delta.Content)
		a.refusal.WriteString(c.Delta.Refusal)
		a.addExtras(c.Delta.JSON.ExtraFields)
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

// groqUsage reads Groq's x_groq.usage: the usage of a stream, on its last
// chunk, sent without stream_options
// (https://console.groq.com/docs/api-reference#chat-create).
func groqUsage(ch *oai.ChatCompletionChunk) (oai.CompletionUsage, bool) {
	var u oai.CompletionUsage
	f, ok := ch.JSON.ExtraFields["x_groq"]
	if !ok {
		return u, false
	}
	var x struct {
		Usage json.RawMessage `json:"usage"`
	}
	if json.Unmarshal([]byte(f.Raw()), &x) != nil || len(x.Usage) == 0 || string(x.Usage) == "null" {
		return u, false
	}
	return u, json.Unmarshal(x.Usage, &u) == nil
}

// addExtras folds in a delta's fields outside OpenAI's schema: reasoning
// text (reasoning_content, reasoning) and reasoning_details.
func (a *assembler) addExtras(extra map[string]respjson.Field) {
	for _, k := range []string{"reasoning_content", "reasoning"} {
		if f, ok := extra[k]; ok && present(f) {
			var s string
			if json.Unmarshal([]byte(f.Raw()), &s) == nil {
				a.reasoning.WriteString(s)
				break // a server sending both sends the same text twice
			}
		}
	}
	if f, ok := extra["reasoning_details"]; ok && present(f) {
		var list []json.RawMessage
		if json.Unmarshal([]byte(f.Raw()), &list) == nil {
			a.details = append(a.details, list...)
		}
	}
}

// present reports an extra field (one outside the SDK's types, which it
// never marks valid) that holds a value other than null.
func present(f respjson.Field) bool { return f.Raw() != "" && f.Raw() != "null" }

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
	for k, f := range d.JSON.ExtraFields {
		if present(f) && !knownToolCallFields[k] {
			if cur.extra == nil {
				cur.extra = map[string]json.RawMessage{}
			}
			cur.extra[k] = json.RawMessage(f.Raw())
		}
	}
}

// startsNewCall is the rule for servers that stream parallel calls at one
// index (or with none), or repeat a call: a delta bringing a new non-empty
// ID, a name after a call whose arguments are already complete JSON, or
// arguments with the ID of a call whose arguments are complete (the call
// sent again) is a new call. Repeats are then dropped ([dedupeCalls]).
func startsNewCall(cur *toolDelta, d *oai.ChatCompletionChunkChoiceDeltaToolCall) bool {
	if d.ID != "" && cur.id != "" && d.ID != cur.id {
		return true
	}
	complete := cur.args.Len() > 0 && json.Valid([]byte(cur.args.String()))
	if d.ID != "" && d.ID == cur.id && d.Function.Arguments != "" && complete {
		return true
	}
	return d.Function.Name != "" && cur.name != "" && complete
}

// message is the assembled assistant message, for a model of origin.
func (a *assembler) message(m *Model) ai.Message {
	msg := ai.Message{Role: ai.RoleAssistant, Content: a.text.String(), Reasoning: a.reasoning.String()}
	if len(a.details) > 0 {
		b, _ := json.Marshal(a.details)
		msg.Opaque = m.messageOpaque(b)
	}
	for _, c := range a.calls {
		// A call without a name or ID is passed on as is: the agent gives
		// it an ID and answers a missing name with an error result the
		// model sees, as for a non-streamed answer.
		call := ai.ToolCall{ID: c.id, Name: c.name, Arguments: c.args.String()}
		if len(c.extra) > 0 {
			call.Opaque = &ai.Opaque{Origin: m.origin(), Fields: c.extra}
		}
		msg.ToolCalls = append(msg.ToolCalls, call)
	}
	msg.ToolCalls = dedupeCalls(msg.ToolCalls)
	return msg
}
