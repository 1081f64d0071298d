package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// The demo's two questions, asked when -q is not given.
const (
	DemoSave   = "Remember that my favourite colour is blue"
	DemoRecall = "What is my favourite colour?"
)

const instructions = `You are a helpful assistant with a long-term memory. When the user tells you something about themselves, save it with save_memory (a short name and the value). When they ask about themselves or about something they told you before, look it up with get_memory before answering; never guess. When they ask you to forget something, use clear_memory. Answer briefly.`

// config is everything the program reads from its flags and environment.
type config struct {
	question string // empty: the two-question demo
	user     string
	storeDir string
	timeout  time.Duration
	verbose  bool
	model    provider.Settings
}

// deps are what the program takes from its surroundings; tests replace
// them.
type deps struct {
	getenv        func(string) string
	userConfigDir func() (string, error)
	stderr        io.Writer // runtime logs
}

// DefaultStoreDir is where memories go without -store:
// <user config dir>/aigentic-examples/memory (on Linux
// ~/.config/aigentic-examples/memory, on macOS ~/Library/Application
// Support/aigentic-examples/memory, on Windows %AppData%\aigentic-examples\memory).
func DefaultStoreDir(userConfigDir func() (string, error)) (string, error) {
	base, err := userConfigDir()
	if err != nil {
		return "", fmt.Errorf("no default store directory (%v): pass -store DIR", err)
	}
	return filepath.Join(base, "aigentic-examples", "memory"), nil
}

func flagSet(c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("memory", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.question, "q", "", "one question to ask (default: the demo, which saves and then recalls a fact in one session)")
	fs.StringVar(&c.user, "user", "default", "whose memories to use: the namespace shared by every run and process with this name (a-z, 0-9, _ and -)")
	fs.StringVar(&c.storeDir, "store", "", "directory of the memory files (default <user config dir>/aigentic-examples/memory)")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "bound on the whole program")
	fs.BoolVar(&c.verbose, "v", false, "log every model request and tool call to stderr")
	return fs
}

// helpRequest is -h: print the usage and succeed.
type helpRequest struct{ usage string }

func (h *helpRequest) Error() string { return "help requested" }

// parseConfig reads the flags and the environment, in one place. Errors
// name the flag or variable and are usage errors (cli.Usage).
func parseConfig(args []string, d deps) (config, error) {
	var c config
	fs := flagSet(&c)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, &helpRequest{usage(fs)}
		}
		return c, cli.Usage(fmt.Errorf("%w\n%s", err, usage(fs)))
	}
	if fs.NArg() > 0 {
		return c, cli.Usage(fmt.Errorf("unexpected argument %q: put the question in -q \"...\"\n%s", fs.Arg(0), usage(fs)))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.question = strings.TrimSpace(c.question)
	if set["q"] && c.question == "" {
		return c, cli.Usage(errors.New("-q: the question is empty"))
	}
	if err := memstore.ValidateNamespace(c.user); err != nil {
		return c, cli.Usage(fmt.Errorf("-user=%q: use 1-%d characters: lower-case letters a-z, digits, _ and -", c.user, memstore.MaxNamespaceLen))
	}
	if c.timeout <= 0 {
		return c, cli.Usage(fmt.Errorf("-timeout=%s: want a positive duration such as 30s", c.timeout))
	}
	if set["store"] && strings.TrimSpace(c.storeDir) == "" {
		return c, cli.Usage(errors.New("-store: the directory is empty"))
	}
	if c.storeDir == "" {
		dir, err := DefaultStoreDir(d.userConfigDir)
		if err != nil {
			return c, cli.Usage(err)
		}
		c.storeDir = dir
	}
	s, err := provider.FromEnv(d.getenv)
	if err != nil {
		return c, cli.Usage(err)
	}
	c.model = s
	return c, nil
}

func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("usage: go run ./memory [-q question] [-user name] [-store dir] [-timeout d] [-v]\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	b.WriteString("environment: OPENAI_API_KEY, OPENAI_MODEL, OPENAI_BASE_URL (unset: the offline model)")
	return b.String()
}

// run is the program: it loads .env, then runs with the real environment.
func run(ctx context.Context, args []string, out io.Writer) error {
	if _, err := cli.LoadDotEnv(""); err != nil {
		return err
	}
	return runWith(ctx, args, out, deps{getenv: os.Getenv, userConfigDir: os.UserConfigDir, stderr: os.Stderr})
}

func runWith(ctx context.Context, args []string, out io.Writer, d deps) error {
	cfg, err := parseConfig(args, d)
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

	store, err := memstore.OpenFileStore(cfg.storeDir)
	if err != nil {
		return err
	}
	mem, err := memstore.NewMemory(store, memstore.WithNamespace(cfg.user))
	if err != nil {
		return err
	}
	path, _ := store.Path(cfg.user)
	fmt.Fprintf(out, "Memory: user %q, file %s\n\n", cfg.user, path)

	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	// One session: every Execute below runs in it.
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	level := slog.LevelWarn
	if cfg.verbose {
		level = slog.LevelDebug
	}
	agent := newAgent(model, mem)
	agent.Session = session
	agent.LogLevel = level
	agent.Logger = slog.New(slog.NewTextHandler(d.stderr, &slog.HandlerOptions{Level: level}))

	questions := []string{cfg.question}
	if cfg.question == "" {
		questions = []string{DemoSave, DemoRecall}
	}
	for i, q := range questions {
		if err := turn(ctx, agent, store, cfg.user, i+1, q, out); err != nil {
			return err
		}
	}

	if cfg.question == "" {
		fmt.Fprintf(out, "Both questions ran as two Execute calls in one session, on the memories of user %q.\n", cfg.user)
	}
	fmt.Fprintf(out, "The memories of user %q are kept in %s, so a new process remembers them too:\n", cfg.user, path)
	fmt.Fprintf(out, "  go run ./memory%s -q %q\n", flagsToRepeat(args), DemoRecall)
	return nil
}

// flagsToRepeat returns the -user and -store flags the user gave, to repeat
// in the suggested command.
func flagsToRepeat(args []string) string {
	var c config
	fs := flagSet(&c)
	_ = fs.Parse(args)
	var b strings.Builder
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "user" || f.Name == "store" {
			fmt.Fprintf(&b, " -%s %s", f.Name, shellQuote(f.Value.String()))
		}
	})
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// newAgent is the agent of this example: the memory tools and production
// limits. The caller sets its Session.
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

// turn asks one question with Execute and prints the answer and what the
// store holds afterwards.
func turn(ctx context.Context, agent aigentic.Agent, store memstore.Store, user string, n int, question string, out io.Writer) error {
	fmt.Fprintf(out, "[%d] You: %s\n", n, question)
	answer, err := agent.Execute(question)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[%d] Agent: %s\n", n, indent(answer))
	all, err := store.List(ctx, user)
	if err != nil {
		return err
	}
	switch len(all) {
	case 0:
		fmt.Fprintf(out, "[%d] Saved memories: none\n\n", n)
	default:
		parts := make([]string, len(all))
		for i, e := range all {
			parts[i] = e.Name + " = " + e.Value
		}
		fmt.Fprintf(out, "[%d] Saved memories: %s\n\n", n, strings.Join(parts, "; "))
	}
	return nil
}

func indent(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    ")
}
