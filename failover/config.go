package main

import (
	"flag"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The bounds of the example's own flags.
const (
	maxFailures    = 10
	maxOpenTimeout = 10 * time.Minute
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	// failures is the breaker's FailureThreshold, and the number of 503s
	// injected in front of the primary: the outage.
	failures int
	// openTimeout is how long the open breaker fails fast.
	openTimeout time.Duration
}

// spec is the command line: the shared flags, -failures and -open-timeout.
func spec(c *config) cli.Spec {
	return cli.Spec{
		Name:     "failover",
		Summary:  "An agent on a failover list: the primary fails with HTTP 503s, its circuit\nbreaker opens, the fallback answers; later the breaker half-opens and the\nprimary answers again.",
		Question: defaultQuestion,
		Timeout:  2 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&c.failures, "failures", 2, "how many 503s the primary returns, and how many in a row open its breaker (1 to 10)")
			fs.DurationVar(&c.openTimeout, "open-timeout", 2*time.Second, "how long the open breaker fails fast before it half-opens, a Go `duration`")
		},
	}
}

// check checks the example's own flags.
func (c *config) check() error {
	if c.failures < 1 || c.failures > maxFailures {
		return cli.Usagef("-failures=%d is not valid: use 1 to %d", c.failures, maxFailures)
	}
	if c.openTimeout <= 0 || c.openTimeout > maxOpenTimeout {
		return cli.Usagef("-open-timeout=%s is not valid: use a Go duration greater than 0 and at most %s, such as 2s", c.openTimeout, maxOpenTimeout)
	}
	return nil
}
