package cli

import (
	"context"
	"errors"
	"io"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// NewModel is provider.New, its error a usage error: the model s selects
// and a start-up line describing it, which names a compatible server in
// Settings.DisplayBaseURL's form (a base URL can carry credentials —
// user:password@, a key in the query or the path — never printed).
func NewModel(s provider.Settings) (ai.Model, string, error) {
	m, desc, err := provider.New(s)
	if err != nil {
		return nil, "", Usage(err)
	}
	return m, desc, nil
}

// ErrDone is what a Start check returns when it has done all the program
// has to do (such as printing a list): Start then returns as after -h.
var ErrDone = errors.New("cli: done")

// Start is how every example begins: it parses args and the environment
// for spec into cfg (see [Parse]), runs check — the example's own
// validation of its flags, nil for none, or ErrDone — then builds the model the
// environment selects and a printer on out, and prints the model's line.
// After -h it returns a nil printer and no error: the program is done.
// Errors are as Parse's; nothing is printed before a usage error.
func Start(spec Spec, cfg *Config, args []string, getenv func(string) string, out io.Writer, check func() error) (ai.Model, *Printer, error) {
	var done bool
	var err error
	if *cfg, done, err = Parse(spec, args, getenv, out); done || err != nil {
		return nil, nil, err
	}
	if check != nil {
		if err := check(); errors.Is(err, ErrDone) {
			return nil, nil, nil
		} else if err != nil {
			return nil, nil, err
		}
	}
	model, desc, err := NewModel(cfg.Model)
	if err != nil {
		return nil, nil, err
	}
	p := NewPrinter(out, getenv)
	if spec.Title != "" {
		p.Title("%s", spec.Title)
	}
	p.Line("%s", desc)
	return model, p, nil
}

// ServerDown is the error of a program whose model server cannot be
// reached, or answers every request with an HTTP 5xx ([ServerFault]): one
// line naming the server (its host, never a credential) or the failure it
// answered, instead of every demo failing for the same reason. Err is the
// model's error (errors.Is(err, openai.ErrUnreachable), or an
// *ai.ModelError with the 5xx status).
type ServerDown struct{ Err error }

func (s *ServerDown) Error() string {
	if me := failing(s.Err); me != nil && !errors.Is(s.Err, openai.ErrUnreachable) {
		// The server answered, with a failure: the same words the
		// single-run examples print ("openai: transient error (HTTP 500
		// Internal Server Error) [server_error]: internal boom").
		return "the model's server is failing: " + me.Error() + "; every demo needs it, so the demos stopped: fix the server, or unset OPENAI_BASE_URL and OPENAI_API_KEY for the offline model"
	}
	msg := "the model's server cannot be reached"
	var me *ai.ModelError
	if errors.As(s.Err, &me) && me.Message != "" {
		msg = me.Message // "cannot reach the server at 127.0.0.1:8080: connection refused"
	}
	return msg + "; every demo needs it, so none ran to the end: start the server, or unset OPENAI_BASE_URL and OPENAI_API_KEY for the offline model"
}

// Unwrap returns the model's error.
func (s *ServerDown) Unwrap() error { return s.Err }

// Unreachable returns a *ServerDown for an error that no HTTP answer came
// back for (openai.ErrUnreachable), else nil.
func Unreachable(err error) error {
	if err == nil || !errors.Is(err, openai.ErrUnreachable) {
		return nil
	}
	return &ServerDown{err}
}

// Reachable checks, before any demo, that model's server answers at all
// (model.Ping): a *ServerDown when it cannot be reached; the [TimedOut]
// error when the session timeout ran out during the check (a server that
// accepts connections and never answers); nil otherwise, whatever else
// the check said (the demos show it). The built-in offline model is
// always reachable.
func Reachable(ctx context.Context, model ai.Model) error {
	_, err := model.Ping(ctx)
	if err != nil && sessionTimedOut(ctx) {
		return TimedOut(ctx, "checking the model's server (model.Ping)", err)
	}
	return Unreachable(err)
}
