package openai_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Mistral's API (https://api.mistral.ai/v1): the strictest tool-call IDs
// of the corpus, and strict request validation.
func TestConformanceMistral(t *testing.T) {
	runWireCases(t, []wireCase{{
		// A tool-call ID that is not 9 letters and digits: 400.
		name:   "a tool-call ID Mistral refuses",
		source: "anomalyco/opencode#1680; jackmpcollins/magentic#276 (the error object)",
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`{"object":"error","message":"Tool call id was call_1_0 but must be a-z, A-Z, 0-9, with a length of 9.","type":"invalid_request_error","param":null,"code":null}`),
		err: &wantErr{status: 400, code: "invalid_request_error", msg: "Tool call id was call_1_0 but must be a-z, A-Z, 0-9, with a length of 9."},
	}, {
		// Extra fields are refused with 422 and a message that is an
		// object (pydantic's detail list): the field is named.
		name:   "stream_options refused with 422",
		source: "openai/openai-agents-python#442",
		stream: true,
		reply: openaitest.Status(422, "Content-Type", "application/json").
			WithBody(`{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true}]},"type":"invalid_request_error","param":null,"code":null}`),
		err: &wantErr{is: []error{openai.ErrRejectedField}, status: 422, code: "invalid_request_error",
			msg: "'body.stream_options.include_usage': Extra inputs are not permitted; the server rejected the optional request field stream_options: stop sending it with openai.WithStreamUsage(false)"},
	}})
}

// The IDs the runtime makes up ("call_1_0" for a call a server sent
// without one) and those of other providers ("call_abc…") must be accepted
// by the strictest family of the corpus: Mistral's 9 letters and digits.
// Against a server with Mistral's rule that sends calls without IDs (so
// the runtime names them), the Mistral family rewrites every ID the same
// way in every request and the run succeeds; as a compatible server it
// fails on Mistral's 400 — the rewriting is what the test guards.
func TestMadeUpToolCallIDsPassTheStrictestFamily(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	for _, stream := range []bool{false, true} {
		for _, f := range []openai.Family{openai.FamilyMistral, openai.FamilyCompatible} {
			t.Run(fmt.Sprintf("%s/stream=%v", f, stream), func(t *testing.T) {
				model := aitest.NewScripted(
					aitest.CallTools(aitest.Call("get_time", `{"city":"paris"}`), aitest.Call("get_weather", `{"city":"rome"}`)),
					aitest.CallTools(aitest.Call("get_time", `{"city":"oslo"}`)),
					aitest.Reply("done"))
				srv := openaitest.NewServer(t, model, openaitest.WithQuirks(openaitest.ShortToolCallIDs, openaitest.NoToolCallIDs))
				var log toolLog
				out, err := testAgent(t, srv.URL(), &log, stream, openai.WithFamily(f)).Execute("go")
				if f == openai.FamilyCompatible {
					if err == nil || !strings.Contains(err.Error(), "must be a-z, A-Z, 0-9, with a length of 9") {
						t.Fatalf("%q, %v: want Mistral's 400 for the runtime's IDs", out, err)
					}
					return
				}
				if err != nil || out != "done" || len(log.list()) != 3 {
					t.Fatalf("%q, %v, tools %v", out, err, log.list())
				}
			})
		}
	}
}

// The rewriting: an ID that fits is kept; any other becomes 9 base-62
// digits, the same every time, and a message's calls and their answers
// still match.
func TestShortToolCallIDs(t *testing.T) {
	for _, id := range []string{"call_1_0", "call_abcdefghijklmnopqrstuvwx", "", "chatcmpl-tool-040af5", "toolu_01A09q90qw90lq917835lq9", "a-b"} {
		s := openai.ShortToolCallID(id)
		if !openai.IsShortToolCallID(s) || s != openai.ShortToolCallID(id) {
			t.Errorf("%q -> %q", id, s)
		}
	}
	if openai.ShortToolCallID("abc123XYZ") != "abc123XYZ" || openai.IsShortToolCallID("abc_23XYZ") || openai.IsShortToolCallID("abc123XY") {
		t.Error("a fitting ID is rewritten, or a non-fitting one accepted")
	}
	if openai.ShortToolCallID("call_1_0") == openai.ShortToolCallID("call_1_1") {
		t.Error("two IDs map to one")
	}
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, completion("ok", "stop")) })
	req := ai.Request{Messages: []ai.Message{
		{Role: ai.RoleUser, Content: "go"},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{call("call_1_0", "get_time", `{}`), call("abc123XYZ", "get_time", `{}`)}},
		{Role: ai.RoleTool, ToolCallID: "call_1_0", Content: "12:00"},
		{Role: ai.RoleTool, ToolCallID: "abc123XYZ", Content: "13:00"},
	}}
	if _, err := newModel(t, api.URL(), openai.WithFamily(openai.FamilyMistral)).Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	msgs := api.body(t, 0)["messages"].([]any)
	calls := msgs[1].(map[string]any)["tool_calls"].([]any)
	id0, id1 := calls[0].(map[string]any)["id"], calls[1].(map[string]any)["id"]
	if id0 != openai.ShortToolCallID("call_1_0") || id1 != "abc123XYZ" ||
		msgs[2].(map[string]any)["tool_call_id"] != id0 || msgs[3].(map[string]any)["tool_call_id"] != id1 {
		t.Errorf("ids %v %v, answers %v %v", id0, id1, msgs[2].(map[string]any)["tool_call_id"], msgs[3].(map[string]any)["tool_call_id"])
	}
	// Mistral's family sends neither stream_options (422) nor
	// max_completion_tokens.
	if _, err := newModel(t, api.URL(), openai.WithFamily(openai.FamilyMistral), openai.WithMaxTokens(9)).Generate(context.Background(),
		ai.Request{Messages: hello.Messages, OnDelta: func(string) {}}); err != nil {
		t.Fatal(err)
	}
	body := api.body(t, 1)
	if body["stream_options"] != nil || body["max_tokens"] != float64(9) || body["max_completion_tokens"] != nil {
		t.Errorf("stream_options %v max_tokens %v max_completion_tokens %v", body["stream_options"], body["max_tokens"], body["max_completion_tokens"])
	}
}
