package ai_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestIsTransient(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"ModelError transient", &ai.ModelError{StatusCode: 503, Transient: true}, true},
		{"ModelError permanent", &ai.ModelError{StatusCode: 400}, false},
		{"wrapped ModelError", fmt.Errorf("call: %w", &ai.ModelError{Transient: true}), true},
		// The explicit kind wins over a network cause underneath.
		{"permanent ModelError over ECONNRESET", &ai.ModelError{Err: syscall.ECONNRESET}, false},
		{"Transient()", ai.Transient(errors.New("flaky")), true},
		{"TransientAfter()", ai.TransientAfter(errors.New("flaky"), time.Second), true},
		{"wrapped Transient", fmt.Errorf("tool: %w", ai.Transient(errors.New("x"))), true},
		{"ErrTransient", ai.ErrTransient, true},
		{"ErrPermanent", fmt.Errorf("bad: %w", ai.ErrPermanent), false},
		{"permanent over a deadline", fmt.Errorf("%w: %w", ai.ErrPermanent, context.DeadlineExceeded), false},
		{"context.Canceled", context.Canceled, false},
		{"wrapped Canceled", fmt.Errorf("post: %w", context.Canceled), false},
		{"DeadlineExceeded (attempt timeout)", context.DeadlineExceeded, true},
		{"unexpected EOF", fmt.Errorf("read body: %w", io.ErrUnexpectedEOF), true},
		{"ECONNRESET", syscall.ECONNRESET, true},
		{"ECONNREFUSED", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"EPIPE", syscall.EPIPE, true},
		{"ECONNABORTED", syscall.ECONNABORTED, true},
		{"net.OpError", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{"net.DNSError", &net.DNSError{Err: "no such host", Name: "api.example", IsTemporary: true}, true},
		{"plain EOF", io.EOF, false},
	}
	for _, c := range cases {
		if got := ai.IsTransient(c.err); got != c.want {
			t.Errorf("%s: IsTransient(%v) = %t, want %t", c.name, c.err, got, c.want)
		}
	}
}

func TestRetryAfterOf(t *testing.T) {
	cases := []struct {
		err  error
		want time.Duration
		ok   bool
	}{
		{&ai.ModelError{Transient: true, RetryAfter: 3 * time.Second}, 3 * time.Second, true},
		{fmt.Errorf("wrapped: %w", &ai.ModelError{RetryAfter: time.Second}), time.Second, true},
		{ai.TransientAfter(errors.New("busy"), 250*time.Millisecond), 250 * time.Millisecond, true},
		{&ai.ModelError{Transient: true}, 0, false},
		{ai.Transient(errors.New("x")), 0, false},
		{errors.New("x"), 0, false},
		{nil, 0, false},
	}
	for i, c := range cases {
		got, ok := ai.RetryAfterOf(c.err)
		if got != c.want || ok != c.ok {
			t.Errorf("case %d (%v): RetryAfterOf = %s, %t; want %s, %t", i, c.err, got, ok, c.want, c.ok)
		}
	}
}

