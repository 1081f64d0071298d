// Command production runs the seven production patterns of aigentic, each
// made to happen and shown with its evidence: error handling, traces, the
// MaxLLMCalls limit, retries, log levels, cancellation, and all of them
// combined in one production setup.
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
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fatih/color"
	"github.com/joho/godotenv"
	"github.com/mattn/go-isatty"

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
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(exitCode(err))
	}
}

// run loads a .env file when present, then runs the examples with the
// process's environment, logging the runtime's records to standard error.
func run(ctx context.Context, args []string, out io.Writer) error {
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	if _, err := loadDotEnv(wd); err != nil {
		return &usageError{msg: err.Error()}
	}
	return runWith(ctx, args, out, system{getenv: os.Getenv, stderr: os.Stderr})
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
}

// ---------------------------------------------------------------------------
// Configuration: flags and environment, parsed in one place.

const (
	defaultTimeout  = 2 * time.Minute
	defaultDeadline = time.Second
)

const usageText = `usage: production [-demo N] [-list] [-trace-dir DIR]

Runs the seven production-pattern examples of aigentic in order.

Flags:
  -demo N          run only example N (1-7)
  -list            list the examples and exit
  -trace-dir DIR   where trace files go (default: $AIGENTIC_TRACE_DIR, else <temp>/aigentic-traces)

Environment:
  ENV              dev (debug logs) or prod (warn logs); unset: info
  LOG_LEVEL        debug, info, warn or error; overrides ENV
  TIMEOUT          session timeout of example 7, a Go duration > 0 (default 2m)
  OPENAI_API_KEY   run on OpenAI instead of the built-in offline model
  OPENAI_MODEL     the model name (default gpt-4o-mini)
  OPENAI_BASE_URL  any OpenAI-compatible server, e.g. http://localhost:11434/v1
  NO_COLOR         plain output
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
}

// usageError is a bad flag or environment value: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitCode is 2 for usage and configuration errors, 1 otherwise.
func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cfg.help = true
			return cfg, nil
		}
		return cfg, usagef("%v (run with -h for usage)", err)
	}
	if fs.NArg() > 0 {
		return cfg, usagef("unexpected argument %q (run with -h for usage)", fs.Arg(0))
	}
	demoSet := false
	fs.Visit(func(f *flag.Flag) { demoSet = demoSet || f.Name == "demo" })
	if demoSet && (cfg.demo < 1 || cfg.demo > len(examples)) {
		return cfg, usagef("-demo %d: no such example; use 1-%d (see -list)", cfg.demo, len(examples))
	}

	var err error
	if cfg.level, cfg.levelFrom, err = parseLevel(getenv); err != nil {
		return cfg, err
	}
	if raw := strings.TrimSpace(getenv("TIMEOUT")); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			return cfg, usagef("TIMEOUT=%q is not valid: use a Go duration greater than 0, such as 30s or 2m", raw)
		}
		cfg.timeout = d
	}
	if cfg.traceDir == "" {
		cfg.traceDir = strings.TrimSpace(getenv("AIGENTIC_TRACE_DIR"))
	}
	if cfg.traceDir == "" {
		cfg.traceDir = aigentic.DefaultTraceDir()
	}
	if cfg.model, err = provider.FromEnv(getenv); err != nil {
		return cfg, &usageError{msg: err.Error()}
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
		return 0, "", usagef("ENV=%q is not valid: use dev or prod (unset means the info level)", envRaw)
	}
	raw := getenv("LOG_LEVEL")
	v := strings.ToLower(strings.TrimSpace(raw))
	if v == "" {
		return level, from, nil
	}
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := levels[v]
	if !ok {
		return 0, "", usagef("LOG_LEVEL=%q is not valid: use debug, info, warn or error", raw)
	}
	if strings.TrimSpace(envRaw) != "" {
		return l, "LOG_LEVEL=" + v + ", overriding ENV=" + strings.TrimSpace(envRaw), nil
	}
	return l, "LOG_LEVEL=" + v, nil
}

// loadDotEnv loads .env from dir, then from the repository root (the first
// directory up from dir holding go.mod), when present. Variables already
// set are never overridden, so the first file to set one wins. It returns
// the files loaded.
func loadDotEnv(dir string) ([]string, error) {
	candidates := []string{filepath.Join(dir, ".env")}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			if root := filepath.Join(d, ".env"); root != candidates[0] {
				candidates = append(candidates, root)
			}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	var loaded []string
	for _, f := range candidates {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		if err := godotenv.Load(f); err != nil {
			return loaded, fmt.Errorf("loading %s: %w", f, err)
		}
		loaded = append(loaded, f)
	}
	return loaded, nil
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
	{"Comprehensive Production Setup", "health check, session timeout, trace, retries, MaxLLMCalls, log level and tools together, with metrics logged as structured slog.", exampleProduction},
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
		return &usageError{msg: err.Error()}
	}

	p.title("aigentic: production-ready patterns")
	p.line("%s", desc)
	p.line("Log level %s (%s); the runtime's own log records go to stderr.", cfg.level, cfg.levelFrom)
	p.line("Trace files go to %s.", cfg.traceDir)

	e := &demoEnv{
		p:        p,
		model:    model,
		cfg:      cfg,
		logger:   slog.New(slog.NewTextHandler(sys.stderr, &slog.HandlerOptions{Level: cfg.level})),
		deadline: sys.deadline,
	}
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
			p.bad("Example %d did not behave as designed: %v", n, err)
			failed = append(failed, fmt.Errorf("example %d (%s): %w", n, ex.title, err))
		}
	}
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
	fmt.Fprintln(p.out, p.fail.Sprintf("Interrupted (%v) during Example %d: %s.", cause, n, title))
	p.line("Every session derives from the signal context, so the running agent stopped cleanly; the remaining examples were skipped.")
	return fmt.Errorf("interrupted during example %d (%s): %w", n, title, cause)
}

// event prints one event of a run.
func (p *printer) event(ev aigentic.Event) {
	switch ev := ev.(type) {
	case *aigentic.ToolCallEvent:
		p.say("  → tool call %s %s", ev.Name, ev.Arguments)
	case *aigentic.ToolResultEvent:
		kind := "result"
		if ev.Error {
			kind = "error result"
		}
		p.say("  ← %s %s: %s", ev.Name, kind, clip(ev.Result.String(), 110))
	case *aigentic.RetryEvent:
		p.say("  ↻ %s, attempt %d failed: %v", ev.Step, ev.Attempt, ev.Err)
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

// follow prints the run's events as they happen and returns its outcome.
func (e *demoEnv) follow(run *aigentic.AgentRun) (string, error) {
	for ev := range run.Next() {
		e.p.event(ev)
	}
	return run.Wait(0)
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
	switch {
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
// run.Context() — when the run is stopped, it returns at once.
func generateReportTool(takes time.Duration) aigentic.AgentTool {
	return aigentic.NewTool("generate_report",
		"Generate the sales report for a period. Large reports take a while.",
		func(run *aigentic.AgentRun, in reportRequest) (string, error) {
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
	p.say("Run failed: %v", err)
	p.say("errors.Is(err, errDatabaseConnectionLost) = true; *aigentic.ToolError names tool %q (attempts: %d)", te.Tool, te.Attempts)
	p.say("What the user is told: %s", userMessage(err, session.ID))

	// 1c. Transient model failure: retried and recovered.
	p.sub("1c. Transient error: the model's first attempt fails with an injected HTTP 503; Retries: 2.")
	faulty := aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
	agent = e.agent("oncall-agent", session, checkSystemStatusTool())
	agent.Model = faulty
	agent.Retries = 2
	agent.RetryPolicy = fastRetries()
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
	p.say("Run stopped: %v", err)
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
	policy := &aigentic.RetryPolicy{BaseDelay: 50 * time.Millisecond, MaxDelay: 200 * time.Millisecond, MaxRetryAfter: 200 * time.Millisecond}
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
	p.say("Gave up: %v", err)
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
		agent.RetryPolicy = fastRetries()
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
		_, err := agent.Execute(`Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`)
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
		p.say("%-6s %-8d %s", level, counts[i], clip(sample, 100))
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
	agent := e.agent("report-agent", session, generateReportTool(reportTakes))
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
	p.say("Stopped after %s: %v", roundDuration(elapsed), err)
	p.say("errors.Is(err, context.DeadlineExceeded) = true; the session's ctx.Err() = %v; stopped during %s", tctx.Err(), during)
	p.say("What the user is told: %s", userMessage(err, session.ID))

	// 6b. Manual cancellation.
	p.sub("6b. Cancel: the user presses Stop while the report is being generated: session.Cancel().")
	session2 := aigentic.NewSession(ctx)
	defer session2.Cancel()
	agent = e.agent("report-agent", session2, generateReportTool(reportTakes))
	start = time.Now()
	run, err = agent.Start("Generate the monthly sales report.")
	if err != nil {
		return err
	}
	cancelled := false
	for ev := range run.Next() {
		p.event(ev)
		if tc, ok := ev.(*aigentic.ToolCallEvent); ok && tc.Name == "generate_report" && !cancelled {
			p.say("  session.Cancel()")
			session2.Cancel()
			cancelled = true
		}
	}
	_, err = run.Wait(0)
	elapsed = time.Since(start)
	if !cancelled {
		return fmt.Errorf("6b: the model never called generate_report, so there was nothing to cancel (run ended with: %v)", err)
	}
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("6b: want context.Canceled, got: %v", err)
	}
	p.say("Stopped after %s: %v", roundDuration(elapsed), err)
	p.say("errors.Is(err, context.Canceled) = true; session.Err() = %v", session2.Err())
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
	pingCtx, pingCancel := context.WithTimeout(ctx, 10*time.Second)
	pr, err := e.model.Ping(pingCtx)
	pingCancel()
	if err != nil {
		p.say("Health check failed: %v", err)
		return fmt.Errorf("health check: %w", err)
	}
	p.say("Health check: model.Ping ok: provider %s, model %s (%s)", pr.Provider, pr.Model, pr.Detail)

	session := aigentic.NewSession(ctx)
	defer session.Cancel()
	trace := aigentic.NewTrace()
	trace.Directory = e.cfg.traceDir

	agent := aigentic.Agent{
		Name:         "support-agent",
		Model:        e.model,
		Instructions: "You are a customer support assistant for an online shop. Use the tools to answer; never guess an order's status.",
		Session:      session,
		Trace:        trace,
		Retries:      2,
		RetryPolicy:  &aigentic.RetryPolicy{BaseDelay: 500 * time.Millisecond, MaxDelay: 5 * time.Second, MaxRetryAfter: 10 * time.Second, AttemptTimeout: 30 * time.Second},
		MaxLLMCalls:  10,
		LogLevel:     e.cfg.level,
		Logger:       e.logger,
		AgentTools:   []aigentic.AgentTool{lookupOrderTool(), checkSystemStatusTool()},
	}
	p.say("Setup: session timeout %s, Retries %d (attempt timeout %s), MaxLLMCalls %d, log level %s, trace in %s, %d tools.",
		e.cfg.timeout, agent.Retries, agent.RetryPolicy.AttemptTimeout, agent.MaxLLMCalls, e.cfg.level, trace.Directory, len(agent.AgentTools))

	metrics := slog.New(slog.NewJSONHandler(p.out, nil))
	run, err := agent.Start("A customer on the phone asks where order 1043 is. Look it up, please.")
	if err != nil {
		return err
	}
	answer, err := e.follow(run)
	st := run.Stats()
	if err != nil {
		kind := "error"
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			kind = "timeout"
		case errors.Is(err, context.Canceled):
			kind = "cancelled"
		case errors.Is(err, aigentic.ErrMaxLLMCalls):
			kind = "max_llm_calls"
		case errors.Is(err, aigentic.ErrRetriesExhausted):
			kind = "retries_exhausted"
		}
		// Log to the monitoring system, then tell the user something useful.
		metrics.Error("agent run failed", "kind", kind, "error", err.Error(), "session", session.ID,
			"trace_file", run.TraceFilepath(), "duration_ms", st.Duration.Milliseconds(), "llm_calls", st.LLMCalls, "tool_calls", st.ToolCalls)
		p.say("What the user is told: %s", userMessage(err, session.ID))
		return fmt.Errorf("the production run failed (%s): %w", kind, err)
	}
	p.say("Answer:")
	p.answer(answer)
	p.say("Metrics, logged as structured slog (JSON):")
	metrics.Info("agent run succeeded",
		"session", session.ID,
		"trace_session", trace.SessionID,
		"trace_file", run.TraceFilepath(),
		"duration_ms", float64(st.Duration.Microseconds())/1000,
		"llm_calls", st.LLMCalls,
		"tool_calls", st.ToolCalls,
		"tool_errors", st.ToolErrors,
		"retries", st.Retries,
		"tokens_in", st.InputTokens,
		"tokens_out", st.OutputTokens,
	)
	if st.ToolCalls == 0 {
		return errors.New("the agent answered without looking the order up")
	}
	return nil
}
