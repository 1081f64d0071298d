package openai_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// Groq (https://api.groq.com/openai/v1): a malformed tool call is a 400
// tool_use_failed with the generation; the stream's usage is in x_groq;
// stream_options is refused.
func TestConformanceGroq(t *testing.T) {
	groq := []openai.Option{openai.WithFamily(openai.FamilyGroq)}
	failed := func(gen, msg string) func(*testing.T, *ai.Response, error) {
		return func(t *testing.T, _ *ai.Response, err error) {
			var tf *ai.ToolUseFailedError
			if !errors.As(err, &tf) || !errors.Is(err, ai.ErrToolUseFailed) || tf.FailedGeneration != gen || !strings.Contains(tf.Message, msg) {
				t.Errorf("ToolUseFailedError %+v in %v; want generation %q, message with %q", tf, err, gen, msg)
			}
		}
	}
	gchunk := func(delta, finish, extra string) string {
		return `{"id":"chatcmpl-g1","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","system_fingerprint":"fp_1","choices":[{"index":0,"delta":` + delta + `,"logprobs":null,"finish_reason":` + finish + `}]` + extra + `}`
	}
	gen := "<function=read={\"file_path\": \"sample.txt\"}</function>"
	runWireCases(t, []wireCase{{
		// The model's malformed call, in failed_generation: the model's
		// mistake, typed so that the run loop can give it another turn.
		name:   "tool_use_failed with the failed generation",
		source: "pydantic/pydantic-ai#2759; groq/groq-typescript#103; tashfeenahmed/freellmapi#291 (the <function=...> generation)",
		opts:   groq,
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(`{"error":{"message":"Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",` +
			`"type":"invalid_request_error","code":"tool_use_failed","failed_generation":"<function=read={\"file_path\": \"sample.txt\"}</function>"}}`),
		err:   &wantErr{is: []error{ai.ErrToolUseFailed, ai.ErrPermanent}, status: 400, code: "tool_use_failed", msg: "Failed to call a function"},
		check: failed(gen, "Failed to call a function"),
	}, {
		// The same code for arguments that did not match the schema, with
		// no generation.
		name:   "tool_use_failed on a schema mismatch",
		source: "HunorLaczko/ha-groq-cloud-api#20",
		opts:   groq,
		reply: openaitest.Status(400, "Content-Type", "application/json").WithBody(`{"request_id":"req_01","error":{"message":"tool call validation failed: parameters for tool HassTurnOff did not match schema: errors: [` +
			"`/domain`" + `: expected array, but got string]","type":"invalid_request_error","param":"","code":"tool_use_failed"}}`),
		err:   &wantErr{is: []error{ai.ErrToolUseFailed}, status: 400, code: "tool_use_failed", msg: "tool call validation failed"},
		check: failed("", "did not match schema"),
	}, {
		// Streamed, the failure is an error event: the same typed error.
		name:   "tool_use_failed in the stream",
		source: "https://console.groq.com/docs/tool-use (tool_use_failed); vercel/ai#6916 (streamed)",
		stream: true,
		opts:   groq,
		reply: sse(`{"error":{"message":"Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.","type":"invalid_request_error",` +
			`"code":"tool_use_failed","failed_generation":"<function=read={\"file_path\": \"sample.txt\"}</function>"}}`),
		err:   &wantErr{is: []error{ai.ErrToolUseFailed, openai.ErrInBandError}, code: "tool_use_failed", msg: "Failed to call a function"},
		check: failed(gen, "Failed to call a function"),
	}, {
		// Groq sends a stream's usage in x_groq.usage on its last chunk,
		// without stream_options.
		name:   "usage in x_groq",
		source: "https://console.groq.com/docs/api-reference#chat-create (x_groq.usage in streamed responses)",
		stream: true,
		opts:   groq,
		reply: sse(gchunk(`{"role":"assistant","content":"Hi"}`, "null", `,"x_groq":{"id":"req_1"}`),
			gchunk(`{}`, `"stop"`, `,"x_groq":{"id":"req_1","usage":{"queue_time":0.01,"prompt_tokens":14,"prompt_time":0.002,"completion_tokens":2,"completion_time":0.004,"total_tokens":16,"total_time":0.006}}`),
			"[DONE]"),
		want: answer("Hi", "stop", ai.Usage{InputTokens: 14, OutputTokens: 2}),
	}, {
		// A server that refuses stream_options, as Groq did: the error
		// names the field and the option that stops it.
		name:   "stream_options refused",
		source: "vercel/ai#1578 (Groq: property 'stream_options' is unsupported)",
		stream: true,
		reply: openaitest.Status(400, "Content-Type", "application/json").
			WithBody(`{"error":{"message":"property 'stream_options' is unsupported, did you mean 'stream'?","type":"invalid_request_error"}}`),
		err: &wantErr{is: []error{openai.ErrRejectedField}, status: 400, code: "invalid_request_error",
			msg: "the server rejected the optional request field stream_options: stop sending it with openai.WithStreamUsage(false)"},
	}})
}

