// Command chat shows a support chat that keeps its conversation across
// runs and process restarts (package aigentic/conversation, a file store)
// and keeps every model call inside a deliberately small context window
// (package aigentic/window): old, large tool results clipped, the oldest
// turns left out — or summarised — with the figures before and after,
// while the customer's latest question and the tool results it is waiting
// on are always sent whole; a window too small even for the instructions
// is refused before anything is sent, and nothing stored is lost.
//
//	go run ./chat                  # a conversation stored under your config directory
//	go run ./chat                  # again: the new process resumes it
//	go run ./chat -window 4096 -q "Who signed for order 1043?"
//	go run ./chat -reset           # forget it and start afresh
//
// It runs on the built-in offline model unless OPENAI_API_KEY (or
// OPENAI_BASE_URL) is set.
package main

import (
	"os"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The stored conversation's questions: a first run (nothing stored) asks
// DemoFirst; a later run asks DemoFollowUp (the default of -q), which only
// the earlier turns can answer.
var DemoFirst = []string{
	"Hi, I'm Ana. Where is my order 1042?",
	"Show me the tracking log of order 1042, please.",
}

// DemoFollowUp is asked in a conversation an earlier run stored.
const DemoFollowUp = "Which order did I ask you about before, and who signed for it?"

func main() {
	if err := run(cli.SignalContext(), os.Args[1:], os.Stdout); err != nil {
		cli.Exit(err) // the error on one line; os.Exit(cli.ExitCode(err))
	}
}
