// Command production runs the seven production patterns of aigentic, each
// made to happen and shown with its evidence: error handling, traces, the
// MaxLLMCalls limit, retries, log levels, cancellation, and all of them
// combined in one production setup — with per-tenant rate limiting, cost
// estimates, and metrics published with expvar and an alert rule.
//
// With -serve ADDR it is instead a small HTTP service built from the same
// parts (the seed's Common Patterns): /ask answers a query with a
// per-tenant agent under a per-request timeout, /healthz pings the model,
// /debug/vars shows the metrics, and SIGINT/SIGTERM shut it down
// gracefully.
//
// It runs on the built-in offline model by default, and on OpenAI (or any
// OpenAI-compatible server) when OPENAI_API_KEY or OPENAI_BASE_URL is set.
// Where a real model might not cooperate — looping, failing, being slow —
// the examples arrange it themselves with aitest.Faulty and slow tools, so
// every example shows its pattern on any model.
//
//	go run .              # all seven examples
//	go run . -list        # list them
//	go run . -demo 4      # run one
//	ENV=dev go run .      # debug logs of the runtime on stderr
//	go run . -serve :8080 # the HTTP service
package main

import (
	"context"
	"encoding/json"
	"errors"
	"expvar"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		printError(os.Stderr, err)
		os.Exit(cli.ExitCode(err))
	}
}

// printError writes main's "error:" line, redacted: an error can carry a
// model's or a server's text, and that text a credential.
func printError(w io.Writer, err error) {
	fmt.Fprintln(w, "error:", redacted(err))
}

// redacted is err's text with credentials removed (aigentic.Redact): the
// form in which the program prints every error.
func redacted(err error) string {
	if err == nil {
		return "<nil>"
	}
	return aigentic.Redact(err.Error())
}

// run loads a .env file when present, then runs the examples with the
// process's environment, logging the runtime's records to standard error.
func run(ctx context.Context, args []string, out io.Writer) error {
	if _, err := cli.LoadDotEnv(""); err != nil {
		return err
	}
	return runWith(ctx, args, out, system{
		getenv: os.Getenv,
		stderr: os.Stderr,
		// The process's metrics, for any /debug/vars handler (expvar's
		// own on http.DefaultServeMux included). Published once: a
		// process runs runWith once.
		publish: func(v expvar.Var) { expvar.Publish(metricsVar, v) },
	})
}

// system is what runWith takes from the process; tests supply their own.
type system struct {
	// getenv reads the environment (os.Getenv, or a map in tests).
	getenv func(string) string
	// stderr receives the runtime's log records, at the configured level.
	stderr io.Writer
	// deadline is the session timeout of Example 6 (default 1s); tests
	// shorten it.
	deadline time.Duration
	// publish, when set, publishes the run's metrics with expvar; tests
	// leave it nil, since expvar publishes a name once per process.
	publish func(expvar.Var)
	// model, when set, replaces the model chosen from the environment
	// (tests: a model that fails on purpose).
	model ai.Model
	// sleep, when set, replaces the waits of the retry backoffs and of the
	// tenants' rate limiters: tests record the delays that would be
	// waited and return at once. nil waits for real.
	sleep func(ctx context.Context, d time.Duration) error
	// rand, when set, is the retry policies' jitter (tests fix it); nil
	// is random.
	rand func() float64
	// toolStarted, when set, is called as a slow tool (Example 6's
	// generate_report) starts running: tests wait for it instead of
	// sleeping.
	toolStarted func(name string)
}

// ---------------------------------------------------------------------------
// Configuration: flags and environment, parsed in one place.

const (
	defaultTimeout  = 2 * time.Minute
	defaultDeadline = time.Second
)

const usageText = `usage: production [-demo N] [-list] [-trace-dir DIR]
       production -serve ADDR [-trace-dir DIR]

Runs the seven production-pattern examples of aigentic in order, or, with
-serve, the agent as an HTTP service.

Flags:
  -demo N          run only example N (1-7)
  -list            list the examples and exit
  -serve ADDR      serve HTTP on ADDR (such as :8080): /ask, /healthz, /debug/vars;
                   SIGINT/SIGTERM shut it down gracefully
  -trace-dir DIR   where trace files go (default: $AIGENTIC_TRACE_DIR, else <temp>/aigentic-traces)

Environment:
  ENV                 dev (debug logs) or prod (warn logs); unset: info
  LOG_LEVEL           debug, info, warn or error; overrides ENV
  TIMEOUT             session timeout, a Go duration > 0: of example 7 (default 2m),
                      of each /ask request with -serve (default 30s)
  PRICE_PER_MTOK_IN   US dollars per 1M input tokens, for the cost estimate;
  PRICE_PER_MTOK_OUT  and per 1M output tokens. Set both or neither; they
                      override the built-in price table
  OPENAI_API_KEY      run on OpenAI instead of the built-in offline model
  OPENAI_MODEL        the model name (default gpt-4o-mini)
  OPENAI_BASE_URL     any OpenAI-compatible server, e.g. http://localhost:11434/v1
  NO_COLOR            plain output
A .env file in the current directory, then in the repository root, is loaded
first; it never overrides variables already set.
`

// config is the parsed command line and environment.
type config struct {
	demo      int // 0: all
	list      bool
	help      bool
	traceDir  string
	level     slog.Level
	levelFrom string // where the level came from, for the start-up line
	timeout   time.Duration
	model     provider.Settings
	serve     string // -serve ADDR; "" runs the examples
	price     *price // PRICE_PER_MTOK_IN/OUT, when set
}

// parseConfig reads the flags and the environment, with errors naming the
// flag or variable and the values it accepts.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	cfg := config{timeout: defaultTimeout}
	fs := flag.NewFlagSet("production", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&cfg.demo, "demo", 0, "run only example N (1-7)")
	fs.BoolVar(&cfg.list, "list", false, "list the examples")
	fs.StringVar(&cfg.traceDir, "trace-dir", "", "where trace files go")
	fs.StringVar(&cfg.serve, "serve", "", "serve HTTP on ADDR")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cfg.help = true
			return cfg, nil
		}
		return cfg, cli.Usagef("%v (run with -h for usage)", err)
	}
	if fs.NArg() > 0 {
		return cfg, cli.Usagef("unexpected argument %q (run with -h for usage)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["demo"] && (cfg.demo < 1 || cfg.demo > len(examples)) {
		return cfg, cli.Usagef("-demo %d: no such example; use 1-%d (see -list)", cfg.demo, len(examples))
	}
	if set["serve"] {
		if _, _, err := net.SplitHostPort(cfg.serve); err != nil {
			return cfg, cli.Usagef("-serve %q is not a valid address: use host:port or :port, such as :8080 or 127.0.0.1:8080", cfg.serve)
		}
		if set["demo"] || cfg.list {
			return cfg, cli.Usagef("-serve runs the HTTP service, not the examples: it cannot be combined with -demo or -list")
		}
		// Pattern 1: a request is a quick query.
		cfg.timeout = defaultRequestTimeout
	}

	var err error
	if cfg.level, cfg.levelFrom, err = parseLevel(getenv); err != nil {
		return cfg, err
	}
	if raw := strings.TrimSpace(getenv("TIMEOUT")); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return cfg, cli.Usagef("TIMEOUT=%q is not valid: use a Go duration greater than 0, such as 30s or 2m", raw)
		}
		cfg.timeout = d
	}
	if cfg.price, err = parsePrices(getenv); err != nil {
		return cfg, err
	}
	if cfg.traceDir == "" {
		cfg.traceDir = strings.TrimSpace(getenv("AIGENTIC_TRACE_DIR"))
	}
	if cfg.traceDir == "" {
		cfg.traceDir = aigentic.DefaultTraceDir()
	}
	if cfg.model, err = provider.FromEnv(getenv); err != nil {
		return cfg, cli.Usage(err)
	}
	return cfg, nil
}

// parseLevel maps ENV (dev → Debug, prod → Warn, unset → Info) and
// LOG_LEVEL, which overrides it, to a log level.
func parseLevel(getenv func(string) string) (slog.Level, string, error) {
	level, from := slog.LevelInfo, "default: ENV and LOG_LEVEL unset"
	envRaw := getenv("ENV")
	switch v := strings.ToLower(strings.TrimSpace(envRaw)); v {
	case "":
	case "dev":
		level, from = slog.LevelDebug, "ENV=dev"
	case "prod":
		level, from = slog.LevelWarn, "ENV=prod"
	default:
		return 0, "", cli.Usagef("ENV=%q is not valid: use dev or prod (unset means the info level)", envRaw)
	}
	raw := getenv("LOG_LEVEL")
	v := strings.ToLower(strings.TrimSpace(raw))
	if v == "" {
		return level, from, nil
	}
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := levels[v]
	if !ok {
		return 0, "", cli.Usagef("LOG_LEVEL=%q is not valid: use debug, info, warn or error", raw)
	}
	if strings.TrimSpace(envRaw) != "" {
		return l, "LOG_LEVEL=" + v + ", overriding ENV=" + strings.TrimSpace(envRaw), nil
	}
	return l, "LOG_LEVEL=" + v, nil
}

// parsePrices reads PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT: both or
// neither.
func parsePrices(getenv func(string) string) (*price, error) {
	in, inSet, err := parsePrice(getenv, "PRICE_PER_MTOK_IN", "input")
	if err != nil {
		return nil, err
	}
	out, outSet, err := parsePrice(getenv, "PRICE_PER_MTOK_OUT", "output")
	if err != nil {
		return nil, err
	}
	switch {
	case !inSet && !outSet:
		return nil, nil
	case !outSet:
		return nil, cli.Usagef("PRICE_PER_MTOK_IN is set but PRICE_PER_MTOK_OUT is not: set both (US dollars per 1M input and output tokens), or neither")
	case !inSet:
		return nil, cli.Usagef("PRICE_PER_MTOK_OUT is set but PRICE_PER_MTOK_IN is not: set both (US dollars per 1M input and output tokens), or neither")
	}
	return &price{In: in, Out: out}, nil
}

