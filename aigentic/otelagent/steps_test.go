package otelagent_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	metricnoop "go.opentelemetry.io/otel/metric/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
)

// A rate-limit wait of at least minReportedWait (1ms) is an event on the
// run's span; a shorter one is the limiter's bookkeeping and is not. The
// histogram measures every wait.
func TestOTelRateLimitWaitEventFromOneMillisecond(t *testing.T) {
	tp, sr := spanRecorder(t)
	mp, reader := meterReader(t)
	d := drive(t, tp, mp)
	for _, w := range []time.Duration{time.Millisecond - time.Microsecond, time.Millisecond, 1500 * time.Millisecond} {
		d.step(&hook.RateLimitWait{Run: d.run, Call: 1, Wait: w})
	}
	d.end(hook.Stats{})
	var waits []float64
	for _, ev := range spanTree(sr.Ended()).one(t, "invoke_agent bot").Events() {
		if ev.Name == "aigentic.rate_limit.wait" {
			waits = append(waits, attrs(ev.Attributes)["aigentic.rate_limit.wait"].AsFloat64())
		}
	}
	if len(waits) != 2 || waits[0] != 0.001 || waits[1] != 1.5 {
		t.Errorf("wait events (s) = %v, want [0.001 1.5]", waits)
	}
	if n := collect(t, reader).count(t, "aigentic.rate_limit.wait.duration", map[string]string{"gen_ai.agent.name": "bot"}); n != 3 {
		t.Errorf("rate-limit wait histogram count = %v, want 3", n)
	}
}

// gen_ai.usage.cache_read.input_tokens and .reasoning.output_tokens are on
// the chat and run spans only when the provider reported either: a
// response without them leaves both off, rather than claiming 0.
func TestOTelUsageDetailOnSpansOnlyWhenReported(t *testing.T) {
	for _, tc := range []struct {
		name                string
		cached, reasoning   int
		wantCached, wantRsn bool
	}{
		{"neither", 0, 0, false, false},
		{"cached", 7, 0, true, true},
		{"reasoning", 0, 5, true, true},
	} {
		tp, sr := spanRecorder(t)
		d := drive(t, tp, metricnoop.NewMeterProvider())
		u := ai.Usage{InputTokens: 20, OutputTokens: 9, CachedInputTokens: tc.cached, ReasoningTokens: tc.reasoning}
		d.answer(reply(u))
		d.end(hook.Stats{InputTokens: 20, OutputTokens: 9, CachedInputTokens: tc.cached, ReasoningTokens: tc.reasoning})
		st := spanTree(sr.Ended())
		for _, s := range []string{"chat scripted", "invoke_agent bot"} {
			span := st.one(t, s)
			wantAttr(t, span, "gen_ai.usage.input_tokens", 20)
			if got := hasAttr(span, "gen_ai.usage.cache_read.input_tokens"); got != tc.wantCached {
				t.Errorf("%s: %s span has cache_read.input_tokens: %t, want %t", tc.name, s, got, tc.wantCached)
			}
			if got := hasAttr(span, "gen_ai.usage.reasoning.output_tokens"); got != tc.wantRsn {
				t.Errorf("%s: %s span has reasoning.output_tokens: %t, want %t", tc.name, s, got, tc.wantRsn)
			}
			if tc.wantCached {
				wantAttr(t, span, "gen_ai.usage.cache_read.input_tokens", tc.cached)
				wantAttr(t, span, "gen_ai.usage.reasoning.output_tokens", tc.reasoning)
			}
		}
	}
}

