package guard_test

import (
	"log/slog"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
)

// benchRun is one run: a tool call, then an answer; guarded by g, or not.
func benchRun(b *testing.B, g *guard.Guards) {
	tool := textTool("fetch_page", "Prices rose 3% today; see https://example.com/prices.", true)
	a := aigentic.Agent{Model: aitest.NewNaive(aitest.NaiveOptions{}), Logger: slog.New(slog.DiscardHandler), AgentTools: []aigentic.AgentTool{tool}}
	if g != nil {
		a.Interceptors = []aigentic.Interceptor{g}
	}
	for b.Loop() {
		if _, err := a.Execute("What happened to prices? My card is on file."); err != nil {
			b.Fatal(err)
		}
	}
}

// The cost of the ready guards at the three points of a run (two model
// calls, one tool call), against the same run unguarded.
func BenchmarkRunUnguarded(b *testing.B) { benchRun(b, nil) }

func BenchmarkRunGuarded(b *testing.B) {
	benchRun(b, &guard.Guards{
		Input:      []guard.Guard{guard.CreditCards()},
		Output:     []guard.Guard{guard.Deny("internal_url", "an internal URL", internalURL)},
		ToolResult: []guard.Guard{guard.Injection(), guard.CreditCards()},
	})
}