func parsePrice(getenv func(string) string, name, kind string) (float64, bool, error) {
	raw := strings.TrimSpace(getenv(name))
	if raw == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, cli.Usagef("%s=%q is not valid: use US dollars per 1M %s tokens, a number 0 or more, such as 0.15", name, raw, kind)
	}
	return v, true, nil
}

// ---------------------------------------------------------------------------
// The run: start-up, the examples in order, the verdict.

// example is one numbered demo of the seed README.
type example struct {
	title string
	shows string
	run   func(ctx context.Context, e *demoEnv) error
}

// examples are the seven demos, in the seed's order. Each returns an error
// when the evidence of its pattern is missing.
var examples = []example{
	{"Robust Error Handling", "a tool's error result the agent recovers from, a Go error that stops the run, and a transient model failure retried away.", exampleErrors},
	{"Using Trace for Debugging", "a run recorded in a trace file, and a summary read back from that file.", exampleTrace},
	{"MaxLLMCalls Limit", "a runaway tool loop stopped at exactly MaxLLMCalls model calls, with the partial work kept.", exampleMaxLLMCalls},
	{"Retry Configuration", "a 503 and a 429 with Retry-After retried away with Retries: 3, and the same failures exhausting Retries: 1.", exampleRetries},
	{"Log Level Configuration", "the same run logged at Debug, Info, Warn and Error: how many records each level keeps.", exampleLogLevels},
	{"Context Cancellation", "a slow tool stopped by a session timeout (DeadlineExceeded) and by session.Cancel() (Canceled).", exampleCancellation},
	{"Comprehensive Production Setup", "health check, a tenant's agent with its own rate limiter, session timeout, trace, retries, MaxLLMCalls, log level and tools together, with metrics and estimated cost logged as structured slog.", exampleProduction},
}

// runWith is run with the environment, the log sink and the timings
// injected.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	if sys.getenv == nil {
		sys.getenv = func(string) string { return "" }
	}
	if sys.stderr == nil {
		sys.stderr = io.Discard
	}
	if sys.deadline <= 0 {
		sys.deadline = defaultDeadline
	}
	cfg, err := parseConfig(args, sys.getenv)
	if err != nil {
		return err
	}
	p := newPrinter(out, sys.getenv)
	if cfg.help {
		fmt.Fprint(out, usageText)
		return nil
	}
	if cfg.list {
		for i, ex := range examples {
			fmt.Fprintf(out, "%d  %-32s %s\n", i+1, ex.title, ex.shows)
		}
		return nil
	}
	model, desc, err := provider.New(cfg.model)
	if err != nil {
		return cli.Usage(err)
	}
	if sys.model != nil {
		model, desc = sys.model, fmt.Sprintf("Using the model %s supplied by the caller.", sys.model.ModelName())
	}

	// One handler for every record: agents filter at their own (tenant's)
	// LogLevel; the program's own records at cfg.level.
	handler := slog.NewTextHandler(sys.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	pr := resolvePricing(cfg.model, cfg.price)
	svc := newService(serviceConfig{
		Model:          model,
		Handler:        handler,
		Level:          cfg.level,
		Pricing:        pr,
		TraceDir:       cfg.traceDir,
		RequestTimeout: cfg.timeout,
		Tenants:        defaultTenants(cfg.level),
		Sleep:          sys.sleep,
		Rand:           sys.rand,
	})
	if sys.publish != nil {
		sys.publish(svc.metrics.vars)
	}

	p.title("aigentic: production-ready patterns")
	p.line("%s", desc)
	p.line("Log level %s (%s); the runtime's own log records go to stderr.", cfg.level, cfg.levelFrom)
	p.line("Trace files go to %s.", cfg.traceDir)
	p.line("Cost estimate: %s.", pr)
	if cfg.serve != "" {
		return runServer(ctx, cfg, p, svc)
	}

	e := &demoEnv{
		p:           p,
		model:       model,
		cfg:         cfg,
		logger:      svc.logger,
		deadline:    sys.deadline,
		svc:         svc,
		sleep:       sys.sleep,
		rand:        sys.rand,
		toolStarted: sys.toolStarted,
	}
	// The alert rule's records wait for the end of the example that
	// tripped it: on a terminal, where stderr and stdout mix, they would
	// otherwise land in the middle of the example's output.
	svc.metrics.holdAlerts()
	defer svc.metrics.flushAlerts()
	var failed failures
	ran := 0
	for i, ex := range examples {
		n := i + 1
		if cfg.demo != 0 && cfg.demo != n {
			continue
		}
		if ctx.Err() != nil {
			return p.interrupted(ctx, n, ex.title)
		}
		p.header(n, ex)
		err := ex.run(ctx, e)
		if ctx.Err() != nil {
			return p.interrupted(ctx, n, ex.title)
		}
		ran++
		if err != nil {
			p.bad("Example %d did not behave as designed: %s", n, redacted(err))
			failed = append(failed, fmt.Errorf("example %d (%s): %w", n, ex.title, err))
		}
		svc.metrics.flushAlerts()
	}
	fmt.Fprintln(out)
	p.line("Metrics (expvar map %q): %s", metricsVar, svc.metrics.summary())
	p.line("Alert rule: %s", svc.metrics.alertStatus())
	fmt.Fprintln(out)
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d examples did not behave as designed: %w", len(failed), ran, failed)
	}
	if ran == 1 {
		p.good("Example %d behaved as designed.", cfg.demo)
	} else {
		p.good("All %d examples behaved as designed.", ran)
	}
	return nil
}

// failures are the errors of the examples that did not behave as
// designed: one line, and errors.Is/As see each of them.
type failures []error

