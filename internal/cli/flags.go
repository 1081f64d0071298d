package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
)

// Spec describes one example's command line. Every example shares -q,
// -timeout and -v, the variables ENV, LOG_LEVEL and TIMEOUT, and the usage
// layout; Flags and Env add its own.
type Spec struct {
	// Name is the example's folder: its command is "go run ./<Name>".
	Name string
	// Summary says in a line or two what the example shows.
	Summary string
	// Title, when set, is printed first, as a heading (see [Start]).
	Title string
	// Question is the default of -q.
	Question string
	// QuestionHelp says what -q asks (default "the question to ask").
	QuestionHelp string
	// Timeout is the default session timeout (-timeout, TIMEOUT).
	Timeout time.Duration
	// TraceDir declares -trace-dir, defaulting to $AIGENTIC_TRACE_DIR,
	// else aigentic.DefaultTraceDir().
	TraceDir bool
	// Flags declares the example's own flags.
	Flags func(fs *flag.FlagSet)
	// Env lists the example's own environment variables for the usage,
	// as "NAME  what it does" lines.
	Env []string
}

// Config is what every example reads from its command line and
// environment.
type Config struct {
	// Question is -q, trimmed and never empty.
	Question string
	// Timeout is the session timeout: -timeout, else TIMEOUT, else
	// Spec.Timeout. Always > 0.
	Timeout time.Duration
	// TimeoutFrom is where Timeout came from: "-timeout", "TIMEOUT", or ""
	// for Spec.Timeout.
	TimeoutFrom string
	// Log is the runtime log's level and whether it is shown.
	Log LogConfig
	// TraceDir is -trace-dir (Spec.TraceDir only).
	TraceDir string
	// Model is what OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL select.
	Model provider.Settings
	// Set holds the names of the flags given on the command line.
	Set map[string]bool

	verbose bool // -v
}

// LogConfig is the runtime log's configuration.
type LogConfig struct {
	// Level is the least level of the records kept.
	Level slog.Level
	// Show is true when the user asked for the log (ENV, LOG_LEVEL or -v):
	// only then do the records reach the terminal.
	Show bool
	// From says where the level came from, for the start-up line.
	From string
}

// Parse reads args and the environment (through getenv) for spec. On -h it
// writes the usage to out and returns done = true. Every error is a
// *UsageError of one line that names the flag or variable and what it
// accepts.
func Parse(spec Spec, args []string, getenv func(string) string, out io.Writer) (cfg Config, done bool, err error) {
	fs := spec.flagSet(&cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(out, spec.Usage())
			return cfg, true, nil
		}
		if strings.HasPrefix(err.Error(), "flag provided but not defined") {
			return cfg, false, Usagef("%v; the flags are %s (-h for help)", err, flagNames(fs))
		}
		return cfg, false, Usage(badValue(fs, err))
	}
	if fs.NArg() > 0 {
		return cfg, false, Usagef("unexpected argument %q: give the question with -q %q", fs.Arg(0), "...")
	}
	cfg.Set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { cfg.Set[f.Name] = true })

	cfg.Question = strings.TrimSpace(cfg.Question)
	if cfg.Question == "" {
		return cfg, false, Usagef("-q is empty: give a question, such as -q %q", spec.Question)
	}
	if cfg.Log, err = parseLog(getenv, cfg.verbose); err != nil {
		return cfg, false, err
	}
	if cfg.Set["timeout"] {
		cfg.TimeoutFrom = "-timeout"
	} else {
		cfg.Timeout = spec.Timeout
		if raw := strings.TrimSpace(getenv("TIMEOUT")); raw != "" {
			var d durationValue
			if err := d.Set(raw); err != nil {
				return cfg, false, Usagef("TIMEOUT=%q is not valid: %v", raw, err)
			}
			cfg.Timeout, cfg.TimeoutFrom = time.Duration(d), "TIMEOUT"
		}
	}
	if spec.TraceDir {
		if err := resolveTraceDir(&cfg, getenv); err != nil {
			return cfg, false, err
		}
	}
	if cfg.Model, err = provider.FromEnv(getenv); err != nil {
		return cfg, false, Usage(err)
	}
	return cfg, false, nil
}

