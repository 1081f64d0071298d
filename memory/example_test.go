package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// noColor is an environment with NO_COLOR set.
func noColor(k string) string {
	if k == "NO_COLOR" {
		return "1"
	}
	return ""
}

// A later run recalls what an earlier one saved: the offline model looks
// the fact up with get_memory and its answer names it, so the verdict
// holds. The store here is in memory; the program's is a file.
func Example_recall() {
	ctx := context.Background()
	store := memstore.NewMemStore()
	_ = store.Save(ctx, "default", "favourite colour", "blue") // what an earlier run saved
	mem, _ := memstore.NewMemory(store, memstore.WithNamespace("default"))
	p := cli.NewPrinter(os.Stdout, noColor)
	before, _ := store.List(ctx, "default")

	t, err := turn(ctx, newAgent(offline.NewModel(), mem), store, "default", 1, DemoRecall, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	recallVerdict(p, "the store", before, t.reads, []string{t.answer})
	// Output:
	// [1] You: Look up my "favourite colour" in memory.
	//   → get_memory {"name":"favourite colour"}
	//   ← get_memory: favourite colour = blue
	// [1] Agent: The get_memory tool (name: "favourite colour") returned: favourite colour = blue
	// [1] Saved memories: favourite colour = blue
	//
	// ✓ The answer used what an earlier run saved: it names "blue", which get_memory read from the store.
}

// A model that reads the memory and answers without it — what a tiny
// model on llama-server did — does not show recall, and the verdict says
// so.
func Example_recallNotUsed() {
	ctx := context.Background()
	store := memstore.NewMemStore()
	_ = store.Save(ctx, "default", "favourite colour", "blue")
	mem, _ := memstore.NewMemory(store, memstore.WithNamespace("default"))
	p := cli.NewPrinter(os.Stdout, noColor)
	before, _ := store.List(ctx, "default")
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{}`)), aitest.Reply("The task is complete."))

	t, err := turn(ctx, newAgent(model, mem), store, "default", 1, DemoRecall, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	recallVerdict(p, "the store", before, t.reads, []string{t.answer})
	// Output:
	// [1] You: Look up my "favourite colour" in memory.
	//   → get_memory {}
	//   ← get_memory: Saved memories (1): - favourite colour = blue
	// [1] Agent: The task is complete.
	// [1] Saved memories: favourite colour = blue
	//
	// – get_memory read what an earlier run saved (favourite colour = blue), but the answer does not name "blue": this model did not use it (The task is complete.).
}
