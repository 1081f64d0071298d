package window_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// A run that reads more pages than its model's window holds: the
// compactor clips the pages the model has already answered to, says so
// in a Decision, and the run's own transcript keeps every page whole.
func Example() {
	compactor, err := window.New(window.Options{Window: 2_000})
	if err != nil {
		fmt.Println(err)
		return
	}
	type page struct {
		URL string `json:"url"`
	}
	fetch := aigentic.NewTool("fetch", "Fetch a page.", func(_ *aigentic.AgentRun, p page) (string, error) {
		return strings.Repeat("Lorem ipsum dolor sit amet. ", 100), nil // ≈700 tokens
	})
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("fetch", `{"url":"a"}`)),
		aitest.CallTools(aitest.Call("fetch", `{"url":"b"}`)),
		aitest.CallTools(aitest.Call("fetch", `{"url":"c"}`)),
		aitest.Reply("Three pages read."))
	show := hook.ObserverFunc(func(ctx context.Context, step hook.Step) context.Context {
		if d, ok := step.(*hook.Decision); ok {
			fmt.Printf("%s, %s: %s\n", d.Step, d.Action, d.Reason)
		}
		return ctx
	})
	run, err := aigentic.Agent{Model: model, Instructions: "Read the pages asked for.",
		AgentTools: []aigentic.AgentTool{fetch}, Interceptors: []aigentic.Interceptor{compactor},
		Observers: []aigentic.Observer{show}, Logger: slog.New(slog.DiscardHandler)}.Start("Read pages a, b and c.")
	if err != nil {
		fmt.Println(err)
		return
	}
	for range run.Next() {
	}
	answer, err := run.Wait(0)
	fmt.Println(answer, err)
	reqs := model.Requests()
	fmt.Printf("messages of the last request: ≈%d tokens; of the run's transcript: ≈%d tokens\n",
		window.MessagesTokens(reqs[len(reqs)-1].Messages), window.MessagesTokens(run.Messages()))
	// Output:
	// model call 3, compact: the prompt would not fit: ≈1508 → ≈951 tokens for a window of 2000 (500 kept for the answer): clipped 1 old tool result
	// model call 4, compact: the prompt would not fit: ≈2232 → ≈1118 tokens for a window of 2000 (500 kept for the answer): clipped 1 old tool result
	// Three pages read. <nil>
	// messages of the last request: ≈1079 tokens; of the run's transcript: ≈2202 tokens
}
