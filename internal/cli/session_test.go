package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// A flag value package flag's own parsers refuse ("parse error", "value
// out of range") is said with what the flag accepts; a flag.Value's own
// error stays as it is.
func TestBadFlagValueSaysWhatIsAccepted(t *testing.T) {
	var n int
	var b bool
	spec := testSpec
	spec.Flags = func(fs *flag.FlagSet) {
		fs.IntVar(&n, "demo", 0, "run only demo `N` (1-7)")
		fs.BoolVar(&b, "list", false, "list the demos and exit")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-demo", "x"}, `invalid value "x" for flag -demo: not a whole number; -demo N: run only demo N (1-7)`},
		{[]string{"-demo", "1.5"}, `invalid value "1.5" for flag -demo: not a whole number; -demo N: run only demo N (1-7)`},
		{[]string{"-demo", "99999999999999999999"}, `invalid value "99999999999999999999" for flag -demo: out of range; -demo N: run only demo N (1-7)`},
		{[]string{"-list=maybe"}, `invalid boolean value "maybe" for -list: use true or false, or -list alone; -list: list the demos and exit`},
		{[]string{"-timeout", "soon"}, `invalid value "soon" for flag -timeout: use a Go duration greater than 0, such as 30s or 2m`},
	} {
		_, _, err := Parse(spec, c.args, env(), nil)
		if ExitCode(err) != 2 || err.Error() != c.want {
			t.Errorf("%q: err = %v, want the usage error %q", c.args, err, c.want)
		}
	}
}

// stalls answers nothing: Ping and Generate return when ctx ends.
type stalls struct{ ai.Model }

func (stalls) Ping(ctx context.Context) (*ai.PingResult, error) {
	<-ctx.Done()
	return nil, fmt.Errorf("ping: %w", ctx.Err())
}

// The session timeout is said as such, with the step it stopped and how
// long it was; a context ended another way (a signal) is not called a
// timeout.
func TestTimedOutSaysStepAndTimeout(t *testing.T) {
	ctx, cancel := WithSessionTimeout(context.Background(), Config{Timeout: time.Nanosecond, TimeoutFrom: "-timeout"})
	defer cancel()
	<-ctx.Done()
	err := Reachable(ctx, stalls{})
	want := "checking the model's server (model.Ping): the session timeout (-timeout 1ns) ran out; raise -timeout or TIMEOUT: ping: context deadline exceeded"
	var st *SessionTimeout
	if err == nil || err.Error() != want || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &st) || st.Timeout != time.Nanosecond {
		t.Errorf("Reachable = %v, want %q, matching context.DeadlineExceeded and *SessionTimeout", err, want)
	}
	step := errors.New("boom")
	if got := TimedOut(ctx, "question 2", step); !errors.Is(got, step) || !strings.HasPrefix(got.Error(), "question 2: the session timeout (-timeout 1ns) ran out") {
		t.Errorf("TimedOut = %v", got)
	}

	signalled, stop := context.WithCancel(context.Background())
	stop()
	if got := TimedOut(signalled, "question 2", step); got != step {
		t.Errorf("a cancelled context: TimedOut = %v, want the error unchanged", got)
	}
	if got := TimedOut(context.Background(), "question 2", step); got != step {
		t.Errorf("a live context: TimedOut = %v, want the error unchanged", got)
	}
	if err := Reachable(signalled, stalls{}); err != nil {
		t.Errorf("a cancelled context: Reachable = %v, want nil (not a timeout, not unreachable)", err)
	}
}

// ServerFault: the server's own HTTP 5xx and an unreachable server are
// the server's; an injected failure (another provider), a 4xx and a
// plain error are not.
func TestServerFault(t *testing.T) {
	boom := &ai.ModelError{Provider: "openai", StatusCode: 500, Code: "server_error", Message: "internal boom", Transient: true}
	down := &ai.ModelError{Provider: "openai", Message: "cannot reach the server at 127.0.0.1:1: connection refused", Transient: true, Err: openai.ErrUnreachable}
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("demo 1: %w", boom), "the model's server is failing: openai: transient error (HTTP 500 Internal Server Error) [server_error]: internal boom; every demo needs it"},
		{fmt.Errorf("demo 1: %w", down), "cannot reach the server at 127.0.0.1:1: connection refused; every demo needs it"},
		{&ai.ModelError{Provider: "injected", StatusCode: 503, Transient: true}, ""},
		{&ai.ModelError{Provider: "openai", StatusCode: 400, Message: "bad request"}, ""},
		{errors.New("the demo failed"), ""},
		{nil, ""},
	} {
		got := ServerFault(c.err)
		switch {
		case c.want == "" && got != nil:
			t.Errorf("ServerFault(%v) = %v, want nil", c.err, got)
		case c.want != "" && (got == nil || !strings.HasPrefix(got.Error(), c.want) || !errors.Is(got, c.err)):
			t.Errorf("ServerFault(%v) = %v, want one starting %q and wrapping the error", c.err, got, c.want)
		}
	}
}

// The timeout that ran out is named as the user set it: TIMEOUT when the
// variable set it, the default when nothing did, -timeout when the flag
// did (the flag overriding the variable).
func TestSessionTimeoutNamesItsSource(t *testing.T) {
	spec := Spec{Name: "x", Question: "q", Timeout: time.Nanosecond}
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{nil, "1ns", "the session timeout (TIMEOUT=1ns) ran out"},
		{nil, "", "the session timeout (1ns, the default) ran out"},
		{[]string{"-timeout", "1ns"}, "2s", "the session timeout (-timeout 1ns) ran out"},
	} {
		cfg, _, err := Parse(spec, c.args, func(k string) string {
			if k == "TIMEOUT" {
				return c.env
			}
			return ""
		}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := WithSessionTimeout(context.Background(), cfg)
		<-ctx.Done()
		cancel()
		var st *SessionTimeout
		if err := context.Cause(ctx); !errors.As(err, &st) || err.Error() != c.want {
			t.Errorf("args %q, TIMEOUT=%q: cause %v, want %q", c.args, c.env, err, c.want)
		}
	}
}
