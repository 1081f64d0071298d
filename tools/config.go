package main

import (
	"flag"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	now    time.Time // zero: the real clock
	stream bool
}

// spec is the command line: the shared flags, -now and -stream (now
// receives -now's text, checked by parseNow).
func spec(c *config, now *string) cli.Spec {
	return cli.Spec{
		Name:     "tools",
		Summary:  "Asks an agent with two production-ready tools: a hardened calculator built\nwith aigentic.NewTool, and a current-time tool built by hand with a JSON schema.",
		Question: DefaultQuestion,
		Timeout:  2 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(now, "now", "", "pretend the current time is this RFC 3339 `time`, such as 2026-03-02T15:04:05Z (reproducible output)")
			fs.BoolVar(&c.stream, "stream", false, "print the answer as it arrives (Agent.Stream)")
		},
	}
}

// parseNow sets c.now from -now's text ("" leaves the real clock).
func (c *config) parseNow(now string) error {
	if now == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, now)
	if err != nil {
		return cli.Usagef("-now=%q is not valid: use an RFC 3339 time such as 2026-03-02T15:04:05Z", now)
	}
	c.now = t
	return nil
}
