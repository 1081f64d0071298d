package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/mattn/go-isatty"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

const (
	defaultPrompt  = `Send an email to alice@example.com with subject "Quarterly report" saying "The Q3 report is ready for review."`
	defaultTimeout = 2 * time.Minute
)

const instructions = `You are an assistant that sends e-mails for the user with the send_email tool.
Every e-mail needs the user's approval. If the tool reports that it was not run or that the e-mail was not sent, tell the user plainly that the e-mail was NOT sent and why; never claim otherwise.`

// config is everything the program reads from its flags and environment.
type config struct {
	prompt string
	// approve is the decision when standard input is not a terminal.
	approve bool
	// timeout is how long an approval request waits; no answer is a denial.
	timeout time.Duration
	model   provider.Settings
}

// flagValues are the flags as given.
type flagValues struct {
	prompt, approve string
	timeout         time.Duration
}

func newFlagSet(v *flagValues) *flag.FlagSet {
	fs := flag.NewFlagSet("approval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&v.prompt, "prompt", defaultPrompt, "the request for the agent")
	fs.StringVar(&v.approve, "approve", "no", "the decision when standard input is not a terminal: yes or no")
	fs.DurationVar(&v.timeout, "timeout", defaultTimeout, "how long an approval request waits for an answer; no answer counts as denied")
	return fs
}

// parseConfig reads the flags and the environment (through getenv).
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var v flagValues
	fs := newFlagSet(&v)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, cli.Usagef("%v (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return config{}, cli.Usagef("unexpected argument %q: give the request with -prompt", fs.Arg(0))
	}
	cfg := config{prompt: strings.TrimSpace(v.prompt), timeout: v.timeout}
	if cfg.prompt == "" {
		return config{}, cli.Usagef("-prompt is empty: give the agent a request")
	}
	switch strings.ToLower(strings.TrimSpace(v.approve)) {
	case "yes":
		cfg.approve = true
	case "no":
		cfg.approve = false
	default:
		return config{}, cli.Usagef("-approve=%q: want yes or no", v.approve)
	}
	if cfg.timeout <= 0 {
		return config{}, cli.Usagef("-timeout=%s: want a positive duration such as 30s or 2m", cfg.timeout)
	}
	s, err := provider.FromEnv(getenv)
	if err != nil {
		return config{}, cli.Usage(err)
	}
	cfg.model = s
	return cfg, nil
}

// system is what the program takes from its process; tests fake it.
type system struct {
	getenv func(string) string
	// stdin answers approval requests when terminal is true.
	stdin    io.Reader
	terminal bool
	// stderr receives the runtime's logs.
	stderr io.Writer
}

// run is the program, on the real process.
func run(ctx context.Context, args []string, out io.Writer) error {
	if _, err := cli.LoadDotEnv(""); err != nil {
		return err
	}
	fd := os.Stdin.Fd()
	return runWith(ctx, args, out, system{
		getenv:   os.Getenv,
		stdin:    os.Stdin,
		terminal: isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd),
		stderr:   os.Stderr,
	})
}

// runWith is the program on the given system.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	cfg, err := parseConfig(args, sys.getenv)
	if errors.Is(err, flag.ErrHelp) {
		fs := newFlagSet(&flagValues{})
		fs.SetOutput(out)
		fmt.Fprintln(out, "Usage: approval [flags]")
		fs.PrintDefaults()
		return nil
	}
	if err != nil {
		return err
	}
	model, desc, err := provider.New(cfg.model)
	if err != nil {
		return cli.Usage(err)
	}
	fmt.Fprintln(out, desc)

	if sys.stderr == nil {
		sys.stderr = io.Discard
	}
	box := &outbox{}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	logger := slog.New(slog.NewTextHandler(sys.stderr, nil))
	agent := newAgent(model, session, box, cfg.timeout, logger)

	fmt.Fprintf(out, "Request: %s\n", cfg.prompt)
	ap := &approver{out: out, terminal: sys.terminal, approve: cfg.approve, timeout: cfg.timeout, lines: newLineReader(sys.stdin)}
	answer, err := converse(agent, cfg.prompt, ap, out)
	if err == nil {
		fmt.Fprintf(out, "\nAnswer:\n%s\n", answer)
	}
	fmt.Fprintln(out)
	box.print(out)
	if err != nil {
		return fmt.Errorf("agent run: %w", err)
	}
	return nil
}