func (spec Spec) flagSet(cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(spec.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	help := spec.QuestionHelp
	if help == "" {
		help = "the question to ask"
	}
	fs.StringVar(&cfg.Question, "q", spec.Question, help)
	fs.Var((*durationValue)(&cfg.Timeout), "timeout", "the session timeout, a Go duration > 0 (default "+spec.Timeout.String()+", or $TIMEOUT)")
	fs.BoolVar(&cfg.verbose, "v", false, "show the runtime's debug log (as LOG_LEVEL=debug)")
	if spec.TraceDir {
		fs.StringVar(&cfg.TraceDir, "trace-dir", "", "where trace files go (default $AIGENTIC_TRACE_DIR, else "+aigentic.DefaultTraceDir()+")")
	}
	if spec.Flags != nil {
		spec.Flags(fs)
	}
	return fs
}

// durationValue is a flag.Value for a duration greater than 0, whose error
// says what is accepted.
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return errors.New("use a Go duration greater than 0, such as 30s or 2m")
	}
	*d = durationValue(v)
	return nil
}

// parseLog maps ENV (dev → Debug, prod → Warn), LOG_LEVEL (overrides ENV)
// and -v (Debug, overrides both) to the log configuration. With none of
// them the level is Info and the log is not shown.
func parseLog(getenv func(string) string, verbose bool) (LogConfig, error) {
	c := LogConfig{Level: slog.LevelInfo, From: "off: set ENV=dev, LOG_LEVEL or -v to show it"}
	envRaw := strings.TrimSpace(getenv("ENV"))
	switch strings.ToLower(envRaw) {
	case "":
	case "dev":
		c = LogConfig{Level: slog.LevelDebug, Show: true, From: "ENV=dev"}
	case "prod":
		c = LogConfig{Level: slog.LevelWarn, Show: true, From: "ENV=prod"}
	default:
		return c, Usagef("ENV=%q is not valid: use dev or prod (unset: no runtime log)", envRaw)
	}
	if raw := strings.TrimSpace(getenv("LOG_LEVEL")); raw != "" {
		levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
		l, ok := levels[strings.ToLower(raw)]
		if !ok {
			return c, Usagef("LOG_LEVEL=%q is not valid: use debug, info, warn or error", raw)
		}
		c = LogConfig{Level: l, Show: true, From: "LOG_LEVEL=" + strings.ToLower(raw)}
	}
	if verbose {
		c = LogConfig{Level: slog.LevelDebug, Show: true, From: "-v"}
	}
	return c, nil
}

// badValue is the error for a flag value package flag's own parsers
// refused: their text ends in a bare "parse error" or "value out of
// range", which becomes what was wrong and the flag's help — what it
// accepts (`invalid value "x" for flag -demo: not a number; -demo N: run
// only demo N (1-7)`). Other errors (a flag.Value's own, which says what
// it accepts) are returned as they are.
func badValue(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if !strings.HasSuffix(msg, ": parse error") && !strings.HasSuffix(msg, ": value out of range") {
		return err
	}
	// "invalid value %q for flag -%s: %v", "invalid boolean value %q for -%s: %v"
	i := strings.LastIndex(msg, " -")
	if i < 0 {
		return err
	}
	name, _, _ := strings.Cut(msg[i+2:], ":")
	f := fs.Lookup(name)
	if f == nil {
		return err
	}
	arg, help := flag.UnquoteUsage(f)
	what := "-" + f.Name
	if arg != "" {
		what += " " + arg
	}
	why := "out of range"
	switch {
	case strings.HasPrefix(msg, "invalid boolean value"):
		why = "use true or false, or -" + f.Name + " alone"
	case strings.HasSuffix(msg, ": parse error"):
		why = "not a number"
		if g, ok := f.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case int, int64, uint, uint64:
				why = "not a whole number"
			}
		}
	}
	return fmt.Errorf("%s: %s; %s: %s", strings.TrimSuffix(strings.TrimSuffix(msg, ": parse error"), ": value out of range"), why, what, help)
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "-"+f.Name) })
	return strings.Join(names, ", ")
}

// argNames name the shared flags' values in the usage.
var argNames = map[string]string{"q": "text", "timeout": "d", "trace-dir": "dir"}