// Groq's family sends neither stream_options (its usage comes in x_groq)
// nor max_tokens (deprecated there for max_completion_tokens).
func TestGroqRequestFields(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w, chunk(`{"role":"assistant","content":"Hi"}`, ""), chunk(`{}`, "stop"), "[DONE]")
	})
	m := newModel(t, api.URL(), openai.WithFamily(openai.FamilyGroq), openai.WithMaxTokens(50))
	if _, err := m.Generate(context.Background(), ai.Request{Messages: hello.Messages, OnDelta: func(string) {}}); err != nil {
		t.Fatal(err)
	}
	body := api.body(t, 0)
	if body["stream_options"] != nil || body["max_tokens"] != nil || body["max_completion_tokens"] != float64(50) {
		t.Errorf("stream_options %v max_tokens %v max_completion_tokens %v", body["stream_options"], body["max_tokens"], body["max_completion_tokens"])
	}
}

// End to end over HTTP, streamed or not: Groq's tool_use_failed (the 400,
// or the error event of a stream) is the model's mistake — the run tells
// the model what it generated and asks again, in a model call that counts
// (Stats.ToolUseFailures), and goes on to the answer.
func TestGroqToolUseFailedGivesTheModelAnotherTurn(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	const body = `{"error":{"message":"Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",` +
		`"type":"invalid_request_error","code":"tool_use_failed","failed_generation":"<function=get_weather={\"city\": }</function>"}}`
	for _, stream := range []bool{false, true} {
		fault := openaitest.Status(400, "Content-Type", "application/json").WithBody(body)
		if stream {
			fault = sse(body)
		}
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_weather", `{"city":"Paris"}`)), aitest.Reply("sunny"))
		srv := openaitest.NewServer(t, model, openaitest.WithFaults(fault))
		var log toolLog
		run, err := testAgent(t, srv.URL(), &log, stream, openai.WithFamily(openai.FamilyGroq)).Start("weather in Paris?")
		if err != nil {
			t.Fatal(err)
		}
		if out, err := run.Wait(0); err != nil || out != "sunny" {
			t.Fatalf("stream=%v: %q, %v", stream, out, err)
		}
		if st := run.Stats(); st.ToolUseFailures != 1 || st.LLMCalls != 3 || st.Retries != 0 || !slices.Equal(log.list(), []string{"get_weather:Paris"}) {
			t.Fatalf("stream=%v: stats %+v, tools %v; want 1 tool_use_failed turn among 3 model calls, no retry, the tool run once", stream, st, log.list())
		}
		told := model.Requests()[0].Messages
		if last := told[len(told)-1]; last.Role != ai.RoleUser || !strings.Contains(last.Content, `<function=get_weather={"city": }</function>`) {
			t.Fatalf("stream=%v: the model was told %+v, want its failed generation", stream, last)
		}
	}
}
