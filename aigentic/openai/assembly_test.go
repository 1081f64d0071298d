package openai_test

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// tcChunk is a stream chunk carrying one tool-call delta (JSON text).
func tcChunk(delta string) string { return chunk(`{"tool_calls":[`+delta+`]}`, "") }

// Issue 8, inputs 1–2 and their kind: how tool calls streamed at one index
// (or with none) are told apart. Rule: a new non-empty id, or a name after
// a call whose arguments are already complete JSON, starts a new call;
// names are never concatenated.
func TestStreamedToolCallAssembly(t *testing.T) {
	cases := []struct {
		name   string
		chunks []string
		want   []ai.ToolCall
	}{
		{"input 1: parallel calls of one tool at index 0, each with its id", []string{
			tcChunk(`{"index":0,"id":"call_a","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"hello.py\"}"}}`),
			tcChunk(`{"index":0,"id":"call_b","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"world.py\"}"}}`),
		}, []ai.ToolCall{
			{ID: "call_a", Name: "write_file", Arguments: `{"path":"hello.py"}`},
			{ID: "call_b", Name: "write_file", Arguments: `{"path":"world.py"}`},
		}},
		{"input 2: two tools at index 0", []string{
			tcChunk(`{"index":0,"id":"call_t","type":"function","function":{"name":"get_time","arguments":"{\"city\":\"paris\"}"}}`),
			tcChunk(`{"index":0,"id":"call_w","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"rome\"}"}}`),
		}, []ai.ToolCall{
			{ID: "call_t", Name: "get_time", Arguments: `{"city":"paris"}`},
			{ID: "call_w", Name: "get_weather", Arguments: `{"city":"rome"}`},
		}},
		{"one index, no ids: a name after complete arguments starts a call", []string{
			tcChunk(`{"index":0,"type":"function","function":{"name":"get_time","arguments":"{\"city\":\"paris\"}"}}`),
			tcChunk(`{"index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"rome\"}"}}`),
		}, []ai.ToolCall{
			{Name: "get_time", Arguments: `{"city":"paris"}`},
			{Name: "get_weather", Arguments: `{"city":"rome"}`},
		}},
		{"one index, arguments split over chunks, then a second call", []string{
			tcChunk(`{"index":0,"id":"call_a","type":"function","function":{"name":"write_file","arguments":"{\"path\":"}}`),
			tcChunk(`{"index":0,"function":{"arguments":"\"a.py\"}"}}`),
			tcChunk(`{"index":0,"id":"call_b","type":"function","function":{"name":"write_file","arguments":"{\"pa"}}`),
			tcChunk(`{"index":0,"function":{"arguments":"th\":\"b.py\"}"}}`),
		}, []ai.ToolCall{
			{ID: "call_a", Name: "write_file", Arguments: `{"path":"a.py"}`},
			{ID: "call_b", Name: "write_file", Arguments: `{"path":"b.py"}`},
		}},
		{"the name repeated on a continuation chunk is one call, not two names", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}`),
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"get_weather","arguments":"\"Rome\"}"}}`),
		}, []ai.ToolCall{{ID: "c1", Name: "get_weather", Arguments: `{"city":"Rome"}`}}},
		{"a different name mid-arguments is never concatenated", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"get_time","arguments":"{\"city\":"}}`),
			tcChunk(`{"index":0,"function":{"name":"get_weather","arguments":"\"Rome\"}"}}`),
		}, []ai.ToolCall{{ID: "c1", Name: "get_time", Arguments: `{"city":"Rome"}`}}},
		{"OpenAI's shape: one index per call, id and name on the first chunk only", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"name":"get_time","arguments":""}}`),
			tcChunk(`{"index":1,"id":"c2","type":"function","function":{"name":"get_weather","arguments":""}}`),
			tcChunk(`{"index":0,"function":{"arguments":"{\"city\":\"paris\"}"}}`),
			tcChunk(`{"index":1,"function":{"arguments":"{\"city\":\"rome\"}"}}`),
		}, []ai.ToolCall{
			{ID: "c1", Name: "get_time", Arguments: `{"city":"paris"}`},
			{ID: "c2", Name: "get_weather", Arguments: `{"city":"rome"}`},
		}},
		{"no index, no ids: a name after complete arguments starts a call", []string{
			tcChunk(`{"type":"function","function":{"name":"get_time","arguments":"{\"city\":\"paris\"}"}}`),
			tcChunk(`{"type":"function","function":{"name":"get_time","arguments":"{\"city\":\"rome\"}"}}`),
		}, []ai.ToolCall{
			{Name: "get_time", Arguments: `{"city":"paris"}`},
			{Name: "get_time", Arguments: `{"city":"rome"}`},
		}},
		{"input 7: a call without a name is passed on, nameless", []string{
			tcChunk(`{"index":0,"id":"c1","type":"function","function":{"arguments":"{\"city\":\"rome\"}"}}`),
		}, []ai.ToolCall{{ID: "c1", Arguments: `{"city":"rome"}`}}},
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
				t.Fatalf("tool calls:\n got %+v\nwant %+v", resp.Message.ToolCalls, tc.want)
			}
		})
	}
}

