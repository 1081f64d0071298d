package main

import (
	"flag"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	// failResearcher makes the researcher's model fail (HTTP 503 on every
	// attempt) to show a sub-agent failure reaching the coordinator.
	failResearcher bool
	// runaway makes every agent's model call a tool on every answer: the
	// loop the run tree's budget stops.
	runaway bool
}

func spec(c *config) cli.Spec {
	return cli.Spec{
		Name:         "multi-agent",
		Summary:      "A coordinator delegating to two sub-agents, a researcher and a writer: one\nsession, one log level and one trace directory for the whole team.",
		Question:     defaultQuestion,
		QuestionHelp: "the request for the coordinator",
		Timeout:      2 * time.Minute,
		TraceDir:     true,
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&c.failResearcher, "fail-researcher", false, "make the researcher's model fail (HTTP 503 on every attempt) to see the coordinator handle it")
			fs.BoolVar(&c.runaway, "runaway", false, "make every agent's model call a tool on every answer, to see the team's budget stop the whole tree")
		},
	}
}
