package openai_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The same tool call delivered twice in one answer is assembled once — a
// ticket opened twice in the service otherwise. The kind: the same ID at
// the same index sent whole after its pieces (vercel/ai#3953), twice in one
// chunk, at another index, its ID and name re-sent with empty or the same
// arguments at the end (vllm-project/vllm#44098). Not of the kind, kept:
// pieces of one call in one chunk (openai/openai-python#3201) and calls
// that share an ID but not their arguments (servers that give every call
// "call_0").
func TestDuplicateToolCallsAssembledOnce(t *testing.T) {
	paris := ai.ToolCall{ID: "c1", Name: "open_ticket", Arguments: `{"title":"Paris"}`}
	cases := []struct {
		name   string
		source string
		chunks []string
		want   []ai.ToolCall
	}{
		{"sent whole after its pieces", "vercel/ai#3953", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":"}}`),
			tcChunk(`{"index":0,"function":{"arguments":"\"Paris\"}"}}`),
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
		}, []ai.ToolCall{paris}},
		{"whole again without its name", "vercel/ai#3953 (the repeat's shape varies)", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
			tcChunk(`{"index":0,"id":"c1","function":{"arguments":"{\"title\": \"Paris\"}"}}`),
		}, []ai.ToolCall{paris}},
		{"twice in one chunk", "openai/openai-python#3201 (several entries for one index in a chunk)", []string{
			chunk(`{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}},`+
				`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}]}`, ""),
		}, []ai.ToolCall{paris}},
		{"at another index", "vercel/ai#3953", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
			tcChunk(`{"index":1,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
		}, []ai.ToolCall{paris}},
		{"at another index, in pieces", "vercel/ai#3953", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
			tcChunk(`{"index":1,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"ti"}}`),
			tcChunk(`{"index":1,"function":{"arguments":"tle\":\"Paris\"}"}}`),
		}, []ai.ToolCall{paris}},
		{"ID and name re-sent with no arguments at the end", "vllm-project/vllm#44098", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":""}}`),
		}, []ai.ToolCall{paris}},
		{"not of the kind: pieces of one call in one chunk", "openai/openai-python#3201", []string{
			chunk(`{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":"}},`+
				`{"index":0,"function":{"arguments":"\"Paris\"}"}}]}`, ""),
		}, []ai.ToolCall{paris}},
		{"not of the kind: one ID, other arguments", "openaitest.RepeatedToolCallIDs (servers numbering calls per answer)", []string{
			tcChunk(`{"index":0,"id":"call_0","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Paris\"}"}}`),
			tcChunk(`{"index":1,"id":"call_0","type":"function","function":{"name":"open_ticket","arguments":"{\"title\":\"Rome\"}"}}`),
		}, []ai.ToolCall{{ID: "call_0", Name: "open_ticket", Arguments: `{"title":"Paris"}`}, {ID: "call_0", Name: "open_ticket", Arguments: `{"title":"Rome"}`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				writeSSE(w, append(tc.chunks, chunk(`{}`, "tool_calls"), usageChunk, "[DONE]")...)
			})
			resp, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(resp.Message.ToolCalls, tc.want) {
				t.Fatalf("tool calls:\n got %+v\nwant %+v\n(source: %s)", resp.Message.ToolCalls, tc.want, tc.source)
			}
		})
	}
}

// Through the agent, streamed and not: the repeated call runs once.
func TestDuplicateToolCallRunsOnce(t *testing.T) {
	for _, stream := range []bool{true, false} {
		api := newFakeAPI(t, sequence(
			func(w http.ResponseWriter, r *http.Request) {
				if !stream {
					writeJSON(w, 200, completion("", "tool_calls", [3]string{"c1", "write_file", `{"path":"a.py"}`}, [3]string{"c1", "write_file", `{"path":"a.py"}`}))
					return
				}
				writeSSE(w,
					tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"write_file","arguments":"{\"path\":"}}`),
					tcChunk(`{"index":0,"function":{"arguments":"\"a.py\"}"}}`),
					tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"a.py\"}"}}`),
					chunk(`{}`, "tool_calls"), usageChunk, "[DONE]")
			},
			func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, completion("written", "stop")) }))
		var log toolLog
		out, err := testAgent(t, api.URL(), &log, stream).Execute("write a.py")
		if err != nil || out != "written" {
			t.Fatalf("stream=%v: %q, %v", stream, out, err)
		}
		if got := log.list(); !slices.Equal(got, []string{"write_file:a.py"}) {
			t.Fatalf("stream=%v: tools ran %v, want once", stream, got)
		}
	}
}