func (f failures) Error() string {
	msgs := make([]string, len(f))
	for i, err := range f {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (f failures) Unwrap() []error { return f }

// ---------------------------------------------------------------------------
// Output.

// printer writes the examples' output: headers in colour on a terminal,
// plain otherwise (NO_COLOR, a pipe, a test's buffer).
type printer struct {
	out                   io.Writer
	head, ok, fail, faint *color.Color
}

func newPrinter(out io.Writer, getenv func(string) string) *printer {
	p := &printer{
		out:   out,
		head:  color.New(color.FgCyan, color.Bold),
		ok:    color.New(color.FgGreen, color.Bold),
		fail:  color.New(color.FgRed, color.Bold),
		faint: color.New(color.Faint),
	}
	plain := color.NoColor || getenv("NO_COLOR") != "" || !isTerminal(out)
	for _, c := range []*color.Color{p.head, p.ok, p.fail, p.faint} {
		if plain {
			c.DisableColor()
		} else {
			c.EnableColor()
		}
	}
	return p
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func (p *printer) title(s string) { fmt.Fprintln(p.out, p.head.Sprint(s)) }

func (p *printer) header(n int, ex example) {
	fmt.Fprintln(p.out)
	fmt.Fprintln(p.out, p.head.Sprintf("Example %d: %s", n, ex.title))
	fmt.Fprintln(p.out, "Shows "+ex.shows)
}

// line writes one line; say writes one indented line; sub starts a
// part of an example.
func (p *printer) line(format string, args ...any) {
	fmt.Fprintf(p.out, format+"\n", args...)
}

func (p *printer) say(format string, args ...any) {
	fmt.Fprintf(p.out, "  "+format+"\n", args...)
}

func (p *printer) sub(format string, args ...any) {
	fmt.Fprintf(p.out, "\n  "+format+"\n", args...)
}

func (p *printer) good(format string, args ...any) {
	fmt.Fprintln(p.out, p.ok.Sprintf(format, args...))
}

func (p *printer) bad(format string, args ...any) {
	fmt.Fprintln(p.out, "  "+p.fail.Sprintf(format, args...))
}

// interrupted reports a signal (or any end of the run's context) and
// returns the error that makes the exit status non-zero.
func (p *printer) interrupted(ctx context.Context, n int, title string) error {
	cause := context.Cause(ctx)
	fmt.Fprintln(p.out)
	fmt.Fprintln(p.out, p.fail.Sprintf("Interrupted (%s) during Example %d: %s.", redacted(cause), n, title))
	p.line("Every session derives from the signal context, so the running agent stopped cleanly; the remaining examples were skipped.")
	return fmt.Errorf("interrupted during example %d (%s): %w", n, title, cause)
}

// event prints one event of a run.
func (p *printer) event(ev aigentic.Event) {
	switch ev := ev.(type) {
	case *aigentic.ToolEvent:
		p.say("  → tool call %s %s", ev.ToolName, ev.Arguments)
	case *aigentic.ToolResponseEvent:
		kind := "result"
		if ev.Error {
			kind = "error result"
		}
		p.say("  ← %s %s: %s", ev.ToolName, kind, clip(aigentic.Redact(ev.Result.String()), 110))
	case *aigentic.RetryEvent:
		p.say("  ↻ %s, attempt %d failed: %s", ev.Step, ev.Attempt, redacted(ev.Err))
		p.say("    retrying in %s (attempt %d)", ev.Delay.Round(time.Millisecond), ev.Attempt+1)
	}
}

// answer prints a model's answer, indented, line by line (at most 8).
func (p *printer) answer(s string) {
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if n++; n > 8 {
			p.say("    …")
			return
		}
		p.say("  %s", l)
	}
}

// roundDuration rounds d for display: to the millisecond from 10ms up,
// to the microsecond below.
func roundDuration(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

// clip shortens s to n runes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// ---------------------------------------------------------------------------
// What the examples share.

// demoEnv is what every example gets.
type demoEnv struct {
	p        *printer
	model    ai.Model
	cfg      config
	logger   *slog.Logger // the runtime's records, to stderr
	deadline time.Duration
	svc      *service // tenants, pricing and the metrics every run feeds
	// sleep and rand, when set, replace the retry policies' waits and
	// jitter; toolStarted is told when a slow tool starts (system).
	sleep       func(ctx context.Context, d time.Duration) error
	rand        func() float64
	toolStarted func(name string)
}

// agent returns an agent on the example's model, session and logger.
func (e *demoEnv) agent(name string, session *aigentic.Session, tools ...aigentic.AgentTool) aigentic.Agent {
	return aigentic.Agent{
		Name:         name,
		Model:        e.model,
		Instructions: "You are a support and operations assistant. Use the tools to answer. When a tool reports an error, tell the user what failed and what they can do next.",
		Session:      session,
		LogLevel:     e.cfg.level,
		Logger:       e.logger,
		AgentTools:   tools,
	}
}

// follow prints the run's events as they happen, records the run in the
// metrics and returns its outcome.
func (e *demoEnv) follow(run *aigentic.AgentRun) (string, error) {
	for ev := range run.Next() {
		e.p.event(ev)
	}
	answer, err := run.Wait(0)
	e.record(run, "", err)
	return answer, err
}

// record feeds a finished run to the metrics and returns its outcome's
// kind.
func (e *demoEnv) record(run *aigentic.AgentRun, tenant string, err error) string {
	st := run.Stats()
	return e.svc.metrics.record(runRecord{Agent: run.Agent().Name, Tenant: tenant, Stats: st, Err: err, Cost: e.svc.pricing.estimate(st)})
}

// retryPolicy returns p with the waits and jitter of the environment
// (system.sleep and system.rand; real ones when they are nil).
func (e *demoEnv) retryPolicy(p *aigentic.RetryPolicy) *aigentic.RetryPolicy {
	p.Sleep, p.Rand = e.sleep, e.rand
	return p
}

// fastRetries is a retry policy with short waits, so the examples that
// retry stay quick. Production keeps the defaults (500ms doubling to 20s).
func fastRetries() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{BaseDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond}
}

// userMessage turns a failed run into what the user is told: what
// happened, whether trying again helps, and a reference for support —
// never a raw error.
func userMessage(err error, sessionID string) string {
	var msg string
	var te *aigentic.ToolError
	var rl *rateLimitedError
	switch {
	case errors.As(err, &rl):
		msg = fmt.Sprintf("Too many requests for your account right now. Please try again in %s.", retryAfterSeconds(rl.RetryAfter)+"s")
	case errors.Is(err, errShuttingDown):
		msg = "The service is restarting and your request was stopped. Please try again in a moment."
	case errors.Is(err, context.DeadlineExceeded):
		msg = "That took too long and was stopped. Please try again, or ask for something smaller."
	case errors.Is(err, context.Canceled):
		msg = "The request was cancelled."
	case errors.Is(err, aigentic.ErrMaxLLMCalls):
		msg = "I could not finish this within my step budget. Here is what I found so far; please narrow the request."
	case errors.Is(err, aigentic.ErrRetriesExhausted) || ai.IsTransient(err):
		msg = "The assistant is temporarily unavailable (our AI provider is overloaded). Please try again in a minute."
	case errors.As(err, &te):
		msg = fmt.Sprintf("A backend system (%s) is failing, so I could not complete your request. Our team has been alerted; please try again later.", te.Tool)
	default:
		msg = "Something went wrong on our side and your request was not completed."
	}
	return msg + " (reference: " + sessionID + ")"
}

// ---------------------------------------------------------------------------
// Tools: realistic operations tools, with the failure modes the examples
// need.

// errDatabaseConnectionLost is the critical failure of query_database.
var errDatabaseConnectionLost = errors.New("database connection lost")

// componentStatus is what check_system_status reports per component.
var componentStatus = map[string]string{
	"api":      "api: healthy; p95 latency 120ms, error rate 0.02% over the last 5 minutes",
	"database": "database: healthy; primary and 2 replicas in sync, replication lag 40ms",
	"cache":    "cache: degraded; hit rate 61% (normally 95%), evictions rising since 09:40",
	"queue":    "queue: healthy; 12 messages waiting, oldest 3s",
}

// checkSystemStatusTool is written by hand, schema and all, the way the
// seed shows tools. Its payments check fails gracefully: an error result
// the model sees and explains, while the run goes on.
func checkSystemStatusTool() aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        "check_system_status",
		Description: "Check the current health of one production component (api, database, cache, payments or queue): status, latency and error rate.",
		InputSchema: map[string]interface{}{
			"type": "object",
			"properties": map[string]interface{}{
				"component": map[string]interface{}{
					"type":        "string",
					"enum":        []interface{}{"api", "database", "cache", "payments", "queue"},
					"description": "The component to check.",
				},
			},
			"required":             []interface{}{"component"},
			"additionalProperties": false,
		},
		Execute: func(run *aigentic.AgentRun, args map[string]interface{}) (*ai.ToolResult, error) {
			// The runtime has validated args against the schema; check
			// anyway, as a tool should.
			component, ok := args["component"].(string)
			if !ok {
				return ai.ErrorText("component must be one of api, database, cache, payments, queue"), nil
			}
			if component == "payments" {
				// Graceful error: the agent can continue.
				return &ai.ToolResult{
					Content: []ai.ToolContent{{
						Type:    "text",
						Content: "payments status unavailable: the metrics endpoint timed out after 5s. Check the payments dashboard, or try again in a minute.",
					}},
					Error: true,
				}, nil
			}
			return ai.Text(componentStatus[component]), nil
		},
	}
}

// orderQuery is lookup_order's input.
type orderQuery struct {
	OrderID int `json:"order_id" jsonschema:"minimum=1" description:"The numeric order ID, such as 1042."`
}

var orders = map[int]string{
	1042: "Order 1042: shipped on Monday with UPS, tracking 1Z999AA10123456784, expected delivery tomorrow before 6pm.",
	1043: "Order 1043: paid, waiting to be packed; expected to ship within 2 working days.",
}

// lookupOrderTool is built with aigentic.NewTool: the schema comes from
// orderQuery, and an unknown order is a Recoverable error the model sees.
func lookupOrderTool() aigentic.AgentTool {
	return aigentic.NewTool("lookup_order",
		"Look up a customer order by its numeric ID: status, carrier, tracking number and expected delivery.",
		func(run *aigentic.AgentRun, in orderQuery) (string, error) {
			if o, ok := orders[in.OrderID]; ok {
				return o, nil
			}
			return "", aigentic.Recoverable(fmt.Errorf("no order with ID %d; check the number on the order confirmation", in.OrderID))
		})
}

// sqlQuery is query_database's input.
type sqlQuery struct {
	Query string `json:"query" description:"A read-only SQL SELECT statement."`
}

// queryDatabaseTool fails critically: the database connection is lost, so
// it returns a Go error and the run stops.
func queryDatabaseTool() aigentic.AgentTool {
	return aigentic.NewTool("query_database",
		"Run a read-only SQL query against the orders database and return the rows.",
		func(run *aigentic.AgentRun, in sqlQuery) (string, error) {
			return "", errDatabaseConnectionLost
		})
}

// exportQuery is check_export_status's input.
type exportQuery struct {
	ExportID int `json:"export_id" jsonschema:"minimum=1" description:"The numeric ID of the export job."`
}

// checkExportStatusTool never finishes: every check says the export is
// still processing — the bait of a runaway loop.
func checkExportStatusTool() aigentic.AgentTool {
	var checks atomic.Int32
	return aigentic.NewTool("check_export_status",
		"Check the progress of a data export job by its numeric ID.",
		func(run *aigentic.AgentRun, in exportQuery) (string, error) {
			n := int(checks.Add(1))
			return fmt.Sprintf("Export %d is still processing (%d%% done). Check again in a few seconds.", in.ExportID, min(10*n, 90)), nil
		})
}

// reportRequest is generate_report's input.
type reportRequest struct {
	Period string `json:"period" jsonschema:"enum=daily,enum=weekly,enum=monthly,enum=quarterly" description:"The period the report covers."`
}

// generateReportTool is slow: it takes the given time, and honours
// run.Context() — when the run is stopped, it returns at once. started,
// when not nil, is called as it starts.
func generateReportTool(takes time.Duration, started func(name string)) aigentic.AgentTool {
	const name = "generate_report"
	return aigentic.NewTool(name,
		"Generate the sales report for a period. Large reports take a while.",
		func(run *aigentic.AgentRun, in reportRequest) (string, error) {
			if started != nil {
				started(name)
			}
			t := time.NewTimer(takes)
			defer t.Stop()
			select {
			case <-run.Context().Done():
				return "", run.Context().Err()
			case <-t.C:
				return fmt.Sprintf("The %s sales report is ready: revenue $1.2M, up 8%%.", in.Period), nil
			}
		})
}

// ---------------------------------------------------------------------------
// Example 1: Robust Error Handling.

func exampleErrors(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	// 1a. Tool error result: graceful degradation.
	p.sub("1a. Tool error: check_system_status returns ToolResult{Error: true} for payments.")
	agent := e.agent("oncall-agent", session, checkSystemStatusTool())
	run, err := agent.Start("Is the payments service healthy? Check the status of the payments component.")
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	if err != nil {
		return fmt.Errorf("1a: the run should have recovered from the tool's error result, but failed: %w", err)
	}
	st := run.Stats()
	if st.ToolErrors == 0 {
		return errors.New("1a: no tool error result happened (the model did not check payments)")
	}
	p.say("Run succeeded after %d tool error result(s); the agent answered:", st.ToolErrors)
	p.answer(answer)

	// 1b. Go error: critical failure, propagated.
	p.sub("1b. Critical error: query_database returns the Go error %q.", errDatabaseConnectionLost)
	agent = e.agent("reporting-agent", session, queryDatabaseTool())
	run, err = agent.Start(`Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`)
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	if err == nil {
		return errors.New("1b: the run succeeded; the tool's Go error should have stopped it")
	}
	var te *aigentic.ToolError
	if !errors.Is(err, errDatabaseConnectionLost) || !errors.As(err, &te) {
		return fmt.Errorf("1b: want a *aigentic.ToolError wrapping %q, got: %w", errDatabaseConnectionLost, err)
	}
	p.say("Run failed: %s", redacted(err))
	p.say("errors.Is(err, errDatabaseConnectionLost) = true; *aigentic.ToolError names tool %q (attempts: %d)", te.Tool, te.Attempts)
	p.say("What the user is told: %s", userMessage(err, session.ID))

	// 1c. Transient model failure: retried and recovered.
	p.sub("1c. Transient error: the model's first attempt fails with an injected HTTP 503; Retries: 2.")
	faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
	agent = e.agent("oncall-agent", session, checkSystemStatusTool())
	agent.Model = faulty
	agent.Retries = 2
	agent.RetryPolicy = e.retryPolicy(fastRetries())
	run, err = agent.Start("What is the status of the api? Check the api component.")
	if err != nil {
		return err
	}
	answer, err = e.follow(run)
	if err != nil {
		return fmt.Errorf("1c: the transient failure should have been retried away, but the run failed: %w", err)
	}
	if st := run.Stats(); st.Retries != 1 || len(faulty.Injected()) != 1 {
		return fmt.Errorf("1c: want 1 retry of 1 injected failure, got %d retries, %d injected", st.Retries, len(faulty.Injected()))
	}
	p.say("Recovered after 1 retry; the user got the answer:")
	p.answer(answer)
	return nil
}

