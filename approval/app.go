package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/mattn/go-isatty"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// defaultApprovalTimeout is how long an approval request waits by default.
const defaultApprovalTimeout = 2 * time.Minute

const instructions = `You are an assistant that sends e-mails for the user with the send_email tool.
Every e-mail needs the user's approval. If the tool reports that it was not run or that the e-mail was not sent, tell the user plainly that the e-mail was NOT sent and why; never claim otherwise.`

// system is what the program takes from its process; tests fake it.
type system struct {
	getenv func(string) string
	// stdin answers approval requests when terminal is true.
	stdin    io.Reader
	terminal bool
	// discard discards what was typed at the terminal that nothing has
	// read (typeahead.go); nil when stdin is not a terminal.
	discard discarder
}

// run is the program, on the real process.
func run(ctx context.Context, args []string, out io.Writer) error {
	fd := os.Stdin.Fd()
	sys := system{getenv: os.Getenv, stdin: os.Stdin, terminal: isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)}
	if sys.terminal {
		sys.discard = terminalDiscarder(int(fd))
	}
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, sys) })
}

// runWith is the program on the given system.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	var approve string
	model, p, err := cli.Start(spec(&cfg, &approve), &cfg.Config, args, sys.getenv, out, func() error { return cfg.check(approve) })
	if p == nil {
		return err
	}

	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any run
	}
	box := &outbox{}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	agent := newAgent(model, session, box, cfg.approvalTimeout)
	agent.LogLevel, agent.Logger = cfg.Log.Level, p.Logger(cfg.Log)

	p.Title("Request: %s", cfg.Question)
	ap := &approver{p: p, terminal: sys.terminal, approve: cfg.approve, timeout: cfg.approvalTimeout, lines: newLineReader(sys.stdin),
		discard: sys.discard, denied: map[string]string{}}
	answer, err := converse(agent, cfg.Question, ap)
	if err == nil {
		p.Line("")
		p.Line("Answer:")
		p.Answer(answer)
	}
	p.Line("")
	box.print(p)
	if err != nil {
		return fmt.Errorf("agent run: %w", err)
	}
	return nil
}

// newAgent is the e-mail assistant: one tool, send_email, that needs
// approval, with requests that wait at most timeout for an answer. The
// caller sets its Logger.
func newAgent(model ai.Model, session *aigentic.Session, box *outbox, timeout time.Duration) aigentic.Agent {
	return aigentic.Agent{
		Model:           model,
		Name:            "assistant",
		Instructions:    instructions,
		Session:         session,
		AgentTools:      []aigentic.AgentTool{sendEmailTool(box)},
		ApprovalTimeout: timeout,
		MaxLLMCalls:     6,
		Retries:         2,
	}
}

// converse runs the agent on prompt, printing its tool calls and results
// as they happen and having ap answer each approval request. A call the
// person denied is reported as a denial, not as a failure of the tool.
func converse(agent aigentic.Agent, prompt string, ap *approver) (string, error) {
	r, err := agent.Start(prompt)
	if err != nil {
		return "", err
	}
	return ap.p.Follow(r, func(ev aigentic.Event) bool {
		switch e := ev.(type) {
		case *aigentic.ApprovalEvent:
			ap.handle(r, e)
			return true
		case *aigentic.ToolResponseEvent:
			if why, ok := ap.denied[e.ToolCallID]; ok {
				ap.p.Say("  %s %s was not run (%s), so the e-mail was not sent.", cli.MarkNotSeen, e.ToolName, why)
				return true
			}
		}
		return false
	})
}

// approver answers approval requests: at the terminal when standard input
// is one, from -approve otherwise.
type approver struct {
	p        *cli.Printer
	terminal bool
	approve  bool
	timeout  time.Duration
	lines    *lineReader
	// discard, when set, discards the terminal's unread input before
	// each prompt.
	discard discarder
	// denied holds the IDs of the calls not approved, with why: denied,
	// or no answer in time.
	denied map[string]string
}

// handle shows the request, gets a decision and gives it to the run.
func (a *approver) handle(r *aigentic.AgentRun, e *aigentic.ApprovalEvent) {
	a.p.Line("Approval needed for %s (call %s): %s.", e.ToolName, e.ApprovalID, describeEmail(e.Args))
	if len(e.ValidationResult.ValidationErrors) == 0 {
		a.p.Line("The arguments match the tool's schema.")
	}
	if err := refusal(e.Args); err != nil {
		a.p.Line("The tool will refuse this e-mail if approved: %s.", err)
	}
	a.p.Line("No answer within %s counts as denied.", a.timeout)
	// Until an answer arrives, no answer in time is the reason.
	a.denied[e.ApprovalID] = "no answer within " + a.timeout.String()
	var approved bool
	if a.terminal {
		var ok bool
		approved, ok = a.ask(r, e)
		if !ok {
			return // timed out or the run ended: the run has decided
		}
	} else {
		approved = a.approve
		if approved {
			a.p.Line("Decision: approved (-approve=yes; standard input is not a terminal)")
		} else {
			a.p.Line("Decision: denied (-approve=no, the default when standard input is not a terminal)")
		}
	}
	if err := r.Approve(e.ApprovalID, approved); err != nil {
		// The request timed out or the run ended while we decided.
		a.p.Line("Too late: %s", cli.Redacted(err))
		return
	}
	if approved {
		delete(a.denied, e.ApprovalID)
	} else {
		a.denied[e.ApprovalID] = "denied"
	}
}

