package tracefile

import (
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// A request refers to the messages already in the file by their numbers:
// a retry that sends the same messages names no new one, and a request
// that adds exactly one names it alone ("new 3", not "new 3-3").
func TestRequestRefersToMessagesAlreadyWritten(t *testing.T) {
	w, read := newFileWriter(t, (&Trace{}).limits())
	msgs := []ai.Message{{Role: ai.RoleSystem, Content: "be brief"}, {Role: ai.RoleUser, Content: "what is 6*7?"}}
	w.modelRequest(1, 1, &ai.Request{Messages: msgs})
	w.modelRequest(1, 2, &ai.Request{Messages: msgs}) // the retry
	resp := ai.Message{Role: ai.RoleAssistant, Content: "42"}
	w.modelResponse(1, 2, &ai.Response{Message: resp}, time.Millisecond)
	msgs = append(msgs, resp)
	w.modelRequest(2, 1, &ai.Request{Messages: msgs})
	text := read()
	for _, want := range []string{
		"--- LLM call 1, attempt 1 ---\nmessages sent (2):\n  #1 [system]\n    be brief\n  #2 [user]\n    what is 6*7?\n",
		"--- LLM call 1, attempt 2 ---\nmessages sent (2): 1-2 as above\nresponse of LLM call 1, attempt 2: ok in 1ms",
		"--- LLM call 2, attempt 1 ---\nmessages sent (3): 1-2 as above, new 3\n  #3 [assistant] response of LLM call 1 above\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks\n%q\nin\n%s", want, text)
		}
	}
}

// A request with no messages (an observer may report any request) is
// recorded as such, and the next request's messages are all new.
func TestRequestWithNoMessages(t *testing.T) {
	w, read := newFileWriter(t, (&Trace{}).limits())
	w.modelRequest(1, 1, &ai.Request{})
	w.modelRequest(2, 1, &ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: "hi"}}})
	want := "--- LLM call 1, attempt 1 ---\nmessages sent (0):\n--- LLM call 2, attempt 1 ---\nmessages sent (1):\n  #1 [user]\n    hi\n"
	if got := read(); got != want {
		t.Fatalf("file is\n%q\nwant\n%q", got, want)
	}
}

// The tools offered are written on the first request that has any, then
// only when the list changes: another count, another name in the same
// count, or none any more.
func TestToolsOfferedWrittenWhenTheyChange(t *testing.T) {
	offer := func(names ...string) []ai.Tool {
		var tools []ai.Tool
		for _, n := range names {
			tools = append(tools, ai.Tool{Name: n})
		}
		return tools
	}
	steps := []struct {
		tools []ai.Tool
		line  string // "" when the request has no tools line
	}{
		{nil, ""},
		{offer("lookup", "store"), "tools offered: lookup, store"},
		{offer("lookup", "store"), ""},
		{offer("lookup", "fetch"), "tools offered: lookup, fetch"},
		{offer("lookup"), "tools offered: lookup"},
		{nil, "tools offered: "},
		{nil, ""},
	}
	w, read := newFileWriter(t, (&Trace{}).limits())
	msgs := []ai.Message{{Role: ai.RoleUser, Content: "go"}}
	for i, s := range steps {
		w.modelRequest(i+1, 1, &ai.Request{Tools: s.tools, Messages: msgs})
	}
	text := read()
	sections := strings.Split(text, "--- LLM call ")[1:]
	if len(sections) != len(steps) {
		t.Fatalf("%d requests written, want %d:\n%s", len(sections), len(steps), text)
	}
	for i, sec := range sections {
		got := ""
		if line := strings.Split(sec, "\n")[1]; strings.HasPrefix(line, "tools offered:") {
			got = line
		}
		if got != steps[i].line {
			t.Errorf("request %d: tools line %q, want %q", i+1, got, steps[i].line)
		}
	}
	if t.Failed() {
		t.Logf("trace:\n%s", text)
	}
}

// A response answered by a provider other than the model's own (a
// failover list) names it and its model; the model's own response does not.
func TestResponseNamesTheProviderThatAnswered(t *testing.T) {
	w, read := newFileWriter(t, (&Trace{}).limits())
	usage := ai.Usage{InputTokens: 3, OutputTokens: 4}
	w.modelResponse(1, 1, &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "a"}, Usage: usage, FinishReason: "stop",
		Provider: "openai", Model: "gpt-4o-mini"}, 2*time.Millisecond)
	w.modelResponse(2, 1, &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "b"}, Usage: usage, FinishReason: "stop",
		Model: "gpt-4o-mini"}, 2*time.Millisecond)
	text := read()
	for _, want := range []string{
		"response of LLM call 1, attempt 1: ok in 2ms, tokens in=3 out=4, finish=stop, answered by openai/gpt-4o-mini\n  [assistant]\n    a\n",
		"response of LLM call 2, attempt 1: ok in 2ms, tokens in=3 out=4, finish=stop\n  [assistant]\n    b\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks\n%q\nin\n%s", want, text)
		}
	}
}

// The run's answer is referred to the last response when it is that
// response and longer than referAbove (256 bytes); otherwise it is
// written out.
func TestAnswerReferredToTheResponseOnlyWhenLongAndTheSame(t *testing.T) {
	long := strings.Repeat("x", referAbove+1)
	exact := strings.Repeat("y", referAbove)
	other := strings.Repeat("z", referAbove+44)
	const referred = "answer:\n    the response of LLM call 1 above\n"
	for _, c := range []struct {
		name, response, answer, want string
	}{
		{"long and the same", long, long, referred},
		{"referAbove bytes", exact, exact, "answer:\n    " + exact + "\n"},
		{"long but another", long, other, "answer:\n    " + other + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, read := newFileWriter(t, (&Trace{}).limits())
			w.modelResponse(1, 1, &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: c.response}}, time.Millisecond)
			w.outcome(hook.Stats{}, c.answer, nil)
			text := read()
			if !strings.Contains(text, "=== outcome: success ===\n"+c.want+"duration: ") {
				t.Fatalf("the outcome is not\n%q:\n%s", c.want, text)
			}
		})
	}
}

// A tool call's arguments are referred to the response that asked for
// them only when longer than referAbove: at 256 bytes they are repeated.
func TestToolArgumentsReferredOnlyWhenLongerThanReferAbove(t *testing.T) {
	for _, c := range []struct {
		size     int
		referred bool
	}{
		{referAbove, false},
		{referAbove + 1, true},
	} {
		args := `{"q":"` + strings.Repeat("x", c.size-8) + `"}`
		call := ai.ToolCall{ID: "call_1", Name: "search", Arguments: args}
		w, read := newFileWriter(t, (&Trace{}).limits())
		w.modelResponse(1, 1, &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{call}}}, time.Millisecond)
		w.toolCall(call, 1)
		text := read()
		want := "--- tool call search (call_1), attempt 1 ---\narguments: " + args + "\n"
		if c.referred {
			want = "--- tool call search (call_1), attempt 1 ---\narguments: as in the response of LLM call 1 above\n"
		}
		if len(args) != c.size || !strings.Contains(text, want) {
			t.Errorf("%d-byte arguments: trace lacks\n%q\nin\n%s", len(args), want, text)
		}
	}
}