// ---------------------------------------------------------------------------
// Example 2: Using Trace for Debugging.

func exampleTrace(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	trace := aigentic.NewTrace()
	trace.Directory = e.cfg.traceDir
	agent := e.agent("support-agent", session, lookupOrderTool())
	agent.Trace = trace
	run, err := agent.Start("Where is my order 1042? It hasn't arrived yet.")
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	if err != nil {
		return fmt.Errorf("the traced run failed: %w", err)
	}
	p.say("Answer:")
	p.answer(answer)
	path := run.TraceFilepath()
	if path == "" {
		return errors.New("the run wrote no trace file")
	}
	p.say("Session ID:       %s", session.ID)
	p.say("Trace session ID: %s", trace.SessionID)
	p.say("Trace file:       %s", path)

	sum, err := aigentic.ReadTraceSummary(path)
	if err != nil {
		return err
	}
	st := run.Stats()
	p.say("Read back from the file with aigentic.ReadTraceSummary:")
	p.say("  run %s, outcome %s", sum.Run, sum.Outcome)
	p.say("  LLM calls: %d (%d attempts), tool calls: %d", sum.LLMCalls, sum.Attempts, sum.ToolCalls)
	p.say("  duration: %s, tokens: %s", sum.Duration, sum.Tokens)
	if sum.Run != run.ID() || sum.Outcome != "success" || sum.LLMCalls != st.LLMCalls || sum.ToolCalls != st.ToolCalls || sum.ToolCalls == 0 {
		return fmt.Errorf("the trace does not match the run: trace %+v, run %s stats %+v", sum, run.ID(), st)
	}
	steps, err := traceSteps(path)
	if err != nil {
		return err
	}
	p.say("Each step and its duration, as recorded in the file:")
	for _, s := range steps {
		p.say("  %s", clip(s, 110))
	}
	return nil
}

// traceSteps returns the lines of a trace file that time each step.
func traceSteps(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read trace: %w", err)
	}
	var steps []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "response of LLM call"), strings.HasPrefix(l, "--- tool call"),
			strings.HasPrefix(l, "result ("), strings.HasPrefix(l, "LLM call "):
			steps = append(steps, strings.TrimSuffix(l, ":"))
		}
	}
	return steps, nil
}

// ---------------------------------------------------------------------------
// Example 3: MaxLLMCalls Limit.

func exampleMaxLLMCalls(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	const limit = 3
	// The tool always says "still processing, check again"; the model is
	// pinned to keep calling it (aitest.Faulty.EndlessToolCalls), so the
	// loop happens whichever model is in use.
	faulty := aitest.Inject(e.model).EndlessToolCalls("check_export_status", `{"export_id":7}`)
	agent := e.agent("export-agent", session, checkExportStatusTool())
	agent.Model = faulty
	agent.MaxLLMCalls = limit
	p.say("check_export_status always answers \"still processing, check again\"; MaxLLMCalls: %d.", limit)
	run, err := agent.Start("Check whether data export 7 has finished and let me know when it is ready.")
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	var le *aigentic.LimitError
	if !errors.As(err, &le) {
		return fmt.Errorf("want a *aigentic.LimitError, got: %v", err)
	}
	p.say("Run stopped: %s", redacted(err))
	p.say("errors.Is(err, aigentic.ErrMaxLLMCalls) = %t", errors.Is(err, aigentic.ErrMaxLLMCalls))
	p.say("Calls counted: %d of %d (the model received %d requests; run.Stats().LLMCalls = %d)", le.Calls, le.Limit, faulty.Calls(), run.Stats().LLMCalls)
	if le.Calls != limit || le.Limit != limit || faulty.Calls() != limit || run.Stats().LLMCalls != limit {
		return fmt.Errorf("the limit should stop the run at exactly %d calls: LimitError %d/%d, model got %d", limit, le.Calls, le.Limit, faulty.Calls())
	}
	p.say("Partial work kept in the *aigentic.LimitError:")
	p.say("  %d tool calls executed, %d messages in the transcript, tokens in=%d out=%d", le.ToolCalls, len(le.Transcript), le.Usage.InputTokens, le.Usage.OutputTokens)
	for _, pc := range le.Pending {
		p.say("  not executed (no model call left to read it): %s %s", pc.Name, pc.Arguments)
	}
	for i := len(le.Transcript) - 1; i >= 0; i-- {
		if m := le.Transcript[i]; m.Role == ai.RoleTool {
			p.say("  last tool result: %q", clip(m.Content, 100))
			break
		}
	}
	if le.ToolCalls != limit-1 || len(le.Pending) != 1 {
		return fmt.Errorf("want %d tool calls executed and 1 pending, got %d and %d", limit-1, le.ToolCalls, len(le.Pending))
	}
	return nil
}

// ---------------------------------------------------------------------------
// Example 4: Retry Configuration.

func exampleRetries(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	const retryAfter = 2 * time.Second
	policy := e.retryPolicy(&aigentic.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond})
	p.say("Injected in front of the model: HTTP 503, then HTTP 429 with Retry-After %s.", retryAfter)
	p.say("RetryPolicy: BaseDelay %s doubling with jitter, MaxRetryAfter %s: the 429's Retry-After is honoured", policy.BaseDelay, policy.MaxRetryAfter)
	p.say("but capped at %s to keep this demo fast (production default cap: %s).", policy.MaxRetryAfter, aigentic.DefaultMaxRetryAfter)

	attempt := func(retries int) (*aitest.Faulty, *aigentic.AgentRun, []*aigentic.RetryEvent, error) {
		faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0), aitest.StatusError(429, retryAfter))
		agent := e.agent("status-agent", session, checkSystemStatusTool())
		agent.Model = faulty
		agent.Retries = retries
		agent.RetryPolicy = policy
		run, err := agent.Start("Check the status of the database component.")
		if err != nil {
			return nil, nil, nil, err
		}
		var retryEvents []*aigentic.RetryEvent
		for ev := range run.Next() {
			e.p.event(ev)
			if re, ok := ev.(*aigentic.RetryEvent); ok {
				retryEvents = append(retryEvents, re)
			}
		}
		_, err = run.Wait(0)
		e.record(run, "", err)
		return faulty, run, retryEvents, err
	}

	p.sub("4a. Retries: 3")
	_, run, evs, err := attempt(3)
	if err != nil {
		return fmt.Errorf("4a: Retries: 3 should recover from a 503 and a 429, but the run failed: %w", err)
	}
	attempts := 1
	var waited time.Duration
	for _, re := range evs {
		if re.Step == "model call 1" {
			attempts++
			waited += re.Delay
		}
	}
	p.say("Recovered: model call 1 succeeded on attempt %d (%d retries, %s of backoff); run.Stats().Retries = %d",
		attempts, attempts-1, waited.Round(time.Millisecond), run.Stats().Retries)
	if attempts != 3 || len(evs) != 2 || evs[1].Delay != policy.MaxRetryAfter {
		return fmt.Errorf("4a: want 3 attempts with the 429's wait capped at %s, got %d attempts, retry events %d", policy.MaxRetryAfter, attempts, len(evs))
	}

	p.sub("4b. Retries: 1")
	faulty, _, _, err := attempt(1)
	var mce *aigentic.ModelCallError
	if !errors.As(err, &mce) || !errors.Is(err, aigentic.ErrRetriesExhausted) {
		return fmt.Errorf("4b: want a *aigentic.ModelCallError matching ErrRetriesExhausted, got: %v", err)
	}
	p.say("Gave up: %s", redacted(err))
	p.say("errors.Is(err, aigentic.ErrRetriesExhausted) = true; model call %d made %d attempts (the model got %d requests)", mce.Call, mce.Attempts, faulty.Calls())
	p.say("What the user is told: %s", userMessage(err, session.ID))
	if mce.Attempts != 2 || faulty.Calls() != 2 {
		return fmt.Errorf("4b: want 2 attempts, got %d (model requests %d)", mce.Attempts, faulty.Calls())
	}
	return nil
}

// ---------------------------------------------------------------------------
// Example 5: Log Level Configuration.

func exampleLogLevels(ctx context.Context, e *demoEnv) error {
	p := e.p
	session := aigentic.NewSession(ctx)
	defer session.Cancel()

	p.say("The run: the first model attempt fails with a 503 (retried), then query_database loses its connection.")
	p.say("Each level's records are captured with Agent.Logger into a buffer (time, session and run ids dropped here).")
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	counts := make([]int, len(levels))
	p.say("%-6s %-8s %s", "LEVEL", "RECORDS", "SAMPLE (first record at that level)")
	for i, level := range levels {
		var buf strings.Builder
		agent := e.agent("log-demo", session, queryDatabaseTool())
		agent.Model = aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
		agent.Retries = 1
		agent.RetryPolicy = e.retryPolicy(fastRetries())
		agent.LogLevel = level
		agent.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
			Level: slog.LevelDebug,
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				switch a.Key {
				case slog.TimeKey, "session", "run":
					return slog.Attr{}
				}
				return a
			},
		}))
		run, err := agent.Start(`Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`)
		if err != nil {
			return err
		}
		_, err = run.Wait(0)
		e.record(run, "", err)
		if ctx.Err() != nil {
			return err
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if buf.Len() == 0 {
			lines = nil
		}
		counts[i] = len(lines)
		sample := "(none)"
		for _, l := range lines {
			if strings.HasPrefix(l, "level="+level.String()+" ") {
				sample = l
				break
			}
		}
		p.say("%-6s %-8d %s", level, counts[i], clip(aigentic.Redact(sample), 100))
	}
	for i := 1; i < len(counts); i++ {
		if counts[i] >= counts[i-1] {
			return fmt.Errorf("each level should keep fewer records than the one below it: counts %v for Debug, Info, Warn, Error", counts)
		}
	}
	p.say("Debug %d > Info %d > Warn %d > Error %d: the higher the level, the fewer records.", counts[0], counts[1], counts[2], counts[3])
	return nil
}