// Issue 8, inputs 1–2 through the agent: each call runs, and the next
// request (validated as OpenAI would) answers each call once.
func TestParallelCallsAtOneIndexEachRun(t *testing.T) {
	cases := []struct {
		name   string
		chunks []string
		ran    []string
	}{
		{"input 1", []string{
			tcChunk(`{"index":0,"id":"call_a","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"hello.py\"}"}}`),
			tcChunk(`{"index":0,"id":"call_b","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"world.py\"}"}}`),
		}, []string{"write_file:hello.py", "write_file:world.py"}},
		{"input 2", []string{
			tcChunk(`{"index":0,"id":"call_t","type":"function","function":{"name":"get_time","arguments":"{\"city\":\"paris\"}"}}`),
			tcChunk(`{"index":0,"id":"call_w","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"rome\"}"}}`),
		}, []string{"get_time:paris", "get_weather:rome"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, sequence(
				func(w http.ResponseWriter, r *http.Request) {
					writeSSE(w, append(tc.chunks, chunk(`{}`, "tool_calls"), usageChunk, "[DONE]")...)
				},
				func(w http.ResponseWriter, r *http.Request) {
					writeSSE(w, chunk(`{"content":"done"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]")
				}))
			var log toolLog
			out, err := testAgent(t, api.URL(), &log, true).Execute("go")
			if err != nil || out != "done" {
				t.Fatalf("Execute = %q, %v", out, err)
			}
			if got := log.list(); !slices.Equal(got, tc.ran) {
				t.Fatalf("tools ran %v, want %v", got, tc.ran)
			}
			msgs := api.body(t, 1)["messages"].([]any)
			var answered []string
			for _, m := range msgs {
				if mm := m.(map[string]any); mm["role"] == "tool" {
					answered = append(answered, mm["tool_call_id"].(string))
				}
			}
			if len(answered) != 2 || answered[0] == answered[1] {
				t.Fatalf("tool messages answer %v", answered)
			}
		})
	}
}

// Issue 8, input 7: a streamed tool call with no name becomes an error
// result the model sees, exactly as the same call not streamed.
func TestNamelessToolCallIsAnErrorResultStreamedOrNot(t *testing.T) {
	transcripts := map[bool][]ai.Message{}
	for _, stream := range []bool{false, true} {
		api := newFakeAPI(t, sequence(
			func(w http.ResponseWriter, r *http.Request) {
				if stream {
					writeSSE(w, tcChunk(`{"index":0,"id":"c1","type":"function","function":{"arguments":"{\"city\":\"rome\"}"}}`),
						chunk(`{}`, "tool_calls"), usageChunk, "[DONE]")
					return
				}
				writeJSON(w, 200, completion("", "tool_calls", [3]string{"c1", "", `{"city":"rome"}`}))
			},
			func(w http.ResponseWriter, r *http.Request) {
				if stream {
					writeSSE(w, chunk(`{"content":"sorry"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]")
					return
				}
				writeJSON(w, 200, completion("sorry", "stop"))
			}))
		var log toolLog
		run, err := testAgent(t, api.URL(), &log, stream).Start("weather in rome?")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range run.Next() {
			}
		}()
		out, err := run.Wait(0)
		if err != nil || out != "sorry" {
			t.Fatalf("stream=%v: %q, %v", stream, out, err)
		}
		if len(log.list()) != 0 {
			t.Fatalf("a tool ran: %v", log.list())
		}
		msgs := run.Messages()
		var tool *ai.Message
		for i := range msgs {
			if msgs[i].Role == ai.RoleTool {
				tool = &msgs[i]
			}
		}
		if tool == nil || !tool.IsError || tool.ToolCallID != "c1" || !strings.Contains(tool.Content, "no valid tool name") {
			t.Fatalf("stream=%v: tool message %+v", stream, tool)
		}
		transcripts[stream] = msgs
	}
	if !reflect.DeepEqual(transcripts[false], transcripts[true]) {
		t.Fatalf("streamed and non-streamed transcripts differ:\n%+v\n%+v", transcripts[false], transcripts[true])
	}
}
