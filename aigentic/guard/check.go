package guard

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// checking marks the context of a guard's check with the Guards running
// it, so that a model a guard calls through an agent carrying the same
// Guards is not guarded by them again (which would never end).
type checking struct{}

// inCheck reports whether ctx is a check of g's.
func (g *Guards) inCheck(ctx context.Context) bool {
	v, _ := ctx.Value(checking{}).(*Guards)
	return v == g
}

// maxReason bounds a decision's reason.
const maxReason = 300

// apply runs guards in order on s, reporting each verdict, and returns
// the text as they left it; the error is a *TripError or an *Error.
func (g *Guards) apply(ctx context.Context, guards []Guard, s Subject, step string) (string, error) {
	ctx = context.WithValue(ctx, checking{}, g)
	for i := range guards {
		gd := &guards[i]
		name := gd.Name
		if name == "" {
			name = "guard"
		}
		v, err := gd.run(ctx, s)
		if err == nil && (v.Action > ActionTrip) {
			err = fmt.Errorf("unknown verdict %v", v.Action)
		}
		if err != nil {
			if gd.FailOpen && ctx.Err() == nil {
				report(ctx, s.Run, name, step, "pass", "failed open: "+err.Error())
				continue
			}
			report(ctx, s.Run, name, step, "trip", "could not check: "+err.Error())
			return "", &Error{Guard: name, Point: s.Point, Step: step, Err: err}
		}
		report(ctx, s.Run, name, step, v.Action.String(), v.Reason)
		switch v.Action {
		case ActionRewrite:
			s.Text = v.Text
		case ActionTrip:
			return "", &TripError{Guard: name, Point: s.Point, Step: step, Reason: v.Reason}
		}
	}
	return s.Text, nil
}

// report tells the run's observers what a guard decided.
func report(ctx context.Context, run *hook.RunInfo, by, step, action, reason string) {
	run.Report(ctx, &hook.Decision{Run: run, By: by, Step: step, Action: action, Reason: clip(reason, maxReason)})
}

// errNoCheck is the failure of a guard without a Check function.
var errNoCheck = errors.New("the guard has no Check function")

// run calls gd.Check in a goroutine of its own, so a panic is recovered
// and a check past its deadline is abandoned rather than waited for.
func (gd *Guard) run(ctx context.Context, s Subject) (Verdict, error) {
	if gd.Check == nil {
		return Verdict{}, errNoCheck
	}
	timeout := gd.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type outcome struct {
		v   Verdict
		err error
	}
	done := make(chan outcome, 1) // the goroutine never blocks on it
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: &PanicError{Value: secret.PanicValue(p), Stack: debug.Stack()}}
			}
		}()
		v, err := gd.Check(cctx, s)
		done <- outcome{v, err}
	}()
	select {
	case o := <-done:
		return o.v, o.err
	case <-cctx.Done():
		if ctx.Err() != nil {
			return Verdict{}, fmt.Errorf("the run stopped during the check: %w", context.Cause(ctx))
		}
		return Verdict{}, fmt.Errorf("no verdict within %s: %w", timeout, context.DeadlineExceeded)
	}
}

// clip cuts s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