// ---------------------------------------------------------------------------
// Example 6: Context Cancellation.

func exampleCancellation(ctx context.Context, e *demoEnv) error {
	p := e.p
	const reportTakes = 30 * time.Second

	// 6a. Timeout.
	p.sub("6a. Timeout: generate_report takes %s; the session's context times out after %s.", reportTakes, e.deadline)
	tctx, cancel := context.WithTimeout(ctx, e.deadline)
	defer cancel()
	session := aigentic.NewSession(tctx)
	defer session.Cancel()
	agent := e.agent("report-agent", session, generateReportTool(reportTakes, e.toolStarted))
	start := time.Now()
	run, err := agent.Start("Generate the quarterly sales report.")
	if err != nil {
		return err
	}
	_, err = e.follow(run)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("6a: want context.DeadlineExceeded, got: %v", err)
	}
	var se *aigentic.StoppedError
	during := "?"
	if errors.As(err, &se) {
		during = se.During
	}
	p.say("Stopped after %s: %s", roundDuration(elapsed), redacted(err))
	p.say("errors.Is(err, context.DeadlineExceeded) = true; the session's ctx.Err() = %s; stopped during %s", redacted(tctx.Err()), during)
	p.say("What the user is told: %s", userMessage(err, session.ID))

	// 6b. Manual cancellation.
	p.sub("6b. Cancel: the user presses Stop while the report is being generated: session.Cancel().")
	session2 := aigentic.NewSession(ctx)
	defer session2.Cancel()
	agent = e.agent("report-agent", session2, generateReportTool(reportTakes, e.toolStarted))
	start = time.Now()
	run, err = agent.Start("Generate the monthly sales report.")
	if err != nil {
		return err
	}
	cancelled := false
	for ev := range run.Next() {
		p.event(ev)
		if tc, ok := ev.(*aigentic.ToolEvent); ok && tc.ToolName == "generate_report" && !cancelled {
			p.say("  session.Cancel()")
			session2.Cancel()
			cancelled = true
		}
	}
	_, err = run.Wait(0)
	elapsed = time.Since(start)
	e.record(run, "", err)
	if !cancelled {
		return fmt.Errorf("6b: the model never called generate_report, so there was nothing to cancel (run ended with: %v)", err)
	}
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("6b: want context.Canceled, got: %v", err)
	}
	p.say("Stopped after %s: %s", roundDuration(elapsed), redacted(err))
	p.say("errors.Is(err, context.Canceled) = true; session.Err() = %s", redacted(session2.Err()))
	p.say("Ctrl-C or SIGTERM stops any example the same way: every session derives from signal.NotifyContext's context.")
	return nil
}

// ---------------------------------------------------------------------------
// Example 7: Comprehensive Production Setup.

func exampleProduction(ctx context.Context, e *demoEnv) error {
	p := e.p
	// Setup: the whole request has a deadline (TIMEOUT).
	ctx, cancel := context.WithTimeout(ctx, e.cfg.timeout)
	defer cancel()

	// Health check first: a model that cannot be reached fails fast, before
	// any work starts.
	pr, err := healthCheck(ctx, e.model)
	if err != nil {
		p.say("Health check failed: %s", redacted(err))
		return fmt.Errorf("health check: %w", err)
	}
	p.say("Health check: model.Ping ok: provider %s, model %s (%s)", pr.Provider, pr.Model, pr.Detail)

	// The request comes from a tenant: its agent has the tenant's limits
	// and shares the tenant's rate limiter with all its other requests.
	const tenantID = defaultTenant
	agent, err := e.svc.createTenantAgent(tenantID)
	if err != nil {
		return err
	}
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := aigentic.NewTrace()
	trace.Directory = e.cfg.traceDir
	agent.Session = session
	agent.Trace = trace
	tc := e.svc.tenants[tenantID].cfg
	p.say("Setup: createTenantAgent(%q): session timeout %s, Retries %d (attempt timeout %s), MaxLLMCalls %d, log level %s,",
		tenantID, e.cfg.timeout, agent.Retries, agent.RetryPolicy.AttemptTimeout, agent.MaxLLMCalls, agent.LogLevel)
	p.say("rate limit %s (the tenant's own rate.Limiter), trace in %s, %d tools.", tc.rateString(), trace.Directory, len(agent.AgentTools))

	metrics := slog.New(slog.NewJSONHandler(p.out, nil))
	run, err := agent.Start("A customer on the phone asks where order 1043 is. Look it up, please.")
	if err != nil {
		return err
	}
	for ev := range run.Next() {
		p.event(ev)
	}
	answer, err := run.Wait(0)
	kind := e.record(run, tenantID, err)
	st := run.Stats()
	cost := e.svc.pricing.estimate(st)
	if err != nil {
		// Log to the monitoring system, then tell the user something useful.
		metrics.Error("agent run failed", "kind", kind, "error", redacted(err), "tenant", tenantID, "session", session.ID,
			"trace_file", run.TraceFilepath(), "duration_ms", st.Duration.Milliseconds(), "llm_calls", st.LLMCalls, "tool_calls", st.ToolCalls,
			"cost_usd", cost.value())
		p.say("What the user is told: %s", userMessage(err, session.ID))
		return fmt.Errorf("the production run failed (%s): %w", kind, err)
	}
	p.say("Answer:")
	p.answer(answer)
	p.say("Rate limit: the run waited %s for the tenant's limiter before its model requests (run.Stats().RateLimitWait).", roundDuration(st.RateLimitWait))
	p.say("Estimated cost: %s for %d input and %d output tokens.", cost, st.InputTokens, st.OutputTokens)
	p.say("Metrics, logged as structured slog (JSON):")
	metrics.Info("agent run succeeded",
		"tenant", tenantID,
		"session", session.ID,
		"trace_session", trace.SessionID,
		"trace_file", run.TraceFilepath(),
		"duration_ms", float64(st.Duration.Microseconds())/1000,
		"llm_calls", st.LLMCalls,
		"tool_calls", st.ToolCalls,
		"tool_errors", st.ToolErrors,
		"retries", st.Retries,
		"rate_limit_wait_ms", float64(st.RateLimitWait.Microseconds())/1000,
		"tokens_in", st.InputTokens,
		"tokens_out", st.OutputTokens,
		"cost_usd", cost.value(),
	)
	if st.ToolCalls == 0 {
		return errors.New("the agent answered without looking the order up")
	}
	return nil
}

// ---------------------------------------------------------------------------
// The service: the seed's Common Patterns as real code. One model, shared
// by every request; per-tenant limits and rate limiters (Pattern 3); a
// session per request (Pattern 1) or job (Pattern 2); metrics for every
// run, with an alert rule; a health check; graceful shutdown.

const (
	defaultRequestTimeout = 30 * time.Second // Pattern 1: quick queries
	defaultJobTimeout     = 5 * time.Minute  // Pattern 2: background jobs
	defaultShutdownGrace  = 10 * time.Second // in-flight requests get this long to finish
	healthTimeout         = 5 * time.Second
	maxQueryBytes         = 4 << 10  // the longest /ask query accepted
	maxBodyBytes          = 64 << 10 // the largest /ask request body read
	defaultTenant         = "default"
	supportInstructions   = "You are a customer support assistant for an online shop. Use the tools to answer; never guess an order's status."
)

// tenantConfig is one tenant's limits (Pattern 3).
type tenantConfig struct {
	MaxCalls int        // MaxLLMCalls of each run
	Retries  int        // retries of a transient failure
	LogLevel slog.Level // the least level logged for the tenant's runs
	// Rate and Burst size the tenant's token bucket for model requests,
	// shared by all of its runs: Rate requests per second on average,
	// Burst at once.
	Rate  rate.Limit
	Burst int
	// MaxWait is the longest a request queues for the bucket; beyond it
	// the request is refused (HTTP 503 with Retry-After) rather than held
	// open. Background jobs queue up to their own deadline instead.
	MaxWait time.Duration
}

func (c tenantConfig) rateString() string {
	return fmt.Sprintf("%g model requests/s, burst %d", float64(c.Rate), c.Burst)
}

// defaultTenants are the tenants the program knows; level is the
// program's log level (ENV, LOG_LEVEL). A real service keeps them in a
// database or a config file, and takes the tenant from authentication.
func defaultTenants(level slog.Level) map[string]tenantConfig {
	return map[string]tenantConfig{
		// Everyone without a plan of their own: requests paced to one
		// model request every 200ms.
		defaultTenant: {MaxCalls: 10, Retries: 2, LogLevel: level, Rate: 5, Burst: 1, MaxWait: 2 * time.Second},
		// A paying customer: a bigger budget and quota.
		"acme": {MaxCalls: 20, Retries: 3, LogLevel: level, Rate: 20, Burst: 10, MaxWait: 5 * time.Second},
		// Free trials: a small budget and quota; warnings and errors only.
		"trial": {MaxCalls: 4, Retries: 1, LogLevel: max(level, slog.LevelWarn), Rate: 1, Burst: 2, MaxWait: time.Second},
	}
}

// errUnknownTenant is createTenantAgent's error for a tenant it does not
// know.
var errUnknownTenant = errors.New("unknown tenant")

// tenant is a known tenant: its configuration and its rate limiter.
type tenant struct {
	cfg     tenantConfig
	limiter *tenantLimiter
}

