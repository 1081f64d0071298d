package aigentic

import (
	"context"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// kindError names its own kind, as a failover list's open breaker does.
type kindError struct{ kind string }

func (e kindError) Error() string     { return "kind " + e.kind }
func (e kindError) ErrorType() string { return e.kind }

// wrapper is an error type of a program's own that wraps another.
type wrapper struct{ err error }

func (e *wrapper) Error() string { return "wrapped: " + e.err.Error() }
func (e *wrapper) Unwrap() error { return e.err }

// error.type names what failed, not where: an error's own kind, an HTTP
// status, a context's end, a panic, else the outermost error that is
// more than a wrapper.
func TestErrorType(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("call: %w", kindError{"circuit_open"}), "circuit_open"},
		{kindError{""}, "aigentic.kindError"},
		{fmt.Errorf("model call 2: %w", &ai.ModelError{StatusCode: 503}), "503"},
		{&ai.ModelError{Message: "no status"}, "*ai.ModelError"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), outcomeTimeout},
		{&ToolError{Tool: "t", Err: context.Canceled}, outcomeCanceled},
		{&ToolError{Tool: "t", Err: &PanicError{Value: "boom"}}, "panic"},
		{&ToolError{Tool: "t", Err: fmt.Errorf("read: %w", io.ErrUnexpectedEOF)}, "*errors.errorString"},
		{&wrapper{io.EOF}, "*aigentic.wrapper"},
		{fmt.Errorf("two: %w, %w", io.EOF, io.ErrClosedPipe), "*fmt.wrapErrors"},
	} {
		if got := errorType(tc.err); got != tc.want {
			t.Errorf("errorType(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// A run's cost: input tokens not cached at the input price, cached ones at
// the cached price (the input price when none is set), output tokens at
// the output price; per million tokens.
func TestPricingCost(t *testing.T) {
	var none *Pricing
	if c := none.Cost(ai.Usage{InputTokens: 1000}); c != 0 {
		t.Fatalf("nil Pricing costs %v", c)
	}
	u := ai.Usage{InputTokens: 1_000_000, CachedInputTokens: 400_000, OutputTokens: 500_000}
	for _, tc := range []struct {
		p    Pricing
		u    ai.Usage
		want float64
	}{
		{Pricing{InputPerMTok: 2, CachedInputPerMTok: 0.5, OutputPerMTok: 8}, u, 0.6*2 + 0.4*0.5 + 0.5*8},
		{Pricing{InputPerMTok: 2, OutputPerMTok: 8}, u, 1*2 + 0.5*8},
		{Pricing{InputPerMTok: 2, CachedInputPerMTok: 0.5}, ai.Usage{InputTokens: 100_000, CachedInputTokens: 900_000}, 0.1 * 0.5}, // cached past the input: all of it cached
		{Pricing{InputPerMTok: 2, CachedInputPerMTok: 0.5}, ai.Usage{InputTokens: 100_000, CachedInputTokens: -5}, 0.1 * 2},
	} {
		if got := tc.p.Cost(tc.u); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%+v.Cost(%+v) = %v, want %v", tc.p, tc.u, got, tc.want)
		}
	}
}
