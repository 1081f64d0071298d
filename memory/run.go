package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

const instructions = `You are a helpful assistant with a long-term memory. When the user tells you something about themselves, save it with save_memory (a short name and the value). When they ask about themselves or about something they told you before, look it up with get_memory before answering; never guess. When they ask you to forget something, use clear_memory. Answer briefly.`

// system is what the program takes from its process; tests pass their
// own.
type system struct {
	getenv        func(string) string
	userConfigDir func() (string, error)
}

// run is the program: it loads .env, then runs with the real environment.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error {
		return runWith(ctx, args, out, system{getenv: os.Getenv, userConfigDir: os.UserConfigDir})
	})
}

func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	model, p, err := cli.Start(spec(&cfg), &cfg.Config, args, sys.getenv, out, func() error { return cfg.check(sys) })
	if p == nil {
		return err
	}

	store, err := memstore.OpenFileStore(cfg.storeDir)
	if err != nil {
		return err
	}
	mem, err := memstore.NewMemory(store, memstore.WithNamespace(cfg.user))
	if err != nil {
		return err
	}
	path, _ := store.Path(cfg.user)
	p.Line("Memory: user %q, file %s", cfg.user, path)

	// -timeout bounds the whole session; a step it stops says which, and
	// after how long (cli.TimedOut).
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Timeout)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any run
	}
	// What earlier runs left: the story of this run starts from it.
	before, err := store.List(ctx, cfg.user)
	if err != nil {
		return cli.TimedOut(ctx, "reading the memories", err)
	}
	if len(before) == 0 {
		p.Line("Nothing is remembered yet for user %q.", cfg.user)
	} else {
		p.Title("Remembered from an earlier run: %s", entries(before))
	}
	p.Line("")

	// One session: every run below is in it.
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	agent := newAgent(model, mem)
	agent.Session, agent.LogLevel, agent.Logger = session, cfg.Log.Level, p.Logger(cfg.Log)

	questions := []string{cfg.Question}
	if !cfg.Set["q"] && len(before) == 0 {
		questions = []string{DemoSave, DemoRecall}
	}
	recalled := false
	for i, q := range questions {
		got, err := turn(ctx, agent, store, cfg.user, i+1, q, p)
		if err != nil {
			return cli.TimedOut(ctx, fmt.Sprintf("question %d", i+1), err)
		}
		recalled = recalled || got
	}

	switch {
	case len(before) > 0 && recalled:
		p.Good("The answer used what an earlier run saved: get_memory read it from %s.", path)
	case len(before) > 0:
		p.NotSeen("The model did not look in its memory (no get_memory result held a saved value), so this answer does not show recall; what was remembered is listed above.")
	default:
		p.Line("The memories are kept in %s. Run it again: the next process remembers them.", path)
		p.Line("  go run ./memory%s", flagsToRepeat(cfg))
	}
	return nil
}

// entries is "name = value; ..." of es.
func entries(es []memstore.Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Name + " = " + e.Value
	}
	return strings.Join(parts, "; ")
}

// flagsToRepeat returns the -user and -store flags the user gave, to repeat
// in the suggested command.
func flagsToRepeat(cfg config) string {
	var b strings.Builder
	if cfg.Set["user"] {
		fmt.Fprintf(&b, " -user %s", cfg.user)
	}
	if cfg.Set["store"] {
		fmt.Fprintf(&b, " -store %s", cli.ShellQuote(cfg.storeDir))
	}
	return b.String()
}

// newAgent is the agent of this example: the memory tools and production
// limits. The caller sets its Session and Logger.
func newAgent(model ai.Model, mem *memstore.Memory) aigentic.Agent {
	return aigentic.Agent{
		Model:        model,
		Name:         "memory",
		Instructions: instructions,
		AgentTools:   mem.Tools(),
		MaxLLMCalls:  6,
		Retries:      2,
	}
}

// turn asks one question, printing its tool calls and the answer, then
// what the store holds. recalled is true when a get_memory result held a
// saved value.
func turn(ctx context.Context, agent aigentic.Agent, store memstore.Store, user string, n int, question string, p *cli.Printer) (recalled bool, err error) {
	p.Line("[%d] You: %s", n, question)
	run, err := agent.Start(question)
	if err != nil {
		return false, err
	}
	answer, err := p.Follow(run, func(ev aigentic.Event) bool {
		if r, ok := ev.(*aigentic.ToolResponseEvent); ok && r.ToolName == memstore.GetToolName && !r.Error && strings.Contains(r.Result.String(), " = ") {
			recalled = true
		}
		return false
	})
	if err != nil {
		return false, err
	}
	p.Line("[%d] Agent: %s", n, strings.ReplaceAll(strings.TrimSpace(answer), "\n", "\n    "))
	all, err := store.List(ctx, user)
	if err != nil {
		return false, err
	}
	if len(all) == 0 {
		p.Line("[%d] Saved memories: none", n)
	} else {
		p.Line("[%d] Saved memories: %s", n, entries(all))
	}
	p.Line("")
	return recalled, nil
}