// tenantLimiter is a tenant's rate limiter: a token bucket
// (*rate.Limiter) shared by all the tenant's runs, which refuses — with a
// *rateLimitedError — a model request that would wait longer than maxWait
// or past its context's deadline, instead of queueing it.
type tenantLimiter struct {
	tenant  string
	bucket  *rate.Limiter
	maxWait time.Duration
	// sleep, when set, waits instead of a timer (serviceConfig.Sleep).
	sleep func(ctx context.Context, d time.Duration) error
}

// rateLimitedError is a model request refused by a tenant's rate limiter.
type rateLimitedError struct {
	Tenant string
	// RetryAfter is when the bucket would have had room.
	RetryAfter time.Duration
}

func (e *rateLimitedError) Error() string {
	return fmt.Sprintf("tenant %q is over its rate limit: the next model request slot is in %s", e.Tenant, e.RetryAfter.Round(time.Millisecond))
}

// Wait implements aigentic.RateLimiter.
func (l *tenantLimiter) Wait(ctx context.Context) error {
	r := l.bucket.Reserve()
	if !r.OK() {
		return &rateLimitedError{Tenant: l.tenant}
	}
	d := r.Delay()
	if d == 0 {
		return nil
	}
	limit := l.maxWait
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl))
	}
	if d > limit {
		r.Cancel() // give the token back: this request will not use it
		return &rateLimitedError{Tenant: l.tenant, RetryAfter: d}
	}
	if l.sleep != nil {
		if err := l.sleep(ctx, d); err != nil {
			r.Cancel()
			return err
		}
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}

// service is the agent service shared by the HTTP handlers, the jobs and
// example 7.
type service struct {
	model       ai.Model
	handler     slog.Handler // unfiltered: each agent filters at its tenant's LogLevel
	logger      *slog.Logger // the service's own records, at the program's level
	pricing     pricing
	metrics     *metrics
	traceDir    string
	timeout     time.Duration // of each /ask request
	retryPolicy *aigentic.RetryPolicy
	tenants     map[string]*tenant
}

// serviceConfig is what newService needs.
type serviceConfig struct {
	Model ai.Model
	// Handler receives every log record (nil: discarded); Level filters
	// the service's own records.
	Handler        slog.Handler
	Level          slog.Level
	Pricing        pricing
	TraceDir       string
	RequestTimeout time.Duration         // 0: defaultRequestTimeout
	RetryPolicy    *aigentic.RetryPolicy // nil: productionRetryPolicy()
	Tenants        map[string]tenantConfig
	Alert          alertRule // zero: defaultAlertRule
	// Sleep and Rand, when set, replace the retry policy's waits and
	// jitter (RetryPolicy.Sleep, RetryPolicy.Rand), and Sleep the rate
	// limiters' waits too: tests record the delays instead of waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() float64
}

func newService(c serviceConfig) *service {
	if c.Handler == nil {
		c.Handler = slog.DiscardHandler
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = defaultRequestTimeout
	}
	if c.RetryPolicy == nil {
		c.RetryPolicy = productionRetryPolicy()
	}
	if c.Sleep != nil || c.Rand != nil {
		rp := *c.RetryPolicy // the caller's policy stays as it is
		if c.Sleep != nil {
			rp.Sleep = c.Sleep
		}
		if c.Rand != nil {
			rp.Rand = c.Rand
		}
		c.RetryPolicy = &rp
	}
	if c.Alert == (alertRule{}) {
		c.Alert = defaultAlertRule
	}
	logger := slog.New(&levelHandler{min: c.Level, next: c.Handler})
	s := &service{
		model:       c.Model,
		handler:     c.Handler,
		logger:      logger,
		pricing:     c.Pricing,
		metrics:     newMetrics(logger, c.Alert),
		traceDir:    c.TraceDir,
		timeout:     c.RequestTimeout,
		retryPolicy: c.RetryPolicy,
		tenants:     make(map[string]*tenant, len(c.Tenants)),
	}
	for id, tc := range c.Tenants {
		s.tenants[id] = &tenant{cfg: tc, limiter: &tenantLimiter{tenant: id, bucket: rate.NewLimiter(tc.Rate, tc.Burst), maxWait: tc.MaxWait, sleep: c.Sleep}}
	}
	return s
}

// productionRetryPolicy bounds each model attempt and the waits between
// them.
func productionRetryPolicy() *aigentic.RetryPolicy {
	return &aigentic.RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 10 * time.Second, AttemptTimeout: 30 * time.Second}
}

// createTenantAgent is Pattern 3: the agent of one tenant, with the
// tenant's limits, log level and rate limiter. The caller sets the
// Session (and a Trace, if wanted).
func (s *service) createTenantAgent(tenantID string) (aigentic.Agent, error) {
	t, ok := s.tenants[tenantID]
	if !ok {
		return aigentic.Agent{}, fmt.Errorf("%w %q", errUnknownTenant, tenantID)
	}
	return aigentic.Agent{
		Name:         "support-agent",
		Model:        s.model,
		Instructions: supportInstructions,
		Retries:      t.cfg.Retries,
		RetryPolicy:  s.retryPolicy,
		MaxLLMCalls:  t.cfg.MaxCalls,
		LogLevel:     t.cfg.LogLevel,
		Logger:       slog.New(s.handler).With("tenant", tenantID),
		AgentTools:   []aigentic.AgentTool{lookupOrderTool(), checkSystemStatusTool()},
		RateLimiter:  t.limiter,
	}, nil
}

// outcome is a finished run, as the service saw it.
type outcome struct {
	Answer    string
	Kind      string // classify(Err)
	Session   string
	TraceFile string
	Stats     aigentic.Stats
	Cost      costEstimate
	Err       error
}

// execute runs agent on query in a session of its own derived from ctx
// (which carries the deadline), and records the run in the metrics.
func (s *service) execute(ctx context.Context, tenantID string, agent aigentic.Agent, query string) outcome {
	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	agent.Session = session
	o := outcome{Session: session.ID}
	run, err := agent.Start(query)
	if err != nil {
		// An unusable agent (aigentic.ErrInvalidAgent): nothing was sent,
		// nothing spent; counted as "other".
		o.Err = err
		o.Kind = s.metrics.record(runRecord{Agent: agent.Name, Tenant: tenantID, Err: err, Cost: costEstimate{Known: true}})
		return o
	}
	o.Answer, o.Err = run.Wait(0)
	o.Stats = run.Stats()
	o.TraceFile = run.TraceFilepath()
	o.Cost = s.pricing.estimate(o.Stats)
	o.Kind = s.metrics.record(runRecord{Agent: agent.Name, Tenant: tenantID, Stats: o.Stats, Err: o.Err, Cost: o.Cost})
	return o
}

// healthCheck pings the model, with a timeout.
func healthCheck(ctx context.Context, model ai.Model) (*ai.PingResult, error) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	return model.Ping(ctx)
}

// errShuttingDown is the cause with which the server cancels the requests
// still running when its shutdown grace period ends.
var errShuttingDown = fmt.Errorf("server shutting down: %w", context.Canceled)

// handleRequest is Pattern 1, the /ask handler: the query form value (URL
// or form body) is answered by the tenant's agent (X-Tenant header,
// default "default") in a session derived from the request's context with
// a timeout, so a client that goes away cancels the run. The answer is
// JSON {"response": ..., "reference": <session id>}. Errors are JSON
// {"error": <a message for the user>, "reference": ...} with 400 for a bad
// query, 403 for an unknown tenant, 413 for an oversized body, 503 when
// rate limited or the model is unavailable, 504 on timeout and 500
// otherwise; the internal error is logged, never sent.
func (s *service) handleRequest(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET or POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("the request body is larger than %d bytes", maxBodyBytes)})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the request is not a valid form"})
		return
	}
	query := strings.TrimSpace(r.Form.Get("query"))
	switch {
	case query == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the query parameter is required"})
		return
	case len(query) > maxQueryBytes:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("the query is too long: at most %d bytes", maxQueryBytes)})
		return
	case !utf8.ValidString(query):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the query is not valid UTF-8"})
		return
	}
	tenantID := strings.TrimSpace(r.Header.Get("X-Tenant"))
	if tenantID == "" {
		tenantID = defaultTenant
	}
	agent, err := s.createTenantAgent(tenantID)
	if err != nil {
		// Info, not Warn: the header is the client's to send.
		s.logger.Info("request refused: unknown tenant", "tenant", tenantID)
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "unknown tenant"})
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	o := s.execute(ctx, tenantID, agent, query)
	if o.Err == nil {
		writeJSON(w, http.StatusOK, map[string]string{"response": o.Answer, "reference": o.Session})
		return
	}
	if r.Context().Err() != nil && !errors.Is(context.Cause(r.Context()), errShuttingDown) {
		// The client went away and took the run with it: nobody to answer.
		s.logger.Info("client disconnected; run cancelled", "tenant", tenantID, "session", o.Session, "duration", o.Stats.Duration)
		return
	}
	status := httpStatus(o.Kind, o.Err)
	level := slog.LevelError
	if status != http.StatusInternalServerError {
		level = slog.LevelWarn
	}
	s.logger.Log(ctx, level, "ask failed", "status", status, "kind", o.Kind, "tenant", tenantID, "session", o.Session,
		"error", aigentic.Redact(o.Err.Error()), "duration", o.Stats.Duration, "llm_calls", o.Stats.LLMCalls)
	if status == http.StatusServiceUnavailable {
		retry := 5 * time.Second
		var rl *rateLimitedError
		if errors.As(o.Err, &rl) {
			retry = rl.RetryAfter
		}
		w.Header().Set("Retry-After", retryAfterSeconds(retry))
	}
	writeJSON(w, status, map[string]string{"error": userMessage(o.Err, o.Session), "reference": o.Session})
}

