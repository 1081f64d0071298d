package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
)

// The bounds of -window, in tokens: the largest published windows are
// about 2 million tokens (window.DefaultWindows).
const (
	defaultWindow = 2048
	maxWindow     = 10_000_000
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	// user names the conversation: its file is <dir>/<user>.json.
	user string
	// dir is the directory of the conversation files.
	dir string
	// window is the context window the chat keeps to, in tokens.
	window int
	// reset forgets the stored conversation first.
	reset bool
}

// spec is the command line: the shared flags, -user, -dir, -window and
// -reset.
func spec(c *config) cli.Spec {
	return cli.Spec{
		Name: "chat",
		Summary: "A support chat whose conversation outlives the process (run it twice: the\n" +
			"second run resumes it) and whose model calls stay inside a small context\n" +
			"window: old tool results clipped, the oldest turns left out or summarised,\n" +
			"a window too small refused before anything is sent.",
		Question:     DemoFollowUp,
		QuestionHelp: "the question to ask in the stored conversation (a first run without -q asks the demo's two)",
		Timeout:      2 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(&c.user, "user", "ana", "whose conversation: a `name` of a-z, 0-9, _ and -; its file is <dir>/<name>.json")
			fs.StringVar(&c.dir, "dir", "", "`dir`ectory of the conversation files (default <user config dir>/aigentic-examples/chat)")
			fs.IntVar(&c.window, "window", defaultWindow, fmt.Sprintf("the context window the chat keeps to, in `tokens` (1 to %d)", maxWindow))
			fs.BoolVar(&c.reset, "reset", false, "forget the stored conversation first (a corrupt file is moved aside)")
		},
	}
}

// check validates the example's own flags, and defaults the directory.
func (c *config) check(sys system) error {
	if err := conversation.ValidateID(c.user); err != nil {
		return cli.Usagef("-user=%q is not valid: use 1-64 characters: lower-case letters a-z, digits, _ and -", c.user)
	}
	if c.window < 1 || c.window > maxWindow {
		return cli.Usagef("-window=%d is not valid: use a number of tokens from 1 to %d, such as %d", c.window, maxWindow, defaultWindow)
	}
	if strings.TrimSpace(c.dir) == "" && c.Set["dir"] {
		return cli.Usagef("-dir is empty: give a directory")
	}
	if c.dir == "" {
		dir, err := cli.DataDir(sys.userConfigDir, "chat", "conversations", "dir")
		if err != nil {
			return err
		}
		c.dir = dir
	}
	return nil
}
