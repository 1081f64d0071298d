package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// system is what the program takes from its process; tests fake it.
type system struct {
	getenv func(string) string
}

// run is the program, on the real process.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, system{getenv: os.Getenv}) })
}

// runWith is the program on the given system.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	model, p, err := cli.Start(spec(&cfg), &cfg.Config, args, sys.getenv, out, nil)
	if p == nil {
		return err
	}
	notes, err := loadNotes()
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}

	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any run
	}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := &aigentic.Trace{SessionID: session.ID, Directory: cfg.TraceDir}

	ms := models{coordinator: model, researcher: model, writer: model}
	if cfg.failResearcher {
		// Both attempts of the researcher's first model call (it has one
		// retry) fail with a 503 asking to retry after 10ms, so its retry
		// budget runs out and its run fails.
		unavailable := aitest.StatusError(503, 10*time.Millisecond)
		ms.researcher = aitest.Inject(model).FailNext(unavailable, unavailable)
		p.Line("The researcher's model will fail with HTTP 503 (-fail-researcher).")
	}
	coordinator := newTeam(teamConfig{
		models:   ms,
		notes:    notes,
		session:  session,
		trace:    trace,
		logger:   p.Logger(cfg.Log),
		logLevel: cfg.Log.Level,
	})

	if cfg.runaway {
		// Every answer of every agent is a tool call: the coordinator keeps
		// delegating to the researcher, the researcher keeps searching.
		ms.coordinator = aitest.Inject(model).EndlessToolCalls("researcher", `{"input":"look again"}`)
		ms.researcher = aitest.Inject(model).EndlessToolCalls("search_notes", `{"query":"cancellation"}`)
		ms.writer = aitest.Inject(model).EndlessToolCalls("search_notes", `{"query":"cancellation"}`)
		coordinator = newTeam(teamConfig{models: ms, notes: notes, session: session, trace: trace, logger: p.Logger(cfg.Log), logLevel: cfg.Log.Level})
		p.Line("Every agent's model will call a tool on every answer (-runaway).")
	}

	p.Title("Request: %s", cfg.Question)
	answer, log, stats, err := delegate(coordinator, cfg.Question, p)
	if err == nil {
		p.Line("")
		p.Line("Answer (at most 8 lines; the whole text is in the coordinator's trace):")
		p.Answer(answer)
	}
	stopped := reportBudget(p, coordinator, err)
	printVerdict(p, coordinator, notes, log, answer, stats, err)
	p.Line("")
	p.Line("Stats of the coordinator and its sub-agents together: %s, %d+%d tokens, %s (%d failed), %s.",
		plural(stats.LLMCalls, "LLM call"), stats.InputTokens, stats.OutputTokens, plural(stats.ToolCalls, "delegation"), stats.ToolErrors, plural(stats.Retries, "retry"))
	printTraces(p, trace.Files())
	switch {
	case cfg.runaway && stopped:
		return nil // what -runaway is for: the budget stopped the tree
	case cfg.runaway:
		return fmt.Errorf("-runaway: the team's budget did not stop the run tree (%v)", err)
	case err != nil:
		return fmt.Errorf("coordinator run: %w", err)
	}
	return nil
}

// reportBudget says so when the team's budget stopped the whole run tree
// of coordinator at its limit, with the work kept, and reports whether it
// did.
func reportBudget(p *cli.Printer, coordinator aigentic.Agent, err error) bool {
	var le *aigentic.LimitError
	if !errors.As(err, &le) || !errors.Is(err, aigentic.ErrBudgetExceeded) {
		return false
	}
	p.Line("")
	p.Say("%s The team's budget stopped the whole run tree: %.0f of %.0f model calls (%s of agent %q, shared by its sub-agents).",
		cli.MarkOK, le.Used, le.Max, le.Exceeded, le.BudgetOwner)
	calls, requests := unbudgeted(coordinator)
	p.Line("  Without it, the agents' own MaxLLMCalls (%s) would have allowed up to %d model calls (%d requests with retries) at one delegation per coordinator call, and more when a model asks for several at once.",
		ownLimits(coordinator), calls, requests)
	p.Line("  The work done is kept: %d messages in the coordinator's transcript, %d tool calls pending.", len(le.Transcript), len(le.Pending))
	return true
}

// printTraces lists the trace files, one line per run, with what each
// recorded.
func printTraces(p *cli.Printer, files []string) {
	if len(files) == 0 {
		p.Line("No trace file was written.")
		return
	}
	p.Line("Trace files, one per run:")
	for _, f := range files {
		s, err := aigentic.ReadTraceSummary(f)
		if err != nil {
			p.Say("  %s (unreadable: %s)", f, cli.Redacted(err))
			continue
		}
		p.Say("  %-12s %s, %s, %s: %s", s.Agent, plural(s.LLMCalls, "LLM call"), plural(s.ToolCalls, "tool call"), s.Outcome, f)
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, what)
	}
	if strings.HasSuffix(what, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}