// httpStatus maps a failed run to its HTTP status.
func httpStatus(kind string, err error) int {
	switch kind {
	case kindTimeout:
		return http.StatusGatewayTimeout
	case kindRateLimited:
		return http.StatusServiceUnavailable
	case kindCanceled: // the server is shutting down
		return http.StatusServiceUnavailable
	case kindModelError:
		if ai.IsTransient(err) || errors.Is(err, aigentic.ErrRetriesExhausted) {
			return http.StatusServiceUnavailable
		}
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds is d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// handleHealth is GET /healthz: 200 when the model answers a ping, 503
// otherwise (the reason is logged, not sent).
func (s *service) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET"})
		return
	}
	pr, err := healthCheck(r.Context(), s.model)
	if err != nil {
		s.logger.Warn("health check failed", "error", aigentic.Redact(err.Error()))
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "provider": pr.Provider, "model": pr.Model})
}

// handleVars is GET /debug/vars: what expvar.Handler serves (cmdline,
// memstats, every published variable), with this service's metrics under
// "aigentic". expvar.Handler serves published variables only, and a name
// is published once per process; serving the service's own map keeps
// every service (and every test) with counters of its own.
func (s *service) handleVars(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fmt.Fprint(w, "{\n")
	expvar.Do(func(kv expvar.KeyValue) {
		if kv.Key != metricsVar {
			fmt.Fprintf(w, "%q: %s,\n", kv.Key, kv.Value)
		}
	})
	fmt.Fprintf(w, "%q: %s\n}\n", metricsVar, s.metrics.vars)
}

// job is a background job (Pattern 2).
type job struct {
	ID      string
	Tenant  string // "" means the default tenant
	Query   string
	Timeout time.Duration // 0 means defaultJobTimeout
}

