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
	"text/tabwriter"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

const (
	defaultPrompt  = "Research what our notes say about cancellation and sub-agents, then write a short summary for the team."
	defaultTimeout = 2 * time.Minute
)

// config is everything the program reads from its flags and environment.
type config struct {
	prompt   string
	traceDir string
	logLevel slog.Level
	timeout  time.Duration
	// failResearcher makes the researcher's model fail (HTTP 503 on every
	// attempt) to show a sub-agent failure reaching the coordinator.
	failResearcher bool
	model          provider.Settings
}

type flags struct {
	fs             *flag.FlagSet
	prompt         *string
	traceDir       *string
	logLevel       *string
	timeout        *time.Duration
	failResearcher *bool
}

func newFlags() flags {
	fs := flag.NewFlagSet("multi-agent", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return flags{
		fs:             fs,
		prompt:         fs.String("prompt", defaultPrompt, "the request for the coordinator"),
		traceDir:       fs.String("trace-dir", "", "directory of the trace files, one per run, sub-agents included (default $AIGENTIC_TRACE_DIR, else "+aigentic.DefaultTraceDir()+")"),
		logLevel:       fs.String("log-level", "warn", "runtime log level on standard error: debug, info, warn or error (sub-agents inherit it)"),
		timeout:        fs.Duration("timeout", defaultTimeout, "the session's timeout: it bounds the coordinator and its sub-agents together"),
		failResearcher: fs.Bool("fail-researcher", false, "make the researcher's model fail (HTTP 503 on every attempt) to see the coordinator handle it"),
	}
}

// parseConfig reads the flags and the environment (through getenv).
func parseConfig(args []string, getenv func(string) string) (config, error) {
	f := newFlags()
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, cli.Usagef("%v (run with -h for the flags)", err)
	}
	if f.fs.NArg() > 0 {
		return config{}, cli.Usagef("unexpected argument %q: give the request with -prompt", f.fs.Arg(0))
	}
	cfg := config{
		prompt:         strings.TrimSpace(*f.prompt),
		traceDir:       strings.TrimSpace(*f.traceDir),
		timeout:        *f.timeout,
		failResearcher: *f.failResearcher,
	}
	if cfg.prompt == "" {
		return config{}, cli.Usagef("-prompt is empty: give the coordinator a request")
	}
	if cfg.traceDir == "" {
		cfg.traceDir = strings.TrimSpace(getenv("AIGENTIC_TRACE_DIR"))
	}
	if cfg.traceDir == "" {
		cfg.traceDir = aigentic.DefaultTraceDir()
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*f.logLevel)); err != nil || strings.ContainsAny(*f.logLevel, "+-") {
		return config{}, cli.Usagef("-log-level=%q: want debug, info, warn or error", *f.logLevel)
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
	// stderr receives the runtime's logs.
	stderr io.Writer
}

// run is the program, on the real process.
func run(ctx context.Context, args []string, out io.Writer) error {
	if _, err := cli.LoadDotEnv(""); err != nil {
		return err
	}
	return runWith(ctx, args, out, system{getenv: os.Getenv, stderr: os.Stderr})
}

// runWith is the program on the given system.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	cfg, err := parseConfig(args, sys.getenv)
	if errors.Is(err, flag.ErrHelp) {
		f := newFlags()
		f.fs.SetOutput(out)
		fmt.Fprintln(out, "Usage: multi-agent [flags]")
		f.fs.PrintDefaults()
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
	notes, err := loadNotes()
	if err != nil {
		return fmt.Errorf("notes: %w", err)
	}

	if sys.stderr == nil {
		sys.stderr = io.Discard
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := &aigentic.Trace{SessionID: session.ID, Directory: cfg.traceDir}

	ms := models{coordinator: model, researcher: model, writer: model}
	if cfg.failResearcher {
		// Both attempts of the researcher's first model call (it has one
		// retry) fail with a 503 asking to retry after 10ms, so its retry
		// budget runs out and its run fails.
		unavailable := aitest.StatusError(503, 10*time.Millisecond)
		ms.researcher = aitest.Inject(model).FailNext(unavailable, unavailable)
		fmt.Fprintln(out, "The researcher's model will fail with HTTP 503 (-fail-researcher).")
	}
	coordinator := newTeam(teamConfig{
		models:   ms,
		notes:    notes,
		session:  session,
		trace:    trace,
		logger:   slog.New(slog.NewTextHandler(sys.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})),
		logLevel: cfg.logLevel,
	})

	fmt.Fprintf(out, "Request: %s\n", cfg.prompt)
	answer, stats, err := delegate(coordinator, cfg.prompt, out)
	if err == nil {
		fmt.Fprintf(out, "\nAnswer:\n%s\n", answer)
	}
	printStats(out, stats)
	printTraces(out, trace.Files())
	if err != nil {
		return fmt.Errorf("coordinator run: %w", err)
	}
	return nil
}

// printStats shows the coordinator's stats, which include its sub-agents'
// LLM calls, retries and tokens.
func printStats(out io.Writer, s aigentic.Stats) {
	fmt.Fprintf(out, "\nStats (coordinator and sub-agents together):\n")
	fmt.Fprintf(out, "  LLM calls: %d\n", s.LLMCalls)
	fmt.Fprintf(out, "  tokens: %d in, %d out\n", s.InputTokens, s.OutputTokens)
	fmt.Fprintf(out, "  delegations: %d (%d failed)\n", s.ToolCalls, s.ToolErrors)
	fmt.Fprintf(out, "  retries: %d\n", s.Retries)
}

// printTraces lists the trace files, one per run, with what each recorded.
func printTraces(out io.Writer, files []string) {
	if len(files) == 0 {
		fmt.Fprintln(out, "\nNo trace file was written (see the warnings on standard error).")
		return
	}
	fmt.Fprintf(out, "\nTrace files (one per run):\n")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, f := range files {
		s, err := aigentic.ReadTraceSummary(f)
		if err != nil {
			fmt.Fprintf(tw, "  %s\t(unreadable: %v)\n", f, err)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s, %s, %s\n", s.Agent, f, plural(s.LLMCalls, "LLM call"), plural(s.ToolCalls, "tool call"), s.Outcome)
	}
	tw.Flush()
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
