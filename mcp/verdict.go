package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/mcptools"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The demos' verdicts: pure functions from what a demo saw happen (its
// facts) to what it concludes. They live apart from the demos so that a
// test can feed each one the facts of a failure and see it say so.

// verdict is what a demo concludes: its lines, in order, and err when
// the demo did not behave as designed (the lines then end there).
type verdict struct {
	cli.Verdict
	err error
}

// good adds a ✓ line: the pattern was shown.
func (v *verdict) good(format string, args ...any) { v.Add(cli.Held, format, args...) }

// notShown adds a – line: part (as "1 (MCP)") was not shown, because the
// model did not let it happen (why).
func (v *verdict) notShown(part, why string) {
	v.Notes = append(v.Notes, cli.Note{Mark: cli.NotShown, Part: part, Text: why})
}

// say adds an indented line, no verdict.
func (v *verdict) say(format string, args ...any) { v.Add(cli.Detail, format, args...) }

// fail ends the verdict: the demo did not behave as designed.
func (v verdict) fail(format string, args ...any) verdict {
	v.err = fmt.Errorf(format, args...)
	return v
}

// report prints v, records the parts it did not show, and returns its
// error.
func (e *demoEnv) report(v verdict) error {
	e.p.Verdict(v.Verdict)
	for _, n := range v.Notes {
		if n.Mark == cli.NotShown {
			e.unseen = append(e.unseen, n.Part+" ("+n.Text+")")
		}
	}
	return v.err
}

// toolCall is one call of an orders server's tool, as the run saw it.
type toolCall struct {
	name string
	// denied: its approval was denied; ran: its tool was run (sent to
	// the server).
	denied, ran bool
	// isError: the result is an error result; delimited: the result
	// reached the model inside an untrusted-data block.
	isError, delimited bool
	result             string
	duration           time.Duration
}

// adminTools are the orders server's tools no demo's allow-list lets
// through, by the names the model would see: the administrator's.
var adminTools = []string{"orders_export_orders"}

// toolsFacts is what demo 1 saw.
type toolsFacts struct {
	// listed are the tools the server listed, by the names the model
	// would see (Status: Tools and, prefixed, Withheld); offered the
	// tools the model was offered, over all its requests.
	listed, offered []string
	// calls are the calls of the orders server's tools, in order; local
	// counts the calls of lookup_ticket.
	calls []toolCall
	local int
}

// verdictTools is demo 1's verdict: the administrator's tools were
// listed by the server and never offered to the model; every call that
// ran on the server had its answer reach the model delimited as
// untrusted data (a call the toolset itself failed, e.g. by a timeout,
// may be an undelimited error result); a call denied approval never ran.
func verdictTools(f toolsFacts) verdict {
	var v verdict
	for _, name := range adminTools {
		switch {
		case slices.Contains(f.offered, name):
			return v.fail("the allow-list let %s through: the model was offered it", name)
		case len(f.offered) == 0:
			v.notShown("1 (allow-list)", fmt.Sprintf("no request to the model was seen, so whether it was offered %s could not be checked", name))
		case !slices.Contains(f.listed, name):
			v.notShown("1 (allow-list)", fmt.Sprintf("the server did not list %s, so there was nothing to withhold", name))
		default:
			v.good("1: the allow-list withheld %s: the server lists it, and the model was never offered %s.", strings.TrimPrefix(name, "orders_"), name)
		}
	}
	var ran, denied, refused []string
	delimited, toolsetErrors := 0, 0
	for _, c := range f.calls {
		switch {
		case c.denied && c.ran:
			return v.fail("%s was denied approval, yet it ran on the server", c.name)
		case c.ran && slices.Contains(adminTools, c.name):
			return v.fail("%s ran on the server, though the allow-list withholds it", c.name)
		case c.denied:
			denied = append(denied, c.name)
		case c.ran:
			ran = append(ran, c.name)
			switch {
			case c.delimited:
				delimited++
			case c.isError:
				toolsetErrors++ // the toolset's own error result, not the server's answer
			}
		default:
			refused = append(refused, fmt.Sprintf("%s, refused before the server (%s)", c.name, cli.Clip(c.result, 80)))
		}
	}
	switch {
	case len(ran) == 0 && len(denied)+len(refused) == 0:
		v.notShown("1 (MCP)", "the model called none of the orders server's tools")
	case len(ran) == 0:
		var why []string
		for _, name := range denied {
			why = append(why, name+", denied approval")
		}
		v.notShown("1 (MCP)", "no call of the orders server's tools ran on the server; the model called "+strings.Join(append(why, refused...), "; "))
	case delimited == len(ran):
		v.good("1: %s ran on the orders server; each answer reached the model inside an untrusted-data block.", plural(len(ran), "call"))
	case delimited+toolsetErrors == len(ran):
		v.good("1: %s ran on the orders server; %d of its answers reached the model inside an untrusted-data block, the other %d were error results of the toolset itself.",
			plural(len(ran), "call"), delimited, toolsetErrors)
	default:
		bare := len(ran) - delimited - toolsetErrors
		return v.fail("%d of the server's answers reached the model not delimited as untrusted data", bare)
	}
	if len(ran) > 0 && len(refused) > 0 {
		v.say("The model also called %s.", strings.Join(refused, "; "))
	}
	if f.local == 0 {
		v.notShown("1 (local)", "the model did not call lookup_ticket")
	} else {
		v.good("1: lookup_ticket ran in this process, next to the MCP tools.")
	}
	if len(denied) > 0 {
		v.good("1: %s asked for approval and was denied: it never reached the server.", strings.Join(denied, ", "))
	}
	return v
}

