package openai_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Issue 8, input 5 and its kind: a finish reason that is not an answer ends
// the run at once (one request, no retry, no tool run) with an exported
// error, stats that say what happened, and the transcript kept.
func TestFinishReasonsThatAreNotAnswers(t *testing.T) {
	type want struct {
		is       error
		partial  string
		calls    []ai.ToolCall
		filter   string
		contains string
	}
	cut := ai.ToolCall{ID: "call_a", Name: "write_file", Arguments: `{"path":"hel`}
	whole := ai.ToolCall{ID: "call_a", Name: "write_file", Arguments: `{"path":"hello.py"}`}
	cases := []struct {
		name   string
		stream bool
		answer http.HandlerFunc
		want   want
	}{
		{"5a: length with a tool call cut mid-arguments, streamed", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, tcChunk(`{"index":0,"id":"call_a","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"hel"}}`),
				chunk(`{}`, "length"), usageChunk, "[DONE]")
		}, want{is: ai.ErrOutputTruncated, calls: []ai.ToolCall{cut}, contains: "output truncated"}},
		{"5a: length with a tool call cut mid-arguments, not streamed", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, completion("", "length", [3]string{"call_a", "write_file", `{"path":"hel`}))
		}, want{is: ai.ErrOutputTruncated, calls: []ai.ToolCall{cut}, contains: "not run"}},
		{"5a: length even when the arguments happen to parse", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, tcChunk(`{"index":0,"id":"call_a","type":"function","function":{"name":"write_file","arguments":"{\"path\":\"hello.py\"}"}}`),
				chunk(`{}`, "length"), usageChunk, "[DONE]")
		}, want{is: ai.ErrOutputTruncated, calls: []ai.ToolCall{whole}}},
		{"5b: length on plain text, streamed", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"Once upon a ti"}`, ""), chunk(`{}`, "length"), usageChunk, "[DONE]")
		}, want{is: ai.ErrOutputTruncated, partial: "Once upon a ti", contains: "partial text"}},
		{"5b: length on plain text, not streamed", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, completion("Once upon a ti", "length"))
		}, want{is: ai.ErrOutputTruncated, partial: "Once upon a ti"}},
		{"5c: content_filter, streamed", true, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":""}`, "content_filter"), usageChunk, "[DONE]")
		}, want{is: ai.ErrContentFiltered, filter: "content_filter", contains: "content filter: content_filter"}},
		{"5c: content_filter, not streamed, empty content", false, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, completion("", "content_filter"))
		}, want{is: ai.ErrContentFiltered, filter: "content_filter"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeAPI(t, tc.answer)
			var log toolLog
			run, err := testAgent(t, api.URL(), &log, tc.stream).Start("write hello.py")
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				for range run.Next() {
				}
			}()
			out, err := run.Wait(0)
			if out != "" || !errors.Is(err, tc.want.is) || !errors.Is(err, ai.ErrPermanent) || ai.IsTransient(err) {
				t.Fatalf("got %q, %v; want errors.Is %v, permanent", out, err, tc.want.is)
			}
			if errors.Is(err, aigentic.ErrMaxLLMCalls) || errors.Is(err, aigentic.ErrRetriesExhausted) {
				t.Fatalf("wrong kind: %v", err)
			}
			if tc.want.contains != "" && !strings.Contains(err.Error(), tc.want.contains) {
				t.Errorf("error %q does not say %q", err, tc.want.contains)
			}
			if api.Hits() != 1 || len(log.list()) != 0 {
				t.Fatalf("%d requests, tools ran %v; want 1 request, none run", api.Hits(), log.list())
			}
			s := run.Stats()
			if s.LLMCalls != 1 || s.ToolCalls != 0 || s.Retries != 0 {
				t.Fatalf("stats %+v: want 1 model call, 0 tool calls, 0 retries", s)
			}
			if msgs := run.Messages(); len(msgs) != 1 || msgs[0].Content != "write hello.py" {
				t.Fatalf("transcript %+v", msgs)
			}
			var te *ai.TruncatedError
			if errors.As(err, &te) {
				if te.Partial != tc.want.partial || len(te.ToolCalls) != len(tc.want.calls) {
					t.Fatalf("TruncatedError %+v", te)
				}
				for i := range te.ToolCalls {
					if te.ToolCalls[i] != tc.want.calls[i] {
						t.Fatalf("cut call %+v, want %+v", te.ToolCalls[i], tc.want.calls[i])
					}
				}
			}
			if te != nil && tc.stream && (te.Usage != ai.Usage{InputTokens: 17, OutputTokens: 8} || s.InputTokens != 17 || s.OutputTokens != 8) {
				t.Fatalf("truncated call's usage %+v, stats tokens %d/%d: a truncated answer was paid for, its tokens count (want 17/8)", te.Usage, s.InputTokens, s.OutputTokens)
			}
			var fe *ai.ContentFilterError
			if errors.As(err, &fe) && fe.Filter != tc.want.filter {
				t.Fatalf("filter %q, want %q", fe.Filter, tc.want.filter)
			}
			if tc.want.is == ai.ErrContentFiltered && fe == nil || tc.want.is == ai.ErrOutputTruncated && te == nil {
				t.Fatalf("errors.As found no typed error in %v", err)
			}
		})
	}
}
