package aitest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func req(text string) ai.Request {
	return ai.Request{Messages: []ai.Message{{Role: ai.RoleUser, Content: text}}, Tools: []ai.Tool{{Name: "t"}}}
}

func TestScriptedReplaysAndRecords(t *testing.T) {
	boom := errors.New("boom")
	s := aitest.NewScripted(
		aitest.CallTools(aitest.Call("a", `{"x":1}`), ai.ToolCall{ID: "mine", Name: "b", Arguments: `{}`}),
		aitest.Fail(boom),
		aitest.Reply("done"),
	)
	ctx := context.Background()
	if s.Remaining() != 3 || s.Calls() != 0 || s.ModelName() == "" {
		t.Fatalf("fresh script: remaining %d calls %d", s.Remaining(), s.Calls())
	}

	r0 := req("first")
	resp, err := s.Generate(ctx, r0)
	if err != nil {
		t.Fatal(err)
	}
	tc := resp.Message.ToolCalls
	if len(tc) != 2 || tc[0].ID != "call_0_0" || tc[0].Name != "a" || tc[0].Arguments != `{"x":1}` || tc[1].ID != "mine" {
		t.Fatalf("tool calls = %+v", tc)
	}
	if resp.Message.Role != ai.RoleAssistant || resp.Usage.InputTokens == 0 || resp.FinishReason != "tool_calls" {
		t.Fatalf("response = %+v", resp)
	}
	// The caller mutating its request does not alter the record.
	r0.Messages[0].Content = "mutated"

	if _, err := s.Generate(ctx, req("second")); err != boom {
		t.Fatalf("step 2 err = %v, want boom", err)
	}
	resp, err = s.Generate(ctx, req("third"))
	if err != nil || resp.Message.Content != "done" || len(resp.Message.ToolCalls) != 0 {
		t.Fatalf("step 3 = %+v, %v", resp, err)
	}
	if s.Remaining() != 0 || s.Calls() != 3 {
		t.Fatalf("remaining %d calls %d", s.Remaining(), s.Calls())
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Messages[0].Content != "first" || reqs[2].Messages[0].Content != "third" || reqs[0].Tools[0].Name != "t" {
		t.Fatalf("requests = %+v", reqs)
	}

	// Exhausted: a permanent error wrapping ErrScriptExhausted.
	_, err = s.Generate(ctx, req("fourth"))
	if !errors.Is(err, aitest.ErrScriptExhausted) || ai.IsTransient(err) || !errors.Is(err, ai.ErrPermanent) {
		t.Fatalf("exhausted err = %v", err)
	}
	if s.Calls() != 4 || s.Remaining() != 0 {
		t.Fatalf("after exhaustion: calls %d remaining %d", s.Calls(), s.Remaining())
	}
}

func TestScriptedDelayHonoursContext(t *testing.T) {
	s := aitest.NewScripted(aitest.Reply("late").After(10*time.Second), aitest.Reply("quick").After(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	// The step waits 10s unless the context ends: the deadline's error
	// proves it did not wait.
	_, err := s.Generate(ctx, req("x"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	// The delayed step was used up; the next one answers.
	if resp, err := s.Generate(context.Background(), req("y")); err != nil || resp.Message.Content != "quick" {
		t.Fatalf("next = %+v, %v", resp, err)
	}
}

func TestScriptedStreamsOnDelta(t *testing.T) {
	s := aitest.NewScripted(aitest.Reply("hello"))
	var got []string
	r := req("x")
	r.OnDelta = func(text string) { got = append(got, text) }
	if _, err := s.Generate(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "hello" {
		t.Fatalf("deltas = %v", got)
	}
	if s.Requests()[0].OnDelta != nil {
		t.Fatal("recorded request keeps the callback")
	}
}

func TestScriptedPing(t *testing.T) {
	s := aitest.NewScripted()
	if p, err := s.Ping(context.Background()); err != nil || p.Provider != "aitest" {
		t.Fatalf("Ping = %+v, %v", p, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Ping on a done context = %v", err)
	}
}

func TestFaultyServesErrorsInOrderThenPassesThrough(t *testing.T) {
	inner := aitest.NewScripted(aitest.Reply("one"), aitest.Reply("two"))
	e1, e2 := aitest.StatusError(503, 0), aitest.StatusError(429, 2*time.Second)
	f := aitest.Inject(inner).FailNext(e1).FailNext(e2)
	if f.Pending() != 2 || f.ModelName() != inner.ModelName() {
		t.Fatalf("pending %d", f.Pending())
	}
	ctx := context.Background()
	if _, err := f.Generate(ctx, req("a")); err != e1 {
		t.Fatalf("1st = %v", err)
	}
	if _, err := f.Generate(ctx, req("b")); err != e2 {
		t.Fatalf("2nd = %v", err)
	}
	if inner.Calls() != 0 {
		t.Fatal("injected failures reached the wrapped model")
	}
	resp, err := f.Generate(ctx, req("c"))
	if err != nil || resp.Message.Content != "one" {
		t.Fatalf("3rd = %+v, %v", resp, err)
	}
	if inner.Requests()[0].Messages[0].Content != "c" {
		t.Fatal("pass-through request differs")
	}
	if f.Calls() != 3 || f.Pending() != 0 || len(f.Injected()) != 2 || f.Injected()[0] != e1 {
		t.Fatalf("calls %d pending %d injected %v", f.Calls(), f.Pending(), f.Injected())
	}
	if p, err := f.Ping(ctx); err != nil || p.Provider != "aitest" {
		t.Fatalf("Ping = %+v, %v", p, err)
	}
}

func TestFaultyLatencyHonoursContext(t *testing.T) {
	f := aitest.Inject(aitest.NewScripted(aitest.Reply("x"))).WithLatency(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := f.Generate(ctx, req("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v: the 10s latency did not end with the context", err)
	}
	f = aitest.Inject(aitest.NewScripted(aitest.Reply("x"))).WithLatency(time.Millisecond)
	if resp, err := f.Generate(context.Background(), req("x")); err != nil || resp.Message.Content != "x" {
		t.Fatalf("short latency: %+v, %v", resp, err)
	}
}

func TestFaultyEndlessToolCalls(t *testing.T) {
	inner := aitest.NewScripted(aitest.Reply("a"), aitest.Reply("b"))
	f := aitest.Inject(inner).EndlessToolCalls("search", `{"q":"more"}`)
	for i := 1; i <= 2; i++ {
		resp, err := f.Generate(context.Background(), req("x"))
		if err != nil {
			t.Fatal(err)
		}
		tc := resp.Message.ToolCalls
		if resp.Message.Content != "" || len(tc) != 1 || tc[0].Name != "search" || tc[0].Arguments != `{"q":"more"}` ||
			tc[0].ID != "endless_"+string(rune('0'+i)) || resp.FinishReason != "tool_calls" || resp.Usage.InputTokens != 10 {
			t.Fatalf("call %d: %+v", i, resp)
		}
	}
	// The wrapped model's errors still come through.
	if _, err := f.Generate(context.Background(), req("x")); !errors.Is(err, aitest.ErrScriptExhausted) {
		t.Fatalf("err = %v", err)
	}
}

func TestStatusError(t *testing.T) {
	for code, transient := range map[int]bool{400: false, 401: false, 403: false, 404: false, 408: true, 429: true, 500: true, 502: true, 503: true, 504: true} {
		e := aitest.StatusError(code, 0)
		if e.StatusCode != code || e.Transient != transient || ai.IsTransient(e) != transient {
			t.Errorf("StatusError(%d) = %+v", code, e)
		}
	}
	e := aitest.StatusError(http.StatusTooManyRequests, 3*time.Second)
	if d, ok := ai.RetryAfterOf(e); !ok || d != 3*time.Second {
		t.Errorf("RetryAfterOf = %s, %t", d, ok)
	}
}