// slowFacts is what demo 2 saw.
type slowFacts struct {
	runErr error
	// calls are the calls of track_shipment.
	calls []toolCall
	// took is how long the run took; slow how long the server takes for
	// track_shipment; callTimeout the toolset's CallTimeout.
	took, slow, callTimeout time.Duration
	// before and after are the server's status before and after the run.
	before, after mcptools.ServerStatus
}

// verdictSlow is demo 2's verdict: track_shipment's call came back as an
// error result saying it timed out, the run went on and ended before the
// slow tool could have answered, and the same connection serves on.
func verdictSlow(f slowFacts) verdict {
	var v verdict
	if f.runErr != nil {
		return v.fail("the run should have gone on after the timeout, but failed: %w", f.runErr)
	}
	if len(f.calls) == 0 {
		v.notShown("2", "the model did not call track_shipment")
		return v
	}
	r := f.calls[0]
	if !r.isError || !strings.Contains(r.result, "did not answer within") {
		return v.fail("track_shipment should have timed out after %s; it returned %q", f.callTimeout, cli.Clip(r.result, 100))
	}
	if f.took >= f.slow {
		return v.fail("the run took %s, as long as the slow tool: the timeout did not cut it", f.took.Round(time.Millisecond))
	}
	if f.after.Restarts != f.before.Restarts || f.after.PID != f.before.PID || !f.after.Connected {
		return v.fail("a timeout should keep the connection; status before %+v, after %+v", f.before, f.after)
	}
	v.good("2: track_shipment was cancelled after %s (the server was sent notifications/cancelled); the model read that it timed out and answered; the run took %s, not %s; the same server process serves on.",
		r.duration.Round(100*time.Millisecond), f.took.Round(100*time.Millisecond), f.slow)
	return v
}

// toolErrorFacts is what demo 3 saw: the run's error and the calls of
// get_order.
type toolErrorFacts struct {
	runErr error
	calls  []toolCall
}

// verdictToolError is demo 3's verdict: get_order's first call came back
// as the server's isError ("busy"), the run went on; a later call that
// succeeded is the model recovering.
func verdictToolError(f toolErrorFacts) verdict {
	var v verdict
	if f.runErr != nil {
		return v.fail("the run should have gone on after the error result, but failed: %w", f.runErr)
	}
	if len(f.calls) == 0 {
		v.notShown("3", "the model did not call get_order")
		return v
	}
	if first := f.calls[0]; !first.isError || !strings.Contains(first.result, "busy") {
		return v.fail("get_order's first call should have been the server's isError; it returned %q", cli.Clip(first.result, 100))
	}
	v.good("3a: the server's isError reached the model as an error result, and the run went on to answer.")
	if slices.ContainsFunc(f.calls[1:], func(c toolCall) bool { return !c.isError }) {
		v.good("3b: the model called get_order again and got the order: it recovered.")
	} else {
		v.notShown("3b", "the model did not call get_order again after the error; it answered with the error")
	}
	return v
}

// killedFacts is what demo 4 saw.
type killedFacts struct {
	runErr error
	// calls are the calls of get_order; retries the run's retries.
	calls   []toolCall
	retries int
	// victim is the pid killed (0: none); killErr why the killer failed.
	victim  int
	killErr error
	// http: the server ran over HTTP; victimGone: the killed process has
	// exited (stdio).
	http, victimGone bool
	before, after    mcptools.ServerStatus
}

// verdictKilled is demo 4's verdict: the server was killed while it held
// the call; the retry restarted it (over stdio a new process, the old one
// gone; over HTTP a new session) and the call's answer reached the model.
func verdictKilled(f killedFacts) verdict {
	var v verdict
	switch {
	case len(f.calls) == 0 && f.runErr == nil && f.victim == 0:
		v.notShown("4", "the model did not call get_order")
		return v
	case f.victim == 0 && f.runErr != nil:
		return v.fail("the run failed before the server could be killed: %w", f.runErr)
	case f.victim == 0 && f.killErr != nil:
		return v.fail("the server was not killed: %w", f.killErr)
	case f.victim == 0:
		return v.fail("the server was not killed: the model's call never reached it")
	case f.runErr != nil:
		return v.fail("the retry should have restarted the server and answered, but the run failed: %w", f.runErr)
	case len(f.calls) == 0:
		return v.fail("the server was killed, yet no call of get_order came back")
	}
	restarted := f.after.Restarts == f.before.Restarts+1 && f.after.Connected
	if f.http {
		restarted = restarted && f.after.SessionID != f.before.SessionID
	} else {
		restarted = restarted && f.after.PID != f.before.PID && f.victimGone
	}
	last := f.calls[len(f.calls)-1]
	answered := !last.isError || strings.Contains(last.result, "no order")
	if !restarted || f.retries < 1 || !answered {
		return v.fail("want the call retried against a restarted server and answered; %d retries, last result %q, status before %+v, after %+v",
			f.retries, cli.Clip(last.result, 100), f.before, f.after)
	}
	if f.http {
		v.good("4: the server (pid %d) died mid-call and was started again on the same address; the call failed in transport (transient), the retry opened a new session (%s), and its answer reached the model.", f.victim, short(f.after.SessionID))
	} else {
		v.good("4: the server (pid %d) died mid-call; the call failed in transport (transient), the retry restarted the server (pid %d), and its answer reached the model.", f.victim, f.after.PID)
	}
	return v
}
