package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

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

// runWith runs the four demos and says which were shown.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	var store *conversation.FileStore
	model, p, err := cli.Start(spec(&cfg), &cfg.Config, args, sys.getenv, out, func() (err error) {
		if err := cfg.check(sys); err != nil {
			return err
		}
		store, err = openStore(cfg)
		return err
	})
	if p == nil {
		return err
	}
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // one line naming the server, before any turn is shown
	}
	compactor, err := window.New(windowOptions(cfg.window))
	if err != nil {
		return err
	}
	d := &desk{ctx: ctx, model: model, cfg: cfg, p: p, store: store, compactor: compactor}

	first, err := d.resume()
	if err != nil {
		return d.fatal(err)
	}
	shown := []demo{first}
	for _, demo := range []func() (demo, error){d.longConversation, d.tooSmall, d.summary} {
		s, err := demo()
		if err != nil {
			return d.fatal(err)
		}
		shown = append(shown, s)
	}
	p.Line("")
	var missing []string
	for i, s := range shown {
		if !s.shown {
			missing = append(missing, fmt.Sprintf("%d (%s)", i+1, s.name))
		}
	}
	if len(missing) == 0 {
		p.Good("Shown: all %d.", len(shown))
	} else {
		p.NotSeen("Shown: %d of %d; not shown: %s.", len(shown)-len(missing), len(shown), strings.Join(missing, ", "))
	}
	return nil
}

// openStore opens the conversation store in cfg.dir: a directory that
// cannot hold conversations is a usage error naming where it came from.
func openStore(cfg config) (*conversation.FileStore, error) {
	store, err := conversation.OpenFileStore(cfg.dir, conversation.FileLimits{})
	if err == nil {
		return store, nil
	}
	if cfg.Set["dir"] {
		return nil, cli.Usage(fmt.Errorf("-dir=%s cannot hold conversations: %w", cfg.dir, err))
	}
	return nil, cli.Usage(fmt.Errorf("the default directory %s cannot hold conversations (pass -dir DIR): %w", cfg.dir, err))
}

// desk runs the demos: one model, the program's store, compactor (for
// the window of -window) and printer.
type desk struct {
	ctx       context.Context
	model     ai.Model
	cfg       config
	p         *cli.Printer
	store     *conversation.FileStore
	compactor *window.Compactor
}

// demo is what a demo showed: its name, and whether its pattern happened.
type demo struct {
	name  string
	shown bool
}

// fatal is the program's error for a demo that could not go on: the
// session's end when it ended, a usage error naming -window when the
// user's window cannot hold the chat (not a smaller one a server named),
// the error itself otherwise.
func (d *desk) fatal(err error) error {
	var tse *window.TooSmallError
	switch {
	case d.ctx.Err() != nil:
		return fmt.Errorf("the session ended early: %w", context.Cause(d.ctx))
	case errors.As(err, &tse) && tse.Window == d.cfg.window && d.cfg.Set["window"]:
		return cli.Usage(fmt.Errorf("-window=%d is too small for this chat: %w", d.cfg.window, err))
	}
	return err
}

// windowOptions are the compactor's options for a window of win tokens.
// Reserve is left at its default, a quarter of the window the compactor
// uses (at most 4,096 tokens: see reserve), so that a window learned
// from a server's refusal keeps a quarter of that window, not of win.
func windowOptions(win int) window.Options {
	return window.Options{Window: win}
}

// reserve is the part of a window of win tokens the compactor keeps for
// the answer when Options.Reserve is 0: a quarter, at most 4,096 tokens
// (window.Options.Reserve documents the rule).
func reserve(win int) int { return min(4096, win/4) }

// chat returns the chat of conversation id in store, kept within the
// window by compactor, with the program's log.
func (d *desk) chat(store conversation.Store, id string, compactor *window.Compactor) (*Chat, error) {
	c, err := newChat(d.model, store, id, compactor)
	if err != nil {
		return nil, err
	}
	c.agent.LogLevel, c.agent.Logger = d.cfg.Log.Level, d.p.Logger(d.cfg.Log)
	return c, nil
}

// heading starts demo n.
func (d *desk) heading(n int, title string) {
	d.p.Line("")
	d.p.Title("%d. %s", n, title)
}
