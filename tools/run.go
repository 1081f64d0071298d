package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // the zone database, built in: the binary works where the system has none

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

const instructions = `You are a precise assistant. Use the calculator tool for every arithmetic question and the current_time tool for the time or date anywhere; never work these out yourself. Call every tool the question needs in one turn. If a tool reports an error, fix the arguments and try again, or explain the problem. Answer briefly, quoting the numbers and times the tools returned.`

// run is the program: it loads .env, then runs with the real environment
// and clock.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, system{getenv: os.Getenv, now: time.Now}) })
}

// system is what the program takes from its process; tests pass their
// own.
type system struct {
	getenv func(string) string
	now    func() time.Time
}

func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	var nowFlag string
	model, p, err := cli.Start(spec(&cfg, &nowFlag), &cfg.Config, args, sys.getenv, out, func() error { return cfg.parseNow(nowFlag) })
	if p == nil {
		return err
	}

	now := sys.now
	if !cfg.now.IsZero() {
		fixed := cfg.now
		now = func() time.Time { return fixed }
	}
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any run
	}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	agent := newAgent(model, now)
	agent.Session, agent.LogLevel, agent.Logger = session, cfg.Log.Level, p.Logger(cfg.Log)
	agent.Stream = cfg.stream

	p.Title("Question: %s", cfg.Question)
	p.Line("")
	r, err := ask(agent, cfg.Question, p)
	if err != nil {
		return err
	}
	if r.fragments == 0 {
		// The answer's lines as lines, indented (cli.Printer.Answer), as
		// every example prints one: not one line with its line ends
		// escaped.
		p.Line("")
		p.Line("Answer:")
		p.Answer(r.answer)
	}
	p.Line("")
	p.Line("%s", summary(r.run, r.fragments))
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

// ask runs the agent on question, printing each tool call and its result
// as it happens and, when the agent streams, the answer as it arrives
// (each *aigentic.ContentEvent with Delta is a fragment).
func ask(agent aigentic.Agent, question string, p *cli.Printer) (result, error) {
	run, err := agent.Start(question)
	if err != nil {
		return result{}, err
	}
	fragments := 0
	answer, err := p.Follow(run, func(ev aigentic.Event) bool {
		if c, ok := ev.(*aigentic.ContentEvent); ok && c.Delta {
			if fragments++; fragments == 1 {
				p.Line("")
				p.Line("Answer (streamed):")
			}
		}
		return false
	})
	if fragments > 0 {
		p.Line("")
	}
	return result{answer: answer, run: run, fragments: fragments}, err
}

// result is what ask returns: the answer, the run, and how many streamed
// fragments carried the answer (0 without streaming).
type result struct {
	answer    string
	run       *aigentic.AgentRun
	fragments int
}

// summary says how the run went: model turns, which tools each turn called
// (several tools in one turn means the model asked for them together),
// and counters.
func summary(run *aigentic.AgentRun, fragments int) string {
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
	line = fmt.Sprintf("%s. Tool calls: %d, tool errors: %d.", line, s.ToolCalls, s.ToolErrors)
	if fragments > 0 {
		line += fmt.Sprintf(" The answer arrived in %s.", plural(fragments, "fragment"))
	}
	return line
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