// newAgent is the e-mail assistant: one tool, send_email, that needs
// approval, with requests that wait at most timeout for an answer.
func newAgent(model ai.Model, session *aigentic.Session, box *outbox, timeout time.Duration, logger *slog.Logger) aigentic.Agent {
	return aigentic.Agent{
		Model:           model,
		Name:            "assistant",
		Instructions:    instructions,
		Session:         session,
		AgentTools:      []aigentic.AgentTool{sendEmailTool(box)},
		ApprovalTimeout: timeout,
		MaxLLMCalls:     6,
		Retries:         2,
		LogLevel:        slog.LevelWarn,
		Logger:          logger,
	}
}

// converse runs the agent on prompt, printing its tool calls and results
// as they happen and having ap answer each approval request.
func converse(agent aigentic.Agent, prompt string, ap *approver, out io.Writer) (string, error) {
	r, err := agent.Start(prompt)
	if err != nil {
		return "", err
	}
	for ev := range r.Next() {
		switch e := ev.(type) {
		case *aigentic.ToolEvent:
			fmt.Fprintf(out, "\nThe model calls %s %s\n", e.ToolName, e.Arguments)
		case *aigentic.ApprovalEvent:
			ap.handle(r, e)
		case *aigentic.ToolResponseEvent:
			kind := "result"
			if e.Error {
				kind = "error"
			}
			fmt.Fprintf(out, "Tool %s %s: %s\n", e.ToolName, kind, e.Result.String())
		}
	}
	return r.Wait(0)
}

// approver answers approval requests: at the terminal when standard input
// is one, from -approve otherwise.
type approver struct {
	out      io.Writer
	terminal bool
	approve  bool
	timeout  time.Duration
	lines    *lineReader
}

// handle shows the request, gets a decision and gives it to the run.
func (a *approver) handle(r *aigentic.AgentRun, e *aigentic.ApprovalEvent) {
	fmt.Fprintf(a.out, "Approval needed for %s (call %s): %s\n", e.ToolName, e.ApprovalID, e.ValidationResult.Message)
	fmt.Fprintf(a.out, "No answer within %s counts as denied.\n", a.timeout)
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
			fmt.Fprintln(a.out, "Decision: approved (-approve=yes; standard input is not a terminal)")
		} else {
			fmt.Fprintln(a.out, "Decision: denied (-approve=no, the default when standard input is not a terminal)")
		}
	}
	if err := r.Approve(e.ApprovalID, approved); err != nil {
		// The request timed out or the run ended while we decided.
		fmt.Fprintf(a.out, "Too late: %v\n", err)
	}
}

// ask prompts at the terminal until it reads y or n, the request's deadline
// passes, or the run ends. ok is false when there is no decision to give.
func (a *approver) ask(r *aigentic.AgentRun, e *aigentic.ApprovalEvent) (approved, ok bool) {
	timer := time.NewTimer(time.Until(e.Deadline))
	defer timer.Stop()
	fmt.Fprint(a.out, "Send it? [y/N] ")
	for {
		select {
		case res := <-a.lines.next():
			a.lines.taken()
			answer := strings.ToLower(strings.TrimSpace(res.line))
			switch {
			case answer == "y" || answer == "yes":
				fmt.Fprintln(a.out, "Decision: approved at the terminal")
				return true, true
			case answer == "n" || answer == "no" || answer == "" && res.err == nil:
				fmt.Fprintln(a.out, "Decision: denied at the terminal")
				return false, true
			case answer == "":
				fmt.Fprintln(a.out, "\nDecision: denied (standard input ended)")
				return false, true
			}
			if res.err != nil {
				fmt.Fprintf(a.out, "\nDecision: denied (%q is not y or n, and standard input ended)\n", answer)
				return false, true
			}
			fmt.Fprintf(a.out, "Please answer y or n: ")
		case <-timer.C:
			fmt.Fprintf(a.out, "\nDecision: denied (no answer within %s)\n", a.timeout)
			return false, false
		case <-r.Context().Done():
			if !time.Now().Before(e.Deadline) {
				// The request timed out, and the run went on and ended
				// before this prompt noticed.
				fmt.Fprintf(a.out, "\nDecision: denied (no answer within %s)\n", a.timeout)
			} else {
				fmt.Fprintln(a.out, "\nThe run ended before an answer.")
			}
			return false, false
		}
	}
}

// lineReader reads standard input one line at a time, on demand, in a
// goroutine, so that waiting for a line can be abandoned (timeout,
// cancellation). An abandoned read is picked up by the next prompt.
type lineReader struct {
	r       *bufio.Reader
	pending chan lineResult
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
		go func() {
			s, err := l.r.ReadString('\n')
			ch <- lineResult{s, err}
		}()
	}
	return l.pending
}

// taken records that the pending line was received.
func (l *lineReader) taken() { l.pending = nil }
