package aigentic

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// hammer calls take 640 times from 64 goroutines and counts the grants.
func hammer(take func() bool) int {
	var n atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if take() {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return int(n.Load())
}

// Many goroutines drawing from a chain of two budgets: exactly the smaller
// limit's worth is granted, and a refusal by the outer budget gives back
// what the inner one had taken.
func TestBudgetReservationsAreExactUnderConcurrency(t *testing.T) {
	own := &budgetState{owner: "sub", limits: Budget{MaxLLMCalls: 100, MaxToolCalls: 100}}
	root := &budgetState{owner: "root", limits: Budget{MaxLLMCalls: 50}}
	chain := budgets{own, root}
	if n := hammer(func() bool { chain.charge(ai.Usage{InputTokens: 1}, 0.5); return chain.reserveModelCall() == nil }); n != 50 || own.calls != 50 || root.calls != 50 {
		t.Fatalf("model calls granted %d; own %d, root %d", n, own.calls, root.calls)
	}
	if own.usage.InputTokens != 640 || root.usage.InputTokens != 640 || root.costUSD != 320 {
		t.Fatalf("usage own %+v, root %+v $%v", own.usage, root.usage, root.costUSD)
	}

	own = &budgetState{owner: "sub", limits: Budget{MaxToolCalls: 100}}
	root = &budgetState{owner: "root", limits: Budget{MaxToolCalls: 30}}
	chain = budgets{own, root}
	if n := hammer(func() bool { return chain.reserveToolCall() == nil }); n != 30 || own.tools != 30 || root.tools != 30 {
		t.Fatalf("tool calls granted %d; own %d, root %d", n, own.tools, root.tools)
	}
	// Exceeded is sticky: the root now refuses model calls too.
	if s := chain.reserveModelCall(); s == nil || s.limit != LimitBudgetToolCalls || s.state != root || own.calls != 0 {
		t.Fatalf("after exhaustion: %+v, own calls %d", s, own.calls)
	}
}
