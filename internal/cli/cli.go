// Package cli is the one command line of the examples: the shared
// flags and variables (-q, -timeout and TIMEOUT, -v, ENV, LOG_LEVEL,
// -trace-dir) and the usage layout ([Spec], [Parse], [Start]); the printer
// with the shared marks and colours, which also holds the runtime's log
// records until a run's events are printed ([Printer]); the model's
// start-up line without credentials ([NewModel]); the signal context, the
// .env files and the exit status ([SignalContext], [WithDotEnv], [Exit]);
// the session timeout and the errors that say a step ran out of it or that
// the model's server failed ([WithSessionTimeout], [TimedOut], [ServerFault]).
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"golang.org/x/mod/modfile"

	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

// UsageError is a bad flag, argument or environment variable. Programs exit
// with status 2 for it (see [ExitCode]).
type UsageError struct{ Err error }

// Error implements error.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *UsageError) Unwrap() error { return e.Err }

// Usage marks err as a usage error; nil stays nil.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{Err: err}
}

// Usagef is Usage(fmt.Errorf(format, args...)).
func Usagef(format string, args ...any) error { return Usage(fmt.Errorf(format, args...)) }

// ExitCode is the exit status for err: 0 for nil, 2 for a usage error, 1
// for anything else.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// LoadDotEnv loads .env from dir (the working directory when dir is ""),
// then from this repository's root (the nearest directory up whose go.mod
// declares [ModulePath]; another project's root is never read, so running
// an example from inside your own module does not pick up its secrets),
// never overriding variables already set. It returns the files loaded; an
// unreadable or malformed file is a usage error naming it.
func LoadDotEnv(dir string) ([]string, error) {
	var files []string
	if dir == "" {
		dir = "."
	}
	wd, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	if isFile(filepath.Join(wd, ".env")) {
		files = append(files, filepath.Join(wd, ".env"))
	}
	for d := wd; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "go.mod")) {
			if p := filepath.Join(d, ".env"); d != wd && isOurModule(filepath.Join(d, "go.mod")) && isFile(p) {
				files = append(files, p)
			}
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, f := range files {
		// LoadEnvFile never quotes a malformed line (it may hold a key),
		// and registers the credentials the file brings for redaction.
		if err := utils.LoadEnvFile(f); err != nil {
			return nil, Usage(err)
		}
	}
	return files, nil
}

// WithDotEnv loads .env files as LoadDotEnv("") does, then runs the
// program f: what every example's run does on the real process.
func WithDotEnv(f func() error) error {
	if _, err := LoadDotEnv(""); err != nil {
		return err
	}
	return f()
}

// ModulePath is this repository's module path.
const ModulePath = "github.com/nexxia-ai/aigentic-examples"

// isOurModule reports whether the go.mod at p declares ModulePath.
func isOurModule(p string) bool {
	b, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	return modfile.ModulePath(b) == ModulePath
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// SignalContext is the context every example runs in: it ends on SIGINT
// (Ctrl-C) or SIGTERM, so the running session stops cleanly. It lives as
// long as the process: the signals stay caught until it exits.
func SignalContext() context.Context {
	ctx, _ := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM) //nolint:govet // released at exit
	return ctx
}

// Exit prints err's one redacted "error:" line on standard error and
// calls os.Exit(ExitCode(err)): 2 for bad input, 1 for anything else.
func Exit(err error) {
	PrintError(os.Stderr, err)
	os.Exit(ExitCode(err))
}
