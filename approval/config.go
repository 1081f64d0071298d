package main

import (
	"flag"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	// approve is the decision when standard input is not a terminal.
	approve bool
	// approvalTimeout is how long an approval request waits; no answer is
	// a denial.
	approvalTimeout time.Duration
}

// spec is the command line: the shared flags, -approve (its text into
// approve, checked by check) and -approval-timeout.
func spec(c *config, approve *string) cli.Spec {
	return cli.Spec{
		Name:         "approval",
		Summary:      "An agent whose send_email tool needs a person's approval: asked at the\nterminal, or decided by -approve when standard input is not one.",
		Question:     defaultQuestion,
		QuestionHelp: "the request for the agent",
		Timeout:      10 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.StringVar(approve, "approve", "no", "the decision, `yes|no`, when standard input is not a terminal")
			fs.DurationVar(&c.approvalTimeout, "approval-timeout", defaultApprovalTimeout, "how long an approval request waits for an answer, a Go `duration`; no answer counts as denied")
		},
	}
}

// check reads -approve and checks -approval-timeout.
func (c *config) check(approve string) error {
	switch strings.ToLower(strings.TrimSpace(approve)) {
	case "yes":
		c.approve = true
	case "no":
	default:
		return cli.Usagef("-approve=%q is not valid: use yes or no", approve)
	}
	if c.approvalTimeout <= 0 {
		return cli.Usagef("-approval-timeout=%s is not valid: use a Go duration greater than 0, such as 30s or 2m", c.approvalTimeout)
	}
	return nil
}
