package aigentic

import "github.com/nexxia-ai/aigentic-examples/aigentic/ai"

// Pricing is what a model's tokens cost, in US dollars per one million
// tokens. Providers publish list prices per million tokens (OpenAI's
// pricing page, for one); they change, so callers supply them rather than
// the runtime guessing. A nil *Pricing means the cost is unknown.
type Pricing struct {
	// InputPerMTok is the price of one million input (prompt) tokens, USD.
	InputPerMTok float64
	// OutputPerMTok is the price of one million output (completion)
	// tokens, USD.
	OutputPerMTok float64
}

// Cost is the estimated cost of usage in US dollars. A nil Pricing costs
// 0; check for nil to tell "free" from "unknown".
func (p *Pricing) Cost(u ai.Usage) float64 {
	if p == nil {
		return 0
	}
	return (float64(u.InputTokens)*p.InputPerMTok + float64(u.OutputTokens)*p.OutputPerMTok) / 1e6
}
