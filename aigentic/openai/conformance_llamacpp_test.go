package openai_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// llama.cpp's server (llama-server), /v1/chat/completions.
func TestConformanceLlamaCpp(t *testing.T) {
	const ctxErr = `{"error":{"code":400,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"exceed_context_size_error","n_prompt_tokens":14429,"n_ctx":8192}}`
	lchunk := func(delta, finish string) string {
		return `{"choices":[{"finish_reason":` + finish + `,"index":0,"delta":` + delta + `}],"created":1,"id":"chatcmpl-Ab3","model":"gpt-3.5-turbo","system_fingerprint":"b6000","object":"chat.completion.chunk"}`
	}
	runWireCases(t, []wireCase{{
		// A prompt longer than the context: type exceed_context_size_error,
		// with the token counts, over HTTP 400.
		name:   "context size exceeded over HTTP",
		source: "https://github.com/ggml-org/llama.cpp/pull/15780; https://github.com/ikawrakow/ik_llama.cpp/pull/2420 (400 upstream)",
		reply:  openaitest.Status(400, "Content-Type", "application/json").WithBody(ctxErr),
		err:    &wantErr{is: []error{ai.ErrContextLength}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// The same body reported without the HTTP status matching it.
		name:   "context size exceeded in a 200",
		source: "https://github.com/oobabooga/textgen/issues/7257",
		reply:  openaitest.JSONBody(200, ctxErr),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// The same error as a stream event, as the server sends it once the
		// stream has started.
		name:   "context size exceeded in the stream",
		source: "https://github.com/ggml-org/llama.cpp/pull/15780 (the error object)",
		stream: true,
		reply:  sse(ctxErr),
		err:    &wantErr{is: []error{openai.ErrInBandError}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// While the model loads: 503 with type unavailable_error.
		name:   "model loading",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (GET /health: 503 Loading model)",
		reply: openaitest.Status(503, "Content-Type", "application/json").
			WithBody(`{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`),
		err: &wantErr{transient: true, status: 503, code: "unavailable_error", msg: "Loading model"},
	}, {
		// Streamed text: the finish chunk, then a usage chunk with "timings".
		name:   "streamed text with timings",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (OpenAI-compatible chat completions; timings)",
		stream: true,
		reply: sse(lchunk(`{"role":"assistant","content":null}`, "null"), lchunk(`{"content":"Hi"}`, "null"), lchunk(`{}`, `"stop"`),
			`{"choices":[],"created":1,"id":"chatcmpl-Ab3","model":"gpt-3.5-turbo","object":"chat.completion.chunk","usage":{"completion_tokens":2,"prompt_tokens":12,"total_tokens":14},"timings":{"prompt_n":12,"predicted_n":2}}`,
			"[DONE]"),
		want: answer("Hi", "stop", ai.Usage{InputTokens: 12, OutputTokens: 2}),
	}, {
		// Streamed tool call (--jinja): id and name first, arguments after.
		name:   "streamed tool call",
		source: "https://github.com/ggml-org/llama.cpp/blob/master/docs/function-calling.md",
		stream: true,
		reply: sse(lchunk(`{"tool_calls":[{"index":0,"id":"KxYhWDbL2nE","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}`, "null"),
			lchunk(`{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}`, "null"), lchunk(`{}`, `"tool_calls"`), "[DONE]"),
		want: answer("", "tool_calls", ai.Usage{}, call("KxYhWDbL2nE", "get_weather", `{"city":"Paris"}`)),
	}})
}

// What a real llama-server sent (testdata/llamacpp: its answers recorded
// by curl, release v0.5.0, commit de3ff81, replayed byte for byte): the
// wire facts of issue 17, section 3.
func TestConformanceLlamaCppRealServer(t *testing.T) {
	const dir = "testdata/llamacpp/ (from ../shared/realserver/transcripts/)"
	cut := func(check func(t *testing.T, te *ai.TruncatedError)) func(*testing.T, *ai.Response, error) {
		return func(t *testing.T, _ *ai.Response, err error) {
			var te *ai.TruncatedError
			if !errors.As(err, &te) {
				t.Fatalf("no *ai.TruncatedError in %v", err)
			}
			check(t, te)
		}
	}
	runWireCases(t, []wireCase{{
		// A prompt over the context is HTTP 400 before any SSE, even when
		// streaming, with the token counts.
		name:   "prompt over the context, streamed: a 400 before any event",
		source: dir + "wire-one-call/22-too-long-stream.txt",
		stream: true,
		reply:  recordedReply(t, "one-call-22-too-long-stream.txt"),
		err: &wantErr{is: []error{ai.ErrContextLength}, status: 400, code: "exceed_context_size_error",
			msg: "request (20030 tokens) exceeds the available context size (2048 tokens)"},
	}, {
		name:   "prompt over the context",
		source: dir + "wire-one-call/21-too-long.txt",
		reply:  recordedReply(t, "one-call-21-too-long.txt"),
		err:    &wantErr{is: []error{ai.ErrContextLength}, status: 400, code: "exceed_context_size_error", msg: "exceeds the available context size"},
	}, {
		// A body the server cannot parse is its HTTP 500 "server_error":
		// the same body fails the same way, so it is not retried.
		name:   "invalid JSON is HTTP 500, permanent",
		source: dir + "wire-one-call/19-bad-json.txt",
		reply:  recordedReply(t, "one-call-19-bad-json.txt"),
		err:    &wantErr{status: 500, code: "server_error", msg: "parse error at line 1, column 72"},
	}, {
		// Parallel calls come at index 0 and 1 with distinct ids, the
		// arguments a character or two per chunk; cached prompt tokens in
		// prompt_tokens_details.
		name:   "streamed parallel calls at index 0 and 1",
		source: dir + "wire-two-calls/04-tools-auto-stream.txt",
		stream: true,
		reply:  recordedReply(t, "two-calls-04-tools-auto-stream.txt"),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 220, OutputTokens: 67, CachedInputTokens: 219},
			call("mjzzTpHMxT9rf0HtgSeZPdunOBQzC9Kl", "get_weather", "{\"city\":\"\",\"days\" :\n1}"),
			call("CLXKMCAgeFSHFaZ5hKQqiRB1a5n4s9oD", "get_weather", `{"city":"-"}`)),
	}, {
		name:   "parallel calls, not streamed",
		source: dir + "wire-two-calls/14-parallel.txt",
		reply:  recordedReply(t, "two-calls-14-parallel.txt"),
		want: answer("", "tool_calls", ai.Usage{InputTokens: 230, OutputTokens: 75, CachedInputTokens: 218},
			call("H5hgnK1Z8gHUzjvmEOCMvKw9why9LuFB", "get_weather", `{"city":"#"}`),
			call("p7xcr6cImfQBlpiY0in34AoidX9L5oBb", "calculator", "{\n\"expression\":\".$\"}")),
	}, {
		// The cap cut a tool call the server had not parsed yet: its
		// template markup came as content. Partial is text (none here);
		// the markup is kept apart and named.
		name:   "a tool call cut by the cap: template markup is not text",
		source: dir + "wire-one-call/12-tools-length-cut.txt",
		opts:   []openai.Option{openai.WithMaxTokens(6)},
		reply:  recordedReply(t, "one-call-12-tools-length-cut.txt"),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "the output cap of 6 tokens the request sent was reached (230 prompt + 6 output = 236 tokens); a tool call in the model's template markup was cut off and not run"},
		check: cut(func(t *testing.T, te *ai.TruncatedError) {
			if te.Partial != "" || te.Markup != "<tool_call>\n\n{\"name" || te.MaxOutputTokens != 6 {
				t.Errorf("Partial %q Markup %q MaxOutputTokens %d", te.Partial, te.Markup, te.MaxOutputTokens)
			}
		}),
	}, {
		// The same cut streamed: the server held the markup back, so
		// nothing arrived; the error says the tokens were spent.
		name:   "the same cut streamed: no text, the tokens named",
		source: dir + "wire-one-call/13-tools-length-cut-stream.txt",
		stream: true,
		opts:   []openai.Option{openai.WithMaxTokens(6)},
		reply:  recordedReply(t, "one-call-13-tools-length-cut-stream.txt"),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "no output: 6 output tokens were generated and none was delivered"},
	}, {
		// No cap sent: "length" is the context window filling up (2,026
		// prompt + 22 output = the 2,048 slot), named with the counts.
		name:   "context full with no cap sent",
		source: dir + "wire-one-call/23-context-full-cut.txt",
		reply:  recordedReply(t, "one-call-23-context-full-cut.txt"),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "no output cap was sent, so the server's own limit ended the answer: its context window filled up (2026 prompt + 22 output = 2048 tokens)"},
		check: cut(func(t *testing.T, te *ai.TruncatedError) {
			if len(te.ToolCalls) != 1 || te.ToolCalls[0].Arguments != `{"express` || te.Usage.CachedInputTokens != 2020 {
				t.Errorf("calls %+v usage %+v", te.ToolCalls, te.Usage)
			}
		}),
	}, {
		// Streamed, the same cut holds the arguments back: "{" only.
		name:   "context full streamed: the arguments held back",
		source: dir + "wire-one-call/24-context-full-cut-stream.txt",
		stream: true,
		reply:  recordedReply(t, "one-call-24-context-full-cut-stream.txt"),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "context window filled up (2026 prompt + 22 output = 2048 tokens), or it applies a default output cap; 1 tool call(s) cut off and not run"},
		check: cut(func(t *testing.T, te *ai.TruncatedError) {
			if len(te.ToolCalls) != 1 || te.ToolCalls[0].Arguments != "{" || te.ToolCalls[0].Name != "get_weather" {
				t.Errorf("calls %+v", te.ToolCalls)
			}
		}),
	}, {
		// max_tokens reached: the text before it is kept.
		name:   "max_tokens reached",
		source: dir + "wire-one-call/09-max-tokens-length.txt",
		opts:   []openai.Option{openai.WithMaxTokens(2)},
		reply:  recordedReply(t, "one-call-09-max-tokens-length.txt"),
		err:    &wantErr{is: []error{ai.ErrOutputTruncated}, msg: "the output cap of 2 tokens the request sent was reached (32 prompt + 2 output = 34 tokens); 8 bytes of partial text"},
		check: cut(func(t *testing.T, te *ai.TruncatedError) {
			if te.Partial != "The task" || te.Markup != "" {
				t.Errorf("Partial %q Markup %q", te.Partial, te.Markup)
			}
		}),
	}, {
		// Any model name is served by the one model loaded: the answer
		// names it, and Response.Model carries it (TestRespondingModel).
		name:   "a model name the server does not have",
		source: dir + "wire-one-call/15-bad-model.txt",
		reply:  recordedReply(t, "one-call-15-bad-model.txt"),
		want:   answer("The task is complete.", "stop", ai.Usage{InputTokens: 32, OutputTokens: 6, CachedInputTokens: 31}),
		check: func(t *testing.T, resp *ai.Response, _ error) {
			if resp == nil || resp.Model != "tiny-qwen" {
				t.Errorf("response model %v, want tiny-qwen (the one the server serves)", resp)
			}
		},
	}})
}