// ask prompts at the terminal until it reads y or n, the request's deadline
// passes, or the run ends. ok is false when there is no decision to give.
func (a *approver) ask(r *aigentic.AgentRun, e *aigentic.ApprovalEvent) (approved, ok bool) {
	timer := time.NewTimer(time.Until(e.Deadline))
	defer timer.Stop()
	if stale := a.lines.stale(); len(stale) > 0 {
		// Typed before this request was shown: a late answer to an earlier
		// one, which timed out, or typed ahead. It must not decide this one.
		a.p.Line("(Ignored %s, typed before this request was shown.)", quoted(stale))
	}
	if a.discard != nil {
		// Still in the terminal, unread: typed ahead of this prompt.
		switch n, err := a.discard(); {
		case err != nil:
			a.p.Line("(Could not discard what was typed before this request: %v. Answer only after reading it.)", err)
		case n > 0:
			a.p.Line("(Ignored %d bytes typed before this request was shown.)", n)
		}
	}
	a.p.Prompt("Send it? [y/N] ")
	for {
		select {
		case res := <-a.lines.next():
			a.lines.taken()
			answer := strings.ToLower(strings.TrimSpace(res.line))
			switch {
			case answer == "y" || answer == "yes":
				a.p.Line("Decision: approved at the terminal")
				return true, true
			case answer == "n" || answer == "no" || answer == "" && res.err == nil:
				a.p.Line("Decision: denied at the terminal")
				return false, true
			case answer == "":
				a.p.Line("\nDecision: denied (standard input ended)")
				return false, true
			}
			if res.err != nil {
				a.p.Line("\nDecision: denied (%q is not y or n, and standard input ended)", answer)
				return false, true
			}
			a.p.Prompt("Please answer y or n: ")
		case <-timer.C:
			a.p.Line("\nDecision: denied (no answer within %s)", a.timeout)
			return false, false
		case <-r.Context().Done():
			if !time.Now().Before(e.Deadline) {
				// The request timed out, and the run went on and ended
				// before this prompt noticed.
				a.p.Line("\nDecision: denied (no answer within %s)", a.timeout)
			} else {
				a.p.Line("\nThe run ended before an answer.")
			}
			return false, false
		}
	}
}

// lineReader reads standard input one line at a time, on demand, in a
// goroutine, so that waiting for a line can be abandoned (timeout,
// cancellation). A line that arrives while no prompt waits (a late
// answer to a request that timed out) is discarded by the next prompt
// (stale), never taken as its answer.
type lineReader struct {
	r       *bufio.Reader
	pending chan lineResult
	// read, when set (tests), is called once each line read waits on
	// pending.
	read func()
}

type lineResult struct {
	line string
	err  error
}

func newLineReader(r io.Reader) *lineReader {
	if r == nil {
		r = strings.NewReader("")
	}
	return &lineReader{r: bufio.NewReader(r)}
}

// next returns the channel that delivers the next line, starting a read
// unless one is pending. Call taken after receiving from it.
func (l *lineReader) next() <-chan lineResult {
	if l.pending == nil {
		ch := make(chan lineResult, 1)
		l.pending = ch
		read := l.read
		go func() {
			s, err := l.r.ReadString('\n')
			ch <- lineResult{s, err}
			if read != nil {
				read()
			}
		}()
	}
	return l.pending
}

// taken records that the pending line was received.
func (l *lineReader) taken() { l.pending = nil }

// stale returns the lines already typed that no prompt has taken: the
// pending read's, once it has ended, and every whole line read into the
// buffer behind it ("y\ny\n" pasted, or Enter pressed twice). When
// standard input has ended, the end stays pending for the prompts to
// come. A line still in the terminal, which nothing has read yet, is not
// seen: typed ahead of every prompt, it answers the first.
func (l *lineReader) stale() []string {
	var out []string
	if l.pending != nil {
		select {
		case res := <-l.pending:
			l.pending = nil
			out = append(out, res.line)
			if res.err != nil {
				ch := make(chan lineResult, 1)
				ch <- lineResult{err: res.err}
				l.pending = ch
				return nonBlank(out)
			}
		default:
			return nil // a read is waiting: the buffer is its
		}
	}
	for n := l.r.Buffered(); n > 0; n = l.r.Buffered() {
		if peek, _ := l.r.Peek(n); !strings.Contains(string(peek), "\n") {
			break
		}
		line, _ := l.r.ReadString('\n') // from the buffer: it does not block
		out = append(out, line)
	}
	return nonBlank(out)
}

// nonBlank is lines trimmed, without the blank ones.
func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// quoted is lines quoted and joined by ", ".
func quoted(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = strconv.Quote(l)
	}
	return strings.Join(q, ", ")
}
