package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the zone database, built in: the binary works where the system has none

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// DefaultQuestion is asked when -q is not given.
const DefaultQuestion = "What is 15 multiplied by 23, plus 100? Also, what time is it in New York?"

const instructions = `You are a precise assistant. Use the calculator tool for every arithmetic question and the current_time tool for the time or date anywhere; never work these out yourself. Call every tool the question needs in one turn. If a tool reports an error, fix the arguments and try again, or explain the problem. Answer briefly, quoting the numbers and times the tools returned.`

// config is everything the program reads from its flags and environment.
type config struct {
	question string
	timeout  time.Duration
	verbose  bool
	now      time.Time // zero: the real clock
	model    provider.Settings
}

// flagSet declares the flags into c; -now is parsed later from *now.
func flagSet(c *config, now *string) *flag.FlagSet {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.question, "q", DefaultQuestion, "the question to ask")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "bound on the whole run")
	fs.BoolVar(&c.verbose, "v", false, "log every model request and tool call to stderr")
	fs.StringVar(now, "now", "", "pretend the current time is this RFC 3339 time, e.g. 2026-03-02T15:04:05Z (reproducible output)")
	return fs
}

// helpRequest is -h: print the usage and succeed.
type helpRequest struct{ usage string }

func (h *helpRequest) Error() string { return "help requested" }

// parseConfig reads the flags and the environment (through getenv), in one
// place. Errors name the flag or variable and are usage errors (cli.Usage).
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	var now string
	fs := flagSet(&c, &now)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, &helpRequest{usage(fs)}
		}
		return c, cli.Usage(fmt.Errorf("%w\n%s", err, usage(fs)))
	}
	if fs.NArg() > 0 {
		return c, cli.Usage(fmt.Errorf("unexpected argument %q: put the question in -q \"...\"\n%s", fs.Arg(0), usage(fs)))
	}
	c.question = strings.TrimSpace(c.question)
	if c.question == "" {
		return c, cli.Usage(errors.New("-q: the question is empty"))
	}
	if c.timeout <= 0 {
		return c, cli.Usage(fmt.Errorf("-timeout=%s: want a positive duration such as 30s", c.timeout))
	}
	if now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			return c, cli.Usage(fmt.Errorf("-now=%q: want an RFC 3339 time such as 2026-03-02T15:04:05Z", now))
		}
		c.now = t
	}
	s, err := provider.FromEnv(getenv)
	if err != nil {
		return c, cli.Usage(err)
	}
	c.model = s
	return c, nil
}

func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("usage: go run ./tools [-q question] [-timeout d] [-now time] [-v]\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	b.WriteString("environment: OPENAI_API_KEY, OPENAI_MODEL, OPENAI_BASE_URL (unset: the offline model)")
	return b.String()
}

// run is the program: it loads .env, then runs with the real environment,
// clock and standard error.
func run(ctx context.Context, args []string, out io.Writer) error {
	if _, err := cli.LoadDotEnv(""); err != nil {
		return err
	}
	return runWith(ctx, args, out, deps{getenv: os.Getenv, now: time.Now, stderr: os.Stderr})
}

// deps are what the program takes from its surroundings; tests replace
// them.
type deps struct {
	getenv func(string) string
	now    func() time.Time
	stderr io.Writer // runtime logs
}

func runWith(ctx context.Context, args []string, out io.Writer, d deps) error {
	cfg, err := parseConfig(args, d.getenv)
	var help *helpRequest
	if errors.As(err, &help) {
		fmt.Fprintln(out, help.usage)
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

	now := d.now
	if !cfg.now.IsZero() {
		fixed := cfg.now
		now = func() time.Time { return fixed }
	}
	level := slog.LevelWarn
	if cfg.verbose {
		level = slog.LevelDebug
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	agent := newAgent(model, now)
	agent.Session = session
	agent.LogLevel = level
	agent.Logger = slog.New(slog.NewTextHandler(d.stderr, &slog.HandlerOptions{Level: level}))

	fmt.Fprintf(out, "Question: %s\n\n", cfg.question)
	r, err := ask(agent, cfg.question, out)
	if err != nil {
		return err
	}
	if r.run.Stats().ToolCalls > 0 {
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "Answer: %s\n\n", r.answer)
	fmt.Fprintln(out, summary(r.run))
	return nil
}

// newAgent is the agent of this example: the two tools and production
// limits. The clock is injected.
func newAgent(model ai.Model, now func() time.Time) aigentic.Agent {
	return aigentic.Agent{
		Model:        model,
		Name:         "tools",
		Instructions: instructions,
		AgentTools:   []aigentic.AgentTool{newCalculatorTool(), newCurrentTimeTool(now)},
		MaxLLMCalls:  6,
		Retries:      2,
	}
}

type result struct {
	answer string
	run    *aigentic.AgentRun
}

// ask runs the agent on question, printing each tool call and its result
// as it happens.
func ask(agent aigentic.Agent, question string, out io.Writer) (result, error) {
	run, err := agent.Start(question)
	if err != nil {
		return result{}, err
	}
	for ev := range run.Next() {
		switch e := ev.(type) {
		case *aigentic.ToolEvent:
			fmt.Fprintf(out, "→ %s %s\n", e.ToolName, e.Arguments)
		case *aigentic.ToolResponseEvent:
			mark := "←"
			if e.Error {
				mark = "← error from"
			}
			fmt.Fprintf(out, "%s %s: %s\n", mark, e.ToolName, e.Result.String())
		}
	}
	answer, err := run.Wait(0)
	return result{answer: answer, run: run}, err
}

// summary says how the run went: model turns, which tools each turn called
// (several tools in one turn means the model asked for them together),
// and counters.
func summary(run *aigentic.AgentRun) string {
	var turns []string
	n := 0
	for _, m := range run.Messages() {
		if m.Role != ai.RoleAssistant {
			continue
		}
		n++
		if len(m.ToolCalls) == 0 {
			continue
		}
		names := make([]string, len(m.ToolCalls))
		for i, tc := range m.ToolCalls {
			names[i] = tc.Name
		}
		turns = append(turns, fmt.Sprintf("turn %d called %s", n, strings.Join(names, " + ")))
	}
	s := run.Stats()
	line := fmt.Sprintf("Model turns: %d", n)
	if len(turns) > 0 {
		line += " (" + strings.Join(turns, "; ") + ")"
	}
	return fmt.Sprintf("%s. Tool calls: %d, tool errors: %d.", line, s.ToolCalls, s.ToolErrors)
}
