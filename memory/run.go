package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
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
	var reads []string // the text of every get_memory result
	var answers []string
	for i, q := range questions {
		t, err := turn(ctx, agent, store, cfg.user, i+1, q, p)
		if err != nil {
			return cli.TimedOut(ctx, fmt.Sprintf("question %d", i+1), err)
		}
		reads, answers = append(reads, t.reads...), append(answers, t.answer)
	}

	if len(before) == 0 {
		p.Line("The memories are kept in %s. Run it again: the next process remembers them.", path)
		p.Line("  go run ./memory%s", flagsToRepeat(cfg))
		return nil
	}
	recallVerdict(p, path, before, reads, answers)
	return nil
}

// recallVerdict says whether the answers used what an earlier run saved
// (before, kept in path), from what happened: which of those memories a
// get_memory result held (reads), and whether an answer names any of
// their values.
func recallVerdict(p *cli.Printer, path string, before []memstore.Entry, reads, answers []string) {
	read := readBack(before, reads)
	used := named(read, answers)
	switch {
	case len(used) > 0:
		p.Good("The answer used what an earlier run saved: it names %s, which get_memory read from %s.", quoted(values(used), " and "), path)
	case len(read) > 0:
		p.NotSeen("get_memory read what an earlier run saved (%s), but the answer does not name %s: this model did not use it (%s).",
			entries(read), quoted(values(read), " or "), cli.Clip(strings.Join(answers, " "), 60))
	default:
		p.NotSeen("The model did not look in its memory (no get_memory result held a saved value), so this answer does not show recall; what was remembered is listed above.")
	}
}

// readBack is the entries of saved that a get_memory result held, as one
// of its lines ("name = value" or "- name = value").
func readBack(saved []memstore.Entry, reads []string) []memstore.Entry {
	var held []memstore.Entry
	for _, e := range saved {
		line := e.Name + " = " + e.Value
		if slices.ContainsFunc(reads, func(r string) bool {
			return slices.ContainsFunc(strings.Split(r, "\n"), func(l string) bool {
				return strings.TrimPrefix(strings.TrimSpace(l), "- ") == line
			})
		}) {
			held = append(held, e)
		}
	}
	return held
}

// named is the entries of es whose value an answer names: as a whole
// word or phrase, in any case ("Blue." names "blue"; "blueprint" does not).
func named(es []memstore.Entry, answers []string) []memstore.Entry {
	var out []memstore.Entry
	for _, e := range es {
		if slices.ContainsFunc(answers, func(a string) bool { return mentions(a, e.Value) }) {
			out = append(out, e)
		}
	}
	return out
}

// mentions reports whether text holds phrase, in any case, not as part
// of a longer word.
func mentions(text, phrase string) bool {
	text, phrase = strings.ToLower(text), strings.ToLower(strings.TrimSpace(phrase))
	if phrase == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(phrase)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !wordRune(before) && !wordRune(after) {
			return true
		}
		i = start + 1
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// values is the values of es.
func values(es []memstore.Entry) []string {
	vs := make([]string, len(es))
	for i, e := range es {
		vs[i] = e.Value
	}
	return vs
}

// quoted is vs, each quoted, joined with sep.
func quoted(vs []string, sep string) string {
	qs := make([]string, len(vs))
	for i, v := range vs {
		qs[i] = strconv.Quote(v)
	}
	return strings.Join(qs, sep)
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

// turned is what one turn did: the answer, and the text of each
// get_memory result that was not an error.
type turned struct {
	answer string
	reads  []string
}

// turn asks one question, printing its tool calls and the answer, then
// what the store holds.
func turn(ctx context.Context, agent aigentic.Agent, store memstore.Store, user string, n int, question string, p *cli.Printer) (turned, error) {
	var t turned
	p.Line("[%d] You: %s", n, question)
	run, err := agent.Start(question)
	if err != nil {
		return t, err
	}
	t.answer, err = p.Follow(run, func(ev aigentic.Event) bool {
		if r, ok := ev.(*aigentic.ToolResponseEvent); ok && r.ToolName == memstore.GetToolName && !r.Error {
			t.reads = append(t.reads, r.Result.String())
		}
		return false
	})
	if err != nil {
		return t, err
	}
	// A multi-line answer keeps its lines, indented under the first.
	lines := strings.Split(strings.TrimSpace(t.answer), "\n")
	p.Line("[%d] Agent: %s", n, lines[0])
	for _, l := range lines[1:] {
		p.Line("    %s", l)
	}
	all, err := store.List(ctx, user)
	if err != nil {
		return t, err
	}
	if len(all) == 0 {
		p.Line("[%d] Saved memories: none", n)
	} else {
		p.Line("[%d] Saved memories: %s", n, entries(all))
	}
	p.Line("")
	return t, nil
}
