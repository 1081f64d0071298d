package guard_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// requireFailed checks that err is a halt by guard name's failure.
func requireFailed(t *testing.T, err error, name string) *guard.Error {
	t.Helper()
	var ge *guard.Error
	if !errors.As(err, &ge) || !errors.Is(err, guard.ErrFailed) || !errors.Is(err, aigentic.ErrHalted) || errors.Is(err, guard.ErrTripped) {
		t.Fatalf("err = %v, want a halt by a failed guard", err)
	}
	if ge.Guard != name {
		t.Fatalf("failed guard %q, want %q", ge.Guard, name)
	}
	return ge
}

// A guard that panics, errs, has no Check, or has no verdict by its
// deadline stops the run with a clear error — no panic, no hang — and
// its model call is not made.
func TestGuardFailuresStopTheRun(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // lets the abandoned check end, for goleak
	for _, c := range []struct {
		name string
		g    guard.Guard
		want func(*testing.T, *guard.Error)
	}{
		{"panics", guard.Guard{Name: "panics", Check: func(context.Context, guard.Subject) (guard.Verdict, error) { panic("boom") }},
			func(t *testing.T, ge *guard.Error) {
				var pe *guard.PanicError
				if !errors.As(ge, &pe) || pe.Value != "boom" || len(pe.Stack) == 0 {
					t.Fatalf("%v: want the panic, with its stack", ge)
				}
			}},
		{"panics with a key", guard.Guard{Name: "panics with a key", Check: func(context.Context, guard.Subject) (guard.Verdict, error) {
			panic("classifier key sk-proj-PanicKey0123456789abcdef rejected")
		}}, func(t *testing.T, ge *guard.Error) {
			var pe *guard.PanicError
			if !errors.As(ge, &pe) || pe.Value != "classifier key [REDACTED] rejected" {
				t.Fatalf("%v: Value = %q, want the panic message redacted", ge, pe.Value)
			}
		}},
		{"errs", guard.Guard{Name: "errs", Check: func(context.Context, guard.Subject) (guard.Verdict, error) {
			return guard.Verdict{}, errors.New("classifier unreachable")
		}}, func(t *testing.T, ge *guard.Error) {
			if !strings.Contains(ge.Error(), `guard "errs" could not check the input: classifier unreachable`) {
				t.Fatal(ge)
			}
		}},
		{"nil", guard.Guard{Name: "nil"}, func(t *testing.T, ge *guard.Error) {
			if !strings.Contains(ge.Error(), "no Check function") {
				t.Fatal(ge)
			}
		}},
		{"unknown", check("unknown", func(guard.Subject) guard.Verdict { return guard.Verdict{Action: 9} }), func(t *testing.T, ge *guard.Error) {
			if !strings.Contains(ge.Error(), "unknown verdict Action(9)") {
				t.Fatal(ge)
			}
		}},
		{"blocks", guard.Guard{Name: "blocks", Timeout: 20 * time.Millisecond, Check: func(context.Context, guard.Subject) (guard.Verdict, error) {
			<-release // ignores its context
			return guard.Pass(), nil
		}}, func(t *testing.T, ge *guard.Error) {
			if !errors.Is(ge, context.DeadlineExceeded) || !strings.Contains(ge.Error(), "no verdict within 20ms") {
				t.Fatal(ge)
			}
		}},
	} {
		rec := &decisions{}
		model := aitest.NewScripted(aitest.Reply("ok"))
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, err = agent(model, &guard.Guards{Input: []guard.Guard{c.g}}, rec).Execute("hello")
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second): // a watchdog: the guard's deadline is 20ms
			t.Fatalf("%s: the run still waits on the guard", c.name)
		}
		ge := requireFailed(t, err, c.name)
		c.want(t, ge)
		if model.Calls() != 0 {
			t.Fatalf("%s: the model was called past a failed guard", c.name)
		}
		mustContain(t, c.name+" decisions", rec.String(), "support "+c.name+" trip on input: could not check:")
	}
}

// FailOpen lets the text pass when the guard fails, and says so.
func TestGuardFailOpen(t *testing.T) {
	rec := &decisions{}
	model := aitest.NewScripted(aitest.Reply("ok"))
	g := &guard.Guards{Output: []guard.Guard{{Name: "flaky", FailOpen: true, Check: func(context.Context, guard.Subject) (guard.Verdict, error) {
		panic("down")
	}}}}
	answer, err := agent(model, g, rec).Execute("hello")
	if err != nil || answer != "ok" {
		t.Fatalf("%q, %v", answer, err)
	}
	mustContain(t, "decisions", rec.String(), "support flaky pass on output: failed open: panic: down")
}

// A run stopped while a guard checks ends as stopped, not as halted: the
// guard's context ends with it.
func TestRunStoppedDuringCheck(t *testing.T) {
	started := make(chan struct{})
	g := &guard.Guards{Input: []guard.Guard{{Name: "slow", Check: func(ctx context.Context, _ guard.Subject) (guard.Verdict, error) {
		close(started)
		<-ctx.Done()
		return guard.Verdict{}, ctx.Err()
	}}}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	model := aitest.NewScripted(aitest.Reply("ok"))
	_, err := agent(model, g, &decisions{}).ExecuteContext(ctx, "hello")
	var se *aigentic.StoppedError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) || errors.Is(err, aigentic.ErrHalted) {
		t.Fatalf("err = %v, want a stopped run", err)
	}
}

// A rewritten message is remembered for its run only while the run
// lives: once collected, its entry goes (runtime.AddCleanup), however the
// run ended.
func TestRewriteForgottenWithTheRun(t *testing.T) {
	g := &guard.Guards{Input: []guard.Guard{guard.MaskCreditCards()}}
	for range 3 {
		model := aitest.NewScripted(aitest.Reply("ok"))
		if _, err := agent(model, g, &decisions{}).Execute("card " + card); err != nil {
			t.Fatal(err)
		}
	}
	model := aitest.NewScripted() // no steps: the run fails after the rewrite
	if _, err := agent(model, g, &decisions{}).Execute("card " + card); err == nil {
		t.Fatal("want the script's error")
	}
	if n := guard.Remembered(g); n == 0 {
		t.Fatal("no rewrite remembered: the test would prove nothing")
	}
	for i := 0; i < 100 && guard.Remembered(g) > 0; i++ {
		runtime.GC()
		runtime.Gosched()
	}
	if n := guard.Remembered(g); n != 0 {
		t.Fatalf("%d rewrites still remembered after the runs were collected", n)
	}
}