// recorded is one HTTP answer of a transcript.
type recorded struct {
	status int
	header http.Header
	body   string
}

// readTranscript reads the answers of a testdata/llamacpp transcript: each
// status line, its headers, and the body up to the next "###" line.
func readTranscript(t *testing.T, name string) []recorded {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "llamacpp", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []recorded
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		status, ok := strings.CutPrefix(lines[i], "HTTP/1.1 ")
		if !ok {
			continue
		}
		code, err := strconv.Atoi(strings.Fields(status)[0])
		if err != nil {
			t.Fatalf("%s: status line %q", name, lines[i])
		}
		r := recorded{status: code, header: http.Header{}}
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			if k, v, ok := strings.Cut(lines[i], ":"); ok {
				r.header.Add(k, strings.TrimSpace(v))
			}
		}
		var body []string
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "###"); i++ {
			body = append(body, lines[i])
		}
		i--
		r.body = strings.TrimSpace(strings.Join(body, "\n"))
		out = append(out, r)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no answer in the transcript", name)
	}
	return out
}

// recordedReply replays a transcript's (first) answer: its events, or its
// status, content type and body.
func recordedReply(t *testing.T, name string) openaitest.Fault {
	t.Helper()
	r := readTranscript(t, name)[0]
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
		var events []string
		for _, l := range strings.Split(r.body, "\n") {
			if d, ok := strings.CutPrefix(l, "data: "); ok {
				events = append(events, d)
			}
		}
		return openaitest.Events(events...)
	}
	return openaitest.Status(r.status, "Content-Type", r.header.Get("Content-Type")).WithBody(r.body)
}