func TestIsTransientStatus(t *testing.T) {
	transient := map[int]bool{408: true, 409: true, 425: true, 429: true, 500: true, 502: true, 503: true, 504: true, 529: true}
	for code := 100; code < 600; code++ {
		if got := ai.IsTransientStatus(code); got != transient[code] {
			t.Errorf("IsTransientStatus(%d) = %t", code, got)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name string
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{"seconds", hdr("Retry-After", "120"), 120 * time.Second, true},
		{"fractional seconds", hdr("Retry-After", "1.5"), 1500 * time.Millisecond, true},
		{"zero", hdr("Retry-After", "0"), 0, true},
		{"spaces", hdr("Retry-After", "  7 "), 7 * time.Second, true},
		{"HTTP date", hdr("Retry-After", now.Add(30*time.Second).Format(http.TimeFormat)), 30 * time.Second, true},
		{"HTTP date in the past", hdr("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), 0, true},
		{"retry-after-ms", hdr("retry-after-ms", "250"), 250 * time.Millisecond, true},
		{"retry-after-ms wins", hdr("retry-after-ms", "40", "Retry-After", "9"), 40 * time.Millisecond, true},
		{"bad ms falls back", hdr("retry-after-ms", "soon", "Retry-After", "2"), 2 * time.Second, true},
		{"negative ms falls back", hdr("retry-after-ms", "-5", "Retry-After", "3"), 3 * time.Second, true},
		{"invalid", hdr("Retry-After", "soon"), 0, false},
		{"negative seconds", hdr("Retry-After", "-5"), 0, false},
		{"empty", hdr("Retry-After", ""), 0, false},
		{"absent", http.Header{}, 0, false},
		{"nil header", nil, 0, false},
	}
	for _, c := range cases {
		got, ok := ai.ParseRetryAfter(c.h, now)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: ParseRetryAfter = %s, %t; want %s, %t", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestModelErrorKindsAndText(t *testing.T) {
	cause := errors.New("connection reset by peer")
	e := &ai.ModelError{Provider: "openai", StatusCode: 503, Code: "overloaded", Message: "try later",
		Transient: true, RetryAfter: 2 * time.Second, Err: cause}
	if got, want := e.Error(), "openai: transient error (HTTP 503 Service Unavailable) [overloaded]: try later (retry after 2s)"; got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
	if !errors.Is(e, ai.ErrTransient) || errors.Is(e, ai.ErrPermanent) || !errors.Is(e, cause) || errors.Unwrap(e) != cause {
		t.Errorf("Is/Unwrap wrong for a transient error")
	}
	p := &ai.ModelError{StatusCode: 401, Err: cause}
	if got, want := p.Error(), "permanent error (HTTP 401 Unauthorized): connection reset by peer"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if errors.Is(p, ai.ErrTransient) || !errors.Is(p, ai.ErrPermanent) {
		t.Errorf("Is wrong for a permanent error")
	}
	if got := (&ai.ModelError{StatusCode: 599}).Error(); got != "permanent error (HTTP 599)" {
		t.Errorf("unknown status text: %q", got)
	}
	if got := (&ai.ModelError{Provider: "x"}).Error(); got != "x: permanent error" {
		t.Errorf("bare error: %q", got)
	}
	if (&ai.ModelError{}).Unwrap() != nil {
		t.Error("Unwrap of no cause must be nil")
	}
	// errors.As finds it through wrapping.
	var me *ai.ModelError
	if !errors.As(fmt.Errorf("x: %w", e), &me) || me != e {
		t.Error("errors.As failed")
	}
}

func TestTransientMarkers(t *testing.T) {
	if ai.Transient(nil) != nil || ai.TransientAfter(nil, time.Second) != nil {
		t.Fatal("Transient(nil) must be nil")
	}
	base := errors.New("base")
	err := ai.TransientAfter(base, time.Second)
	if err.Error() != "base" || !errors.Is(err, base) || !errors.Is(err, ai.ErrTransient) || errors.Is(err, ai.ErrPermanent) {
		t.Fatalf("TransientAfter: %v", err)
	}
	var te *ai.TransientError
	if !errors.As(err, &te) || te.RetryAfter != time.Second {
		t.Fatalf("TransientError = %+v", te)
	}
}

func TestToolResultAndUsage(t *testing.T) {
	if r := ai.Text("hi"); r.Error || r.String() != "hi" || r.Content[0].Type != "text" {
		t.Errorf("Text = %+v", r)
	}
	if r := ai.ErrorText("bad"); !r.Error || r.String() != "bad" {
		t.Errorf("ErrorText = %+v", r)
	}
	multi := &ai.ToolResult{Content: []ai.ToolContent{{Type: "text", Content: "a"}, {Type: "text", Content: "b"}}}
	if multi.String() != "a\nb" {
		t.Errorf("multi String = %q", multi.String())
	}
	var nilRes *ai.ToolResult
	if nilRes.String() != "" || (&ai.ToolResult{}).String() != "" {
		t.Error("empty results must print empty")
	}
	u := ai.Usage{InputTokens: 3, OutputTokens: 4}.Add(ai.Usage{InputTokens: 10, OutputTokens: 20})
	if u != (ai.Usage{InputTokens: 13, OutputTokens: 24}) || u.Total() != 37 {
		t.Errorf("Usage = %+v total %d", u, u.Total())
	}
	if !strings.Contains(string(ai.RoleTool), "tool") {
		t.Error("role")
	}
}