// Usage is the example's help text, in the layout every example shares.
func (spec Spec) Usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: go run ./%s [flags]\n\n%s\n\nFlags:\n", spec.Name, strings.TrimSpace(spec.Summary))
	fs := spec.flagSet(&Config{})
	fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		if a, ok := argNames[f.Name]; ok {
			arg = a
		}
		name := "-" + f.Name
		if arg != "" {
			name += " " + arg
		}
		switch {
		case f.Name == "q":
			help += fmt.Sprintf(" (default %q)", f.DefValue)
		case f.Name == "timeout", f.DefValue == "", f.DefValue == "false", f.DefValue == "0":
		default:
			help += " (default " + f.DefValue + ")"
		}
		if len(name) > 18 {
			fmt.Fprintf(&b, "  %s\n  %-18s %s\n", name, "", help)
			return
		}
		fmt.Fprintf(&b, "  %-18s %s\n", name, help)
	})
	b.WriteString("\nEnvironment:\n")
	env := []string{
		"ENV                dev (debug log) or prod (warnings and errors only); unset: no runtime log",
		"LOG_LEVEL          debug, info, warn or error; overrides ENV",
		"TIMEOUT            the session timeout, as -timeout (which overrides it)",
	}
	if spec.TraceDir {
		env = append(env, "AIGENTIC_TRACE_DIR where trace files go, as -trace-dir")
	}
	env = append(env, spec.Env...)
	env = append(env,
		"OPENAI_API_KEY     run on OpenAI instead of the built-in offline model",
		"OPENAI_MODEL       the model name (default "+provider.DefaultOpenAIModel+")",
		"OPENAI_BASE_URL    any OpenAI-compatible server, such as http://localhost:11434/v1",
		"NO_COLOR           plain output (also when standard output is not a terminal)",
	)
	for _, l := range env {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("\nA .env file in the current directory, then in the repository root, is loaded\nfirst; it never overrides variables already set.\n")
	return b.String()
}

// resolveTraceDir settles cfg.TraceDir: -trace-dir, else
// $AIGENTIC_TRACE_DIR, else aigentic.DefaultTraceDir(). A directory the
// user named must pass securefs.EnsurePrivateDir (a real directory of
// ours, no group or other write; created 0700 when missing), else it is a
// usage error naming the flag or variable and the reason — the runtime
// would refuse it anyway, and a run without its trace is no place to find
// out. An unsafe default gives way to aigentic.FallbackTraceDir(), as the
// runtime does, so what the program prints is where traces really go.
func resolveTraceDir(cfg *Config, getenv func(string) string) error {
	name := "-trace-dir"
	if cfg.TraceDir == "" {
		cfg.TraceDir, name = strings.TrimSpace(getenv("AIGENTIC_TRACE_DIR")), "AIGENTIC_TRACE_DIR"
	}
	if cfg.TraceDir == "" {
		cfg.TraceDir, name = aigentic.DefaultTraceDir(), ""
	}
	err := securefs.EnsurePrivateDir(cfg.TraceDir)
	switch {
	case err == nil:
		return nil
	case name != "":
		return Usagef("%s=%s cannot hold trace files: %v", name, cfg.TraceDir, err)
	case errors.Is(err, securefs.ErrUnsafe):
		cfg.TraceDir = aigentic.FallbackTraceDir()
		return nil
	}
	return Usagef("trace directory %s: %v", cfg.TraceDir, err)
}

// DataDir is an example's default directory for what outlives the
// process: <user config dir>/aigentic-examples/<name> (on Linux
// ~/.config/aigentic-examples/<name>, on macOS ~/Library/Application
// Support/aigentic-examples/<name>, on Windows %AppData%\aigentic-examples\<name>).
// Without a user config directory it is a usage error naming what goes
// there ("conversations") and the flag to pass instead.
func DataDir(userConfigDir func() (string, error), name, what, flag string) (string, error) {
	base, err := userConfigDir()
	if err != nil {
		return "", Usage(fmt.Errorf("no default directory for %s (%v): pass -%s DIR", what, err, flag))
	}
	return filepath.Join(base, "aigentic-examples", name), nil
}

// ShellQuote is s as a POSIX shell word: as it is when it holds only
// letters, digits and /._-, else in single quotes.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