// processJob is Pattern 2: a background job with its own timeout, a trace
// file, retries and metrics. A job runs with its tenant's agent and
// budget, but with 3 retries (nobody is waiting on it), and queues for the
// tenant's rate limiter up to its deadline rather than being refused.
func (s *service) processJob(ctx context.Context, j job) (string, error) {
	timeout := j.Timeout
	if timeout <= 0 {
		timeout = defaultJobTimeout
	}
	tenantID := j.Tenant
	if tenantID == "" {
		tenantID = defaultTenant
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	agent, err := s.createTenantAgent(tenantID)
	if err != nil {
		return "", fmt.Errorf("job %s: %w", j.ID, err)
	}
	t := s.tenants[tenantID]
	agent.Name = "job-agent"
	agent.Retries = max(agent.Retries, 3)
	agent.RateLimiter = &tenantLimiter{tenant: tenantID, bucket: t.limiter.bucket, maxWait: timeout, sleep: t.limiter.sleep}
	trace := aigentic.NewTrace()
	trace.Directory = s.traceDir
	agent.Trace = trace

	o := s.execute(ctx, tenantID, agent, j.Query)
	attrs := []any{"job", j.ID, "tenant", tenantID, "session", o.Session, "trace_file", o.TraceFile,
		"duration", o.Stats.Duration, "llm_calls", o.Stats.LLMCalls, "retries", o.Stats.Retries, "cost_usd", o.Cost.value()}
	if o.Err != nil {
		s.logger.Error("job failed", append(attrs, "kind", o.Kind, "error", aigentic.Redact(o.Err.Error()))...)
		return "", fmt.Errorf("job %s failed (%s): %w", j.ID, o.Kind, o.Err)
	}
	s.logger.Info("job succeeded", attrs...)
	return o.Answer, nil
}

// serveWith serves the service on ln until ctx ends, then shuts down
// gracefully: no new connections; in-flight requests get grace to
// finish; those still running after it have their sessions cancelled
// (they answer 503) before the server closes.
func serveWith(ctx context.Context, ln net.Listener, svc *service, grace time.Duration) error {
	// Requests do not derive from ctx: a signal must not cut them off at
	// once. stopRequests cancels them when the grace period is over.
	base, stopRequests := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopRequests(nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/ask", svc.handleRequest)
	mux.HandleFunc("/healthz", svc.handleHealth)
	mux.HandleFunc("/debug/vars", svc.handleVars)
	srv := &http.Server{
		Handler:           mux,
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      svc.timeout + 10*time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(svc.logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	svc.logger.Info("shutting down: no new requests; waiting for in-flight ones", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		svc.logger.Warn("grace period over: cancelling the requests still running", "grace", grace)
		stopRequests(errShuttingDown)
		// Their runs stop at once; give them a moment to answer.
		sctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel2()
		if err := srv.Shutdown(sctx2); err != nil {
			_ = srv.Close()
		}
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// runServer is -serve: listen, serve until a signal, shut down.
func runServer(ctx context.Context, cfg config, p *printer, svc *service) error {
	if pr, err := healthCheck(ctx, svc.model); err != nil {
		p.line("Health check failed: %s (serving anyway; /healthz answers 503 until the model is reachable).", redacted(err))
	} else {
		p.line("Health check: model.Ping ok: provider %s, model %s.", pr.Provider, pr.Model)
	}
	ln, err := net.Listen("tcp", cfg.serve)
	if err != nil {
		return fmt.Errorf("-serve %s: %w", cfg.serve, err)
	}
	tenants := slices.Sorted(func(yield func(string) bool) {
		for id := range svc.tenants {
			if !yield(id) {
				return
			}
		}
	})
	p.line("Serving on http://%s — POST or GET /ask?query=..., GET /healthz, GET /debug/vars.", ln.Addr())
	p.line("Tenants (X-Tenant header; default %q): %s. Request timeout %s.", defaultTenant, strings.Join(tenants, ", "), svc.timeout)
	p.line("SIGINT or SIGTERM shuts down gracefully: in-flight requests get %s to finish, then their sessions are cancelled.", defaultShutdownGrace)
	err = serveWith(ctx, ln, svc, defaultShutdownGrace)
	p.line("Shut down. Metrics: %s", svc.metrics.summary())
	return err
}

// levelHandler passes on the records at min or above.
type levelHandler struct {
	min  slog.Leveler
	next slog.Handler
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min.Level() && h.next.Enabled(ctx, l)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error { return h.next.Handle(ctx, r) }

func (h *levelHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &levelHandler{h.min, h.next.WithAttrs(as)}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{h.min, h.next.WithGroup(name)}
}

// ---------------------------------------------------------------------------
// Cost tracking.

// price is US dollars per 1M tokens.
type price struct{ In, Out float64 }

// modelPrices are OpenAI's published list prices, in US dollars per 1M
// tokens (standard tier; input without the cached-input discount), as of
// mid-2025. Prices change: check https://openai.com/api/pricing before
// relying on these, and set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT to
// override. A model not listed here has an unknown cost, never a guess —
// not even a dated snapshot of a listed one, whose price can differ.
var modelPrices = map[string]price{
	"gpt-4o-mini":  {In: 0.15, Out: 0.60},
	"gpt-4o":       {In: 2.50, Out: 10.00},
	"gpt-4.1":      {In: 2.00, Out: 8.00},
	"gpt-4.1-mini": {In: 0.40, Out: 1.60},
	"gpt-4.1-nano": {In: 0.10, Out: 0.40},
}

// pricing is how the program prices tokens.
type pricing struct {
	known  bool
	price  price
	source string
}

// resolvePricing picks the price: the override when set; 0 for the
// offline model; the table's price for an OpenAI model; unknown otherwise
// (another server's prices are not OpenAI's).
func resolvePricing(s provider.Settings, override *price) pricing {
	switch {
	case override != nil:
		return pricing{known: true, price: *override, source: "from PRICE_PER_MTOK_IN/OUT"}
	case s.Offline():
		return pricing{known: true, source: "the offline model is free"}
	case s.BaseURL != "" && !isOpenAI(s.BaseURL):
		return pricing{source: "OPENAI_BASE_URL is not OpenAI, so its prices are not known; set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT"}
	}
	pr, ok := modelPrices[s.Model]
	if !ok {
		return pricing{source: fmt.Sprintf("no price for model %q in the table; set PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT", s.Model)}
	}
	return pricing{known: true, price: pr, source: "OpenAI list price of " + s.Model + ", from the table in main.go; prices change"}
}

func isOpenAI(baseURL string) bool {
	u, err := url.Parse(baseURL)
	return err == nil && u.Hostname() == "api.openai.com"
}

// String describes the pricing for the start-up line.
func (p pricing) String() string {
	switch {
	case !p.known:
		return "unknown (" + p.source + ")"
	case p.price == (price{}):
		return "$0 (" + p.source + ")"
	}
	return fmt.Sprintf("$%g per 1M input tokens, $%g per 1M output tokens (%s)", p.price.In, p.price.Out, p.source)
}

// costEstimate is a run's estimated cost.
type costEstimate struct {
	Known bool
	USD   float64
}

// estimate prices a run's tokens (sub-agents' included).
func (p pricing) estimate(st aigentic.Stats) costEstimate {
	if !p.known {
		return costEstimate{}
	}
	return costEstimate{Known: true, USD: (float64(st.InputTokens)*p.price.In + float64(st.OutputTokens)*p.price.Out) / 1e6}
}

// String is "$0.000123" or "unknown".
func (c costEstimate) String() string {
	if !c.Known {
		return "unknown"
	}
	return fmt.Sprintf("$%.6f", c.USD)
}

// value is the cost for a log record: the dollars, or "unknown".
func (c costEstimate) value() any {
	if !c.Known {
		return "unknown"
	}
	return c.USD
}

// ---------------------------------------------------------------------------
// Metrics and alerting.

// metricsVar is the name of the metrics map in expvar (/debug/vars).
const metricsVar = "aigentic"

// The kinds of a run's outcome.
const (
	kindOK          = "ok"
	kindLimit       = "limit"        // MaxLLMCalls reached
	kindTimeout     = "timeout"      // the session's deadline
	kindCanceled    = "canceled"     // cancelled: the user, the client, a shutdown
	kindRateLimited = "rate_limited" // refused by the tenant's rate limiter
	kindToolError   = "tool_error"   // a tool's Go error (or panic) stopped the run
	kindModelError  = "model_error"  // a model call failed, permanently or after its retries
	kindOther       = "other"
)

var outcomeKinds = []string{kindOK, kindLimit, kindTimeout, kindCanceled, kindRateLimited, kindToolError, kindModelError, kindOther}

// classify names the kind of a run's outcome from the runtime's exported
// errors.
func classify(err error) string {
	var (
		se  *aigentic.StoppedError
		rl  *rateLimitedError
		te  *aigentic.ToolError
		mce *aigentic.ModelCallError
	)
	switch {
	case err == nil:
		return kindOK
	case errors.As(err, &se):
		if errors.Is(err, context.DeadlineExceeded) {
			return kindTimeout
		}
		return kindCanceled
	case errors.As(err, &rl):
		return kindRateLimited
	case errors.Is(err, aigentic.ErrMaxLLMCalls):
		return kindLimit
	case errors.As(err, &te):
		return kindToolError
	case errors.As(err, &mce):
		return kindModelError
	case errors.Is(err, context.DeadlineExceeded):
		return kindTimeout
	case errors.Is(err, context.Canceled):
		return kindCanceled
	}
	return kindOther
}

// alertRule fires when more than MaxErrorRate of the last Window runs
// (cancelled ones not counted: a user or client stopping a run is no
// fault) failed, once at least MinRuns were counted.
type alertRule struct {
	Window       int
	MinRuns      int
	MaxErrorRate float64
}

var defaultAlertRule = alertRule{Window: 20, MinRuns: 5, MaxErrorRate: 0.5}

// runRecord is a finished run, for the metrics.
type runRecord struct {
	Agent  string
	Tenant string // "" when the run belongs to no tenant
	Stats  aigentic.Stats
	Err    error
	Cost   costEstimate
}

// metrics are the counters of a program's runs, in an expvar.Map (served
// at /debug/vars), and the state of its alert rule.
type metrics struct {
	vars         *expvar.Map
	runs         *expvar.Map // outcome kind → count
	costByAgent  *expvar.Map
	costByTenant *expvar.Map
	logger       *slog.Logger
	rule         alertRule

	mu       sync.Mutex
	recent   []bool // the last rule.Window counted outcomes, a ring: true = failed
	pos, n   int
	firing   bool
	lastRate float64
	maxDur   time.Duration
	holding  bool          // holdAlerts: the alert records wait for flushAlerts
	held     []slog.Record // the alert records held, in order
}

func newMetrics(logger *slog.Logger, rule alertRule) *metrics {
	m := &metrics{
		vars:         new(expvar.Map).Init(),
		runs:         new(expvar.Map).Init(),
		costByAgent:  new(expvar.Map).Init(),
		costByTenant: new(expvar.Map).Init(),
		logger:       logger,
		rule:         rule,
		recent:       make([]bool, rule.Window),
	}
	for _, k := range outcomeKinds {
		m.runs.Add(k, 0)
	}
	for _, k := range []string{"llm_calls", "tool_calls", "tool_calls_failed", "retries", "tokens_in", "tokens_out", "cost_unknown_runs", "alerts_fired"} {
		m.vars.Add(k, 0)
	}
	for _, k := range []string{"duration_ms_total", "rate_limit_wait_ms_total", "cost_usd"} {
		m.vars.AddFloat(k, 0)
	}
	m.vars.Set("runs", m.runs)
	m.vars.Set("cost_usd_by_agent", m.costByAgent)
	m.vars.Set("cost_usd_by_tenant", m.costByTenant)
	m.vars.Set("duration_ms_max", expvar.Func(func() any {
		m.mu.Lock()
		defer m.mu.Unlock()
		return float64(m.maxDur.Microseconds()) / 1000
	}))
	m.vars.Set("alert_firing", expvar.Func(func() any {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.firing
	}))
	return m
}

// record counts a finished run and evaluates the alert rule; it returns
// the outcome's kind.
func (m *metrics) record(r runRecord) string {
	kind := classify(r.Err)
	st := r.Stats
	failedTools := st.ToolErrors
	if kind == kindToolError {
		failedTools++ // the call that stopped the run: counted in ToolCalls, not in ToolErrors
	}
	m.runs.Add(kind, 1)
	m.vars.Add("llm_calls", int64(st.LLMCalls))
	m.vars.Add("tool_calls", int64(st.ToolCalls))
	m.vars.Add("tool_calls_failed", int64(failedTools))
	m.vars.Add("retries", int64(st.Retries))
	m.vars.Add("tokens_in", int64(st.InputTokens))
	m.vars.Add("tokens_out", int64(st.OutputTokens))
	m.vars.AddFloat("duration_ms_total", float64(st.Duration.Microseconds())/1000)
	m.vars.AddFloat("rate_limit_wait_ms_total", float64(st.RateLimitWait.Microseconds())/1000)
	if r.Cost.Known {
		m.vars.AddFloat("cost_usd", r.Cost.USD)
		m.costByAgent.AddFloat(r.Agent, r.Cost.USD)
		if r.Tenant != "" {
			m.costByTenant.AddFloat(r.Tenant, r.Cost.USD)
		}
	} else {
		m.vars.Add("cost_unknown_runs", 1)
	}

	// The alert rule. The log records are written after the lock is
	// released (expvar.Func above takes it too).
	m.mu.Lock()
	m.maxDur = max(m.maxDur, st.Duration)
	fired, resolved := false, false
	var errRate float64
	counted := 0
	if kind != kindCanceled && len(m.recent) > 0 {
		m.recent[m.pos] = kind != kindOK
		m.pos = (m.pos + 1) % len(m.recent)
		m.n = min(m.n+1, len(m.recent))
		failed := 0
		for _, f := range m.recent[:m.n] {
			if f {
				failed++
			}
		}
		counted = m.n
		errRate = float64(failed) / float64(m.n)
		m.lastRate = errRate
		switch {
		case !m.firing && m.n >= m.rule.MinRuns && errRate > m.rule.MaxErrorRate:
			m.firing, fired = true, true
		case m.firing && errRate <= m.rule.MaxErrorRate:
			m.firing, resolved = false, true
		}
	}
	m.mu.Unlock()
	switch {
	case fired:
		m.vars.Add("alerts_fired", 1)
		m.logAlert(slog.LevelWarn, "ALERT: agent error rate above threshold", "error_rate", math.Round(errRate*100)/100,
			"threshold", m.rule.MaxErrorRate, "runs", counted, "last_outcome", kind, "agent", r.Agent)
	case resolved:
		m.logAlert(slog.LevelInfo, "alert resolved: agent error rate back under threshold", "error_rate", math.Round(errRate*100)/100,
			"threshold", m.rule.MaxErrorRate, "runs", counted)
	}
	return kind
}

// logAlert logs an alert rule's record, at once or, while alerts are
// held, at the next flushAlerts — with the time it was raised either way.
func (m *metrics) logAlert(level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !m.logger.Enabled(ctx, level) {
		return
	}
	r := slog.NewRecord(time.Now(), level, msg, 0)
	r.Add(args...)
	m.mu.Lock()
	if m.holding {
		m.held = append(m.held, r)
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	_ = m.logger.Handler().Handle(ctx, r)
}

// holdAlerts makes the alert records wait for flushAlerts. The examples
// hold them until the end of each example, so that on a terminal they
// follow its output instead of splitting it; the service logs them at
// once.
func (m *metrics) holdAlerts() {
	m.mu.Lock()
	m.holding = true
	m.mu.Unlock()
}

// flushAlerts logs the alert records held so far.
func (m *metrics) flushAlerts() {
	m.mu.Lock()
	held := m.held
	m.held = nil
	m.mu.Unlock()
	for _, r := range held {
		_ = m.logger.Handler().Handle(context.Background(), r)
	}
}

// count reads an integer counter of m.
func count(mp *expvar.Map, key string) int64 {
	if v, ok := mp.Get(key).(*expvar.Int); ok {
		return v.Value()
	}
	return 0
}

func total(mp *expvar.Map, key string) float64 {
	if v, ok := mp.Get(key).(*expvar.Float); ok {
		return v.Value()
	}
	return 0
}

// summary is the counters in one line.
func (m *metrics) summary() string {
	var runs int64
	var kinds []string
	for _, k := range outcomeKinds {
		if n := count(m.runs, k); n > 0 {
			runs += n
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
	}
	if runs == 0 {
		return "no runs."
	}
	m.mu.Lock()
	maxDur := m.maxDur
	m.mu.Unlock()
	mean := time.Duration(total(m.vars, "duration_ms_total") / float64(runs) * float64(time.Millisecond))
	cost := fmt.Sprintf("$%.6f", total(m.vars, "cost_usd"))
	if n := count(m.vars, "cost_unknown_runs"); n > 0 {
		cost = fmt.Sprintf("unknown for %d runs", n)
		if n < runs {
			cost = fmt.Sprintf("$%.6f + unknown for %d runs", total(m.vars, "cost_usd"), n)
		}
	}
	return fmt.Sprintf("%d runs (%s); %d LLM calls; %d tool calls, %d failed; %d retries; duration mean %s, max %s; cost %s.",
		runs, strings.Join(kinds, ", "), count(m.vars, "llm_calls"), count(m.vars, "tool_calls"), count(m.vars, "tool_calls_failed"),
		count(m.vars, "retries"), roundDuration(mean), roundDuration(maxDur), cost)
}

// alertStatus is the rule and its state in one line.
func (m *metrics) alertStatus() string {
	m.mu.Lock()
	firing, n, errRate := m.firing, m.n, m.lastRate
	m.mu.Unlock()
	rule := fmt.Sprintf("error rate above %.0f%% over the last %d runs (at least %d; cancelled runs not counted)",
		m.rule.MaxErrorRate*100, m.rule.Window, m.rule.MinRuns)
	state := fmt.Sprintf("not firing: %.0f%% over %d runs", errRate*100, n)
	if firing {
		state = fmt.Sprintf("FIRING: %.0f%% over %d runs; fired %s, logged at WARN", errRate*100, n, times(count(m.vars, "alerts_fired")))
	} else if fired := count(m.vars, "alerts_fired"); fired > 0 {
		state += fmt.Sprintf("; fired %s earlier", times(fired))
	}
	return rule + " — " + state + "."
}

// times spells "once" or "N times".
func times(n int64) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}