// With content capture on, gen_ai.system_instructions comes from a leading
// system message only; a request with no messages at all (an interceptor
// may send one) is recorded without failing.
func TestOTelSystemInstructionsOnlyFromALeadingSystemMessage(t *testing.T) {
	t.Setenv(otelagent.CaptureContentEnv, "true")
	for _, tc := range []struct {
		name string
		msgs []ai.Message
		want string // "" for no gen_ai.system_instructions
	}{
		{"empty", nil, ""},
		{"user only", []ai.Message{{Role: ai.RoleUser, Content: "hi"}}, ""},
		{"system first", []ai.Message{{Role: ai.RoleSystem, Content: "be brief"}, {Role: ai.RoleUser, Content: "hi"}}, `[{"type":"text","content":"be brief"}]`},
	} {
		tp, sr := spanRecorder(t)
		d := drive(t, tp, metricnoop.NewMeterProvider())
		d.model(&ai.Request{Messages: tc.msgs}, reply(ai.Usage{}))
		chat := spanTree(sr.Ended()).one(t, "chat scripted")
		got := attrs(chat.Attributes())["gen_ai.system_instructions"].AsString()
		if got != tc.want {
			t.Errorf("%s: gen_ai.system_instructions = %q, want %q", tc.name, got, tc.want)
		}
		if !hasAttr(chat, "gen_ai.input.messages") {
			t.Errorf("%s: no gen_ai.input.messages", tc.name)
		}
	}
}

// A chat span names the provider that answered: the response's own
// (behind a failover list), else the run's model's; an empty response
// provider never blanks the name.
func TestOTelChatSpanNamesTheAnsweringProvider(t *testing.T) {
	for _, tc := range []struct{ sent, want string }{{"", "acme"}, {"backup", "backup"}} {
		tp, sr := spanRecorder(t)
		d := drive(t, tp, metricnoop.NewMeterProvider())
		resp := reply(ai.Usage{})
		resp.Provider = tc.sent
		d.answer(resp)
		wantAttr(t, spanTree(sr.Ended()).one(t, "chat scripted"), "gen_ai.provider.name", tc.want)
	}
}

// Provider-controlled strings on a span (here the finish reason) are cut
// to 256 bytes on a UTF-8 boundary: never mid-rune, never past 256, and
// a string of nothing but continuation bytes becomes "" rather than a
// panic.
func TestOTelClipsProviderStringsOnARuneBoundary(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct{ name, sent, want string }{
		{"short", "stop", "stop"},
		{"exactly 256", a(256), a(256)},
		{"ascii past 256", a(300), a(256)},
		{"rune across 256", a(255) + "é" + a(10), a(255)},
		{"three-byte rune across 256", a(254) + "€" + a(10), a(254)},
		{"continuation bytes only", strings.Repeat("\x80", 300), ""},
	} {
		tp, sr := spanRecorder(t)
		d := drive(t, tp, metricnoop.NewMeterProvider())
		resp := reply(ai.Usage{})
		resp.FinishReason = tc.sent
		d.answer(resp)
		got, _ := attrs(spanTree(sr.Ended()).one(t, "chat scripted").Attributes())["gen_ai.response.finish_reasons"].AsInterface().([]string)
		if len(got) != 1 || got[0] != tc.want || len(got[0]) > 256 || !utf8.ValidString(got[0]) {
			t.Errorf("%s: finish reasons %q (%d bytes), want [%q]", tc.name, got, len(strings.Join(got, "")), tc.want)
		}
	}
}

// An execute_tool span carries the tool's description when it has one; a
// tool without one, or a call to a tool that does not exist (Tool nil),
// gets none.
func TestOTelToolDescriptionOnlyWhenTheToolHasOne(t *testing.T) {
	tp, sr := spanRecorder(t)
	d := drive(t, tp, metricnoop.NewMeterProvider())
	for i, tool := range []*ai.Tool{{Name: "described", Description: "looks things up"}, {Name: "bare"}, nil} {
		call := ai.ToolCall{ID: "call_" + string(rune('a'+i)), Name: "made_up", Arguments: `{}`}
		if tool != nil {
			call.Name = tool.Name
		}
		ctx := d.o.Observe(d.ctx, &hook.ToolStart{Run: d.run, Call: call, Tool: tool})
		d.o.Observe(ctx, &hook.ToolEnd{Run: d.run, Call: call, Tool: tool, Result: ai.Text("ok")})
	}
	st := spanTree(sr.Ended())
	wantAttr(t, st.one(t, "execute_tool described"), "gen_ai.tool.description", "looks things up")
	for _, name := range []string{"execute_tool bare", "execute_tool made_up"} {
		if s := st.one(t, name); hasAttr(s, "gen_ai.tool.description") {
			t.Errorf("%s has gen_ai.tool.description %v", name, attrs(s.Attributes())["gen_ai.tool.description"])
		}
	}
}
