package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// SessionTimeout is the cause (context.Cause) of a session context whose
// -timeout ran out: see [WithSessionTimeout]. errors.Is(err,
// context.DeadlineExceeded) holds for it.
type SessionTimeout struct {
	// Timeout is the session timeout that ran out.
	Timeout time.Duration
	// From is where it was set: "-timeout", "TIMEOUT", or "" for the
	// example's default (Config.TimeoutFrom).
	From string
}

// Error implements error: "the session timeout (-timeout 3s) ran out".
func (e *SessionTimeout) Error() string {
	return "the session timeout (" + e.Setting() + ") ran out"
}

// Setting says the timeout as the user set it: "-timeout 3s",
// "TIMEOUT=3s", or "3s, the default".
func (e *SessionTimeout) Setting() string {
	switch e.From {
	case "-timeout":
		return "-timeout " + e.Timeout.String()
	case "TIMEOUT":
		return "TIMEOUT=" + e.Timeout.String()
	}
	return e.Timeout.String() + ", the default"
}

// Is makes errors.Is(err, context.DeadlineExceeded) true.
func (e *SessionTimeout) Is(target error) bool { return target == context.DeadlineExceeded }

// WithSessionTimeout is ctx bounded by the session timeout cfg.Timeout:
// when it runs out, ctx's cause is a *SessionTimeout (naming where the
// timeout was set, cfg.TimeoutFrom), which [TimedOut] turns into an error
// saying so. Every example bounds its whole session with it.
func WithSessionTimeout(ctx context.Context, cfg Config) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, cfg.Timeout, &SessionTimeout{Timeout: cfg.Timeout, From: cfg.TimeoutFrom})
}

// TimedOut returns, for the error of step when ctx's session timeout has
// run out, an error that says which step and after how long — "saving the
// memories: the session timeout (-timeout 3s) ran out; raise -timeout or
// TIMEOUT: context deadline exceeded" — wrapping both the
// *SessionTimeout and err. Otherwise (nil, another error, a context ended
// another way) it returns err unchanged.
func TimedOut(ctx context.Context, step string, err error) error {
	var st *SessionTimeout
	if err == nil || ctx.Err() == nil || !errors.As(context.Cause(ctx), &st) {
		return err
	}
	return fmt.Errorf("%s: %w; raise -timeout or TIMEOUT: %w", step, st, err)
}

// sessionTimedOut reports whether ctx ended because its session timeout
// ran out.
func sessionTimedOut(ctx context.Context) bool {
	var st *SessionTimeout
	return ctx.Err() != nil && errors.As(context.Cause(ctx), &st)
}

// ServerFault returns, for an error the model's server caused, a
// *ServerDown saying so: one that no HTTP answer came back for
// (openai.ErrUnreachable, as [Unreachable]), or an HTTP 5xx the server
// answered (an *ai.ModelError of provider "openai": the server is failing,
// and a program retrying its own steps cannot help). Else nil — an error
// a program's own wrapper injected (another provider name) included.
func ServerFault(err error) error {
	if down := Unreachable(err); down != nil {
		return down
	}
	if failing(err) != nil {
		return &ServerDown{err}
	}
	return nil
}

// failing returns the server's *ai.ModelError for an HTTP 5xx answer of
// the real provider, else nil.
func failing(err error) *ai.ModelError {
	var me *ai.ModelError
	if errors.As(err, &me) && me.Provider == "openai" && me.StatusCode >= http.StatusInternalServerError {
		return me
	}
	return nil
}
