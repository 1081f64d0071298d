package openai_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// Issue 8, input 6 and its kind: a stream that has sent its finish reason
// (and the usage, which is always asked for) is complete, whether or not
// its server then sends [DONE] or closes. The waits are shortened here; a
// stream that is not recognized as complete would hang until the test's
// deadline (no attempt timeout is set).
func TestStreamCompleteWithoutEnd(t *testing.T) {
	defer openai.SetStreamWaits(20*time.Millisecond, 5*time.Millisecond)()
	usage11_7 := `{"id":"chatcmpl-s","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}`
	hold := func(w http.ResponseWriter, r *http.Request) { w.(http.Flusher).Flush(); <-r.Context().Done() }
	cases := []struct {
		name  string
		write func(w http.ResponseWriter, r *http.Request)
		usage ai.Usage
	}{
		{"input 6: finish and usage, then held open without [DONE]", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"role":"assistant","content":"Hel"}`, ""), chunk(`{"content":"lo"}`, ""), chunk(`{}`, "stop"), usage11_7)
			hold(w, r)
		}, ai.Usage{InputTokens: 11, OutputTokens: 7}},
		{"usage on the finish chunk, then held open", func(w http.ResponseWriter, r *http.Request) {
			c := chunk(`{"content":"Hello"}`, "stop")
			writeSSE(w, c[:len(c)-len(`"usage":null}`)]+`"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}`)
			hold(w, r)
		}, ai.Usage{InputTokens: 11, OutputTokens: 7}},
		{"finish, no usage ever (include_usage ignored), held open", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"Hello"}`, ""), chunk(`{}`, "stop"))
			hold(w, r)
		}, ai.Usage{}},
		{"[DONE] sent, connection held open", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"Hello"}`, ""), chunk(`{}`, "stop"), usage11_7, "[DONE]")
			hold(w, r)
		}, ai.Usage{InputTokens: 11, OutputTokens: 7}},
		{"finish and usage, then comment keep-alives forever", func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"Hello"}`, ""), chunk(`{}`, "stop"), usage11_7)
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-r.Context().Done():
					return
				case <-tick.C:
					if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
				}
			}
		}, ai.Usage{InputTokens: 11, OutputTokens: 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, tc.write)
			var deltas string
			resp, err := newModel(t, api.URL()).Generate(context.Background(), ai.Request{
				Messages: hello.Messages, OnDelta: func(s string) { deltas += s },
			})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Message.Content != "Hello" || deltas != "Hello" || resp.FinishReason != "stop" || resp.Usage != tc.usage {
				t.Fatalf("response %+v (deltas %q); want Hello, stop, %+v", resp, deltas, tc.usage)
			}
			if api.Hits() != 1 {
				t.Fatalf("%d requests", api.Hits())
			}
		})
	}

	t.Run("input 6 through the agent: one request, stats from the usage", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"Hello"}`, ""), chunk(`{}`, "stop"), usage11_7)
			hold(w, r)
		})
		var log toolLog
		agent := testAgent(t, api.URL(), &log, true)
		agent.RetryPolicy.AttemptTimeout = time.Hour
		run, err := agent.Start("hi")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for range run.Next() {
			}
		}()
		out, err := run.Wait(0)
		s := run.Stats()
		if err != nil || out != "Hello" || s.LLMCalls != 1 || s.Retries != 0 || s.InputTokens != 11 || s.OutputTokens != 7 || api.Hits() != 1 {
			t.Fatalf("%q, %v, stats %+v, %d requests", out, err, s, api.Hits())
		}
	})
}

// [DONE] without a finish reason, the connection then held open: the
// answer is incomplete (a transient truncated stream), returned at once.
func TestDoneWithoutFinishHeldOpen(t *testing.T) {
	defer openai.SetStreamWaits(time.Hour, 5*time.Millisecond)()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w, chunk(`{"content":"Hel"}`, ""), "[DONE]")
		<-r.Context().Done()
	})
	_, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
	if me := modelError(t, err); !me.Transient || !errors.Is(err, openai.ErrTruncatedStream) {
		t.Fatalf("%v: want a transient truncated stream", err)
	}
}

// The stream rule does not cut a normal stream: content that comes after
// a long pause, before the finish reason, is waited for.
func TestStreamWaitsForTheFinishReason(t *testing.T) {
	defer openai.SetStreamWaits(time.Millisecond, time.Millisecond)()
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeSSE(w, chunk(`{"content":"Hel"}`, ""))
		time.Sleep(10 * time.Millisecond)
		writeSSE(w, chunk(`{"content":"lo"}`, ""), chunk(`{}`, "stop"), usageChunk, "[DONE]")
	})
	resp, err := newModel(t, api.URL()).Generate(context.Background(), streaming(hello))
	if err != nil || resp.Message.Content != "Hello" {
		t.Fatalf("%+v, %v", resp, err)
	}
}
