package aigentic_test

import (
	"context"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// RunInfo.Priced tells an observer whether Stats.CostUSD means anything:
// set exactly when the agent has a Pricing.
func TestRunInfoPricedIsWhetherTheAgentHasPricing(t *testing.T) {
	for _, pricing := range []*aigentic.Pricing{nil, {InputPerMTok: 1}} {
		var priced []bool
		agent := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("ok")), Pricing: pricing, Logger: discardLogger(),
			Observers: []aigentic.Observer{hook.ObserverFunc(func(ctx context.Context, s hook.Step) context.Context {
				if rs, ok := s.(*hook.RunStart); ok {
					priced = append(priced, rs.Run.Priced)
				}
				return ctx
			})}}
		if _, err := agent.Execute("hi"); err != nil {
			t.Fatal(err)
		}
		if want := pricing != nil; len(priced) != 1 || priced[0] != want {
			t.Errorf("with Pricing %v the observer saw Priced %v, want [%t]", pricing, priced, want)
		}
	}
}
